//! The acceptor (Paxos Made Simple, §2.2): it promises to ignore lower
//! ballots and accepts what no promise forbids. Everything it does is in
//! its durable state before it answers.

use super::{Accepted, Ballot, Change, Paxos, PaxosMsg, DEFAULT_VOTE};

/// The ballot promised for `slot`: per slot in basic Paxos, for every slot
/// in Multi-Paxos.
pub fn promise_for(n: &Paxos, slot: u64) -> Ballot {
    let own = n.slots.get(&slot).map_or(Ballot::ZERO, |s| s.promised);
    own.max(n.promised)
}

/// Phase 1b: promise `ballot` (never below a promise made) for `slot`
/// (basic) or every slot (multi), with what was accepted in `slot` (basic)
/// or in every slot from `slot` on (multi).
pub fn prepare(n: &mut Paxos, slot: u64, ballot: Ballot) -> PaxosMsg {
    let promised = promise_for(n, slot);
    if ballot < promised {
        return PaxosMsg::Nack {
            slot,
            ballot,
            promised,
        };
    }
    let mut accepted: Vec<Accepted> = if n.multi() {
        if ballot > n.promised {
            n.promised = ballot;
            n.journal.push(Change::Promised(None, ballot));
        }
        n.slots
            .range(slot..)
            .filter_map(|(&s, v)| v.accepted.as_ref().map(|a| (s, a)))
            .map(|(slot, (ballot, value))| Accepted {
                slot,
                ballot: *ballot,
                value: value.clone(),
            })
            .collect()
    } else {
        let s = n.slot(slot);
        let fresh = ballot > s.promised;
        s.promised = ballot;
        let accepted = s.accepted.clone();
        if fresh {
            n.journal.push(Change::Promised(Some(slot), ballot));
        }
        accepted
            .into_iter()
            .map(|(ballot, value)| Accepted {
                slot,
                ballot,
                value,
            })
            .collect()
    };
    // The bug: nothing accepted in the slot asked about reads as the
    // default vote, ballot 0 with the empty value, rather than as none.
    if crate::bug::on(&n.params.bugs, DEFAULT_VOTE) && accepted.first().map(|a| a.slot) != Some(slot) {
        let (ballot, value) = <(Ballot, String)>::default();
        accepted.insert(
            0,
            Accepted {
                slot,
                ballot,
                value,
            },
        );
    }
    PaxosMsg::Promise {
        slot,
        ballot,
        accepted,
    }
}

/// Phase 2b: accept `value` in `slot` at `ballot` unless a higher ballot
/// is promised.
pub fn accept(n: &mut Paxos, slot: u64, ballot: Ballot, value: String) -> PaxosMsg {
    let promised = promise_for(n, slot);
    if ballot < promised {
        return PaxosMsg::Nack {
            slot,
            ballot,
            promised,
        };
    }
    if n.multi() && ballot > n.promised {
        n.promised = ballot;
        n.journal.push(Change::Promised(None, ballot));
    }
    let s = n.slot(slot);
    if s.promised < ballot {
        s.promised = ballot;
    }
    if s.accepted.as_ref() != Some(&(ballot, value.clone())) {
        s.accepted = Some((ballot, value.clone()));
        n.journal.push(Change::Accepted(slot, ballot, value));
    }
    PaxosMsg::Accepted { slot, ballot }
}
