//! Sequential specifications: what an object does when operations are
//! applied to it one at a time.

use super::history::Operation;
use crate::sortedmap::SortedMap;
use std::fmt::{self, Debug, Display};
use std::hash::Hash;

/// A sequential specification of an object, as in Porcupine: a state, and a
/// step that applies one operation to it.
pub trait Model {
    /// The object's state. The checker memoizes states it has seen, so
    /// equal states must compare and hash equal.
    type State: Clone + Eq + Hash + Debug;
    /// What a client asks.
    type Input: Clone + Debug;
    /// What the object answers.
    type Output: Clone + Debug;

    /// The state before any operation.
    fn init(&self) -> Self::State;

    /// Applies `input` to `state`: `Some(next)` if the operation could have
    /// returned `output` there, `None` otherwise. `output` is `None` when the
    /// result is unknown (a pending operation): any result is then accepted,
    /// and `next` is the state after the operation took effect.
    fn step(
        &self,
        state: &Self::State,
        input: &Self::Input,
        output: Option<&Self::Output>,
    ) -> Option<Self::State>;

    /// Splits a history into parts that can be checked independently
    /// (P-compositionality: Herlihy & Wing's locality, for example one part
    /// per key). Each part lists indices into `ops`; every index appears in
    /// exactly one part. By default the whole history is one part.
    fn partition(&self, ops: &[Operation<Self::Input, Self::Output>]) -> Vec<Vec<usize>> {
        vec![(0..ops.len()).collect()]
    }
}

/// One register of integers holding `nil` at first, with read, write and
/// compare-and-set: the object Jepsen's etcd test exercises.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RegisterModel;

/// An operation on a [`RegisterModel`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegisterInput {
    /// Reads the value.
    Read,
    /// Sets the value.
    Write(i64),
    /// Sets the value to `to` if it is `from`; a successful one is recorded
    /// (a failed compare-and-set did not happen and is left out).
    Cas {
        /// The value expected.
        from: i64,
        /// The value set.
        to: i64,
    },
}

/// What a [`RegisterModel`] answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegisterOutput {
    /// The value read (`None` is `nil`).
    Value(Option<i64>),
    /// A write or compare-and-set that took effect.
    Ok,
}

impl Model for RegisterModel {
    type State = Option<i64>;
    type Input = RegisterInput;
    type Output = RegisterOutput;

    fn init(&self) -> Option<i64> {
        None
    }

    fn step(
        &self,
        state: &Option<i64>,
        input: &RegisterInput,
        output: Option<&RegisterOutput>,
    ) -> Option<Option<i64>> {
        match (input, output) {
            (RegisterInput::Read, None) => Some(*state),
            (RegisterInput::Read, Some(RegisterOutput::Value(v))) => (v == state).then_some(*state),
            (RegisterInput::Write(v), None | Some(RegisterOutput::Ok)) => Some(Some(*v)),
            (RegisterInput::Cas { from, to }, out) => {
                if *state == Some(*from) {
                    matches!(out, None | Some(RegisterOutput::Ok)).then_some(Some(*to))
                } else {
                    // A pending compare-and-set that failed changed nothing.
                    out.is_none().then_some(*state)
                }
            }
            _ => None,
        }
    }
}

/// A map from string keys to string values, each key holding `""` at first,
/// with get, put and append. Keys are independent, so a history is checked
/// one key at a time ([`Model::partition`]), and the state is the value of
/// that one key: use it only through [`check`](super::check), which
/// partitions first.
///
/// A get may return *siblings* (several values, as a Dynamo-style store
/// does when concurrent writes conflict); it is accepted when the current
/// value is one of them. That reads a sibling list as "the value is one of
/// these", which is lenient but simple.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KvModel;

/// An operation on a [`KvModel`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum KvInput {
    /// Reads a key.
    Get {
        /// The key.
        key: String,
    },
    /// Sets a key.
    Put {
        /// The key.
        key: String,
        /// The value set.
        value: String,
    },
    /// Appends to a key's value.
    Append {
        /// The key.
        key: String,
        /// The string appended.
        value: String,
    },
}

impl KvInput {
    /// The key it concerns.
    pub fn key(&self) -> &str {
        match self {
            KvInput::Get { key } | KvInput::Put { key, .. } | KvInput::Append { key, .. } => key,
        }
    }
}

/// What a [`KvModel`] answers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum KvOutput {
    /// The value a get read.
    Value(String),
    /// The values a get read when there were several; the current value is
    /// one of them.
    Siblings(Vec<String>),
    /// A put or append that took effect.
    Ok,
}

impl Model for KvModel {
    type State = String;
    type Input = KvInput;
    type Output = KvOutput;

    fn init(&self) -> String {
        String::new()
    }

