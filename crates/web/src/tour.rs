//! Guided tours: a narrated walk through one protocol, a few steps long.
//!
//! A tour is a base scenario and a list of steps, stored as JSON in
//! `www/tours/<protocol>.json` and fetched from `tours/<protocol>.json` when
//! it opens (every lab compiled in has one). Each step has a title, a
//! narration, a "now you try" prompt, the commands it adds (entries of the
//! scenario format's `schedule`) and the virtual time it runs to. Runs are
//! deterministic, so step k's state is the base scenario plus the commands of
//! steps 1..=k, run to step k's time: going back rebuilds it exactly, and
//! whatever the reader did in between is discarded. A step with a
//! `scenario` of its own starts a chapter: from it on, steps build on that
//! scenario instead, and time starts again from 0.

use faultline_core::read::{duplicate_key, locate, ReadJson, Reader};
use faultline_core::{Scenario, ScenarioError, Time};

/// A tour as stored: `title`, `scenario` and `steps`, all required.
#[derive(Clone, Debug, PartialEq)]
pub struct Tour {
    /// The tour's id: its protocol's name (`raft`); not in the file.
    pub id: &'static str,
    /// A title for the tour.
    pub title: String,
    /// The base scenario (the scenario format), before any step's commands.
    pub scenario: serde_json::Value,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// The fields of a tour.
const TOUR_FIELDS: &[&str] = &["title", "scenario", "steps"];

/// One step of a tour: `title`, `text`, `try` and `at_ms`, required, and
/// `commands`, `scenario` and `claims`, which may be left out. `claims`
/// (`[{"eventually": "a leader"}, {"sometimes": "a stale read"}]`, names
/// from the protocol's [`faultline_core::registry::Entry::CLAIMS`]) are
/// what the narration promises of the step's run over time, whatever the
/// seed: the test suite checks them; the lab does not read them.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// A short title.
    pub title: String,
    /// What happened, in a few sentences.
    pub text: String,
    /// One thing for the reader to try before moving on (`try`).
    pub try_this: String,
    /// The virtual time the step runs to, in ms.
    pub at_ms: f64,
    /// The commands the step adds (the scenario format's schedule entries).
    pub commands: Vec<serde_json::Value>,
    /// A scenario that starts a new chapter at this step, in place of the
    /// tour's (and the previous chapter's) scenario and commands.
    pub scenario: Option<serde_json::Value>,
}

impl ReadJson for Step {
    fn read(r: &Reader<'_>) -> Result<Self, ScenarioError> {
        let o = r.object(&[
            "title", "text", "try", "at_ms", "commands", "scenario", "claims",
        ])?;
        Ok(Step {
            title: o.req("title")?,
            text: o.req("text")?,
            try_this: o.req("try")?,
            at_ms: o.req("at_ms")?,
            commands: o.field("commands")?.unwrap_or_default(),
            scenario: o.field("scenario")?,
        })
    }
}

/// Reads a tour's text: JSON, with no key written twice in the tour or in
/// a step (the scenario and the commands are read as the scenario format
/// reads them, when a step is built).
fn read(json: &str) -> Result<Tour, ScenarioError> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| {
        ScenarioError::at(
            locate(json, e.line(), e.column(), TOUR_FIELDS),
            e.to_string(),
        )
    })?;
    if let Some((path, key, line, column)) = duplicate_key(json, &["steps[]"]) {
        return Err(ScenarioError::at(
            path,
            format!("duplicate field `{key}` at line {line} column {column}"),
        ));
    }
    let r = Reader::new(&value, "");
    let o = r.object(TOUR_FIELDS)?;
    Ok(Tour {
        id: "",
        title: o.req("title")?,
        scenario: o.req("scenario")?,
        steps: o.req("steps")?,
    })
}

