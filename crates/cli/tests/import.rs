//! `faultline import shiviz` on ShiViz's own example logs, on a run the lab
//! exports, on a generated log of 100,000 events, and on bad input.

use faultline_core::protocols::raft::Raft;
use faultline_core::spacetime::Diagram;
use faultline_core::{Scenario, Sim, SimConfig};
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Command;

fn faultline(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn example(name: &str) -> String {
    format!("{}/tests/shiviz/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// An event as the test reads it back: host, clock, text.
#[derive(Debug, PartialEq)]
struct Ev {
    host: String,
    clock: BTreeMap<String, u64>,
    text: String,
}

struct Imported {
    hosts: Vec<String>,
    events: Vec<Ev>,
    messages: Vec<(usize, usize)>,
    skipped: u64,
}

fn import(file: &str, regex: Option<&str>) -> Imported {
    let mut args = vec!["import", "shiviz", file];
    if let Some(rx) = regex {
        args.extend(["--regex", rx]);
    }
    let out = faultline(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "one JSON object");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    let events = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| Ev {
            host: e["host"].as_str().unwrap().into(),
            clock: serde_json::from_value(e["clock"].clone()).unwrap(),
            text: e["text"].as_str().unwrap().into(),
        })
        .collect();
    let messages = v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m[0].as_u64().unwrap() as usize,
                m[1].as_u64().unwrap() as usize,
            )
        })
        .collect();
    Imported {
        hosts: strings(&v["hosts"]),
        events,
        messages,
        skipped: v["skipped"].as_u64().unwrap(),
    }
}

/// Program order plus the messages give exactly the clocks' happened-before
/// relation: `a` reaches `b` iff `b`'s clock counts `a`.
fn check_happened_before(log: &Imported) {
    let n = log.events.len();
    let own = |e: &Ev| e.clock[&e.host];
    let mut next: Vec<Vec<usize>> = vec![Vec::new(); n];
    let at: BTreeMap<(&str, u64), usize> = log
        .events
        .iter()
        .enumerate()
        .map(|(i, e)| ((e.host.as_str(), own(e)), i))
        .collect();
    for (i, e) in log.events.iter().enumerate() {
        if let Some(&j) = at.get(&(e.host.as_str(), own(e) + 1)) {
            next[i].push(j);
        }
    }
    for &(f, t) in &log.messages {
        assert_ne!(
            log.events[f].host, log.events[t].host,
            "a message between hosts"
        );
        next[f].push(t);
    }
    for a in 0..n {
        let mut seen = vec![false; n];
        let mut stack = vec![a];
        while let Some(i) = stack.pop() {
            for &j in &next[i] {
                if !std::mem::replace(&mut seen[j], true) {
                    stack.push(j);
                }
            }
        }
        let ea = &log.events[a];
        for (b, eb) in log.events.iter().enumerate() {
            let by_clock = a != b && eb.clock.get(&ea.host).copied().unwrap_or(0) >= own(ea);
            assert_eq!(seen[b], by_clock, "events {a} and {b}");
        }
    }
}

/// The events a log holds, read without the importer: `(host, clock)` per
/// line that `pick` finds them on.
fn independent(
    file: &str,
    pick: impl Fn(&str, &str) -> Option<(String, String)>,
) -> Vec<(String, BTreeMap<String, u64>)> {
    let text = std::fs::read_to_string(file).unwrap();
    let lines: Vec<&str> = text.lines().chain([""]).collect();
    lines
        .windows(2)
        .filter_map(|w| pick(w[0], w[1]))
        .map(|(host, clock)| {
            let c: BTreeMap<String, u64> = serde_json::from_str(&clock).unwrap();
            (host, c.into_iter().filter(|(_, v)| *v > 0).collect())
        })
        .collect()
}

