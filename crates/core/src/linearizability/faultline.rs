//! faultline's own client histories, as JSON: an array of operations, an
//! object with a `history` array, or a run report whose `metrics` has one.
//!
//! ```json
//! [{"client": 1, "op": "put", "key": "x", "value": "a", "invoke_ms": 10.0, "complete_ms": 12.5, "ok": true},
//!  {"client": 2, "op": "get", "key": "x", "value": ["a", "b"], "invoke_ms": 11, "complete_ms": null, "ok": false}]
//! ```
//!
//! A put's `value` is the string written. A get's `value` is what it read:
//! `null` (nothing: the key's initial value `""`), a string, or a list of
//! sibling strings (see [`KvModel`](super::KvModel)). `complete_ms: null`
//! means the operation never completed, and a put with `ok: false` may or
//! may not have taken effect: both stay pending forever. A get with
//! `ok: false` read nothing and is left out. Times in milliseconds become
//! whole microseconds (rounded).

use super::history::Operation;
use super::model::{KvInput, KvOutput};
use serde::Deserialize;

/// Reads a faultline history. Errors name the field, the line and the
/// column.
pub fn parse(text: &str) -> Result<Vec<Operation<KvInput, KvOutput>>, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let entries = if text.trim_start().starts_with('[') {
        serde_path_to_error::deserialize::<_, Vec<Entry>>(&mut de).map_err(|e| e.to_string())?
    } else {
        let doc: Document = serde_path_to_error::deserialize(&mut de).map_err(|e| e.to_string())?;
        match (doc.history, doc.metrics.and_then(|m| m.history)) {
            (Some(history), _) | (None, Some(history)) => history,
            (None, None) => {
                return Err("no history: expected an array, an object with `history`, \
                            or a report with `metrics.history`"
                    .into())
            }
        }
    };
    de.end().map_err(|e| e.to_string())?;
    Ok(entries.into_iter().filter_map(|e| e.0).collect())
}

/// An object holding a history.
#[derive(Deserialize)]
struct Document {
    history: Option<Vec<Entry>>,
    metrics: Option<Metrics>,
}

/// A report's metrics.
#[derive(Deserialize)]
struct Metrics {
    history: Option<Vec<Entry>>,
}

/// One entry, validated: `None` when it is left out.
#[derive(Deserialize)]
#[serde(try_from = "RawEntry")]
struct Entry(Option<Operation<KvInput, KvOutput>>);

/// One entry as written.
#[derive(Deserialize)]
struct RawEntry {
    client: u64,
    op: Op,
    key: String,
    #[serde(default)]
    value: Option<RawValue>,
    invoke_ms: f64,
    complete_ms: Option<f64>,
    ok: bool,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Op {
    Get,
    Put,
}

/// A value: one string or siblings.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawValue {
    One(String),
    Siblings(Vec<String>),
}

/// Milliseconds to whole microseconds.
fn micros(ms: f64, field: &str) -> Result<u64, String> {
    // Below 2^53 µs every whole number is exact (about 285 years).
    const MAX_MS: f64 = 9_007_199_254_740.0;
    if (0.0..=MAX_MS).contains(&ms) {
        Ok((ms * 1000.0).round() as u64)
    } else {
        Err(format!("{field} is {ms}, not a time in [0, {MAX_MS}] ms"))
    }
}

impl TryFrom<RawEntry> for Entry {
    type Error = String;

