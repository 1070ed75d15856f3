//! Key-value histories written as EDN, one map per line, as in Porcupine's
//! `kv` corpus:
//!
//! ```text
//! {:process 0, :type :invoke, :f :append, :key "3", :value "x 0 1 y"}
//! {:process 0, :type :ok, :f :append, :key "3", :value "x 0 1 y"}
//! {:process 1, :type :invoke, :f :get, :key "3", :value nil}
//! {:process 1, :type :ok, :f :get, :key "3", :value "x 0 1 y"}
//! ```
//!
//! A get's value is on its `:ok` line (`nil` there reads as `""`, the
//! initial value). As in Jepsen logs, `:fail` leaves the operation out and
//! `:info` leaves it pending forever. Each line's number is its time; blank
//! lines are skipped. Only the EDN these files use is read: a flat map of
//! keywords to keywords, strings, integers or `nil`.

use super::history::{Operation, Recorder};
use super::model::{KvInput, KvOutput};

/// Reads an EDN key-value history. Errors name the line.
pub fn parse(text: &str) -> Result<Vec<Operation<KvInput, KvOutput>>, String> {
    let mut history = Recorder::new();
    for (n, line) in text.lines().enumerate() {
        let number = n as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        parse_line(&mut history, line, number).map_err(|e| format!("line {number}: {e}"))?;
    }
    Ok(history.finish())
}

/// An EDN value, of the kinds these files use.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Value {
    Nil,
    Integer(i64),
    Keyword(String),
    Str(String),
}

impl Value {
    fn describe(&self) -> String {
        match self {
            Value::Nil => "nil".into(),
            Value::Integer(i) => i.to_string(),
            Value::Keyword(k) => format!(":{k}"),
            Value::Str(s) => format!("{s:?}"),
        }
    }
}

fn parse_line(
    history: &mut Recorder<KvInput, KvOutput>,
    line: &str,
    time: u64,
) -> Result<(), String> {
    let map = parse_map(line)?;
    let field = |name: &str| -> Result<&Value, String> {
        map.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
            .ok_or_else(|| format!("missing :{name}"))
    };
    let process = match field("process")? {
        Value::Integer(p) if *p >= 0 => *p as u64,
        other => {
            return Err(format!(
                ":process is {}, not a process number",
                other.describe()
            ))
        }
    };
    let kind = keyword(field("type")?, "type")?;
    let function = keyword(field("f")?, "f")?;
    let key = match field("key")? {
        Value::Str(k) => k.clone(),
        other => return Err(format!(":key is {}, not a string", other.describe())),
    };
    let value = field("value")?;
    if !matches!(kind, "invoke" | "ok" | "fail" | "info") {
        return Err(format!("unknown :type :{kind}"));
    }
    if kind != "invoke" {
        let open = history.open_input(process)?;
        let open_function = match open {
            KvInput::Get { .. } => "get",
            KvInput::Put { .. } => "put",
            KvInput::Append { .. } => "append",
        };
        if open_function != function || open.key() != key {
            return Err(format!(
                "process {process} invoked {open} but completes :{function} {key:?}"
            ));
        }
    }
    match kind {
        "invoke" => {
            let input = match function {
                "get" => KvInput::Get { key },
                "put" => KvInput::Put {
                    key,
                    value: string(value)?,
                },
                "append" => KvInput::Append {
                    key,
                    value: string(value)?,
                },
                other => return Err(format!("unknown :f :{other}")),
            };
            history.invoke(process, input, time)
        }
        "ok" => {
            let output = match (function, value) {
                ("get", Value::Nil) => KvOutput::Value(String::new()),
                ("get", value) => KvOutput::Value(string(value)?),
                _ => KvOutput::Ok,
            };
            history.complete(process, output, time)
        }
        "fail" => history.fail(process),
        _ => history.info(process),
    }
}

fn keyword<'a>(value: &'a Value, name: &str) -> Result<&'a str, String> {
    match value {
        Value::Keyword(k) => Ok(k),
        other => Err(format!(":{name} is {}, not a keyword", other.describe())),
    }
}

fn string(value: &Value) -> Result<String, String> {
    match value {
        Value::Str(s) => Ok(s.clone()),
        other => Err(format!(":value is {}, not a string", other.describe())),
    }
}

/// A flat map `{:k v, ...}`; commas are whitespace.
fn parse_map(line: &str) -> Result<Vec<(String, Value)>, String> {
    let mut rest = line
        .trim()
        .strip_prefix('{')
        .ok_or("expected a map starting with `{`")?;
    let mut map = Vec::new();
    loop {
        rest = skip_space(rest);
        if let Some(after) = rest.strip_prefix('}') {
            if !skip_space(after).is_empty() {
                return Err(format!("unexpected `{}` after the map", skip_space(after)));
            }
            return Ok(map);
        }
        let (key, after) = parse_value(rest)?;
        let Value::Keyword(key) = key else {
            return Err(format!("a map key is {}, not a keyword", key.describe()));
        };
        let after = skip_space(after);
        if after.starts_with('}') {
            return Err(format!(":{key} has no value"));
        }
        let (value, after) = parse_value(after)?;
        map.push((key, value));
        rest = after;
    }
}

fn skip_space(s: &str) -> &str {
    s.trim_start_matches(|c: char| c.is_whitespace() || c == ',')
}