/// The id of every tour there is on this page (its labs' protocol names),
/// or what is wrong with `id`.
fn known(id: &str) -> Result<&'static str, String> {
    crate::labs::LABS
        .iter()
        .map(|e| e.protocol.as_str())
        .find(|t| *t == id)
        .ok_or_else(|| {
            let known: Vec<&str> = crate::labs::LABS
                .iter()
                .map(|e| e.protocol.as_str())
                .collect();
            format!(
                "tour: there is no tour \"{id}\" (tours: {})",
                known.join(", ")
            )
        })
}

/// Parses tour `id`'s JSON, or says what is wrong with it.
fn parse(id: &'static str, json: &str) -> Result<Tour, String> {
    let mut tour = read(json).map_err(|e| format!("tour {id}: {e}"))?;
    tour.id = id;
    if tour.steps.is_empty() {
        return Err(format!("tour {id}: it has no steps"));
    }
    Ok(tour)
}

/// The tour with this id, fetched, or what is wrong with it.
pub async fn fetch(id: &str) -> Result<Tour, String> {
    let id = known(id)?;
    let json = crate::fetch::text(&format!("tours/{id}.json"))
        .await
        .map_err(|e| format!("tour {id} could not be fetched: {e}"))?;
    parse(id, &json)
}

/// The tour with this id, read from `www/tours` (for tests).
#[cfg(test)]
pub fn load(id: &str) -> Result<Tour, String> {
    let id = known(id)?;
    let path = format!("{}/../../www/tours/{id}.json", env!("CARGO_MANIFEST_DIR"));
    let json = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    parse(id, &json)
}

impl Tour {
    /// The first step of the chapter step `k` is in.
    pub fn chapter_of(&self, k: usize) -> usize {
        (0..=k.min(self.steps.len().saturating_sub(1)))
            .rev()
            .find(|&j| self.steps[j].scenario.is_some())
            .unwrap_or(0)
    }

    /// The scenario of step `k` (0-based): its chapter's scenario (the
    /// tour's, for the first) with the commands of the chapter's steps up to
    /// `k` appended to its schedule.
    pub fn scenario_at(&self, k: usize) -> Result<Scenario, String> {
        self.step(k)?;
        let start = self.chapter_of(k);
        let mut value = self.steps[start]
            .scenario
            .clone()
            .unwrap_or_else(|| self.scenario.clone());
        let Some(base) = value.as_object_mut() else {
            return Err(format!("tour {}: scenario: not a JSON object", self.id));
        };
        let schedule = base
            .entry("schedule")
            .or_insert_with(|| serde_json::Value::Array(Vec::new()));
        let Some(schedule) = schedule.as_array_mut() else {
            return Err(format!("tour {}: scenario.schedule: not an array", self.id));
        };
        schedule.extend(
            self.steps[start..=k]
                .iter()
                .flat_map(|s| s.commands.iter().cloned()),
        );
        Scenario::from_json(&value.to_string()).map_err(|e| self.at_step(k, e))
    }

    /// An error about step `k`, naming the tour and the step.
    fn at_step(&self, k: usize, e: impl std::fmt::Display) -> String {
        format!("tour {} step {}: {e}", self.id, k + 1)
    }

    /// The simulation of step `k`, built and run to the step's time (the
    /// lab loads [`Tour::scenario_at`] and runs to [`Tour::time_at`]).
    #[cfg(test)]
    pub fn sim_at(&self, k: usize) -> Result<faultline_core::AnySim, String> {
        let scenario = self.scenario_at(k)?;
        let mut sim = crate::running::build(&scenario).map_err(|e| self.at_step(k, e))?;
        sim.run_until(self.time_at(k));
        Ok(sim)
    }

    /// The virtual time step `k` runs to (the end of the last step past it).
    pub fn time_at(&self, k: usize) -> Time {
        let step = &self.steps[k.min(self.steps.len() - 1)];
        Time::from_ms_f64(step.at_ms)
    }

    /// Step `k`, or a clear error if there is none.
    fn step(&self, k: usize) -> Result<&Step, String> {
        self.steps.get(k).ok_or_else(|| {
            format!(
                "tour {}: there is no step {} (it has {})",
                self.id,
                k + 1,
                self.steps.len()
            )
        })
    }
}

#[cfg(test)]
mod tests;
