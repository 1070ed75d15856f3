//! End-to-end tests of the `faultline` binary.

use std::process::Command;

fn faultline(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn preset() -> String {
    format!(
        "{}/../../www/presets/raft-minority-partition.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn runs_print_one_report_per_line_with_the_contract_fields() {
    let out = faultline(&["run", &preset(), "--runs", "3", "--seed", "10"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let reports: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(reports.len(), 3);
    for (i, r) in reports.iter().enumerate() {
        assert_eq!(r["protocol"], "raft");
        assert_eq!(r["seed"], 10 + i as u64);
        for key in ["end_ms", "events", "violations", "trace_hash", "metrics"] {
            assert!(!r[key].is_null(), "missing {key}");
        }
        for key in ["sent", "delivered", "dropped", "duplicated"] {
            assert!(r["messages"][key].is_u64(), "missing messages.{key}");
        }
        assert!(!r["metrics"]["leaders"].as_array().unwrap().is_empty());
        let node = &r["metrics"]["nodes"][0];
        for key in ["id", "term", "role", "commit_index", "log"] {
            assert!(!node[key].is_null(), "missing nodes[0].{key}");
        }
    }
    assert_ne!(reports[0]["trace_hash"], reports[1]["trace_hash"]);
}

#[test]
fn same_seed_same_report_and_trace_file() {
    let dir = std::env::temp_dir().join(format!("faultline-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let a = dir.join("a.jsonl");
    let b = dir.join("b.jsonl");
    let run = |p: &std::path::Path| faultline(&["run", &preset(), "--trace", p.to_str().unwrap()]);
    let (ra, rb) = (run(&a), run(&b));
    assert_eq!(ra.stdout, rb.stdout);
    let ta = std::fs::read_to_string(&a).unwrap();
    assert_eq!(ta, std::fs::read_to_string(&b).unwrap());
    let first: serde_json::Value = serde_json::from_str(ta.lines().next().unwrap()).unwrap();
    assert!(first["at_ms"].is_number() && first["kind"].is_string());
    assert!(ta
        .lines()
        .any(|l| l.contains(r#""kind":"deliver""#) && l.contains("summary")));
}

#[test]
fn a_malformed_scenario_fails_with_the_field_named() {
    let dir = std::env::temp_dir();
    let path = dir.join(format!("bad-{}.json", std::process::id()));
    std::fs::write(
        &path,
        r#"{"protocol":"raft","nodes":5,"network":{"drop":3}}"#,
    )
    .unwrap();
    let out = faultline(&["run", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("network.drop"), "{err}");
}

#[test]
fn clocks_reports_every_event_with_its_stamps() {
    let preset = format!(
        "{}/../../www/presets/clocks-lww-vs-vector.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = faultline(&["run", &preset]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["protocol"], "clocks");
    let events = r["metrics"]["events"].as_array().unwrap();
    assert!(events.len() >= 10);
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e["id"], i as u64);
        for key in ["node", "kind", "at_ms", "lamport", "vector", "hlc"] {
            assert!(!e[key].is_null(), "event {i} misses {key}");
        }
        assert_eq!(e["vector"].as_array().unwrap().len(), 3);
        assert_eq!(e["hlc"].as_array().unwrap().len(), 2);
        if e["kind"] == "recv" {
            let send = &events[e["send_id"].as_u64().unwrap() as usize];
            assert_eq!(send["kind"], "send");
            assert!(send["lamport"].as_u64() < e["lamport"].as_u64());
        }
    }
    assert_eq!(r["metrics"]["registers"][0]["lww_lost"][0], "b");
}

#[test]
fn quorum_reports_its_history_and_stale_reads() {
    let preset = format!(
        "{}/../../www/presets/quorum-stale-read.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = faultline(&["run", &preset]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["protocol"], "quorum");
    let m = &r["metrics"];
    assert!(m["stale_reads"].as_u64().unwrap() > 0);
    assert_eq!(m["linearizable"], false);
    assert!(m["lost_writes"].is_u64());
    let history = m["history"].as_array().unwrap();
    for e in history {
        for key in ["client", "op", "key", "invoke_ms", "ok"] {
            assert!(!e[key].is_null(), "an operation misses {key}: {e}");
        }
        assert!(e["op"] == "get" || e["op"] == "put");
    }
    let stale = history.iter().find(|e| !e["stale"].is_null()).unwrap();
    assert!(stale["stale"]
        .as_str()
        .unwrap()
        .starts_with("missed the write of"));
}

#[test]
fn quorum_params_errors_name_the_field() {
    let path = std::env::temp_dir().join(format!("bad-quorum-{}.json", std::process::id()));
    std::fs::write(&path, r#"{"protocol":"quorum","params":{"r":4}}"#).unwrap();
    let out = faultline(&["run", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("params.r: must be between 1 and n (3)"),
        "{err}"
    );
}

#[test]
fn ring_reports_load_changes_and_unavailable_keys() {
    let preset = format!(
        "{}/../../www/presets/ring-default.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = faultline(&["run", &preset]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["protocol"], "ring");
    assert_eq!(r["violations"], serde_json::json!([]));
    let m = &r["metrics"];
    let load: u64 = m["load"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(load, 20_000);
    assert!(m["cv"].as_f64().unwrap() > 0.0 && m["max_over_avg"].as_f64().unwrap() >= 1.0);
    let changes = m["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2);
    for c in changes {
        for key in [
            "at_ms",
            "op",
            "node",
            "moved",
            "moved_between_existing",
            "arrived_ms",
        ] {
            assert!(c.get(key).is_some(), "a change misses {key}: {c}");
        }
        assert_eq!(c["moved_between_existing"], 0);
    }
    assert_eq!(changes[0]["op"], "add_node");
    assert_eq!(changes[1]["op"], "remove_node");
    // One replica: the removed node's keys are lost, and reported.
    assert_eq!(m["lost"], changes[1]["moved"]);
    assert_eq!(m["unavailable"], m["lost"]);
    assert_eq!(m["in_flight"], 0);
}

#[test]
fn ring_params_errors_name_the_field() {
    let path = std::env::temp_dir().join(format!("bad-ring-{}.json", std::process::id()));
    std::fs::write(&path, r#"{"protocol":"ring","params":{"vnodes":0}}"#).unwrap();
    let out = faultline(&["run", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("params.vnodes: must be between 1 and 512, not 0"),
        "{err}"
    );
}

fn corpus(file: &str) -> String {
    format!(
        "{}/../core/tests/corpus/linearizability/{file}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// Runs `check-linearizable` and returns the last word of stdout.
fn verdict(file: &str) -> String {
    let out = faultline(&["check-linearizable", file]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("operations"), "{text}");
    text.split_whitespace()
        .last()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn check_linearizable_ends_with_the_verdict() {
    assert_eq!(verdict(&corpus("kv/c10-ok.txt")), "true");
    assert_eq!(verdict(&corpus("jepsen/etcd_000.log")), "false");
    assert_eq!(verdict(&corpus("jepsen/etcd_002.log")), "true");
    assert_eq!(verdict(&corpus("kv/c10-bad.txt")), "false");
}

#[test]
fn check_linearizable_fails_clearly_on_bad_files() {
    let missing = faultline(&["check-linearizable", "/nonexistent/history.log"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read"));

    let path = std::env::temp_dir().join(format!("bad-history-{}.edn", std::process::id()));
    std::fs::write(
        &path,
        "{:process 0, :type :invoke, :f :get, :key \"k\", :value nil}\n{:process 0, :type :ok\n",
    )
    .unwrap();
    let out = faultline(&["check-linearizable", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 2"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_shared_link_runs_to_the_time_it_was_shared_at() {
    use faultline_core::link::Link;
    use faultline_core::{AnySim, Scenario, SimConfig, Time};
    let scenario = Scenario::from_json(&std::fs::read_to_string(preset()).unwrap()).unwrap();
    let at = Time::from_ms_f64(2345.5);
    let link = Link {
        scenario: Some(scenario.clone()),
        at: Some(at),
        ..Link::default()
    };
    let url = format!("https://example.org/faultline/{}", link.to_fragment());
    let out = faultline(&["run", &url]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut sim = AnySim::new(&scenario, SimConfig::default()).unwrap();
    sim.run_until(at);
    assert_eq!(report["trace_hash"], sim.trace_hash().hex());
    assert_eq!(report["end_ms"], 2345.5);

    let out = faultline(&["run", "#/raft?v=9&s=AAAA"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("newer faultline"), "{err}");
    let out = faultline(&["run", "#/raft?preset=raft-split-vote"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("www/presets/raft-split-vote.json"));
}

/// A preset with `bugs` switched on, written to a temporary file.
fn with_bugs(preset: &str, bugs: &[&str], file: &str) -> String {
    let path = format!(
        "{}/../../www/presets/{preset}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    s["params"]["bugs"] = serde_json::json!(bugs);
    let out = std::env::temp_dir().join(file);
    std::fs::write(&out, s.to_string()).unwrap();
    out.display().to_string()
}

#[test]
fn explore_finds_a_shrunk_counterexample_that_replays_and_exits_1() {
    let file = with_bugs(
        "2pc-default",
        &["abort_after_yes"],
        "faultline-explore-2pc.json",
    );
    let line = |threads: &str| {
        let out = faultline(&["explore", &file, "--budget", "300", "--threads", threads]);
        assert_eq!(out.status.code(), Some(1), "found: exit 1");
        String::from_utf8(out.stdout).unwrap()
    };
    let one = line("1");
    assert_eq!(one, line("3"), "the same answer on any number of threads");
    let v: serde_json::Value = serde_json::from_str(one.trim()).unwrap();
    assert_eq!(v["found"], true);
    assert_eq!(v["property"], "Atomicity");
    assert!(v["runs"].as_u64().unwrap() <= 300);
    assert!(v["scenario"]["schedule"].as_array().unwrap().len() <= 15);
    // The minimal scenario replays the violation through `faultline run`.
    let replay = std::env::temp_dir().join("faultline-explore-replay.json");
    std::fs::write(&replay, v["scenario"].to_string()).unwrap();
    let run = faultline(&["run", replay.to_str().unwrap()]);
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).expect("one report line");
    assert_eq!(report["violations"][0], v["violation"]);
}

/// The issue's first case: quorum N = 3, R = W = 1, no scripted faults.
/// Only `linearizable` is asked for; the history the minimal scenario
/// leaves is not, in `faultline run`'s report too.
#[test]
fn explore_finds_a_non_linearizable_quorum_history() {
    let path = format!(
        "{}/../../www/presets/quorum-default.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    s["params"]["r"] = 1.into();
    s["params"]["w"] = 1.into();
    assert!(s.get("schedule").is_none());
    let file = std::env::temp_dir().join("faultline-explore-quorum.json");
    std::fs::write(&file, s.to_string()).unwrap();
    let file = file.to_str().unwrap();
    let out = faultline(&["explore", file, "--property", "linearizable"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["property"], "linearizable");
    assert!(v["scenario"]["schedule"].as_array().unwrap().len() <= 15);
    let replay = std::env::temp_dir().join("faultline-explore-quorum-replay.json");
    std::fs::write(&replay, v["scenario"].to_string()).unwrap();
    let run = faultline(&["run", replay.to_str().unwrap()]);
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(report["metrics"]["linearizable"], false);
    // A property the protocol does not check is refused, with the list.
    let out = faultline(&["explore", file, "--property", "Election Safety"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("quorum checks no property `Election Safety`")
            && err.contains("`linearizable`"),
        "{err}"
    );
}

#[test]
fn explore_without_bugs_finds_nothing_and_exits_0() {
    let path = format!(
        "{}/../../www/presets/raft-default.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = faultline(&["explore", &path, "--budget", "200"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["found"], false);
    assert_eq!(v["runs"], 200);
}

#[test]
fn list_bugs_names_each_protocols_invariants_and_what_each_bug_breaks() {
    let out = faultline(&["explore", "--list-bugs"]);
    assert!(out.status.success());
    let all: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let raft = all.iter().find(|p| p["protocol"] == "raft").expect("raft");
    assert!(raft["invariants"]
        .as_array()
        .unwrap()
        .contains(&"Election Safety".into()));
    let bugs = raft["bugs"].as_array().unwrap();
    let forget = bugs
        .iter()
        .find(|b| b["bug"] == "forget_vote")
        .expect("forget_vote");
    assert_eq!(forget["breaks"], serde_json::json!(["Election Safety"]));
    // Every bug breaks only invariants its protocol names.
    for p in &all {
        for b in p["bugs"].as_array().unwrap() {
            for inv in b["breaks"].as_array().unwrap() {
                let named = |list: &str| p[list].as_array().unwrap().contains(inv);
                assert!(named("invariants") || named("history_properties"), "{b}");
            }
        }
    }
}
