//! The scenario parser and validator on hostile input: arbitrary strings and
//! mutations of a valid scenario (truncations, byte flips, edited values)
//! never panic and fail with a [`ScenarioError`] that says where; specific
//! bad inputs name the offending field; accepted scenarios run, and their
//! exported form replays them.

use faultline_core::{AnySim, Scenario, ScenarioError, SimConfig, Time};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Value};

/// A valid Raft scenario that uses every command Raft accepts.
const VALID: &str = r#"{"name":"every op","protocol":"raft","nodes":5,"seed":42,"until_ms":2000,"network":{"preset":"lan","latency_ms":[1,4],"drop":0.05,"duplicate":0.01},"params":{"election_timeout_ms":[150,300],"heartbeat_ms":50,"max_batch":8},"schedule":[{"at_ms":100,"op":"client","node":0,"request":"set x=1"},{"at_ms":200.5,"op":"crash","node":1},{"at_ms":300,"op":"restart","node":1},{"at_ms":350,"op":"pause","node":2},{"at_ms":400,"op":"resume","node":2},{"at_ms":450,"op":"partition","groups":[[0,1],[2,3,4]]},{"at_ms":500,"op":"cut","from":0,"to":3},{"at_ms":550,"op":"heal"},{"at_ms":600,"op":"link","drop":0.1,"duplicate":0.1,"latency_ms":[2,8]},{"at_ms":650,"op":"link","from":1,"to":2,"drop":0.2},{"at_ms":700,"op":"skew","node":3,"rate":1.5},{"at_ms":750,"op":"fire","node":4,"timer":"election"},{"at_ms":800,"op":"drop_message","id":10},{"at_ms":850,"op":"duplicate_message","id":20},{"at_ms":900,"op":"delay_message","id":30,"by_ms":50}]}"#;

/// The top-level fields a path may start with.
const FIELDS: &[&str] = &[
    "name", "protocol", "nodes", "seed", "until_ms", "network", "params", "schedule",
];

/// Parses and builds; checks that an error is well formed. On success,
/// returns the simulation.
fn load(text: &str) -> Result<AnySim, ScenarioError> {
    let result = Scenario::from_json(text).and_then(|s| AnySim::new(&s, SimConfig::default()));
    if let Err(e) = &result {
        assert!(!e.message.is_empty(), "an error without a message: {e:?}");
        // An unknown key ends the path as it was written (it may hold any
        // character); the rest of the path is made of real fields.
        let names_unknown = |key: &str| e.message.contains(&format!("unknown field `{key}`"));
        let base = if names_unknown(&e.path) {
            ""
        } else {
            e.path
                .match_indices('.')
                .map(|(i, _)| i)
                .find(|&i| names_unknown(&e.path[i + 1..]))
                .map_or(e.path.as_str(), |i| &e.path[..i])
        };
        // No `.` for the root, no `?` for a key that could not be read.
        assert!(
            base != "." && !base.split(['.', '[']).any(|s| s == "?" || s == "?]"),
            "a placeholder in an error path: {e:?}"
        );
        let head = base.split(['.', '[']).next().unwrap_or("");
        assert!(
            base.is_empty() || base.starts_with('[') || FIELDS.contains(&head),
            "an error path that names no field: {e:?}"
        );
        let shown = e.to_string();
        assert!(shown.contains(&e.message), "{shown}");
        if !e.path.is_empty() {
            assert!(shown.starts_with(&e.path), "{shown}");
        }
    }
    result
}

/// Loads, and if the scenario is accepted runs a bounded stretch of it and
/// checks that its exported form replays to the same trace.
fn load_and_run(text: &str) {
    let Ok(mut sim) = load(text) else { return };
    let until = Time::from_ms(
        Scenario::from_json(text)
            .map(|s| s.until_ms)
            .unwrap_or(0)
            .min(1_500),
    );
    sim.run_until_bounded(until, 1_500);
    let exported = sim.to_scenario().to_json();
    let mut again = load(&exported).expect("an exported scenario loads");
    again.run_until_bounded(until, 1_500);
    assert_eq!(sim.events(), again.events());
    assert_eq!(sim.trace_hash(), again.trace_hash(), "{exported}");
}

fn err(text: &str) -> ScenarioError {
    match load(text) {
        Ok(_) => panic!("accepted: {text}"),
        Err(e) => e,
    }
}

