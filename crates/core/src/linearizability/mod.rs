//! A linearizability checker, in the manner of Porcupine.
//!
//! A history is *linearizable* (Herlihy & Wing 1990) when each operation
//! can be given a point between its call and its return at which it takes
//! effect, so that taken in that order the operations are a legal run of
//! the object's sequential specification (its [`Model`]). [`check`]
//! searches for such an order; the parsers read the histories of Jepsen's
//! etcd test ([`jepsen`]), Porcupine's key-value corpus ([`edn`]) and
//! faultline's own ([`faultline`]); [`check_file`] detects which and runs
//! the right model.
//!
//! ```
//! use faultline_core::linearizability::{
//!     check, Operation, RegisterInput, RegisterModel, RegisterOutput, Verdict,
//! };
//!
//! let op = |client, input, output, call, ret| Operation {
//!     client, input, output: Some(output), call, ret: Some(ret),
//! };
//! // A write of 1 overlaps a read of 1, which precedes a read of nil.
//! let history = [
//!     op(0, RegisterInput::Write(1), RegisterOutput::Ok, 0, 10),
//!     op(1, RegisterInput::Read, RegisterOutput::Value(Some(1)), 1, 2),
//!     op(2, RegisterInput::Read, RegisterOutput::Value(None), 3, 4),
//! ];
//! // The two reads cannot both be explained, whatever the write did.
//! assert_eq!(check(&RegisterModel, &history), Verdict::NotLinearizable { offending: vec![1, 2] });
//! assert!(check(&RegisterModel, &history[..2]).is_linearizable());
//! ```

pub mod edn;
pub mod faultline;
mod history;
pub mod jepsen;
mod model;
mod search;

pub use history::Operation;
pub use model::{KvInput, KvModel, KvOutput, Model, RegisterInput, RegisterModel, RegisterOutput};
pub use search::{check, Verdict};

use crate::sortedmap::SortedSet;
use std::fmt::{self, Display};

/// The kinds of history file [`check_file`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A Jepsen log of a compare-and-set register ([`jepsen`]).
    JepsenRegister,
    /// An EDN key-value history ([`edn`]).
    EdnKv,
    /// faultline's JSON key-value history ([`faultline`]).
    FaultlineKv,
}

impl Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::JepsenRegister => "Jepsen register log",
            Format::EdnKv => "EDN key-value history",
            Format::FaultlineKv => "faultline key-value history",
        })
    }
}

impl Format {
    /// Recognises a file: JSON (first character `[`, or `{` not followed by
    /// a keyword) is faultline's; a map of keywords (`{:process ...`) is EDN;
    /// a text with `jepsen.util` lines is a Jepsen log.
    pub fn detect(text: &str) -> Result<Format, String> {
        let start = text.trim_start();
        if start.starts_with('[') {
            Ok(Format::FaultlineKv)
        } else if let Some(map) = start.strip_prefix('{') {
            if map.trim_start().starts_with(':') {
                Ok(Format::EdnKv)
            } else {
                Ok(Format::FaultlineKv)
            }
        } else if text.contains("jepsen.util") {
            Ok(Format::JepsenRegister)
        } else if start.is_empty() {
            Err("the file is empty".into())
        } else {
            Err(
                "unknown format: expected faultline JSON, EDN maps (`{:process ...}`) \
                 or a Jepsen log (`jepsen.util` lines)"
                    .into(),
            )
        }
    }
}

/// What [`check_file`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileReport {
    /// The file's format.
    pub format: Format,
    /// Operations checked (failed ones left out; pending ones counted).
    pub operations: usize,
    /// Distinct clients (processes).
    pub clients: usize,
    /// Parts checked independently (keys, for key-value histories).
    pub partitions: usize,
    /// The verdict; its indices are into the parsed operations.
    pub verdict: Verdict,
    /// One line per offending operation, in the file's terms
    /// (`client 3: write 4 -> ok, lines 12-15`); empty when linearizable.
    pub offending: Vec<String>,
    /// Every operation checked, in the order of the verdict's indices, for
    /// a drawing of the history.
    pub ops: Vec<Drawn>,
    /// When not linearizable, the operation that cannot be placed (see
    /// [`stuck_at`]).
    pub stuck: Option<usize>,
}

/// An operation as a history view draws it: its client, its interval, and
/// what it asked and got in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drawn {
    /// The client (process).
    pub client: u64,
    /// When it was called (a line number, or µs).
    pub call: u64,
    /// When it returned; `None` when pending.
    pub ret: Option<u64>,
    /// What it asked (`write 4`, `get x`).
    pub input: String,
    /// What it got (`ok`, `1`), or `?` when unknown.
    pub output: String,
}

