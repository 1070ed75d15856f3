//! The page side of "Break it": a counterexample search spread over Web
//! Workers (one per core, at most [`MAX_WORKERS`]), each running slices of
//! [`CHUNK`] runs in this lab's own wasm ([`crate::explore`]). Slices go
//! out in order and the lowest failing run wins once every slice below it
//! is back, so the answer is the one `faultline explore` gives for the
//! same scenario, seed and budget, however many workers ran it.

use crate::perf::wall_ms;
use faultline_core::{Scenario, Time};
use gloo::events::EventListener;
use serde_json::Value;
use wasm_bindgen::JsCast;
use yew::Callback;

/// Runs per slice a worker is handed.
const CHUNK: u64 = 8;
/// Most workers a search starts.
const MAX_WORKERS: usize = 4;

/// What the search looks for and how long.
#[derive(Clone, Debug, PartialEq)]
pub struct Goal {
    /// The scenario searched from.
    pub scenario: Scenario,
    /// The property looked for (any, if `None`).
    pub property: Option<&'static str>,
    /// Most runs.
    pub budget: u64,
}

/// A counterexample, shrunk.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    /// The run that failed (0-based).
    pub run: u64,
    /// Commands in that run's schedule before shrinking.
    pub commands_before: usize,
    /// The shrunk scenario.
    pub scenario: Scenario,
    /// The property broken.
    pub property: String,
    /// When, in virtual time.
    pub at: Time,
    /// What the checker said.
    pub detail: String,
}

/// Where a search stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// None started.
    Idle,
    /// Running: runs done so far, and runs per second.
    Running {
        /// Runs done.
        done: u64,
        /// Runs per second so far.
        rate: f64,
    },
    /// Found one.
    Found(Box<Found>),
    /// Every run passed.
    Clean {
        /// Runs done.
        runs: u64,
    },
    /// Stopped by the reader.
    Stopped {
        /// Runs done.
        runs: u64,
    },
    /// The search could not run.
    Failed(String),
}

/// A running search.
pub struct Hunt {
    workers: Vec<web_sys::Worker>,
    listeners: Vec<EventListener>,
    /// The request every slice shares, up to its runs: `{"scenario": …,
    /// "seed": …, "properties": […], ` (each slice adds `"from", "to"`).
    request: String,
    budget: u64,
    next: u64,
    /// Slices out, by first run (a few: one per worker).
    out: Vec<u64>,
    done: u64,
    best: Option<Found>,
    started: f64,
    /// Where it stands.
    pub status: Status,
}

/// A worker's answer: which worker, and the JSON it posted.
pub type Reply = (usize, String);

impl Hunt {
    /// Starts a search for `goal` in `lab`'s workers; answers come back
    /// through `on_reply`.
    pub fn start(lab: &str, goal: &Goal, on_reply: Callback<Reply>) -> Hunt {
        let scenario = serde_json::to_string(&goal.scenario).unwrap_or_default();
        let property = goal.property.map_or(String::new(), |p| format!("{p:?}"));
        let request = format!(
            r#"{{"scenario":{scenario},"seed":{},"properties":[{property}],"#,
            goal.scenario.seed
        );
        let mut hunt = Hunt {
            workers: Vec::new(),
            listeners: Vec::new(),
            request,
            budget: goal.budget,
            next: 0,
            out: Vec::new(),
            done: 0,
            best: None,
            started: wall_ms(),
            status: Status::Running { done: 0, rate: 0.0 },
        };
        let count = web_sys::window()
            .map_or(1.0, |w| w.navigator().hardware_concurrency())
            .clamp(1.0, MAX_WORKERS as f64) as usize;
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let url = format!("./{lab}/search-worker.js");
        for i in 0..count {
            let worker = match web_sys::Worker::new_with_options(&url, &options) {
                Ok(w) => w,
                Err(_) => {
                    hunt.fail("this browser cannot start the search's worker");
                    return hunt;
                }
            };
            let reply = on_reply.clone();
            hunt.listeners
                .push(EventListener::new(&worker, "message", move |e| {
                    let data = e
                        .dyn_ref::<web_sys::MessageEvent>()
                        .and_then(|m| m.data().as_string())
                        .unwrap_or_default();
                    reply.emit((i, data));
                }));
            let reply = on_reply.clone();
            hunt.listeners
                .push(EventListener::new(&worker, "error", move |_| {
                    reply.emit((
                        i,
                        r#"{"error":"the search's worker failed to load"}"#.into(),
                    ));
                }));
            hunt.workers.push(worker);
        }
        for i in 0..count {
            hunt.hand_out(i);
        }
        hunt
    }

