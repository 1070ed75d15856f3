//! `faultline import shiviz`: a log with vector clocks, matched with a
//! ShiViz parser, to the events and messages faultline draws.

use faultline_core::shiviz::{self, Log, Record};
use regex::Regex;
use std::collections::BTreeMap;

/// The log in `text`, matched with `parser` (or the one the log carries on
/// its first line, or ShiViz's default).
pub fn import(text: &str, parser: Option<&str>) -> Result<Log, String> {
    let (parser, body, first_line) = shiviz::parser_and_body(text, parser);
    let (records, skipped) = records(body, parser, first_line)?;
    shiviz::build(records, skipped).map_err(|e| e.to_string())
}

/// Every match of `parser` in `text` (ShiViz matches with the `m` flag:
/// `^` and `$` at each line), and how many non-blank lines no match
/// touched. `first_line` is the line `text` starts on in the file.
pub fn records(
    text: &str,
    parser: &str,
    first_line: usize,
) -> Result<(Vec<Record>, usize), String> {
    let rx = Regex::new(&format!("(?m){}", literal_braces(parser)))
        .map_err(|e| format!("the parser is not a regular expression this reads: {e}"))?;
    shiviz::check_groups(rx.capture_names().flatten()).map_err(|e| e.to_string())?;
    let others: Vec<&str> = rx
        .capture_names()
        .flatten()
        .filter(|n| !shiviz::REQUIRED_GROUPS.contains(n))
        .collect();
    let mut lines = shiviz::Lines::bytes(text);
    let mut out = Vec::new();
    for c in rx.captures_iter(text) {
        let whole = c.get(0).expect("group 0 is the whole match");
        if whole.as_str().is_empty() {
            continue;
        }
        let line = lines.touch(whole.start(), whole.end());
        let group = |n: &str| c.name(n).map_or("", |m| m.as_str()).to_string();
        out.push(Record {
            line: first_line + line - 1,
            host: group("host"),
            clock: group("clock"),
            text: group("event"),
            fields: others
                .iter()
                .map(|n| (n.to_string(), group(n)))
                .collect::<BTreeMap<_, _>>(),
        });
    }
    let skipped = lines.skipped(text);
    Ok((out, skipped))
}

/// `parser` with every brace that is not a repetition (`{2}`, `{2,}`,
/// `{2,5}`) escaped: JavaScript, which ShiViz runs, reads `{.*}` as braces
/// around anything, and ShiViz's parsers rely on it.
fn literal_braces(parser: &str) -> String {
    let mut out = String::with_capacity(parser.len() + 8);
    let (mut escaped, mut in_class, mut in_count) = (false, false, false);
    for (i, ch) in parser.char_indices() {
        match ch {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '{' if !in_class => {
                let rest = &parser[i + 1..];
                let body = rest.split_once('}').map_or("", |(b, _)| b);
                let (lo, hi) = body.split_once(',').unwrap_or((body, "0"));
                let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
                if rest.contains('}') && !lo.is_empty() && digits(lo) && digits(hi) {
                    in_count = true;
                } else {
                    out.push('\\');
                }
            }
            '}' if !in_class => {
                if in_count {
                    in_count = false;
                } else {
                    out.push('\\');
                }
            }
            _ => {}
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_parser_reads_event_then_host_and_clock() {
        let log = import(
            "hello\na {\"a\":1}\nnoise without a clock\n\nhi back\nb {\"a\":1, \"b\":1}\n",
            None,
        )
        .unwrap();
        assert_eq!(log.hosts, ["a", "b"]);
        assert_eq!(log.events[1].text, "hi back");
        assert_eq!(log.events[1].line, 5);
        assert_eq!(log.messages, [[0, 1]]);
        // "noise without a clock" is taken as the first event's text line?
        // No: the default parser pairs a line with the clock line after it,
        // so the noise line and nothing else is left over.
        assert_eq!(log.skipped, 1);
    }

    #[test]
    fn braces_read_as_javascript_reads_them() {
        assert_eq!(literal_braces(r"(?<clock>{.*})"), r"(?<clock>\{.*\})");
        assert_eq!(literal_braces(r"a{2}b{1,}c{2,5}"), r"a{2}b{1,}c{2,5}");
        assert_eq!(literal_braces(r"\{[{}]x{,3}"), r"\{[{}]x\{,3\}");
    }

    #[test]
    fn other_groups_become_fields_and_a_log_may_carry_its_parser() {
        let text = "(?<date>\\d+) (?<host>\\S+) (?<event>.*) (?<clock>\\{.*\\})\n\n7 n0 boot {\"n0\":1}\n9 n1 hear {\"n1\":1,\"n0\":1}\n";
        let log = import(text, None).unwrap();
        assert_eq!(log.events[0].fields["date"], "7");
        assert_eq!(log.events[1].line, 4);
        assert_eq!(log.messages, [[0, 1]]);
    }

    #[test]
    fn a_parser_without_the_groups_or_not_a_regex_is_refused() {
        let e = import("a {\"a\":1}\n", Some("(?<host>\\S+) (?<clock>.*)")).unwrap_err();
        assert!(e.contains("no group named event"), "{e}");
        let e = import("a\n", Some("(?<host>")).unwrap_err();
        assert!(e.contains("not a regular expression"), "{e}");
    }
}
