//! What the quorum lab reads every frame: the store's view, the history of
//! client operations, and the linearizability checker's verdict on it.

use faultline_core::linearizability::Verdict;
use faultline_core::protocols::quorum::{self, HistoryEntry, Quorum, QuorumParams, QuorumView};
use faultline_core::sim::SimView;
use faultline_core::NodeId;
use std::rc::Rc;

/// The linearizability checker's verdict on a history.
#[derive(Clone, Debug, PartialEq)]
pub struct Checked {
    /// How many history entries it covered (a prefix of the history).
    pub entries: usize,
    /// The verdict; offending operations are indices into the history.
    pub verdict: Verdict,
}

/// What the quorum lab draws beyond the generic frame.
#[derive(Clone, Debug, PartialEq)]
pub struct QuorumPart {
    /// The run's parameters.
    pub params: QuorumParams,
    /// Every node's stored keys, hints, coordinations and clients.
    pub view: SimView<QuorumView>,
    /// Every client operation so far, in invocation order.
    pub history: Rc<Vec<HistoryEntry>>,
    /// The checker's verdict on the history (filled in by
    /// [`LinearizabilityCache`], which runs the checker only when the
    /// history changed).
    pub checked: Option<Rc<Checked>>,
}

impl QuorumPart {
    /// The part of a run.
    pub fn of(s: &faultline_core::Sim<Quorum>, view: SimView<QuorumView>) -> QuorumPart {
        QuorumPart {
            params: s.params().clone(),
            view,
            history: Rc::new(quorum::history(s.observations())),
            checked: None,
        }
    }

    /// The members, in id order (what preference lists are taken over).
    pub fn members(&self) -> Vec<NodeId> {
        self.view.nodes.iter().map(|n| n.id).collect()
    }

    /// The key's preference list: the N replicas that hold it.
    pub fn replicas(&self, key: &str) -> Vec<NodeId> {
        quorum::preference_list(key, &self.members(), self.params.n as usize)
    }

    /// The offending operations, if the history is not linearizable.
    pub fn offending(&self) -> &[usize] {
        match self.checked.as_deref().map(|c| &c.verdict) {
            Some(Verdict::NotLinearizable { offending }) => offending,
            _ => &[],
        }
    }
}

/// Runs the linearizability checker on the quorum lab's history only when
/// the history changed, and at most every [`LinearizabilityCache::PERIOD_MS`]
/// of wall time while it keeps changing (the search can be costly); in
/// between, the last verdict stands, with the prefix it covered.
#[derive(Default)]
pub struct LinearizabilityCache {
    last: Option<(Rc<Vec<HistoryEntry>>, Rc<Checked>)>,
    at: f64,
}

impl LinearizabilityCache {
    /// The shortest wall time between two checks while the lab plays, ms.
    pub const PERIOD_MS: f64 = 250.0;

    /// Fills in the verdict of `lab`; `now` checks at once if the history
    /// changed, whatever the period.
    pub fn fill(&mut self, lab: &mut QuorumPart, now: bool) {
        let wall = crate::perf::wall_ms();
        let checked = match &self.last {
            Some((h, c)) if **h == *lab.history => c.clone(),
            Some((_, c))
                if !now && wall - self.at < Self::PERIOD_MS && c.entries <= lab.history.len() =>
            {
                c.clone()
            }
            _ => {
                let history = lab.history.clone();
                let verdict = crate::perf::measure("faultline-linearizability", || {
                    quorum::check_linearizable(&history)
                });
                let c = Rc::new(Checked {
                    entries: history.len(),
                    verdict,
                });
                self.last = Some((history, c.clone()));
                self.at = wall;
                c
            }
        };
        lab.checked = Some(checked);
    }
}