fn check_example(
    name: &str,
    regex: Option<&str>,
    pick: impl Fn(&str, &str) -> Option<(String, String)>,
) -> Imported {
    let file = example(name);
    let log = import(&file, regex);
    let want = independent(&file, pick);
    let got: Vec<(String, BTreeMap<String, u64>)> = log
        .events
        .iter()
        .map(|e| (e.host.clone(), e.clock.clone()))
        .collect();
    assert_eq!(got, want, "{name}: the events, in order");
    let mut hosts: Vec<String> = Vec::new();
    for (h, _) in &want {
        if !hosts.contains(h) {
            hosts.push(h.clone());
        }
    }
    assert_eq!(log.hosts, hosts, "{name}: the hosts");
    check_happened_before(&log);
    log
}

#[test]
fn shivizs_simpledb_example_imports_with_its_hosts_events_and_causality() {
    // ShiViz's parser for it is its default: the event, then host and clock.
    let log = check_example("simpledb.log", None, |_, second| {
        let (host, clock) = second.split_once(' ')?;
        clock
            .trim()
            .starts_with('{')
            .then(|| (host.into(), clock.into()))
    });
    assert!(log.hosts.len() > 2);
    assert!(log.events.len() > 400);
    assert!(!log.messages.is_empty());
    assert_eq!(log.events[0].text.trim(), "Workers are:");
    // "Workers are:" and its clock open the file; nothing is left over.
    assert_eq!(log.skipped, 0);
}

