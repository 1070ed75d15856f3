//! Reading the scenario format by hand: a [`Reader`] is a JSON value that
//! knows its path (`schedule[2].node`, `params.r`), so every error names
//! the field it is about without a derived deserializer. The text is
//! parsed once into a [`serde_json::Value`]; [`locate`] finds the path of a
//! syntax error in the text, and [`duplicate_key`] finds a key written
//! twice, which the value would silently keep only the last of.

use crate::id::{MsgId, NodeId};
use crate::scenario::ScenarioError;
use crate::sortedmap::{SortedMap, SortedSet};
use serde_json::{Map, Value};

/// Where a [`Reader`] is: under a root path, a field of an object, or an
/// element of an array.
#[derive(Clone, Copy, Debug)]
enum At<'a> {
    Root(&'a str),
    Key(&'a At<'a>, &'a str),
    Index(&'a At<'a>, usize),
}

impl At<'_> {
    fn write(&self, out: &mut String) {
        match *self {
            At::Root(path) => out.push_str(path),
            At::Key(parent, key) => {
                parent.write(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            At::Index(parent, index) => {
                parent.write(out);
                out.push('[');
                out.push_str(&index.to_string());
                out.push(']');
            }
        }
    }
}

/// A JSON value and its path in the scenario.
#[derive(Clone, Copy, Debug)]
pub struct Reader<'a> {
    value: &'a Value,
    at: At<'a>,
}

/// What a value is, for messages (`string "5"`, ``integer `-1` ``).
fn unexpected(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => format!("integer `{u}`"),
            (_, Some(i), _) => format!("integer `{i}`"),
            (_, _, Some(f)) => {
                let mut s = f.to_string();
                if f.is_finite() && !s.contains('.') {
                    s.push_str(".0");
                }
                format!("floating point `{s}`")
            }
            _ => format!("number `{n}`"),
        },
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "sequence".into(),
        Value::Object(_) => "map".into(),
    }
}

/// `` `a`, `b`, `c` ``.
fn quoted(names: &[&str]) -> String {
    let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    list.join(", ")
}

/// What a set of names allows, for messages (``expected one of `a`, `b` ``).
fn expected_names(names: &[&str]) -> String {
    match names {
        [] => "there are no fields".into(),
        [one] => format!("expected `{one}`"),
        _ => format!("expected one of {}", quoted(names)),
    }
}

impl<'a> Reader<'a> {
    /// A reader of `value`, which sits at `path` (`""` for the whole text).
    pub fn new(value: &'a Value, path: &'a str) -> Reader<'a> {
        Reader {
            value,
            at: At::Root(path),
        }
    }

    /// The value read.
    pub fn value(&self) -> &'a Value {
        self.value
    }

    /// The path of the value (`schedule[2].node`), shortened when long.
    pub fn path(&self) -> String {
        let mut out = String::new();
        self.at.write(&mut out);
        shorten_path(out)
    }

    /// An error about this value.
    pub fn error(&self, message: impl Into<String>) -> ScenarioError {
        ScenarioError {
            path: self.path(),
            message: message.into(),
        }
    }

    /// The error of a value of the wrong type.
    pub fn invalid_type(&self, expected: &str) -> ScenarioError {
        self.error(format!(
            "invalid type: {}, expected {expected}",
            unexpected(self.value)
        ))
    }

    /// Reads the value as a `T`.
    pub fn read<T: ReadJson>(&self) -> Result<T, ScenarioError> {
        T::read(self)
    }

    /// A non-negative integer.
    pub fn u64(&self) -> Result<u64, ScenarioError> {
        self.unsigned("u64", u64::MAX)
    }

    /// A non-negative integer that fits 32 bits.
    pub fn u32(&self) -> Result<u32, ScenarioError> {
        // Fits: `unsigned` checked the bound.
        self.unsigned("u32", u64::from(u32::MAX)).map(|u| u as u32)
    }

    fn unsigned(&self, name: &str, max: u64) -> Result<u64, ScenarioError> {
        match self.value {
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) if u <= max => Ok(u),
                (Some(_), _) | (_, Some(_)) => Err(self.error(format!(
                    "invalid value: {}, expected {name}",
                    unexpected(self.value)
                ))),
                _ => Err(self.invalid_type(name)),
            },
            _ => Err(self.invalid_type(name)),
        }
    }

    /// A number.
    pub fn f64(&self) -> Result<f64, ScenarioError> {
        self.value.as_f64().ok_or_else(|| self.invalid_type("f64"))
    }

    /// `true` or `false`.
    pub fn bool(&self) -> Result<bool, ScenarioError> {
        self.value
            .as_bool()
            .ok_or_else(|| self.invalid_type("a boolean"))
    }

    /// A string.
    pub fn str(&self) -> Result<&'a str, ScenarioError> {
        self.value
            .as_str()
            .ok_or_else(|| self.invalid_type("a string"))
    }

    /// One of `all`, by its name as `name` gives it: a unit enum.
    pub fn one_of<T: Copy>(
        &self,
        all: &[T],
        name: fn(T) -> &'static str,
    ) -> Result<T, ScenarioError> {
        let names: Vec<&str> = all.iter().map(|&t| name(t)).collect();
        let Value::String(s) = self.value else {
            return Err(self.invalid_type(&format!("one of {}", quoted(&names))));
        };
        all.iter().copied().find(|&t| name(t) == s).ok_or_else(|| {
            self.error(format!(
                "unknown variant `{s}`, expected one of {}",
                quoted(&names)
            ))
        })
    }

    /// The elements of an array, each with its path.
    pub fn items(&self) -> Result<impl Iterator<Item = Reader<'_>> + '_, ScenarioError> {
        let Value::Array(items) = self.value else {
            return Err(self.invalid_type("a sequence"));
        };
        Ok(items.iter().enumerate().map(move |(i, value)| Reader {
            value,
            at: At::Index(&self.at, i),
        }))
    }

    /// An object, whatever its keys.
    pub fn object_any(&self) -> Result<Object<'_>, ScenarioError> {
        match self.value {
            Value::Object(map) => Ok(Object { map, reader: self }),
            _ => Err(self.invalid_type("a map")),
        }
    }

    /// An object whose keys are all among `fields`; an unknown key is an
    /// error at its own path that lists the fields.
    pub fn object(&self, fields: &[&str]) -> Result<Object<'_>, ScenarioError> {
        let object = self.object_any()?;
        object.deny_unknown(fields, &[])?;
        Ok(object)
    }
}

