//! Jepsen logs of a compare-and-set register (the etcd test), as in the
//! Porcupine and ahorn/linearizability-checker corpora:
//!
//! ```text
//! INFO  jepsen.util - 2 :invoke :cas [3 0]
//! INFO  jepsen.util - 2 :ok :cas [3 0]
//! ```
//!
//! After the `jepsen.util -` marker come, separated by tabs (as in most of
//! the corpus) or spaces, the process, the type (`:invoke`, `:ok`, `:fail`,
//! `:info`), the function (`:read`, `:write`, `:cas`) and the value (`nil`,
//! an integer, or `[old new]` for a compare-and-set). A read's `:ok`
//! carries the value read. `:fail` means the operation did not happen: it
//! is left out. `:info` means it may or may not have happened: it stays
//! pending forever, as does an invocation never completed. Each line's
//! number is its time. Lines of other loggers (without the marker) and
//! blank lines are skipped.

use super::history::{Operation, Recorder};
use super::model::{RegisterInput, RegisterOutput};

/// The marker before an operation's fields.
const MARKER: &str = "jepsen.util -";

/// Reads a Jepsen register log. Errors name the line.
pub fn parse(text: &str) -> Result<Vec<Operation<RegisterInput, RegisterOutput>>, String> {
    let mut history = Recorder::new();
    for (n, line) in text.lines().enumerate() {
        let number = n as u64 + 1;
        let Some(at) = line.find(MARKER) else {
            continue;
        };
        parse_line(&mut history, &line[at + MARKER.len()..], number)
            .map_err(|e| format!("line {number}: {e}"))?;
    }
    Ok(history.finish())
}

/// The function of an operation.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Function {
    Read,
    Write,
    Cas,
}

impl Function {
    fn of(input: &RegisterInput) -> Function {
        match input {
            RegisterInput::Read => Function::Read,
            RegisterInput::Write(_) => Function::Write,
            RegisterInput::Cas { .. } => Function::Cas,
        }
    }
}

fn parse_line(
    history: &mut Recorder<RegisterInput, RegisterOutput>,
    fields: &str,
    time: u64,
) -> Result<(), String> {
    let mut words = fields.split_whitespace();
    let mut next = |what: &str| words.next().ok_or_else(|| format!("missing the {what}"));
    let process = next("process")?;
    let process: u64 = process
        .parse()
        .map_err(|_| format!("process `{process}` is not a whole number"))?;
    let kind = next("type")?;
    if !matches!(kind, ":invoke" | ":ok" | ":fail" | ":info") {
        return Err(format!("unknown type `{kind}`"));
    }
    let function = match next("function")? {
        ":read" => Function::Read,
        ":write" => Function::Write,
        ":cas" => Function::Cas,
        other => return Err(format!("unknown function `{other}`")),
    };
    let value = words.collect::<Vec<_>>().join(" ");
    if value.is_empty() {
        return Err("missing the value".into());
    }
    if kind != ":invoke" {
        let open = Function::of(history.open_input(process)?);
        if open != function {
            return Err(format!(
                "process {process} invoked a {open:?} but completes a {function:?}"
            ));
        }
    }
    match kind {
        ":invoke" => {
            let input = match function {
                Function::Read => RegisterInput::Read,
                Function::Write => RegisterInput::Write(integer(&value)?),
                Function::Cas => {
                    let (from, to) = pair(&value)?;
                    RegisterInput::Cas { from, to }
                }
            };
            history.invoke(process, input, time)
        }
        ":ok" => {
            let output = match function {
                Function::Read => RegisterOutput::Value(optional_integer(&value)?),
                Function::Write | Function::Cas => RegisterOutput::Ok,
            };
            history.complete(process, output, time)
        }
        ":fail" => history.fail(process),
        _ => history.info(process),
    }
}

fn integer(s: &str) -> Result<i64, String> {
    s.parse()
        .map_err(|_| format!("value `{s}` is not an integer"))
}

fn optional_integer(s: &str) -> Result<Option<i64>, String> {
    if s == "nil" {
        Ok(None)
    } else {
        integer(s).map(Some)
    }
}