    /// Whether it still runs.
    pub fn running(&self) -> bool {
        matches!(self.status, Status::Running { .. })
    }

    /// Takes worker `i`'s answer; hands it the next slice.
    pub fn on_reply(&mut self, (i, text): Reply) {
        if !self.running() {
            return;
        }
        let answer: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if let Some(e) = answer.get("error").and_then(Value::as_str) {
            self.fail(e);
            return;
        }
        let (Some(from), Some(to)) = (answer["from"].as_u64(), answer["to"].as_u64()) else {
            self.fail("the search's worker answered something unreadable");
            return;
        };
        self.out.retain(|&f| f != from);
        self.done += to - from;
        if !answer["found"].is_null() {
            let Some(found) = found_of(&answer["found"]) else {
                self.fail("the search's worker sent a counterexample it could not explain");
                return;
            };
            if self.best.as_ref().is_none_or(|b| found.run < b.run) {
                self.best = Some(found);
            }
        }
        let elapsed = ((wall_ms() - self.started) / 1000.0).max(1e-3);
        self.status = Status::Running {
            done: self.done,
            rate: self.done as f64 / elapsed,
        };
        self.hand_out(i);
        self.settle();
    }

    /// Stops the search where it is.
    pub fn stop(&mut self) {
        if self.running() {
            self.status = Status::Stopped { runs: self.done };
        }
        self.end();
    }

    /// The next slice below the budget (and below the best failure so
    /// far) to worker `i`.
    fn hand_out(&mut self, i: usize) {
        let limit = self.best.as_ref().map_or(self.budget, |b| b.run);
        if self.next >= limit {
            return;
        }
        let (from, to) = (self.next, (self.next + CHUNK).min(limit));
        self.next = to;
        let request = format!(r#"{}"from":{from},"to":{to}}}"#, self.request);
        let posted = self.workers[i].post_message(&request.into());
        if posted.is_err() {
            self.fail("the search's worker refused a message");
            return;
        }
        self.out.push(from);
    }

    /// Ends the search once nothing below its answer is still out.
    fn settle(&mut self) {
        let lowest_out = self.out.iter().min().copied();
        match &self.best {
            Some(best) if lowest_out.is_none_or(|f| f > best.run) => {
                self.status = Status::Found(Box::new(best.clone()));
                self.end();
            }
            None if lowest_out.is_none() && self.next >= self.budget => {
                self.status = Status::Clean { runs: self.done };
                self.end();
            }
            _ => {}
        }
    }

    fn fail(&mut self, why: &str) {
        self.status = Status::Failed(why.to_string());
        self.end();
    }

    /// Stops every worker (their memory goes with them).
    fn end(&mut self) {
        for w in self.workers.drain(..) {
            w.terminate();
        }
        self.listeners.clear();
    }
}

impl Drop for Hunt {
    fn drop(&mut self) {
        self.end();
    }
}

/// A worker's `found`, read.
fn found_of(v: &Value) -> Option<Found> {
    let violation = &v["violation"];
    Some(Found {
        run: v["run"].as_u64()?,
        commands_before: v["commands_before"].as_u64()? as usize,
        scenario: Scenario::from_json(&v["scenario"].to_string()).ok()?,
        property: violation["invariant"].as_str()?.to_string(),
        at: Time((violation["at_ms"].as_f64()? * 1000.0).round() as u64),
        detail: violation["detail"].as_str()?.to_string(),
    })
}