/// `VALID` with one edit made through its JSON value.
fn edited(f: impl FnOnce(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(VALID).unwrap();
    f(&mut v);
    v.to_string()
}

// ----- table tests -----

#[test]
fn the_valid_scenario_is_valid_and_runs() {
    let mut sim = load(VALID).unwrap();
    sim.run_to_end();
    assert!(sim.violations().is_empty());
    assert_eq!(sim.schedule().len(), 15);
    load_and_run(VALID);
}

#[test]
fn bad_values_name_their_field() {
    // (edit, expected path, words the message must contain)
    type Edit = Box<dyn FnOnce(&mut Value)>;
    let cases: Vec<(Edit, &str, &[&str])> = vec![
        (
            Box::new(|v| v["nodes"] = json!(0)),
            "nodes",
            &["0", "out of range"],
        ),
        (Box::new(|v| v["nodes"] = json!(16)), "nodes", &["16"]),
        (Box::new(|v| v["nodes"] = json!(-1)), "nodes", &["-1"]),
        (Box::new(|v| v["nodes"] = json!("5")), "nodes", &["string"]),
        (Box::new(|v| v["seed"] = json!(1.5)), "seed", &["1.5"]),
        (
            Box::new(|v| v["until_ms"] = json!(1_000_000_001u64)),
            "until_ms",
            &["1000000001"],
        ),
        (
            Box::new(|v| v["network"]["drop"] = json!(2)),
            "network.drop",
            &["2", "probability"],
        ),
        (
            Box::new(|v| v["network"]["duplicate"] = json!(-0.5)),
            "network.duplicate",
            &["-0.5"],
        ),
        (
            Box::new(|v| v["network"]["latency_ms"] = json!([5, 1])),
            "network.latency_ms",
            &["5", "1"],
        ),
        (
            Box::new(|v| v["network"]["preset"] = json!("moon")),
            "network.preset",
            &["moon"],
        ),
        (
            Box::new(|v| v["schedule"][1]["node"] = json!(5)),
            "schedule[1].node",
            &["5", "does not exist"],
        ),
        (
            Box::new(|v| v["schedule"][5]["groups"] = json!([[0, 1], [1, 2]])),
            "schedule[5].groups[1]",
            &["n1", "more than one group"],
        ),
        (
            Box::new(|v| v["schedule"][5]["groups"] = json!([[0, 9]])),
            "schedule[5].groups[0]",
            &["9"],
        ),
        (
            Box::new(|v| v["schedule"][6]["to"] = json!(7)),
            "schedule[6].to",
            &["7"],
        ),
        (
            Box::new(|v| v["schedule"][9]["to"] = Value::Null),
            "schedule[9]",
            &["`from` and `to`"],
        ),
        (
            Box::new(|v| v["schedule"][8]["drop"] = json!(1.01)),
            "schedule[8].drop",
            &["1.01"],
        ),
        (
            Box::new(|v| v["schedule"][8]["latency_ms"] = json!([1, 60001])),
            "schedule[8].latency_ms",
            &["60001"],
        ),
        (
            Box::new(|v| v["schedule"][10]["rate"] = json!(0)),
            "schedule[10].rate",
            &["0"],
        ),
        (
            Box::new(|v| v["schedule"][11]["timer"] = json!("alarm")),
            "schedule[11].timer",
            &["alarm", "election", "heartbeat"],
        ),
        (
            Box::new(|v| v["schedule"][0]["request"] = json!({"set": 1})),
            "schedule[0].request",
            &["raft request"],
        ),
        (
            Box::new(|v| v["schedule"][14]["by_ms"] = json!(600_001)),
            "schedule[14].by_ms",
            &["600001"],
        ),
        (
            Box::new(|v| v["params"]["heartbeat_ms"] = json!("fast")),
            "params.heartbeat_ms",
            &["fast"],
        ),
        (
            Box::new(|v| v["params"]["hearbeat_ms"] = json!(5)),
            "params.hearbeat_ms",
            &["unknown field", "hearbeat_ms"],
        ),
        (
            Box::new(|v| v["params"]["election_timeout_ms"] = json!([300])),
            "params.election_timeout_ms",
            &["length"],
        ),
        (
            Box::new(|v| v["params"]["heartbeat_ms"] = json!(500)),
            "params",
            &["heartbeat_ms", "500"],
        ),
        (
            Box::new(|v| v["protocol"] = json!("zab")),
            "protocol",
            &["zab"],
        ),
    ];
    for (i, (edit, path, words)) in cases.into_iter().enumerate() {
        let text = edited(edit);
        let e = err(&text);
        assert_eq!(e.path, path, "case {i}: {e}");
        for w in words {
            assert!(e.message.contains(w), "case {i}: `{w}` not in {e}");
        }
        assert!(
            e.to_string().starts_with(&format!("{path}: ")),
            "case {i}: {e}"
        );
    }
}

#[test]
fn unknown_fields_and_ops_are_named() {
    // A misspelt field of a command.
    let e = err(&edited(|v| {
        let c = v["schedule"][1].as_object_mut().unwrap();
        let n = c.remove("node").unwrap();
        c.insert("nod".into(), n);
    }));
    assert_eq!(e.path, "schedule[1].nod", "{e}");
    assert_eq!(e.message, "unknown field `nod`, expected `node`", "{e}");
    // A misspelt top-level field.
    let e = err(&edited(|v| {
        let n = v.as_object_mut().unwrap().remove("nodes").unwrap();
        v["nod"] = n;
    }));
    assert_eq!(e.path, "nod", "{e}");
    assert!(e.message.contains("unknown field `nod`"), "{e}");
    // Unknown network field.
    let e = err(&edited(|v| v["network"]["loss"] = json!(0.1)));
    assert_eq!(e.path, "network.loss", "{e}");
    assert_eq!(
        e.message,
        "unknown field `loss`, expected one of `preset`, `latency_ms`, `drop`, `duplicate`"
    );
    // An unknown op.
    let e = err(&edited(|v| v["schedule"][7]["op"] = json!("explode")));
    assert_eq!(e.path, "schedule[7].op", "{e}");
    assert!(e.message.contains("unknown variant `explode`"), "{e}");
    // A missing or bad time.
    let e = err(&edited(|v| {
        v["schedule"][3].as_object_mut().unwrap().remove("at_ms");
    }));
    assert_eq!(e.path, "schedule[3]", "{e}");
    assert!(e.message.contains("at_ms"), "{e}");
    for bad in [json!(-1), json!(1e10), json!("soon"), Value::Null] {
        let e = err(&edited(|v| v["schedule"][2]["at_ms"] = bad.clone()));
        assert_eq!(e.path, "schedule[2].at_ms", "{bad}: {e}");
    }
    // A missing field of a command.
    let e = err(&edited(|v| {
        v["schedule"][2].as_object_mut().unwrap().remove("node");
    }));
    assert_eq!(e.path, "schedule[2]", "{e}");
    assert!(e.message.contains("node"), "{e}");
    // Missing protocol.
    let e = err(&edited(|v| {
        v.as_object_mut().unwrap().remove("protocol");
    }));
    assert!(e.message.contains("protocol"), "{e}");
}

#[test]
fn the_hand_reader_names_every_path() {
    // (scenario, expected path, expected message)
    let cases: &[(&str, &str, &str)] = &[
        (
            r#"{"protocol":"raft","nodez":3}"#,
            "nodez",
            "unknown field `nodez`, expected one of `name`, `description`, `protocol`, `nodes`, `seed`, `until_ms`, `network`, `params`, `schedule`",
        ),
        (
            r#"{"protocol":"raft","params":{"max_bach":3}}"#,
            "params.max_bach",
            "unknown field `max_bach`, expected one of `election_timeout_ms`, `heartbeat_ms`, `max_batch`, `pre_vote`, `check_quorum`, `snapshot_every`, `fsync_ms`, `bugs`",
        ),
        (
            r#"{"protocol":"raft","schedule":[{"at_ms":1,"op":"link","form":1}]}"#,
            "schedule[0].form",
            "unknown field `form`, expected one of `from`, `to`, `latency_ms`, `drop`, `duplicate`",
        ),
        (
            r#"{"protocol":"raft","seed":"x"}"#,
            "seed",
            "invalid type: string \"x\", expected u64",
        ),
        (
            r#"{"protocol":"raft","nodes":4294967296}"#,
            "nodes",
            "invalid value: integer `4294967296`, expected u32",
        ),
        (
            r#"{"protocol":"raft","nodes":3.0}"#,
            "nodes",
            "invalid type: floating point `3.0`, expected u32",
        ),
        (
            r#"{"protocol":"raft","name":5}"#,
            "name",
            "invalid type: integer `5`, expected a string",
        ),
        (
            r#"{"protocol":"raft","network":null}"#,
            "network",
            "invalid type: null, expected a map",
        ),
        (
            r#"{"protocol":"raft","network":{"latency_ms":[1,"x"]}}"#,
            "network.latency_ms[1]",
            "invalid type: string \"x\", expected f64",
        ),
        (
            r#"{"protocol":"raft","network":{"latency_ms":[1,2,3]}}"#,
            "network.latency_ms",
            "invalid length 3, expected an array of length 2",
        ),
        (
            r#"{"protocol":"raft","schedule":[{"at_ms":1,"op":"heal"},{"at_ms":1,"op":"heal"},{"at_ms":1,"op":"heal"},{"at_ms":1,"op":"partition","groups":[[0],[true]]}]}"#,
            "schedule[3].groups[1][0]",
            "invalid type: boolean `true`, expected u32",
        ),
        (
            r#"{"protocol":"raft","schedule":[{"at_ms":1,"op":5}]}"#,
            "schedule[0].op",
            "invalid type: integer `5`, expected one of `crash`, `restart`, `pause`, `resume`, `partition`, `cut`, `heal`, `link`, `skew`, `add_node`, `remove_node`, `client`, `rumor`, `fire`, `drop_message`, `duplicate_message`, `delay_message`, `transfer`",
        ),
        (
            r#"{"protocol":"raft","schedule":[{"at_ms":1,"op":"skew","node":1}]}"#,
            "schedule[0]",
            "missing field `rate`",
        ),
        (
            r#"{"protocol":"raft","schedule":[{"at_ms":-1,"op":"heal"}]}"#,
            "schedule[0].at_ms",
            "-1 is out of range (0 to 1000000000)",
        ),
        (
            r#"{"protocol":"raft","schedule":[5]}"#,
            "schedule[0]",
            "invalid type: integer `5`, expected a map",
        ),
        (
            r#"{"protocol":"raft","params":{"election_timeout_ms":[150,-300]}}"#,
            "params.election_timeout_ms[1]",
            "invalid value: integer `-300`, expected u64",
        ),
        (
            r#"{"protocol":"gossip","params":{"swim":{"k":"3"}}}"#,
            "params.swim.k",
            "invalid type: string \"3\", expected u32",
        ),
        (
            r#"{"protocol":"gossip","params":{"swim":{"kk":3}}}"#,
            "params.swim.kk",
            "unknown field `kk`, expected one of `k`, `ping_timeout_ms`, `suspicion_ms`",
        ),
        (
            r#"{"protocol":"gossip","params":{"mode":"shout"}}"#,
            "params.mode",
            "unknown variant `shout`, expected one of `push`, `pull`, `push-pull`",
        ),
        (
            r#"{"protocol":"quorum","params":{"sloppy":1}}"#,
            "params.sloppy",
            "invalid type: integer `1`, expected a boolean",
        ),
        (
            r#"{"protocol":"ring","params":{"weights":{"01":2}}}"#,
            "params.weights.01",
            "invalid key `01`, expected a node id (an integer from 0 to 4294967295 in quotes)",
        ),
        (
            r#"{"protocol":"ring","params":{"weights":{"1":"heavy"}}}"#,
            "params.weights.1",
            "invalid type: string \"heavy\", expected f64",
        ),
        (
            r#"{"protocol":"clocks","params":7}"#,
            "params",
            "invalid type: integer `7`, expected a map",
        ),
        (
            r#"{"protocol":"zab"}"#,
            "protocol",
            "unknown variant `zab`, expected one of `raft`, `clocks`, `gossip`, `quorum`, `ring`, `paxos`, `2pc`",
        ),
        (
            r#"{"nodes":3}"#,
            "",
            "missing field `protocol`",
        ),
        (
            r#"[null,null,"raft"]"#,
            "",
            "invalid type: sequence, expected a map",
        ),
        (
            r#"{"protocol":"raft","schedule":[{"at_ms":1,"op":"client","node":0,"request":5}]}"#,
            "schedule[0].request",
            "not a raft request: invalid type: integer `5`, expected a string",
        ),
        (
            r#"{"protocol":"clocks","schedule":[{"at_ms":1,"op":"client","node":0,"request":{"type":"send","to":-1}}]}"#,
            "schedule[0].request.to",
            "not a clocks request: invalid value: integer `-1`, expected u32",
        ),
        (
            r#"{"protocol":"clocks","schedule":[{"at_ms":1,"op":"client","node":0,"request":{"type":"write","value":"v","to":1}}]}"#,
            "schedule[0].request.to",
            "not a clocks request: unknown field `to`, expected `value`",
        ),
        (
            r#"{"protocol":"clocks","schedule":[{"at_ms":1,"op":"client","node":0,"request":{"type":"rumor"}}]}"#,
            "schedule[0].request.type",
            "not a clocks request: unknown variant `rumor`, expected one of `local`, `send`, `write`",
        ),
        (
            r#"{"protocol":"gossip","schedule":[{"at_ms":1,"op":"client","node":0,"request":{}}]}"#,
            "schedule[0].request",
            "not a gossip request: missing field `type`",
        ),
        (
            r#"{"protocol":"ring","schedule":[{"at_ms":1,"op":"client","node":0,"request":{"type":"get"}}]}"#,
            "schedule[0].request",
            "not a ring request: the ring takes no client requests",
        ),
        (
            r#"{"protocol":"quorum","schedule":[{"at_ms":1,"op":"rumor","node":0}]}"#,
            "schedule[0].op",
            "rumor is for gossip; quorum has no rumors",
        ),
    ];
    for (text, path, message) in cases {
        let e = Scenario::from_json(text)
            .and_then(|s| AnySim::new(&s, SimConfig::default()))
            .expect_err(text);
        assert_eq!(
            (e.path.as_str(), e.message.as_str()),
            (*path, *message),
            "{text}"
        );
    }
}

#[test]
fn requests_without_fields_ignore_others() {
    for (protocol, kind) in [("clocks", "local"), ("gossip", "rumor")] {
        let text = json!({"protocol": protocol, "until_ms": 50, "schedule": [
            {"at_ms": 1, "op": "client", "node": 0, "request": {"type": kind, "extra": 1}}
        ]});
        assert!(load(&text.to_string()).is_ok(), "{protocol}");
    }
}

#[test]
fn syntax_errors_say_where() {
    let cases: &[(&str, &str, &str)] = &[
        (
            r#"{"protocol":"raft","params":{"x":[1,}}"#,
            "params.x[1]",
            "expected value at line 1 column 37",
        ),
        (
            "{\"protocol\":\"raft\",\n\"schedule\":[{\"at_ms\":1,\"op\":\"crash\",\"node\":}]}",
            "schedule[0].node",
            "expected value at line 2 column 44",
        ),
        (
            r#"{"protocol":"raft","nodes" 3}"#,
            "",
            "expected `:` at line 1 column 28",
        ),
        (
            r#"{"protocol":"raft","nodez":[}"#,
            "",
            "expected value at line 1 column 29",
        ),
        (
            r#"{"protocol":"raft"}x"#,
            "",
            "trailing characters at line 1 column 20",
        ),
        (
            r#"{"protocol":"raft","name":"a\"b"#,
            "name",
            "EOF while parsing a string at line 1 column 31",
        ),
    ];
    for (text, path, message) in cases {
        let e = err(text);
        assert_eq!(
            (e.path.as_str(), e.message.as_str()),
            (*path, *message),
            "{text}"
        );
    }
}

#[test]
fn duplicate_fields_are_rejected_where_they_were() {
    let e = err(r#"{"protocol":"raft","nodes":3,"nodes":4}"#);
    assert_eq!(e.path, "");
    assert_eq!(e.message, "duplicate field `nodes` at line 1 column 30");
    let e = err("{\"protocol\":\"raft\",\n\"network\":{\"drop\":0.1,\"drop\":0.2}}");
    assert_eq!(e.path, "network");
    assert_eq!(e.message, "duplicate field `drop` at line 2 column 23");
    // Escapes name the same key.
    let e = err(r#"{"protocol":"raft","seed":1,"se\u0065d":2}"#);
    assert_eq!(e.message, "duplicate field `seed` at line 1 column 29");
    // In parameters and schedule entries the last one wins, as before.
    let s = Scenario::from_json(
        r#"{"protocol":"raft","params":{"max_batch":4,"max_batch":8},
            "schedule":[{"at_ms":1,"op":"crash","node":1,"node":2}]}"#,
    )
    .unwrap();
    assert_eq!(s.params, json!({"max_batch": 8}));
    assert_eq!(
        s.schedule[0].command,
        faultline_core::Command::Crash {
            node: faultline_core::NodeId(2)
        }
    );
    // The same key in different objects is no duplicate.
    load(r#"{"protocol":"raft","network":{"drop":0.1},"schedule":[{"at_ms":1,"op":"link","drop":0.2}]}"#)
        .unwrap();
}

#[test]
fn election_timeout_reversed_is_named() {
    let e = err(&edited(|v| {
        v["params"]["election_timeout_ms"] = json!([300, 150])
    }));
    assert_eq!(e.path, "params", "{e}");
    assert!(e.message.starts_with("election_timeout_ms"), "{e}");
    assert!(
        e.message.contains("300") && e.message.contains("150"),
        "{e}"
    );
    assert!(
        e.to_string().starts_with("params: election_timeout_ms"),
        "{e}"
    );
    for bad in [json!([0, 10]), json!([100, 60_001]), json!([-1, 10])] {
        let e = err(&edited(|v| {
            v["params"]["election_timeout_ms"] = bad.clone()
        }));
        assert!(e.path.starts_with("params"), "{bad}: {e}");
        assert!(e.to_string().contains("election_timeout_ms"), "{bad}: {e}");
    }
}

#[test]
fn fixed_membership_refuses_membership_changes_and_transfers() {
    // Paxos and quorum have a fixed membership in faultline and no leader to
    // hand over; Raft changes its membership through its log (dissertation
    // ch. 4) and takes all three.
    for protocol in ["paxos", "quorum"] {
        for (op, extra) in [
            ("add_node", json!({})),
            ("remove_node", json!({"node": 1})),
            ("transfer", json!({"node": 1})),
        ] {
            let mut c = json!({"at_ms": 5, "op": op});
            for (k, x) in extra.as_object().unwrap() {
                c[k] = x.clone();
            }
            let text = json!({"protocol": protocol, "schedule": [c]}).to_string();
            let e = err(&text);
            assert_eq!(e.path, "schedule[0].op", "{e}");
            assert!(
                e.message.contains(op) && e.message.contains(protocol),
                "{e}"
            );
        }
    }
    let raft = edited(|v| {
        let s = v["schedule"].as_array_mut().unwrap();
        s.insert(1, json!({"at_ms": 5, "op": "add_node"}));
        s.insert(2, json!({"at_ms": 6, "op": "remove_node", "node": 1}));
        s.insert(3, json!({"at_ms": 7, "op": "transfer", "node": 2}));
    });
    assert!(load(&raft).is_ok(), "{raft}");
    let e = err(&edited(|v| {
        let s = v["schedule"].as_array_mut().unwrap();
        s.insert(1, json!({"at_ms": 7, "op": "transfer", "node": 9}));
    }));
    assert_eq!(e.path, "schedule[1].node", "{e}");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = "[".repeat(10_000);
    let deep_obj = "{\"a\":".repeat(10_000);
    let texts = [
        deep.clone(),
        format!("{deep}{}", "]".repeat(10_000)),
        deep_obj.clone(),
        format!(r#"{{"protocol":"raft","params":{deep}"#),
        format!(
            r#"{{"protocol":"raft","params":{deep}{}}}"#,
            "]".repeat(10_000)
        ),
        format!(r#"{{"protocol":"raft","name":{deep_obj}"#),
        format!(r#"{{"protocol":"raft","schedule":{deep}"#),
        format!(
            r#"{{"protocol":"raft","schedule":[{{"at_ms":1,"op":"client","node":0,"request":{deep}{}}}]}}"#,
            "]".repeat(10_000)
        ),
        format!(
            r#"{{"protocol":"raft","schedule":[{{"at_ms":1,"op":"heal","x":{deep}{}}}]}}"#,
            "]".repeat(10_000)
        ),
    ];
    for (i, t) in texts.iter().enumerate() {
        let e = err(t);
        assert!(
            e.path.len() < 2_000,
            "case {i}: a path of {} bytes",
            e.path.len()
        );
    }
    // Nesting that is deep but allowed is still fine in a request.
    let nested = format!(
        r#"{{"protocol":"raft","schedule":[{{"at_ms":1,"op":"client","node":0,"request":{}"x"{}}}]}}"#,
        "[".repeat(50),
        "]".repeat(50)
    );
    let e = err(&nested);
    assert!(e.path.starts_with("schedule[0].request"), "{e}");
}

#[test]
fn oversized_text_is_rejected_up_front() {
    let big = "a".repeat(3 << 20);
    let e = err(&format!(r#"{{"protocol":"raft","name":"{big}"}}"#));
    assert_eq!(e.path, "");
    assert!(
        e.message.contains("bytes") && e.message.contains("limit"),
        "{e}"
    );
    let e = err(&big);
    assert!(e.message.contains("3145728"), "{e}");
    // Just under the limit, a long name is fine.
    let name = "b".repeat(1 << 20);
    let s = load(&format!(
        r#"{{"protocol":"raft","name":"{name}","until_ms":10}}"#
    ))
    .unwrap();
    assert_eq!(s.to_scenario().name.map(|n| n.len()), Some(1 << 20));
}

#[test]
fn trailing_text_and_empty_input_fail() {
    for t in [
        "",
        " ",
        "null",
        "{}",
        "[]",
        "5",
        "\"raft\"",
        r#"{"protocol":"raft"} {"#,
        r#"{"protocol":"raft"}x"#,
        r#"{"protocol":"raft",}"#,
        r#"{"protocol":"raft","schedule":{}}"#,
        r#"{"protocol":"raft","schedule":[5]}"#,
        r#"{"protocol":"raft","schedule":[{}]}"#,
        r#"{"protocol":"raft","nodes":1e400}"#,
        "\u{feff}{\"protocol\":\"raft\"}",
    ] {
        err(t);
    }
    // Whitespace around is fine.
    load(" \n{\"protocol\":\"raft\"}\n\t").unwrap();
}

#[test]
fn every_truncation_fails_cleanly() {
    for cut in 0..VALID.len() {
        if VALID.is_char_boundary(cut) {
            err(&VALID[..cut]);
        }
    }
}

#[test]
fn every_single_byte_change_is_handled() {
    let bytes = VALID.as_bytes();
    let mut accepted = 0;
    for i in 0..bytes.len() {
        for b in [
            b'0', b'9', b'-', b'"', b'{', b'}', b'[', b']', b',', b':', b'x', b' ',
        ] {
            let mut m = bytes.to_vec();
            m[i] = b;
            if let Ok(t) = String::from_utf8(m) {
                accepted += usize::from(load(&t).is_ok());
            }
        }
    }
    // Plenty of digit changes still make a valid scenario.
    assert!(accepted > 100, "{accepted}");
}

// ----- property tests -----

/// Interesting JSON values to put in place of a field.
fn replacement() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (0u64..20).prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop_oneof![
            Just(-1.0),
            Just(0.0),
            Just(0.5),
            Just(1.0),
            Just(1.0001),
            Just(10.0),
            Just(60_000.0),
            Just(60_000.5),
            Just(600_000.0),
            Just(1e9),
            Just(1e9 + 1.0),
            Just(4_294_967_296.0),
            Just(1.8e19),
            Just(-1e-300),
        ]
        .prop_map(Value::from),
        "[a-z_]{0,12}".prop_map(Value::from),
        prop_oneof![
            Just("raft"),
            Just("crash"),
            Just("heal"),
            Just("add_node"),
            Just("election"),
            Just("heartbeat"),
            Just("set x=1"),
            Just("wan"),
            Just(""),
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-z_]{1,10}", inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

#[derive(Clone, Debug)]
enum Edit {
    Replace(Value),
    Remove,
    Insert(String, Value),
    Duplicate,
}

fn edit() -> impl Strategy<Value = (Vec<Index>, Edit)> {
    let key = prop_oneof![
        Just("node".to_string()),
        Just("nod".to_string()),
        Just("at_ms".to_string()),
        Just("op".to_string()),
        Just("from".to_string()),
        Just("to".to_string()),
        Just("groups".to_string()),
        Just("latency_ms".to_string()),
        "[a-z_]{1,10}",
    ];
    (
        prop::collection::vec(any::<Index>(), 0..5),
        prop_oneof![
            4 => replacement().prop_map(Edit::Replace),
            1 => Just(Edit::Remove),
            1 => (key, replacement()).prop_map(|(k, v)| Edit::Insert(k, v)),
            1 => Just(Edit::Duplicate),
        ],
    )
}

/// Walks down `path` (as far as it goes) and applies `edit` there.
fn apply_edit(v: &mut Value, path: &[Index], edit: Edit) {
    let child = match v {
        Value::Object(m) if !m.is_empty() && !path.is_empty() => {
            let k = m.keys().nth(path[0].index(m.len())).cloned();
            k.map(|k| (Some(k), 0))
        }
        Value::Array(a) if !a.is_empty() && !path.is_empty() => {
            Some((None, path[0].index(a.len())))
        }
        _ => None,
    };
    let last = path.len() <= 1;
    match (child, v) {
        (Some((Some(k), _)), Value::Object(m)) if last => match edit {
            Edit::Replace(x) => {
                m.insert(k, x);
            }
            Edit::Remove => {
                m.remove(&k);
            }
            Edit::Insert(name, x) => {
                m.insert(name, x);
            }
            Edit::Duplicate => {
                let x = m[&k].clone();
                m.insert(format!("{k}_"), x);
            }
        },
        (Some((Some(k), _)), Value::Object(m)) => {
            if let Some(c) = m.get_mut(&k) {
                apply_edit(c, &path[1..], edit);
            }
        }
        (Some((None, i)), Value::Array(a)) if last => match edit {
            Edit::Replace(x) => a[i] = x,
            Edit::Remove => {
                a.remove(i);
            }
            Edit::Insert(_, x) => a.insert(i, x),
            Edit::Duplicate => {
                let x = a[i].clone();
                a.insert(i, x);
            }
        },
        (Some((None, i)), Value::Array(a)) => apply_edit(&mut a[i], &path[1..], edit),
        (_, v) => {
            if let Edit::Replace(x) = edit {
                *v = x;
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        let _ = load(&s);
    }

    #[test]
    fn json_looking_strings_never_panic(
        s in r#"[\[\]{}",:0-9a-z_ .eE+\-]{0,120}"#
    ) {
        let _ = load(&s);
    }

    #[test]
    fn scenario_looking_objects_never_panic(
        body in prop::collection::vec(
            (prop_oneof![Just("protocol"), Just("nodes"), Just("seed"), Just("until_ms"),
                         Just("network"), Just("params"), Just("schedule"), Just("name")],
             replacement()),
            0..6)
    ) {
        let mut m = serde_json::Map::new();
        m.insert("protocol".into(), json!("raft"));
        for (k, v) in body {
            m.insert(k.to_string(), v);
        }
        load_and_run(&Value::Object(m).to_string());
    }

    #[test]
    fn truncated_and_spliced_scenarios_never_panic(
        cut in any::<Index>(),
        tail in r#"[\]}",0-9]{0,3}"#
    ) {
        let mut at = cut.index(VALID.len());
        while !VALID.is_char_boundary(at) {
            at -= 1;
        }
        let _ = load(&format!("{}{tail}", &VALID[..at]));
    }

    #[test]
    fn byte_flips_never_panic(
        flips in prop::collection::vec((any::<Index>(), any::<u8>()), 1..8)
    ) {
        let mut bytes = VALID.as_bytes().to_vec();
        for (i, b) in flips {
            let i = i.index(bytes.len());
            bytes[i] = b;
        }
        load_and_run(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn digit_changes_run_or_fail_cleanly(
        flips in prop::collection::vec((any::<Index>(), 0u8..10), 1..6)
    ) {
        // Numbers change, the shape stays: most of these are valid and run.
        let mut bytes = VALID.as_bytes().to_vec();
        let digits: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i].is_ascii_digit()).collect();
        for (i, d) in flips {
            bytes[digits[i.index(digits.len())]] = b'0' + d;
        }
        load_and_run(&String::from_utf8(bytes).unwrap());
    }

    #[test]
    fn value_edits_never_panic(edits in prop::collection::vec(edit(), 1..4)) {
        let mut v: Value = serde_json::from_str(VALID).unwrap();
        for (path, e) in edits {
            apply_edit(&mut v, &path, e);
        }
        load_and_run(&v.to_string());
        load_and_run(&serde_json::to_string_pretty(&v).unwrap());
    }

    #[test]
    fn accepted_scenarios_round_trip(
        nodes in 1u32..=15,
        seed in any::<u64>(),
        until_ms in 0u64..3_000,
        at in prop::collection::vec((0.0f64..3_000.0, 0u32..15, 0usize..6), 0..12),
    ) {
        let schedule: Vec<Value> = at
            .into_iter()
            .map(|(t, n, op)| {
                let node = n % nodes;
                let mut c = match op {
                    0 => json!({"op": "crash", "node": node}),
                    1 => json!({"op": "restart", "node": node}),
                    2 => json!({"op": "client", "node": node, "request": format!("set k={t}")}),
                    3 => json!({"op": "partition", "groups": [[node]]}),
                    4 => json!({"op": "skew", "node": node, "rate": 0.1 + t / 400.0}),
                    _ => json!({"op": "delay_message", "id": n, "by_ms": t}),
                };
                c["at_ms"] = json!(t);
                c
            })
            .collect();
        let text = json!({
            "protocol": "raft", "nodes": nodes, "seed": seed,
            "until_ms": until_ms, "schedule": schedule,
        })
        .to_string();
        let scenario = Scenario::from_json(&text).unwrap();
        let back = Scenario::from_json(&scenario.to_json()).unwrap();
        prop_assert_eq!(&back, &scenario);
        load_and_run(&text);
    }
}