/// An object being read, with its path.
#[derive(Clone, Copy, Debug)]
pub struct Object<'r> {
    map: &'r Map<String, Value>,
    reader: &'r Reader<'r>,
}

impl<'r> Object<'r> {
    /// The error of a key that is not among `fields` (nor among `also`,
    /// keys that are allowed but not listed, such as an enum's tag).
    pub fn deny_unknown(&self, fields: &[&str], also: &[&str]) -> Result<(), ScenarioError> {
        match self
            .map
            .iter()
            .find(|(k, _)| !fields.contains(&k.as_str()) && !also.contains(&k.as_str()))
        {
            Some((key, value)) => Err(Reader {
                value,
                at: At::Key(&self.reader.at, key),
            }
            .error(format!("unknown field `{key}`, {}", expected_names(fields)))),
            None => Ok(()),
        }
    }

    /// The field `key`, if present.
    pub fn get(&self, key: &'r str) -> Option<Reader<'r>> {
        self.map.get(key).map(|value| Reader {
            value,
            at: At::Key(&self.reader.at, key),
        })
    }

    /// Every field, in key order.
    pub fn entries(&self) -> impl Iterator<Item = (&'r str, Reader<'r>)> + 'r {
        let at = &self.reader.at;
        self.map.iter().map(move |(key, value)| {
            (
                key.as_str(),
                Reader {
                    value,
                    at: At::Key(at, key),
                },
            )
        })
    }