/// The operation at which a history stops being linearizable, as
/// Porcupine shows it: of the offending set [`check`] reports, the one that
/// returns last. The shrinking in [`check`] finds it first, as the end of
/// the shortest failing prefix by return time of the failing part (key):
/// the completed operations of that part that return before it can all be
/// placed in one order, the others free to take effect or not; with it, no
/// order explains them. (When a search of the shrinking runs out of steps
/// it counts as passing, so the prefix found may then end later than the
/// shortest.)
pub fn stuck_at<I, O>(ops: &[Operation<I, O>], offending: &[usize]) -> Option<usize> {
    offending
        .iter()
        .copied()
        .filter(|&i| !ops[i].is_pending())
        .max_by_key(|&i| (ops[i].ret.map(|r| r.max(ops[i].call)), ops[i].call, i))
}

/// Reads a history in any [`Format`] and checks it with the right model:
/// [`RegisterModel`] for Jepsen logs, [`KvModel`] for the others. Errors
/// (unknown format, malformed lines) name the line.
pub fn check_file(text: &str) -> Result<FileReport, String> {
    let format = Format::detect(text)?;
    match format {
        Format::JepsenRegister => Ok(report(format, &RegisterModel, &jepsen::parse(text)?)),
        Format::EdnKv => Ok(report(format, &KvModel, &edn::parse(text)?)),
        Format::FaultlineKv => Ok(report(format, &KvModel, &faultline::parse(text)?)),
    }
}

fn report<M: Model>(format: Format, model: &M, ops: &[Operation<M::Input, M::Output>]) -> FileReport
where
    M::Input: Display,
    M::Output: Display,
{
    let verdict = check(model, ops);
    let offending = match &verdict {
        Verdict::Linearizable => Vec::new(),
        Verdict::NotLinearizable { offending } => offending
            .iter()
            .map(|&i| describe(&ops[i], format))
            .collect(),
    };
    FileReport {
        format,
        operations: ops.len(),
        clients: ops
            .iter()
            .map(|op| op.client)
            .collect::<SortedSet<_>>()
            .len(),
        partitions: model.partition(ops).len(),
        stuck: match &verdict {
            Verdict::Linearizable => None,
            Verdict::NotLinearizable { offending } => stuck_at(ops, offending),
        },
        verdict,
        offending,
        ops: ops
            .iter()
            .map(|op| Drawn {
                client: op.client,
                call: op.call,
                ret: op.ret,
                input: op.input.to_string(),
                output: op.output.as_ref().map_or("?".into(), ToString::to_string),
            })
            .collect(),
    }
}

/// One operation in the file's terms: times are line numbers, or
/// microseconds shown as milliseconds.
fn describe<I: Display, O: Display>(op: &Operation<I, O>, format: Format) -> String {
    let output = match &op.output {
        Some(output) => output.to_string(),
        None => "?".into(),
    };
    let ms = |us: u64| us as f64 / 1000.0;
    let when = match (format, op.ret) {
        (Format::FaultlineKv, Some(ret)) => format!("{}-{} ms", ms(op.call), ms(ret)),
        (Format::FaultlineKv, None) => format!("from {} ms, pending", ms(op.call)),
        (_, Some(ret)) => format!("lines {}-{ret}", op.call),
        (_, None) => format!("line {}, pending", op.call),
    };
    format!("client {}: {} -> {output}, {when}", op.client, op.input)
}

#[cfg(test)]
mod tests {
    use super::*;

    const JEPSEN: &str = "INFO  jepsen.util - 0\t:invoke\t:write\t1
INFO  jepsen.util - 0\t:ok\t:write\t1
INFO  jepsen.util - 1\t:invoke\t:read\tnil
INFO  jepsen.util - 1\t:ok\t:read\tnil
";

    /// Porcupine's view of a failing history: the read of nil cannot be
    /// placed after the read of 1 that returned before it was called; the
    /// write and the first read alone are linearizable.
    #[test]
    fn the_stuck_operation_ends_the_shortest_failing_prefix() {
        let text = "INFO  jepsen.util - 0\t:invoke\t:write\t1
INFO  jepsen.util - 1\t:invoke\t:read\tnil
INFO  jepsen.util - 1\t:ok\t:read\t1
INFO  jepsen.util - 2\t:invoke\t:read\tnil
INFO  jepsen.util - 2\t:ok\t:read\tnil
INFO  jepsen.util - 0\t:ok\t:write\t1
";
        let report = check_file(text).unwrap();
        let stuck = report.stuck.expect("not linearizable");
        assert_eq!(report.ops[stuck].client, 2);
        assert_eq!(report.ops[stuck].output, "nil");
        let prefix: String = text.lines().take(3).map(|l| format!("{l}\n")).collect();
        assert!(check_file(&prefix).unwrap().verdict.is_linearizable());
        assert_eq!(check_file(JEPSEN).unwrap().stuck, Some(1));
        let fine = text.replace(":ok\t:read\tnil", ":ok\t:read\t1");
        assert_eq!(check_file(&fine).unwrap().stuck, None);
    }

