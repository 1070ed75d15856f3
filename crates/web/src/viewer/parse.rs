//! Matching a ShiViz log in the page with the browser's own `RegExp`, the
//! dialect ShiViz runs (so `{.*}` is braces around anything, and named
//! groups are written `(?<host>…)`), into the core's records.

use faultline_core::shiviz::{self, Record};
use js_sys::{Array, JsString, Reflect};
use std::collections::BTreeMap;
use wasm_bindgen::{JsCast, JsValue};

/// The named groups a parser declares, in order (`(?<name>`, but not the
/// look-behinds `(?<=` and `(?<!`).
pub fn group_names(parser: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = parser;
    while let Some(at) = rest.find("(?<") {
        let after = &rest[at + 3..];
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if end > 0 && after[end..].starts_with('>') {
            out.push(&after[..end]);
        }
        rest = after;
    }
    out
}

/// A property of a JavaScript object as a string, if it is one.
fn string(of: &JsValue, key: &str) -> Option<String> {
    Reflect::get(of, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_string())
}

/// Matching a log a slice at a time, so a long one never stalls the page:
/// every match of the parser (ShiViz matches with the `m` flag: `^` and
/// `$` at each line) becomes a record.
pub struct Matcher {
    matches: js_sys::Iterator,
    /// The parser's groups other than host, clock and event.
    others: Vec<String>,
    /// The text's lines, in UTF-16 units (a JavaScript match's unit).
    lines: shiviz::Lines,
    /// The line the text starts on in the file.
    first_line: usize,
    /// The text's length in UTF-16 units.
    len: u32,
    /// Where the last match ended.
    at: u32,
    records: Vec<Record>,
}

impl Matcher {
    /// Starts matching `parser` in `text`, which starts on line
    /// `first_line` of the file; fails when the parser lacks a group or is
    /// no regular expression.
    pub fn new(text: &str, parser: &str, first_line: usize) -> Result<Matcher, String> {
        let names = group_names(parser);
        shiviz::check_groups(names.iter().copied()).map_err(|e| e.to_string())?;
        let constructor = Reflect::get(&js_sys::global(), &JsValue::from_str("RegExp"))
            .ok()
            .and_then(|c| c.dyn_into::<js_sys::Function>().ok())
            .ok_or("this browser has no RegExp")?;
        let args = Array::of2(&JsValue::from_str(parser), &JsValue::from_str("gm"));
        // Constructed through Reflect, so a bad pattern is an error here,
        // not an exception through the wasm.
        let rx = Reflect::construct(&constructor, &args)
            .map_err(|e| {
                let why = string(&e, "message").unwrap_or_default();
                format!("the parser is not a regular expression: {why}")
            })?
            .unchecked_into::<js_sys::RegExp>();
        let js = JsString::from(text);
        Ok(Matcher {
            len: js.length(),
            matches: js.match_all(&rx),
            others: names
                .iter()
                .filter(|n| !shiviz::REQUIRED_GROUPS.contains(n))
                .map(|n| n.to_string())
                .collect(),
            lines: shiviz::Lines::utf16(text),
            first_line,
            at: 0,
            records: Vec::new(),
        })
    }

    /// Matches on until `deadline` (ms since the epoch) or the end of the
    /// text; whether it reached the end.
    pub fn step(&mut self, deadline: f64) -> bool {
        // Matches, not records, are counted: empty matches make no record.
        for n in 1u32.. {
            let Ok(next) = self.matches.next() else {
                return true;
            };
            if next.done() {
                return true;
            }
            self.take(&next.value());
            if n % 256 == 0 && js_sys::Date::now() > deadline {
                return false;
            }
        }
        false
    }

    /// How far through the text it is, from 0 to 1.
    pub fn progress(&self) -> f64 {
        f64::from(self.at) / f64::from(self.len.max(1))
    }

    /// The records, and how many non-blank lines no match touched.
    pub fn finish(self, text: &str) -> (Vec<Record>, usize) {
        let skipped = self.lines.skipped(text);
        (self.records, skipped)
    }

    fn take(&mut self, m: &JsValue) {
        let whole = Reflect::get(m, &JsValue::from_f64(0.0))
            .ok()
            .and_then(|w| w.dyn_into::<JsString>().ok());
        let len = whole.map_or(0, |w| w.length());
        if len == 0 {
            return;
        }
        let index = Reflect::get(m, &JsValue::from_str("index"))
            .ok()
            .and_then(|i| i.as_f64())
            .unwrap_or(0.0) as u32;
        self.at = index + len;
        let a = self.lines.touch(index as usize, (index + len) as usize);
        let groups = Reflect::get(m, &JsValue::from_str("groups")).unwrap_or(JsValue::UNDEFINED);
        let group = |n: &str| string(&groups, n).unwrap_or_default();
        self.records.push(Record {
            line: self.first_line + a - 1,
            host: group("host"),
            clock: group("clock"),
            text: group("event"),
            fields: self
                .others
                .iter()
                .map(|n| (n.clone(), group(n)))
                .collect::<BTreeMap<_, _>>(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_groups_are_read_and_lookbehinds_are_not_groups() {
        assert_eq!(
            group_names(shiviz::DEFAULT_REGEX),
            ["event", "host", "clock"]
        );
        assert_eq!(
            group_names(r"(?<date>\d+) (?<=x)(?<!y)(?<host>\w+)(?<bad name>)"),
            ["date", "host"]
        );
    }
}
