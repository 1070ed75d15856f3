use super::*;
use crate::{AnySim, Command, NodeId, Scheduled, SimConfig};

fn raft_run() -> Scenario {
    let mut schedule = Vec::new();
    for i in 0..20u64 {
        schedule.push(Scheduled {
            at: Time::from_ms(500 + i * 97),
            command: Command::Client {
                node: NodeId((i % 5) as u32),
                request: format!("set x={i}").into(),
            },
        });
    }
    schedule.push(Scheduled {
        at: Time::from_ms_f64(1234.567),
        command: Command::Crash { node: NodeId(2) },
    });
    Scenario {
        name: Some("A shared run".into()),
        description: None,
        protocol: ProtocolName::Raft,
        nodes: 5,
        seed: 42,
        until_ms: 4000,
        network: Default::default(),
        params: serde_json::Value::Null,
        schedule,
    }
}

#[test]
fn a_run_round_trips_and_replays_to_the_same_trace() {
    let scenario = raft_run();
    let link = Link {
        scenario: Some(scenario.clone()),
        at: Some(Time::from_ms_f64(2500.125)),
        view: View {
            node: Some(NodeId(3)),
            speed: Some(0.25),
            ..View::default()
        },
        ..Link::default()
    };
    let fragment = link.to_fragment();
    assert!(fragment.starts_with("#/raft?v=1&s="), "{fragment}");
    assert!(
        fragment.ends_with("&t=2500.125&node=3&speed=0.25"),
        "{fragment}"
    );
    let back = Link::parse(&fragment).unwrap();
    assert_eq!(back.protocol, Some(ProtocolName::Raft));
    assert_eq!(back.scenario.as_ref(), Some(&scenario));
    assert_eq!(
        back,
        Link {
            protocol: Some(ProtocolName::Raft),
            ..link
        }
    );

    let run = |s: &Scenario| {
        let mut sim = AnySim::new(s, SimConfig::default()).unwrap();
        sim.run_until(Time::from_ms_f64(2500.125));
        sim.trace_hash()
    };
    assert_eq!(run(back.scenario.as_ref().unwrap()), run(&scenario));
}

#[test]
fn the_scenario_is_compressed() {
    let scenario = raft_run();
    let json = serde_json::to_string(&scenario).unwrap();
    let fragment = Link {
        scenario: Some(scenario),
        ..Link::default()
    }
    .to_fragment();
    assert!(
        fragment.len() * 2 < json.len(),
        "{} bytes of link for {} of JSON",
        fragment.len(),
        json.len()
    );
}

#[test]
fn a_whole_url_and_links_of_the_first_release_open() {
    for (text, protocol) in [
        ("", None),
        ("#", None),
        ("#/raft", Some(ProtocolName::Raft)),
        ("#/gossip", Some(ProtocolName::Gossip)),
        ("https://example.org/lab/#/ring", Some(ProtocolName::Ring)),
        ("/quorum?", Some(ProtocolName::Quorum)),
    ] {
        let link = Link::parse(text).unwrap();
        assert_eq!(link.protocol, protocol, "{text}");
        assert_eq!(link.view, View::default());
    }
}

#[test]
fn embed_options_parse_and_print_back() {
    let text = "#/raft?preset=raft-split-vote&t=1500&speed=2&autoplay=0&embed&controls=minimal&theme=dark&presenter=1";
    let link = Link::parse(text).unwrap();
    assert_eq!(link.preset.as_deref(), Some("raft-split-vote"));
    assert_eq!(link.at, Some(Time::from_ms(1500)));
    assert_eq!(
        link.view,
        View {
            embed: true,
            controls: Controls::Minimal,
            autoplay: Some(false),
            speed: Some(2.0),
            theme: Some(Theme::Dark),
            presenter: true,
            node: None,
            diagram: None,
        }
    );
    assert_eq!(Link::parse(&link.to_fragment()).unwrap(), link);
    let tour = Link::parse("#/gossip?tour=gossip&step=3").unwrap();
    assert_eq!((tour.tour.as_deref(), tour.step), (Some("gossip"), Some(3)));
}

fn error(text: &str) -> LinkError {
    Link::parse(text).expect_err(text)
}

/// A scenario payload made of arbitrary JSON text.
fn payload(json: &str) -> String {
    base64url::encode(&miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9))
}