#[test]
fn shivizs_reliable_broadcast_example_keeps_its_date_field() {
    let rx = r"\[\w+\] \[(?<date>([^ ]+ [^ ]+))\] [^ ]+ \[akka://Broadcast/user/(?<host>\w+)\] (?<clock>.*\}) (?<event>.*)";
    check_example("simple-reliable-broadcast.log", Some(rx), |line, _| {
        let host = line
            .split("akka://Broadcast/user/")
            .nth(1)?
            .split(']')
            .next()?;
        let clock = line.split_once("] {")?.1.split_once('}')?.0;
        Some((host.into(), format!("{{{clock}}}")))
    });
    let out = faultline(&[
        "import",
        "shiviz",
        &example("simple-reliable-broadcast.log"),
        "--regex",
        rx,
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["events"][0]["fields"]["date"], "10/13/2014 14:37:20.543");
    assert_eq!(
        v["events"][0]["text"],
        "Initiating RBBroadcast(DataMessage(1,Message1))"
    );
}

#[test]
fn shivizs_load_balancer_example_reads_with_its_own_parser() {
    let rx = r"(?<ip>(\d{1,3}\.){3}\d{1,3}) (?<date>(\d{1,2}/){2}\d{4} (\d{2}:){2}\d{2} (AM|PM)) (?<action>(INFO|GET|POST)) (?<event>.*)\n(?<host>\w*) (?<clock>.*)";
    let log = check_example("facebook.log", Some(rx), |first, second| {
        let (host, clock) = second.split_once(' ')?;
        (first.split('.').count() > 3 && clock.starts_with('{'))
            .then(|| (host.into(), clock.into()))
    });
    assert!(log.hosts.contains(&"loadBalancer".to_string()));
}

/// A lab run exported for ShiViz reads back as the same picture: the same
/// events on the same lanes, every arrow the clocks need, and no arrow the
/// run did not draw.
#[test]
fn a_run_exported_from_the_lab_reads_back_as_the_same_diagram() {
    let text = include_str!("../../../www/presets/raft-minority-partition.json");
    let mut sim =
        Sim::<Raft>::from_scenario(&Scenario::from_json(text).unwrap(), SimConfig::default())
            .unwrap();
    sim.run_to_end();
    let d = Diagram::from_trace(sim.trace(), 5);
    let dir = std::env::temp_dir().join(format!("faultline-shiviz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("raft.log");
    std::fs::write(&file, d.shiviz()).unwrap();
    let log = import(file.to_str().unwrap(), None);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(log.events.len(), d.points.len());
    assert_eq!(log.hosts.len(), 5);
    check_happened_before(&log);
    // Imported event → the diagram's point, by lane and own count.
    let point: BTreeMap<(String, u64), usize> = d
        .points
        .iter()
        .map(|p| {
            let lane = p.node.0 as usize;
            ((p.node.to_string(), p.vector[lane]), p.id)
        })
        .collect();
    let of = |i: usize| {
        let e = &log.events[i];
        point[&(e.host.clone(), e.clock[&e.host])]
    };
    let arrows: Vec<(usize, usize)> = d
        .arrows
        .iter()
        .filter_map(|a| a.to.map(|t| (a.from, t)))
        .collect();
    for &(f, t) in &log.messages {
        assert!(
            arrows.contains(&(of(f), of(t))),
            "message {f} → {t} is an arrow of the run"
        );
    }
    assert!(
        log.messages.len() * 10 >= arrows.len() * 9,
        "{} of {} arrows",
        log.messages.len(),
        arrows.len()
    );
}

#[test]
fn a_generated_log_of_100000_events_imports() {
    // Eight hosts; each event is local, a send, or the receipt of the
    // oldest message waiting for its host.
    let hosts = 8usize;
    let mut clocks = vec![vec![0u64; hosts]; hosts];
    let mut queues: Vec<std::collections::VecDeque<Vec<u64>>> = vec![Default::default(); hosts];
    let mut text = String::new();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut sent = 0;
    for i in 0..100_000u64 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let h = (seed % hosts as u64) as usize;
        let c = &mut clocks[h];
        c[h] += 1;
        let what = match (seed >> 8) % 3 {
            0 if !queues[h].is_empty() => {
                let m = queues[h].pop_front().unwrap();
                for (x, y) in c.iter_mut().zip(m) {
                    *x = (*x).max(y);
                }
                "recv".to_string()
            }
            1 => {
                let to = (h + 1 + (seed >> 20) as usize % (hosts - 1)) % hosts;
                queues[to].push_back(c.clone());
                sent += 1;
                format!("send to h{to}")
            }
            _ => format!("step {i}"),
        };
        let clock: Vec<String> = c
            .iter()
            .enumerate()
            .filter(|(_, v)| **v > 0)
            .map(|(k, v)| format!("\"h{k}\":{v}"))
            .collect();
        text.push_str(&format!("{what}\nh{h} {{{}}}\n", clock.join(",")));
    }
    let dir = std::env::temp_dir().join(format!("faultline-shiviz-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("big.log");
    std::fs::write(&file, text).unwrap();
    let log = import(file.to_str().unwrap(), None);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(log.events.len(), 100_000);
    assert_eq!(log.hosts.len(), hosts);
    assert!(
        log.messages.len() <= sent && log.messages.len() > sent / 2,
        "{} of {sent} sends",
        log.messages.len()
    );
}

#[test]
fn bad_logs_are_refused_with_the_line_and_the_reason() {
    let dir = std::env::temp_dir().join(format!("faultline-shiviz-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases = [
        (
            "hello\na {a:1}\n",
            None,
            "line 1: the clock {a:1} is not JSON",
        ),
        (
            "hello\na {\"b\":1}\n",
            None,
            "has no count for its own host \"a\"",
        ),
        (
            "x\na {\"a\":1}\ny\na {\"a\":2,\"b\":1}\nz\nb {\"b\":1}\nw\na {\"a\":3,\"b\":0}\n",
            None,
            "line 7: a's clock for b went back from 1 (line 3) to 0",
        ),
        (
            "a {\"a\":1}\n",
            Some(r"(?<host>\S+) (?<clock>.*)"),
            "no group named event",
        ),
        ("nothing here\n", None, "the parser matched no event"),
    ];
    for (k, (text, rx, want)) in cases.iter().enumerate() {
        let file = dir.join(format!("bad{k}.log"));
        std::fs::write(&file, text).unwrap();
        let mut args = vec!["import", "shiviz", file.to_str().unwrap()];
        if let Some(rx) = rx {
            args.extend(["--regex", rx]);
        }
        let out = faultline(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains(want), "{err:?} should say {want:?}");
    }
    std::fs::remove_dir_all(&dir).ok();
}