    fn step(&self, state: &String, input: &KvInput, output: Option<&KvOutput>) -> Option<String> {
        match (input, output) {
            (KvInput::Get { .. }, None) => Some(state.clone()),
            (KvInput::Get { .. }, Some(KvOutput::Value(v))) => (v == state).then(|| state.clone()),
            (KvInput::Get { .. }, Some(KvOutput::Siblings(vs))) => {
                vs.contains(state).then(|| state.clone())
            }
            (KvInput::Put { value, .. }, None | Some(KvOutput::Ok)) => Some(value.clone()),
            (KvInput::Append { value, .. }, None | Some(KvOutput::Ok)) => {
                Some(format!("{state}{value}"))
            }
            _ => None,
        }
    }

    /// One part per key, in the order keys first appear.
    fn partition(&self, ops: &[Operation<KvInput, KvOutput>]) -> Vec<Vec<usize>> {
        let mut part_of: SortedMap<&str, usize> = SortedMap::new();
        let mut parts: Vec<Vec<usize>> = Vec::new();
        for (i, op) in ops.iter().enumerate() {
            let next = parts.len();
            let part = *part_of.entry(op.input.key()).or_insert(next);
            if part == next {
                parts.push(Vec::new());
            }
            parts[part].push(i);
        }
        parts
    }
}

impl Display for RegisterInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegisterInput::Read => write!(f, "read"),
            RegisterInput::Write(v) => write!(f, "write {v}"),
            RegisterInput::Cas { from, to } => write!(f, "cas {from}->{to}"),
        }
    }
}

impl Display for RegisterOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegisterOutput::Value(Some(v)) => write!(f, "{v}"),
            RegisterOutput::Value(None) => write!(f, "nil"),
            RegisterOutput::Ok => write!(f, "ok"),
        }
    }
}

impl Display for KvInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KvInput::Get { key } => write!(f, "get {key:?}"),
            KvInput::Put { key, value } => write!(f, "put {key:?} {value:?}"),
            KvInput::Append { key, value } => write!(f, "append {key:?} {value:?}"),
        }
    }
}

impl Display for KvOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KvOutput::Value(v) => write!(f, "{v:?}"),
            KvOutput::Siblings(vs) => write!(f, "{vs:?}"),
            KvOutput::Ok => write!(f, "ok"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_steps() {
        let m = RegisterModel;
        let cas = RegisterInput::Cas { from: 1, to: 2 };
        let read = |v| Some(RegisterOutput::Value(v));
        assert_eq!(m.init(), None);
        assert_eq!(
            m.step(&None, &RegisterInput::Read, read(None).as_ref()),
            Some(None)
        );
        assert_eq!(
            m.step(&None, &RegisterInput::Read, read(Some(1)).as_ref()),
            None
        );
        assert_eq!(m.step(&Some(3), &RegisterInput::Read, None), Some(Some(3)));
        assert_eq!(
            m.step(&None, &RegisterInput::Write(4), Some(&RegisterOutput::Ok)),
            Some(Some(4))
        );
        assert_eq!(
            m.step(&Some(1), &cas, Some(&RegisterOutput::Ok)),
            Some(Some(2))
        );
        assert_eq!(m.step(&Some(3), &cas, Some(&RegisterOutput::Ok)), None);
        // An unknown result: it applies if it can, else changes nothing.
        assert_eq!(m.step(&Some(1), &cas, None), Some(Some(2)));
        assert_eq!(m.step(&Some(3), &cas, None), Some(Some(3)));
        // Outputs of the wrong kind never match.
        assert_eq!(
            m.step(&None, &RegisterInput::Write(4), read(None).as_ref()),
            None
        );
        assert_eq!(m.step(&Some(1), &cas, read(Some(1)).as_ref()), None);
        assert_eq!(
            m.step(&None, &RegisterInput::Read, Some(&RegisterOutput::Ok)),
            None
        );
    }

    #[test]
    fn kv_steps() {
        let m = KvModel;
        let key = || "k".to_string();
        let get = KvInput::Get { key: key() };
        let append = KvInput::Append {
            key: key(),
            value: "b".into(),
        };
        let put = KvInput::Put {
            key: key(),
            value: "a".into(),
        };
        let s = m.init();
        assert_eq!(s, "");
        let s = m.step(&s, &put, Some(&KvOutput::Ok)).unwrap();
        let s = m.step(&s, &append, None).unwrap();
        assert_eq!(s, "ab");
        assert!(m
            .step(&s, &get, Some(&KvOutput::Value("ab".into())))
            .is_some());
        assert!(m
            .step(&s, &get, Some(&KvOutput::Value("a".into())))
            .is_none());
        assert!(m.step(&s, &get, None).is_some());
        assert!(m
            .step(&s, &put, Some(&KvOutput::Value("a".into())))
            .is_none());
        assert!(m.step(&s, &get, Some(&KvOutput::Ok)).is_none());
        assert_eq!(append.key(), "k");
        assert_eq!(append.to_string(), "append \"k\" \"b\"");
    }
}