    fn try_from(raw: RawEntry) -> Result<Entry, String> {
        let call = micros(raw.invoke_ms, "invoke_ms")?;
        let ret = match raw.complete_ms {
            Some(ms) => {
                let ret = micros(ms, "complete_ms")?;
                if ret < call {
                    return Err(format!(
                        "complete_ms {ms} is before invoke_ms {}",
                        raw.invoke_ms
                    ));
                }
                Some(ret)
            }
            None => None,
        };
        let key = raw.key;
        let (input, output) = match raw.op {
            Op::Put => {
                let Some(RawValue::One(value)) = raw.value else {
                    return Err("a put's value must be a string".into());
                };
                (KvInput::Put { key, value }, KvOutput::Ok)
            }
            Op::Get => {
                if !raw.ok {
                    return Ok(Entry(None));
                }
                let output = match raw.value {
                    None => KvOutput::Value(String::new()),
                    Some(RawValue::One(v)) => KvOutput::Value(v),
                    Some(RawValue::Siblings(mut vs)) => match vs.len() {
                        0 => KvOutput::Value(String::new()),
                        1 => KvOutput::Value(vs.remove(0)),
                        _ => KvOutput::Siblings(vs),
                    },
                };
                (KvInput::Get { key }, output)
            }
        };
        // Not completed, or a put that failed: pending forever.
        let (output, ret) = match ret {
            Some(ret) if raw.ok => (Some(output), Some(ret)),
            _ => (None, None),
        };
        Ok(Entry(Some(Operation {
            client: raw.client,
            input,
            output,
            call,
            ret,
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENTRIES: &str = r#"[
  {"client": 1, "op": "put", "key": "x", "value": "a", "invoke_ms": 1.5, "complete_ms": 2.0004, "ok": true},
  {"client": 2, "op": "get", "key": "x", "value": ["a", "b"], "invoke_ms": 3, "complete_ms": 4, "ok": true},
  {"client": 2, "op": "get", "key": "x", "value": ["a"], "invoke_ms": 5, "complete_ms": 6, "ok": true},
  {"client": 2, "op": "get", "key": "x", "value": null, "invoke_ms": 7, "complete_ms": 8, "ok": true},
  {"client": 3, "op": "put", "key": "x", "value": "c", "invoke_ms": 9, "complete_ms": 10, "ok": false},
  {"client": 3, "op": "get", "key": "x", "value": null, "invoke_ms": 11, "complete_ms": 12, "ok": false},
  {"client": 4, "op": "get", "key": "y", "invoke_ms": 13, "complete_ms": null, "ok": false},
  {"client": 5, "op": "put", "key": "y", "value": "d", "invoke_ms": 14, "complete_ms": null, "ok": true, "node": 2}
]"#;

    #[test]
    fn reads_entries_and_maps_failures_and_timeouts() {
        let ops = parse(ENTRIES).unwrap();
        assert_eq!(ops.len(), 6, "the failed get is left out");
        assert_eq!(
            ops[0],
            Operation {
                client: 1,
                input: KvInput::Put {
                    key: "x".into(),
                    value: "a".into()
                },
                output: Some(KvOutput::Ok),
                call: 1500,
                ret: Some(2000),
            }
        );
        assert_eq!(
            ops[1].output,
            Some(KvOutput::Siblings(vec!["a".into(), "b".into()]))
        );
        assert_eq!(ops[2].output, Some(KvOutput::Value("a".into())));
        assert_eq!(ops[3].output, Some(KvOutput::Value(String::new())));
        // A failed put and anything not completed are pending forever.
        for op in &ops[4..] {
            assert!(op.is_pending() && op.output.is_none(), "{op:?}");
        }
        assert_eq!(ops[5].call, 14_000);
    }

    #[test]
    fn reads_every_wrapping() {
        let n = parse(ENTRIES).unwrap().len();
        let wrapped = format!(r#"{{"history": {ENTRIES}}}"#);
        assert_eq!(parse(&wrapped).unwrap().len(), n);
        let report = format!(
            r#"{{"protocol": "quorum", "metrics": {{"nodes": [1, 2], "history": {ENTRIES}}}}}"#
        );
        assert_eq!(parse(&report).unwrap().len(), n);
        assert!(parse("[]").unwrap().is_empty());
    }

    #[test]
    fn malformed_input_is_an_error_naming_the_place() {
        let entry = |fields: &str| {
            format!("[\n  {{\"client\": 1, \"key\": \"x\", \"invoke_ms\": 1, {fields}}}\n]")
        };
        let cases = [
            (
                entry(r#""op": "del", "complete_ms": 2, "ok": true"#),
                "unknown variant `del`",
            ),
            (
                entry(r#""op": "put", "complete_ms": 2, "ok": true"#),
                "a put's value must be a string",
            ),
            (
                entry(r#""op": "put", "value": ["a"], "complete_ms": 2, "ok": true"#),
                "a put's value",
            ),
            (
                entry(r#""op": "get", "value": 3, "complete_ms": 2, "ok": true"#),
                "did not match",
            ),
            (
                entry(r#""op": "get", "complete_ms": 0.5, "ok": true"#),
                "before invoke_ms",
            ),
            (
                entry(r#""op": "get", "complete_ms": -1, "ok": true"#),
                "complete_ms is -1",
            ),
            (
                entry(r#""op": "get", "complete_ms": 2"#),
                "missing field `ok`",
            ),
            (
                entry(r#""op": "get", "complete_ms": 2, "ok": "yes""#),
                "invalid type",
            ),
        ];
        for (text, expected) in cases {
            let err = parse(&text).unwrap_err();
            assert!(err.contains(expected), "{text}: {err}");
            assert!(
                err.contains("line 2") || err.contains("line 3"),
                "{text}: {err}"
            );
            assert!(err.starts_with("[0]"), "{text}: {err}");
        }
        let err = parse("{\"metrics\": {}}").unwrap_err();
        assert!(err.contains("no history"), "{err}");
        let err = parse("{\"history\": [}").unwrap_err();
        assert!(err.contains("line 1"), "{err}");
        let err = parse("[] []").unwrap_err();
        assert!(err.contains("trailing"), "{err}");
        let err = parse("{\"history\": [\n{\"client\": 1}\n]}").unwrap_err();
        assert!(err.starts_with("history[0]"), "{err}");
    }
}
