use super::*;

fn rec(line: usize, host: &str, clock: &str, text: &str) -> Record {
    Record {
        line,
        host: host.into(),
        clock: clock.into(),
        text: text.into(),
        fields: BTreeMap::new(),
    }
}

/// a sends to b, b replies to a, and c hears from b after both.
fn exchange() -> Vec<Record> {
    vec![
        rec(1, "a", r#"{"a":1}"#, "send ping"),
        rec(2, "b", r#"{"b":1}"#, "start"),
        rec(3, "b", r#"{"a":1,"b":2}"#, "got ping"),
        rec(4, "b", r#"{"a":1,"b":3}"#, "send pong"),
        rec(5, "a", r#"{"a":2,"b":3}"#, "got pong"),
        rec(6, "c", r#"{"a":1,"b":4,"c":1}"#, "got news"),
        rec(7, "b", r#"{"a":1,"b":4}"#, "send news"),
    ]
}

/// Whether `a` happened before `b` by program order and the messages.
fn reaches(log: &Log, a: usize, b: usize) -> bool {
    let mut next: Vec<Vec<usize>> = vec![Vec::new(); log.events.len()];
    for [f, t] in &log.messages {
        next[*f].push(*t);
    }
    for (i, e) in log.events.iter().enumerate() {
        if let Some(j) = log
            .events
            .iter()
            .position(|x| x.host == e.host && own(x) == own(e) + 1)
        {
            next[i].push(j);
        }
    }
    let mut seen = vec![false; log.events.len()];
    let mut stack = vec![a];
    while let Some(i) = stack.pop() {
        for &j in &next[i] {
            if !seen[j] {
                seen[j] = true;
                stack.push(j);
            }
        }
    }
    seen[b]
}

/// The check the issue asks of every import: program order plus the
/// messages give exactly the clocks' happened-before relation.
fn same_order(log: &Log) {
    for a in 0..log.events.len() {
        for b in 0..log.events.len() {
            assert_eq!(
                reaches(log, a, b),
                log.before(a, b),
                "events {a} (line {}) and {b} (line {})",
                log.events[a].line,
                log.events[b].line
            );
        }
    }
}

#[test]
fn messages_are_the_direct_causes_only() {
    let log = build(exchange(), 0).unwrap();
    assert_eq!(log.hosts, ["a", "b", "c"]);
    assert_eq!(log.events.len(), 7);
    // ping a#1 → b#2, pong b#3 → a#2, news b#4 → c#1; c also learns a#1,
    // but through b#4, so no message from a to c.
    assert_eq!(log.messages, [[0, 2], [3, 4], [6, 5]]);
    same_order(&log);
}

#[test]
fn zero_counts_are_dropped_and_escaped_quotes_read() {
    let log = build(
        vec![
            rec(1, "w1", r#"{\"w1\":1,\"w2\":0}"#, "tla"),
            rec(2, "w2", r#"{"w2":1,"w1":1}"#, "recv"),
        ],
        3,
    )
    .unwrap();
    assert_eq!(log.events[0].clock.len(), 1);
    assert_eq!(log.messages, [[0, 1]]);
    assert_eq!(log.skipped, 3);
}

#[test]
fn bad_clocks_are_named_with_their_line() {
    let cases: Vec<(Vec<Record>, &str)> = vec![
        (
            vec![rec(4, "a", "{a:1}", "x")],
            "line 4: the clock {a:1} is not JSON",
        ),
        (
            vec![rec(2, "a", "[1]", "x")],
            "line 2: the clock [1] is not a JSON object",
        ),
        (
            vec![rec(1, "a", r#"{"a":-1}"#, "x")],
            "line 1: the clock's count for \"a\" is -1",
        ),
        (
            vec![
                rec(9, "a", r#"{"b":1}"#, "x"),
                rec(10, "b", r#"{"b":1}"#, "y"),
            ],
            "line 9: the clock {\"b\":1} has no count for its own host \"a\"",
        ),
        (
            vec![
                rec(1, "a", r#"{"a":1}"#, "x"),
                rec(2, "a", r#"{"a":3}"#, "y"),
            ],
            "line 2: a counts 3 where 2 comes next",
        ),
        (
            vec![
                rec(1, "a", r#"{"a":1}"#, "x"),
                rec(2, "a", r#"{"a":1}"#, "y"),
            ],
            "line 2: a counts 1 twice",
        ),
        (
            vec![
                rec(1, "b", r#"{"b":1}"#, "x"),
                rec(2, "b", r#"{"b":2}"#, "x"),
                rec(3, "a", r#"{"a":1,"b":2}"#, "y"),
                rec(4, "a", r#"{"a":2,"b":1}"#, "z"),
            ],
            "line 4: a's clock for b went back from 2 (line 3) to 1",
        ),
        (
            vec![rec(5, "a", r#"{"a":1,"z":1}"#, "x")],
            "line 5: the clock names host \"z\", which logs no event",
        ),
        (
            vec![
                rec(1, "b", r#"{"b":1}"#, "x"),
                rec(2, "a", r#"{"a":1,"b":2}"#, "y"),
            ],
            "line 2: the clock counts 2 events of b, which logs only 1",
        ),
        (
            // Each knows the other: a cycle, which no clock allows.
            vec![
                rec(1, "a", r#"{"a":1,"b":1}"#, "x"),
                rec(2, "b", r#"{"a":1,"b":1}"#, "y"),
            ],
            "line 1: this event knows b's event 1 (line 2) but not everything that event knew",
        ),
        (Vec::new(), "the parser matched no event in the log"),
    ];
    for (records, want) in cases {
        let got = build(records, 0).unwrap_err().to_string();
        assert!(got.starts_with(want), "{got:?} should start with {want:?}");
    }
}

#[test]
fn a_parser_must_name_host_clock_and_event() {
    assert!(check_groups(["host", "clock", "event", "date"]).is_ok());
    let e = check_groups(["host", "event"]).unwrap_err().to_string();
    assert!(e.contains("no group named clock"), "{e}");
}

#[test]
fn an_embedded_parser_is_found_on_the_first_line() {
    let text = "(?<host>\\S*) (?<event>.*) (?<clock>{.*})\n\nn0 start {\"n0\":1}\n";
    let (rx, at) = embedded_parser(text).unwrap();
    assert_eq!(rx, "(?<host>\\S*) (?<event>.*) (?<clock>{.*})");
    assert!(text[at..].starts_with("n0 start"));
    assert_eq!(embedded_parser("a {\"a\":1}\nhello\n"), None);
}

/// Hiding b (ShiViz's "hide host"): a's ping and c's news reached the
/// others through b, so a → c is kept as a message of its own.
#[test]
fn hiding_a_host_keeps_what_happened_before_through_it() {
    let log = build(exchange(), 0).unwrap();
    let rest = log.without(&["b".to_string()]).unwrap();
    assert_eq!(rest.hosts, ["a", "c"]);
    assert_eq!(rest.events.len(), 3);
    same_order(&rest);
    // a's send (event 0) happened before c's event (event 2).
    assert!(rest.before(0, 2) && !rest.before(2, 0));
    assert_eq!(rest.messages, [[0, 2]]);
    for a in 0..rest.events.len() {
        for b in 0..rest.events.len() {
            let (x, y) = (&rest.events[a], &rest.events[b]);
            let find = |e: &Event| log.events.iter().position(|o| o.line == e.line).unwrap();
            assert_eq!(rest.before(a, b), log.before(find(x), find(y)), "{a} {b}");
        }
    }
    // Hiding nothing changes nothing.
    assert_eq!(log.without(&[]).unwrap(), log);
}

/// Every message points right, and a host's events keep their order.
#[test]
fn columns_put_every_cause_left_of_its_effect() {
    let log = build(exchange(), 0).unwrap();
    let col = log.columns();
    assert_eq!(col, [0, 0, 1, 2, 3, 4, 3]);
    for a in 0..log.events.len() {
        for b in 0..log.events.len() {
            if log.before(a, b) {
                assert!(col[a] < col[b], "{a} before {b}");
            }
        }
    }
}

/// A text that is only a parser line (or ends on its blank line), or has
/// Windows line ends, still finds where its log starts.
#[test]
fn an_embedded_parser_at_the_end_or_with_crlf_is_found() {
    let rx = "(?<host>\\S*) (?<event>.*) (?<clock>{.*})";
    for text in [
        format!("{rx}\n"),
        format!("{rx}\n\n"),
        format!("{rx}\r\n\r\n"),
    ] {
        let (p, at) = embedded_parser(&text).unwrap();
        assert_eq!((p, at), (rx, text.len()), "{text:?}");
        let (_, body, _) = parser_and_body(&text, None);
        assert_eq!(body, "");
    }
    let text = format!("{rx}\r\n\r\nn0 start {{\"n0\":1}}\r\n");
    let (_, at) = embedded_parser(&text).unwrap();
    assert!(text[at..].starts_with("n0 start"));
}

/// A count too large for the machine's word is refused, not wrapped.
#[test]
fn a_huge_count_is_refused() {
    let e = build(
        vec![
            rec(1, "a", r#"{"a":1}"#, "x"),
            rec(2, "b", r#"{"a":4294967297,"b":1}"#, "y"),
        ],
        0,
    )
    .unwrap_err();
    assert!(e.to_string().contains("logs only 1"), "{e}");
}

/// Lines in either unit: "é" is 2 bytes and 1 UTF-16 unit, "😀" 4 and 2.
#[test]
fn lines_name_where_a_match_starts_and_count_the_untouched() {
    let text = "a\nbé\n😀\n\nz";
    let mut bytes = Lines::bytes(text);
    let mut utf16 = Lines::utf16(text);
    // "bé" starts line 2: byte 2, unit 2; "😀" line 3: byte 6, unit 5.
    assert_eq!(bytes.touch(2, 5), 2);
    assert_eq!(utf16.touch(2, 4), 2);
    assert_eq!(bytes.touch(6, 10), 3);
    assert_eq!(utf16.touch(5, 7), 3);
    // "a" and "z" untouched; the blank line is not counted.
    assert_eq!(bytes.skipped(text), 2);
    assert_eq!(utf16.skipped(text), 2);
    // A match over two lines touches both.
    let mut two = Lines::bytes(text);
    assert_eq!(two.touch(0, 5), 1);
    assert_eq!(two.skipped(text), 2);
}

/// A log built a few events at a time is the log built at once.
#[test]
fn inference_in_slices_gives_the_same_log() {
    let whole = build(exchange(), 2).unwrap();
    let events: Vec<Event> = exchange()
        .into_iter()
        .map(|r| Event::read(r).unwrap())
        .collect();
    let mut inference = Inference::new(events, 2).unwrap();
    let mut steps = 0;
    while !inference.step(2).unwrap() {
        steps += 1;
        assert!(inference.progress() < 1.0);
    }
    assert_eq!(steps, 3);
    assert_eq!(inference.finish(), whole);
}