    /// The variant of an internally tagged object: the field `tag` names
    /// one of `variants`, each given with the fields it takes. A key that
    /// is neither `tag`, one of `also`, nor a field of the variant is an
    /// error, except that a variant without fields ignores other keys, as
    /// serde's derived readers did.
    pub fn variant(
        &self,
        tag: &'r str,
        variants: &[(&'static str, &[&str])],
        also: &[&str],
    ) -> Result<&'static str, ScenarioError> {
        let name = self.get(tag).ok_or_else(|| self.missing(tag))?;
        let (name, fields) = name.one_of(variants, |(name, _)| name)?;
        if !fields.is_empty() {
            let mut allowed = also.to_vec();
            allowed.push(tag);
            self.deny_unknown(fields, &allowed)?;
        }
        Ok(name)
    }

    /// The error of a missing field.
    pub fn missing(&self, key: &str) -> ScenarioError {
        self.reader.error(format!("missing field `{key}`"))
    }

    /// The field `key` read as a `T`, or `None` when absent.
    pub fn field<T: ReadJson>(&self, key: &'r str) -> Result<Option<T>, ScenarioError> {
        self.get(key).map(|r| T::read(&r)).transpose()
    }

    /// The field `key` read as a `T`; absent, an error.
    pub fn req<T: ReadJson>(&self, key: &'r str) -> Result<T, ScenarioError> {
        self.field(key)?.ok_or_else(|| self.missing(key))
    }

    /// Reads the field `key` into `slot` when present; absent, `slot`
    /// keeps its value (a default).
    pub fn set<T: ReadJson>(&self, key: &'r str, slot: &mut T) -> Result<(), ScenarioError> {
        if let Some(v) = self.field(key)? {
            *slot = v;
        }
        Ok(())
    }
}

/// A type read from the scenario format by hand.
pub trait ReadJson: Sized {
    /// Reads `r`; the error names the offending path.
    fn read(r: &Reader<'_>) -> Result<Self, ScenarioError>;
}

/// Implements [`ReadJson`] for types a [`Reader`] method reads directly.
macro_rules! read_with {
    ($($ty:ty => $read:expr),* $(,)?) => {
        $(impl ReadJson for $ty {
            fn read(r: &Reader<'_>) -> Result<Self, ScenarioError> {
                $read(r)
            }
        })*
    };
}

read_with!(
    u64 => Reader::u64,
    u32 => Reader::u32,
    f64 => Reader::f64,
    bool => Reader::bool,
    NodeId => |r: &Reader<'_>| r.u32().map(NodeId),
    MsgId => |r: &Reader<'_>| r.u64().map(MsgId),
);

impl ReadJson for String {
    fn read(r: &Reader<'_>) -> Result<Self, ScenarioError> {
        r.str().map(str::to_string)
    }
}

impl ReadJson for Value {
    fn read(r: &Reader<'_>) -> Result<Self, ScenarioError> {
        Ok(r.value().clone())
    }
}

/// `null` is `None`.
impl<T: ReadJson> ReadJson for Option<T> {
    fn read(r: &Reader<'_>) -> Result<Self, ScenarioError> {
        if r.value().is_null() {
            Ok(None)
        } else {
            T::read(r).map(Some)
        }
    }
}

impl<T: ReadJson> ReadJson for Vec<T> {
    fn read(r: &Reader<'_>) -> Result<Self, ScenarioError> {
        r.items()?.map(|item| T::read(&item)).collect()
    }
}

impl<T: ReadJson, const N: usize> ReadJson for [T; N] {
    fn read(r: &Reader<'_>) -> Result<Self, ScenarioError> {
        let Value::Array(items) = r.value() else {
            return Err(r.invalid_type(&format!("an array of length {N}")));
        };
        if items.len() != N {
            return Err(r.error(format!(
                "invalid length {}, expected an array of length {N}",
                items.len()
            )));
        }
        let items = Vec::<T>::read(r)?;
        items
            .try_into()
            .map_err(|_| r.error(format!("expected an array of length {N}")))
    }
}

/// An object keyed by node id (`{"3": 2.0}`): each key is a decimal
/// integer without sign or leading zeros that fits 32 bits.
impl<T: ReadJson> ReadJson for SortedMap<u32, T> {
    fn read(r: &Reader<'_>) -> Result<Self, ScenarioError> {
        let object = r.object_any()?;
        let mut out = SortedMap::new();
        for (key, item) in object.entries() {
            let canonical = key == "0"
                || (!key.is_empty()
                    && !key.starts_with('0')
                    && key.bytes().all(|b| b.is_ascii_digit()));
            let id = key
                .parse::<u32>()
                .ok()
                .filter(|_| canonical)
                .ok_or_else(|| {
                    item.error(format!(
                        "invalid key `{key}`, expected a node id (an integer from 0 to {} in quotes)",
                        u32::MAX
                    ))
                })?;
            out.insert(id, T::read(&item)?);
        }
        Ok(out)
    }
}

/// Implements [`ReadJson`] for a struct with a `Default` whose fields are
/// all optional (absent, a field keeps its default) and whose unknown
/// fields are errors: `read_struct!(RaftParams { heartbeat_ms, max_batch })`.
macro_rules! read_struct {
    ($ty:ty { $($field:ident),* $(,)? }) => {
        impl $crate::read::ReadJson for $ty {
            fn read(
                r: &$crate::read::Reader<'_>,
            ) -> Result<Self, $crate::scenario::ScenarioError> {
                let object = r.object(&[$(stringify!($field)),*])?;
                let mut out = <$ty as Default>::default();
                $(object.set(stringify!($field), &mut out.$field)?;)*
                Ok(out)
            }
        }
    };
}
pub(crate) use read_struct;

/// A path of deeply nested input (`params[0][0]…`) shortened to its first
/// and last segments, so a message stays readable.
pub(crate) fn shorten_path(path: String) -> String {
    const KEEP: usize = 24;
    let chars: Vec<char> = path.chars().collect();
    if chars.len() <= 3 * KEEP {
        return path;
    }
    let head: String = chars[..KEEP].iter().collect();
    let tail: String = chars[chars.len() - KEEP..].iter().collect();
    format!("{head}…{tail}")
}

/// A container open at some point of a JSON text.
enum Open {
    /// An object, with the key whose value comes (or came) last.
    Object { key: Option<String>, colon: bool },
    /// An array, with the index of the element that comes last.
    Array { index: usize },
}

/// Walks `text` up to byte `end` (it need not be valid JSON) and returns
/// the containers open there; calls `on_key` with the containers open and
/// each key read with its byte offset, and stops when it returns `false`.
fn walk(text: &str, end: usize, mut on_key: impl FnMut(&[Open], &str, usize) -> bool) -> Vec<Open> {
    let bytes = text.as_bytes();
    let end = end.min(bytes.len());
    let mut open = Vec::new();
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'{' => open.push(Open::Object {
                key: None,
                colon: false,
            }),
            b'[' => open.push(Open::Array { index: 0 }),
            b'}' | b']' => {
                open.pop();
            }
            b':' => {
                if let Some(Open::Object { colon, .. }) = open.last_mut() {
                    *colon = true;
                }
            }
            b',' => match open.last_mut() {
                Some(Open::Object { key, colon }) => {
                    *key = None;
                    *colon = false;
                }
                Some(Open::Array { index }) => *index += 1,
                None => {}
            },
            b'"' => {
                let mut j = i + 1;
                while j < end && bytes[j] != b'"' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                if j >= end {
                    break;
                }
                if let Some(Open::Object { colon: false, .. }) = open.last() {
                    // Both ends are quotes, so char boundaries. Read as a
                    // Value, the parser the scenario already uses, not a
                    // String deserializer of its own.
                    let raw = &text[i..=j];
                    let key = match serde_json::from_str::<Value>(raw) {
                        Ok(Value::String(key)) => key,
                        _ => raw[1..raw.len() - 1].to_string(),
                    };
                    if !on_key(&open, &key, i) {
                        break;
                    }
                    if let Some(Open::Object { key: slot, .. }) = open.last_mut() {
                        *slot = Some(key);
                    }
                }
                i = j;
            }
            _ => {}
        }
        i += 1;
    }
    open
}

