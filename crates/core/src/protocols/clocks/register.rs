//! Two replicated registers side by side: last-writer-wins by physical
//! timestamp, and a multi-value register by vector clock. Under clock skew
//! the first silently drops a write the second keeps as a sibling.

use crate::causality::{Relation, VClock};
use crate::id::NodeId;
use serde::{Deserialize, Serialize};

/// A write as it travels between replicas.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Write {
    /// The value written.
    pub value: String,
    /// The writer's physical clock when it wrote (µs), for last-writer-wins.
    pub physical: u64,
    /// The writer (breaks ties between equal physical times).
    pub writer: NodeId,
    /// The writer's vector clock at the write, for the multi-value register.
    pub vector: VClock,
}

/// Last-writer-wins: the write with the highest (physical time, writer) wins.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LwwRegister {
    /// The winning write, if any.
    pub winner: Option<Write>,
    /// Writes this replica received and discarded as older (what LWW lost).
    pub discarded: Vec<String>,
}

impl LwwRegister {
    /// Applies a write: the higher (physical time, writer) wins. A write
    /// dropped without having causally preceded the survivor is lost, and
    /// recorded in `discarded`.
    pub fn apply(&mut self, w: &Write) {
        let Some(cur) = &self.winner else {
            self.winner = Some(w.clone());
            return;
        };
        if cur == w {
            return;
        }
        let newer = (w.physical, w.writer) > (cur.physical, cur.writer);
        let (survivor, dropped) = if newer { (w, cur) } else { (cur, w) };
        if dropped.vector.relation(&survivor.vector) != Relation::Before {
            self.discarded.push(dropped.value.clone());
        }
        if newer {
            self.winner = Some(w.clone());
        }
    }
}

/// Multi-value: every write not causally overwritten is kept as a sibling.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MvRegister {
    /// Concurrent values with their vector clocks.
    pub siblings: Vec<(String, VClock)>,
}

impl MvRegister {
    /// Applies a write: drops siblings it descends, ignores it if a sibling
    /// already descends it.
    pub fn apply(&mut self, w: &Write) {
        if self
            .siblings
            .iter()
            .any(|(_, v)| matches!(v.relation(&w.vector), Relation::After | Relation::Equal))
        {
            return;
        }
        self.siblings
            .retain(|(_, v)| v.relation(&w.vector) != Relation::Before);
        self.siblings.push((w.value.clone(), w.vector.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(value: &str, physical: u64, writer: u32, vector: &[u64]) -> Write {
        Write {
            value: value.into(),
            physical,
            writer: NodeId(writer),
            vector: VClock(vector.to_vec()),
        }
    }

    #[test]
    fn a_slow_clock_loses_a_later_write_under_lww_but_not_as_a_sibling() {
        // n0 writes "a" at its clock 100; n1, whose clock runs slow, writes
        // "b" later in real time but stamped 40, concurrently with "a".
        let a = w("a", 100, 0, &[1, 0]);
        let b = w("b", 40, 1, &[0, 1]);
        let mut lww = LwwRegister::default();
        let mut mv = MvRegister::default();
        for x in [&a, &b] {
            lww.apply(x);
            mv.apply(x);
        }
        assert_eq!(lww.winner.as_ref().map(|x| x.value.as_str()), Some("a"));
        assert_eq!(lww.discarded, vec!["b".to_string()]);
        let values: Vec<&str> = mv.siblings.iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(values, vec!["a", "b"]);
    }

    #[test]
    fn a_causally_later_write_replaces_its_ancestor_in_both() {
        let a = w("a", 10, 0, &[1, 0]);
        let b = w("b", 20, 1, &[1, 1]);
        let mut lww = LwwRegister::default();
        let mut mv = MvRegister::default();
        for x in [&a, &b, &a] {
            lww.apply(x);
            mv.apply(x);
        }
        assert_eq!(lww.winner.unwrap().value, "b");
        assert_eq!(mv.siblings.len(), 1);
        assert_eq!(mv.siblings[0].0, "b");
    }
}