#[test]
fn malformed_and_hostile_links_say_what_is_wrong() {
    let good = Link {
        scenario: Some(raft_run()),
        ..Link::default()
    }
    .to_fragment();
    let truncated = &good[..good.len() * 2 / 3];
    let deep = format!(
        "{{\"protocol\":\"raft\",\"params\":{}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let bomb = " ".repeat(3 * 1024 * 1024);
    let cases: Vec<(String, &str, &str)> = vec![
        (truncated.to_string(), "s", "damaged"),
        (good.replace("v=1", "v=2"), "v", "newer faultline"),
        (good.replace("v=1", "v=0"), "v", "not a link format"),
        (good.replace("v=1&", ""), "v", "missing"),
        (good.replace("s=", "s=%%%"), "s", "not base64url"),
        ("#/raft?t=1e400".into(), "t", "not a time"),
        ("#/raft?t=99999999999999999999".into(), "t", "not a time"),
        ("#/raft?t=-5".into(), "t", "not a time"),
        ("#/raft?node=4294967296".into(), "node", "whole number"),
        ("#/raft?speed=NaN".into(), "speed", "not a speed"),
        ("#/raft?speed=1000".into(), "speed", "not a speed"),
        ("#/raft?step=2".into(), "step", "needs a tour"),
        (
            "#/raft?controls=some".into(),
            "controls",
            "full, minimal or none",
        ),
        ("#/raft?theme=pink".into(), "theme", "light or dark"),
        ("#/raft?embed=yes".into(), "embed", "1 or 0"),
        ("#/raft?preset=../../etc".into(), "preset", "not an id"),
        ("#/raft?t=1&t=2".into(), "t", "twice"),
        ("#/raft?colour=red".into(), "", "unknown option `colour`"),
        ("#/zab".into(), "", "no `zab` lab"),
        (
            format!("#/raft?{}", "x".repeat(MAX_LINK_BYTES)),
            "",
            "bytes long",
        ),
        (
            format!("#/raft?v=1&s={}", payload(&deep)),
            "s",
            "recursion limit",
        ),
        (
            format!("#/raft?v=1&s={}", payload(&bomb)),
            "s",
            "inflates past",
        ),
        (
            format!(
                "#/raft?v=1&s={}",
                payload("{\"protocol\":\"raft\",\"nodes\":4294967296}")
            ),
            "s",
            "nodes",
        ),
        (
            format!(
                "#/raft?v=1&s={}",
                payload("{\"protocol\":\"raft\",\"seed\":1e999}")
            ),
            "s",
            "seed",
        ),
        (
            format!("#/raft?v=1&s={}", payload("{\"protocol\":\"gossip\"}")),
            "s",
            "names the raft lab",
        ),
        (
            format!(
                "#/raft?v=1&s={}&preset=raft-default",
                payload("{\"protocol\":\"raft\"}")
            ),
            "preset",
            "not both",
        ),
    ];
    for (text, option, needle) in cases {
        let e = error(&text);
        assert_eq!(e.option, option, "{}: {e}", truncate(&text, 80));
        assert!(
            e.to_string().contains(needle),
            "{}: `{e}` does not say `{needle}`",
            truncate(&text, 80)
        );
        assert!(e.to_string().len() < 400, "a long message: {e}");
    }
}

#[test]
fn a_scenario_that_parses_but_cannot_run_is_caught_by_validation() {
    // Links are parsed here and validated where the run is built, like
    // any scenario: the error names the field.
    let text = format!(
        "#/raft?v=1&s={}",
        payload("{\"protocol\":\"raft\",\"nodes\":4294967295}")
    );
    assert!(Link::parse(&text).is_ok());
    let e = AnySim::new(
        Link::parse(&text).unwrap().scenario.as_ref().unwrap(),
        SimConfig::default(),
    )
    .err()
    .unwrap();
    assert_eq!(e.path, "nodes");
}

#[test]
fn times_are_exact_to_the_microsecond() {
    for us in [0u64, 1, 999, 1000, 1001, 123_456_789, MAX_UNTIL_MS * 1000] {
        let t = Time(us);
        assert_eq!(parse_time(&format_ms(t)).unwrap(), t, "{us} µs");
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Nothing a link holds makes parsing panic.
        #[test]
        fn any_text_parses_or_says_why(text in ".{0,300}") {
            let _ = Link::parse(&text).map_err(|e| e.to_string());
        }

        /// Mangling a good link is caught or still yields a link.
        #[test]
        fn a_mangled_link_parses_or_says_why(cut in 0usize..400, flip in 0usize..400, c in any::<char>()) {
            let good = Link { scenario: Some(raft_run()), ..Link::default() }.to_fragment();
            let mut chars: Vec<char> = good.chars().take(cut.max(1)).collect();
            let at = flip % chars.len();
            chars[at] = c;
            let text: String = chars.into_iter().collect();
            let _ = Link::parse(&text).map_err(|e| e.to_string());
        }
    }
}
