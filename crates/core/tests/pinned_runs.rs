//! Links are forever: every preset, and a shared link of every preset with
//! faults added, must keep opening the same run after any change to the
//! simulator, a protocol or the scenario format.
//!
//! `tests/pinned/presets.tsv` pins each preset's event count and trace
//! hash at its `until_ms`; `tests/pinned/links.tsv` pins links written by
//! link format 1 (the scenario with a crash, a restart and a partition
//! added) with the events and hash at the link's time. A change that moves
//! any of them needs a new link format and a reader for the old one, not a
//! new expected value.
//!
//! A preset with no pinned line fails the test. To pin a new preset (and
//! only new ones: existing lines are never rewritten), run the test with
//! `FAULTLINE_PIN_NEW=1` and commit the lines it appends.

use faultline_core::link::Link;
use faultline_core::{AnySim, Command, NodeId, Scenario, Scheduled, SimConfig, Time};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn pinned_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/pinned")
        .join(name)
}

/// Every preset in `www/presets`, by id, in id order.
fn presets() -> BTreeMap<String, Scenario> {
    let dir = root().join("www/presets");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("www/presets exists") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let id = path.file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).expect("a readable preset");
            let scenario = Scenario::from_json(&text)
                .unwrap_or_else(|e| panic!("preset {id} does not parse: {e}"));
            out.insert(id, scenario);
        }
    }
    out
}

/// `(events, trace hash)` of a run of `scenario` to `t`.
fn run(scenario: &Scenario, t: Time) -> (u64, String) {
    let mut sim = AnySim::new(scenario, SimConfig::default()).expect("the scenario builds");
    sim.run_until(t);
    (sim.events(), sim.trace_hash().hex())
}

/// Lines of a pinned file: key → the rest of the line's fields.
fn read_pinned(name: &str) -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(pinned_file(name)).unwrap_or_default();
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with("# "))
        .map(|l| {
            let mut fields = l.split('\t').map(str::to_string);
            let key = fields.next().unwrap_or_default();
            (key, fields.collect())
        })
        .collect()
}

fn append_pinned(name: &str, lines: &[String]) {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(pinned_file(name))
        .expect("the pinned file opens");
    for line in lines {
        writeln!(file, "{line}").expect("the pinned file is writable");
    }
}

fn pin_new() -> bool {
    std::env::var_os("FAULTLINE_PIN_NEW").is_some()
}

#[test]
fn every_preset_replays_to_its_pinned_trace_hash() {
    let pinned = read_pinned("presets.tsv");
    let mut missing = Vec::new();
    let mut wrong = Vec::new();
    for (id, scenario) in presets() {
        let (events, hash) = run(&scenario, Time::from_ms(scenario.until_ms));
        match pinned.get(&id) {
            Some(fields) => {
                if fields != &[events.to_string(), hash.clone()] {
                    wrong.push(format!("{id}: pinned {fields:?}, now [{events}, {hash}]"));
                }
            }
            None => missing.push(format!("{id}\t{events}\t{hash}")),
        }
    }
    if pin_new() {
        append_pinned("presets.tsv", &missing);
        missing.clear();
    }
    assert!(
        wrong.is_empty(),
        "presets no longer replay:\n{}",
        wrong.join("\n")
    );
    assert!(
        missing.is_empty(),
        "presets with no pinned run (run with FAULTLINE_PIN_NEW=1):\n{}",
        missing.join("\n")
    );
}

/// A preset's run with faults a user would add: node 1 crashes at a third
/// of the run and restarts at half, and node 0 is cut off for a sixth of
/// it; the link is shared at two thirds.
fn shared_link(scenario: &Scenario) -> (String, Time) {
    let until = scenario.until_ms.max(60);
    let at = |fraction: u64| Time::from_ms(until * fraction / 6);
    let mut s = scenario.clone();
    let faults = [
        (at(2), Command::Crash { node: NodeId(1) }),
        (
            at(2),
            Command::Partition {
                groups: vec![vec![NodeId(0)], (1..scenario.nodes).map(NodeId).collect()],
            },
        ),
        (at(3), Command::Heal),
        (at(3), Command::Restart { node: NodeId(1) }),
    ];
    s.schedule.extend(
        faults
            .into_iter()
            .map(|(at, command)| Scheduled { at, command }),
    );
    s.schedule.sort_by_key(|c| c.at);
    let t = at(4);
    let link = Link {
        scenario: Some(s),
        at: Some(t),
        ..Link::default()
    };
    (link.to_fragment(), t)
}

#[test]
fn every_pinned_link_opens_the_same_run() {
    let pinned = read_pinned("links.tsv");
    let mut wrong = Vec::new();
    for (link_text, fields) in &pinned {
        let link = Link::parse(link_text)
            .unwrap_or_else(|e| panic!("a pinned link no longer parses: {e}\n{link_text}"));
        let scenario = link.scenario.expect("a pinned link carries a run");
        let t = link.at.expect("a pinned link carries a time");
        let (events, hash) = run(&scenario, t);
        let name = fields.get(2).cloned().unwrap_or_default();
        if fields[..2] != [events.to_string(), hash.clone()] {
            wrong.push(format!(
                "{name}: pinned {:?}, now [{events}, {hash}]",
                &fields[..2]
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "links no longer replay:\n{}",
        wrong.join("\n")
    );

    let pinned_names: Vec<&str> = pinned
        .values()
        .filter_map(|f| f.get(2).map(String::as_str))
        .collect();
    let mut missing = Vec::new();
    for (id, scenario) in presets() {
        if scenario.nodes < 2 || pinned_names.contains(&id.as_str()) {
            continue;
        }
        let (link, t) = shared_link(&scenario);
        let scenario = Link::parse(&link).unwrap().scenario.unwrap();
        let (events, hash) = run(&scenario, t);
        missing.push(format!("{link}\t{events}\t{hash}\t{id}"));
    }
    if pin_new() {
        append_pinned("links.tsv", &missing);
        missing.clear();
    }
    assert!(
        missing.is_empty(),
        "presets with no pinned link (run with FAULTLINE_PIN_NEW=1):\n{}",
        missing.join("\n")
    );
}