    #[test]
    fn detects_each_format() {
        assert_eq!(Format::detect(JEPSEN), Ok(Format::JepsenRegister));
        assert_eq!(
            Format::detect("\n{:process 0, :type :invoke}"),
            Ok(Format::EdnKv)
        );
        assert_eq!(Format::detect(" [ ]"), Ok(Format::FaultlineKv));
        assert_eq!(Format::detect("{\"history\": []}"), Ok(Format::FaultlineKv));
        assert!(Format::detect("  \n").unwrap_err().contains("empty"));
        assert!(Format::detect("hello")
            .unwrap_err()
            .contains("unknown format"));
    }

    #[test]
    fn checks_a_file_and_describes_the_offenders() {
        let report = check_file(JEPSEN).unwrap();
        assert_eq!(report.format, Format::JepsenRegister);
        assert_eq!(
            (report.operations, report.clients, report.partitions),
            (2, 2, 1)
        );
        assert!(!report.verdict.is_linearizable());
        assert_eq!(
            report.offending,
            [
                "client 0: write 1 -> ok, lines 1-2",
                "client 1: read -> nil, lines 3-4"
            ]
        );

        let json = r#"[
            {"client": 1, "op": "put", "key": "x", "value": "a", "invoke_ms": 1, "complete_ms": 2.5, "ok": true},
            {"client": 2, "op": "get", "key": "x", "value": null, "invoke_ms": 3, "complete_ms": 4, "ok": true},
            {"client": 3, "op": "put", "key": "y", "value": "b", "invoke_ms": 3, "complete_ms": null, "ok": true}
        ]"#;
        let report = check_file(json).unwrap();
        assert_eq!(
            (report.operations, report.clients, report.partitions),
            (3, 3, 2)
        );
        assert_eq!(
            report.offending,
            [
                "client 1: put \"x\" \"a\" -> ok, 1-2.5 ms",
                "client 2: get \"x\" -> \"\", 3-4 ms"
            ]
        );
        let pending = Operation {
            client: 3,
            input: RegisterInput::Read,
            output: None::<RegisterOutput>,
            call: 7,
            ret: None,
        };
        assert_eq!(
            describe(&pending, Format::JepsenRegister),
            "client 3: read -> ?, line 7, pending"
        );
        assert_eq!(
            describe(&pending, Format::FaultlineKv),
            "client 3: read -> ?, from 0.007 ms, pending"
        );

        assert_eq!(report.ops.len(), 3);
        assert_eq!(
            (report.ops[1].client, report.ops[1].call, report.ops[1].ret),
            (2, 3000, Some(4000))
        );
        assert_eq!(report.ops[1].input, "get \"x\"");
        assert_eq!(report.ops[2].output, "?");

        let edn = "{:process 0, :type :invoke, :f :get, :key \"k\", :value nil}\n\
                   {:process 0, :type :ok, :f :get, :key \"k\", :value \"\"}\n";
        let report = check_file(edn).unwrap();
        assert_eq!(report.format, Format::EdnKv);
        assert!(report.verdict.is_linearizable() && report.offending.is_empty());
    }

    #[test]
    fn errors_carry_the_line() {
        let err = check_file("INFO  jepsen.util - 0\t:invoke\t:write\tx\n").unwrap_err();
        assert!(err.starts_with("line 1:"), "{err}");
        let err = check_file("{:process 0}\n{:process 0, :type :invoke,").unwrap_err();
        assert!(err.starts_with("line 1:"), "{err}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 1_000,
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        #[test]
        fn no_input_panics(
            text in r#"(INFO  jepsen\.util - |\{:process |[\[\]{}":,0-9a-z_ \t\n\-.]){0,40}"#
        ) {
            let _ = check_file(&text);
        }

        #[test]
        fn no_line_sequence_panics(
            lines in proptest::collection::vec(
                proptest::prop_oneof![
                    r#"INFO  jepsen\.util - [0-2]\t:(invoke|ok|fail|info)\t:(read|write|cas)\t(nil|[0-3]|\[[0-3] [0-3]\]|:timed-out)"#,
                    r#"\{:process [0-2], :type :(invoke|ok|fail|info), :f :(get|put|append), :key "[ab]", :value (nil|"[xy]")\}"#,
                ],
                0..12,
            )
        ) {
            let _ = check_file(&lines.join("\n"));
        }
    }
}