/// The byte offset of a (1-based) line and column, as `serde_json` reports
/// them, within `text`.
fn offset(text: &str, line: usize, column: usize) -> usize {
    let start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    (start + column.saturating_sub(1)).min(text.len())
}

/// The path of the innermost field open at the line and column of a
/// syntax error (`schedule[2].request`). A field whose name is not among
/// `top` at the top level ends the path at the whole text.
pub fn locate(text: &str, line: usize, column: usize, top: &[&str]) -> String {
    let open = walk(text, offset(text, line, column), |_, _, _| true);
    let mut path = String::new();
    for (depth, o) in open.iter().enumerate() {
        match o {
            Open::Object {
                key: Some(key),
                colon: true,
            } => {
                if depth == 0 && !top.contains(&key.as_str()) {
                    return String::new();
                }
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Open::Object { .. } => break,
            Open::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    shorten_path(path)
}

/// The first key written twice in the top-level object of `text` or in
/// an object `nested` names: a top-level field (`network`), or each
/// element of a top-level array field (`steps[]`). Returns the path of the
/// object (`""`, `network`, `steps[2]`), the key, and its line and column.
pub fn duplicate_key(text: &str, nested: &[&str]) -> Option<(String, String, usize, usize)> {
    let mut seen = SortedSet::new();
    let mut found = None;
    walk(text, text.len(), |open, key, at| {
        let path = match open {
            [Open::Object { .. }] => String::new(),
            [Open::Object { key: Some(k), .. }, Open::Object { .. }]
                if nested.contains(&k.as_str()) =>
            {
                k.clone()
            }
            [Open::Object { key: Some(k), .. }, Open::Array { index }, Open::Object { .. }]
                if nested.contains(&format!("{k}[]").as_str()) =>
            {
                format!("{k}[{index}]")
            }
            _ => return true,
        };
        if seen.insert((path.clone(), key.to_string())) {
            return true;
        }
        let before = &text[..at];
        let line = before.matches('\n').count() + 1;
        let column = at - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        found = Some((path, key.to_string(), line, column));
        false
    });
    found
}