/// One value at the start of `s`, and what follows it.
fn parse_value(s: &str) -> Result<(Value, &str), String> {
    if let Some(body) = s.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return Ok((Value::Str(out), &body[i + 1..])),
                '\\' => match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    Some((_, 'r')) => out.push('\r'),
                    Some((_, c @ ('"' | '\\'))) => out.push(c),
                    Some((_, c)) => return Err(format!("unknown escape `\\{c}` in a string")),
                    None => break,
                },
                c => out.push(c),
            }
        }
        return Err("unterminated string".into());
    }
    let end = s
        .find(|c: char| c.is_whitespace() || matches!(c, ',' | '}' | '{' | '"'))
        .unwrap_or(s.len());
    let (token, rest) = s.split_at(end);
    let value = if token.is_empty() {
        return Err(match s.chars().next() {
            Some(c) => format!("unexpected `{c}`"),
            None => "the map is not closed with `}`".into(),
        });
    } else if token == "nil" {
        Value::Nil
    } else if let Some(k) = token.strip_prefix(':') {
        Value::Keyword(k.to_string())
    } else if let Ok(i) = token.parse() {
        Value::Integer(i)
    } else {
        return Err(format!("cannot read `{token}`"));
    };
    Ok((value, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_corpus_form() {
        let text = r#"{:process 0, :type :invoke, :f :append, :key "3", :value "x 0 1 y"}
{:process 1, :type :invoke, :f :get, :key "3", :value nil}
{:process 0, :type :ok, :f :append, :key "3", :value "x 0 1 y"}

{:process 1, :type :ok, :f :get, :key "3", :value "x 0 1 y"}
{:process 2, :type :invoke, :f :put, :key "4", :value "a \"quoted\"\\ one"}
{:process 2, :type :ok, :f :put, :key "4", :value "a \"quoted\"\\ one"}
{:process 3, :type :invoke, :f :get, :key "4", :value nil}
{:process 3, :type :ok, :f :get, :key "4", :value nil}
"#;
        let ops = parse(text).unwrap();
        assert_eq!(ops.len(), 4);
        assert_eq!(
            ops[0],
            Operation {
                client: 0,
                input: KvInput::Append {
                    key: "3".into(),
                    value: "x 0 1 y".into()
                },
                output: Some(KvOutput::Ok),
                call: 1,
                ret: Some(3),
            }
        );
        assert_eq!(ops[1].output, Some(KvOutput::Value("x 0 1 y".into())));
        assert_eq!((ops[1].call, ops[1].ret), (2, Some(5)));
        assert_eq!(
            ops[2].input,
            KvInput::Put {
                key: "4".into(),
                value: "a \"quoted\"\\ one".into()
            }
        );
        assert_eq!(ops[3].output, Some(KvOutput::Value(String::new())));
    }

    #[test]
    fn fail_drops_and_info_or_no_completion_leaves_pending() {
        let text = r#"{:process 0, :type :invoke, :f :put, :key "k", :value "a"}
{:process 1, :type :invoke, :f :put, :key "k", :value "b"}
{:process 2, :type :invoke, :f :append, :key "k", :value "c"}
{:process 0, :type :fail, :f :put, :key "k", :value "a"}
{:process 1, :type :info, :f :put, :key "k", :value "b"}
"#;
        let ops = parse(text).unwrap();
        assert_eq!(ops.len(), 2);
        assert!(ops.iter().all(|op| op.is_pending() && op.output.is_none()));
    }

    #[test]
    fn malformed_lines_are_errors_naming_the_line() {
        let ok = "{:process 0, :type :invoke, :f :get, :key \"k\", :value nil}\n";
        let cases = [
            ("not edn", "expected a map"),
            ("{:process 1, :type :invoke", "not closed"),
            ("{:process 1 :type}", ":type has no value"),
            (
                "{:process 1, :type :invoke, :f :get, :key \"k\"",
                "not closed",
            ),
            (
                "{:process 1, :type :invoke, :f :get, :key \"k}",
                "unterminated string",
            ),
            (
                "{:process 1, :type :invoke, :f :get, :value nil}",
                "missing :key",
            ),
            (
                "{:process -1, :type :invoke, :f :get, :key \"k\", :value nil}",
                ":process is -1",
            ),
            (
                "{:process 1, :type :invoke, :f :del, :key \"k\", :value nil}",
                "unknown :f :del",
            ),
            (
                "{:process 1, :type :begin, :f :get, :key \"k\", :value nil}",
                "unknown :type :begin",
            ),
            (
                "{:process 1, :type :invoke, :f :put, :key \"k\", :value nil}",
                ":value is nil",
            ),
            (
                "{:process 1, :type :invoke, :f :get, :key 3, :value nil}",
                ":key is 3",
            ),
            (
                "{:process 1, :type \"invoke\", :f :get, :key \"k\", :value nil}",
                ":type is \"invoke\"",
            ),
            ("{:process 1, 2 3}", "a map key is 2"),
            ("{:process 1, :type :invoke} x", "after the map"),
            ("{:process 1, :key \"a\\q\"}", "unknown escape"),
            ("{:process 1, :key @}", "cannot read `@`"),
            (
                "{:process 0, :type :ok, :f :put, :key \"k\", :value \"v\"}",
                "completes :put",
            ),
            (
                "{:process 0, :type :ok, :f :get, :key \"j\", :value \"v\"}",
                "completes :get \"j\"",
            ),
            (
                "{:process 0, :type :ok, :f :get, :key \"k\", :value 3}",
                ":value is 3",
            ),
            (
                "{:process 0, :type :invoke, :f :get, :key \"k\", :value nil}",
                "still open",
            ),
            (
                "{:process 5, :type :ok, :f :get, :key \"k\", :value nil}",
                "never invoked",
            ),
        ];
        for (bad, expected) in cases {
            let err = parse(&format!("{ok}{bad}\n")).unwrap_err();
            assert!(err.starts_with("line 2: "), "{bad}: {err}");
            assert!(err.contains(expected), "{bad}: {err}");
        }
    }
}