/// `[old new]`.
fn pair(s: &str) -> Result<(i64, i64), String> {
    let inner = s
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .ok_or_else(|| format!("a cas value is `[old new]`, not `{s}`"))?;
    match inner.split_whitespace().collect::<Vec<_>>()[..] {
        [from, to] => Ok((integer(from)?, integer(to)?)),
        _ => Err(format!("a cas value is `[old new]`, not `{s}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(process: u64, kind: &str, f: &str, value: &str) -> String {
        format!("INFO  jepsen.util - {process}\t{kind}\t{f}\t{value}\n")
    }

    #[test]
    fn pairs_invocations_with_completions_and_uses_line_numbers_as_times() {
        let text = [
            line(0, ":invoke", ":write", "3"),
            line(1, ":invoke", ":read", "nil"),
            line(0, ":ok", ":write", "3"),
            line(1, ":ok", ":read", "3"),
            "INFO  jepsen.core - some other logger\n".into(),
            line(2, ":invoke", ":cas", "[3 4]"),
            line(2, ":ok", ":cas", "[3 4]"),
            line(3, ":invoke", ":read", "nil"),
            line(3, ":ok", ":read", "nil"),
        ]
        .concat();
        let ops = parse(&text).unwrap();
        assert_eq!(ops.len(), 4);
        assert_eq!(
            ops[0],
            Operation {
                client: 0,
                input: RegisterInput::Write(3),
                output: Some(RegisterOutput::Ok),
                call: 1,
                ret: Some(3)
            }
        );
        assert_eq!(ops[1].output, Some(RegisterOutput::Value(Some(3))));
        assert_eq!((ops[1].call, ops[1].ret), (2, Some(4)));
        assert_eq!(ops[2].input, RegisterInput::Cas { from: 3, to: 4 });
        assert_eq!(ops[3].output, Some(RegisterOutput::Value(None)));
    }

    #[test]
    fn fail_drops_the_operation_and_info_leaves_it_pending() {
        let text = [
            line(0, ":invoke", ":cas", "[1 2]"),
            line(1, ":invoke", ":write", "4"),
            line(0, ":fail", ":cas", "[1 2]"),
            line(1, ":info", ":write", ":timed-out"),
            // The process goes on under the same id here; and one never
            // completes.
            line(1, ":invoke", ":read", "nil"),
        ]
        .concat();
        let ops = parse(&text).unwrap();
        assert_eq!(ops.len(), 2);
        assert_eq!(ops[0].input, RegisterInput::Write(4));
        assert!(ops[0].is_pending() && ops[0].output.is_none());
        assert_eq!(ops[1].input, RegisterInput::Read);
        assert!(ops[1].is_pending());
    }

    #[test]
    fn fields_may_be_separated_by_spaces() {
        let ops = parse("INFO  jepsen.util - 4   :invoke :cas    [1 2]\n").unwrap();
        assert_eq!(ops[0].input, RegisterInput::Cas { from: 1, to: 2 });
    }

    #[test]
    fn malformed_lines_are_errors_naming_the_line() {
        let ok = line(0, ":invoke", ":write", "3");
        let cases = [
            (line(0, ":invoke", ":write", "x"), "`x` is not an integer"),
            (line(0, ":invoke", ":swap", "1"), "unknown function `:swap`"),
            (line(0, ":begin", ":write", "1"), "unknown type `:begin`"),
            (line(0, ":invoke", ":cas", "[1]"), "[old new]"),
            (line(0, ":invoke", ":cas", "1 2"), "[old new]"),
            (
                "INFO  jepsen.util - x\t:invoke\t:read\tnil\n".into(),
                "process `x`",
            ),
            (
                "INFO  jepsen.util - 0\t:invoke\n".into(),
                "missing the function",
            ),
            (
                "INFO  jepsen.util - 0\t:invoke\t:read\n".into(),
                "missing the value",
            ),
            (line(1, ":ok", ":write", "3"), "never invoked"),
            (line(0, ":invoke", ":read", "nil"), "still open"),
            (
                line(0, ":ok", ":read", "3"),
                "invoked a Write but completes a Read",
            ),
        ];
        for (bad, expected) in cases {
            let err = parse(&format!("{ok}{bad}")).unwrap_err();
            assert!(err.starts_with("line 2: "), "{err}");
            assert!(err.contains(expected), "{err}");
        }
    }
}
