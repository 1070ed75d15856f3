//! The checker: Wing & Gong's search with Lowe's memoization, as in
//! Porcupine's `checkSingle`, run on each part of a partitioned history;
//! and the shrinking of a failing part to a small offending set.

use super::history::Operation;
use super::model::Model;
use std::collections::HashSet;

/// Whether a history is linearizable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Some order of the operations respects real time and the model.
    Linearizable,
    /// No order does.
    NotLinearizable {
        /// A small set of completed operations, all from one part of the
        /// partition, whose results cannot all be explained (indices into
        /// the checked slice, increasing); see [`check`].
        offending: Vec<usize>,
    },
}

impl Verdict {
    /// Whether it is [`Verdict::Linearizable`].
    pub fn is_linearizable(&self) -> bool {
        matches!(self, Verdict::Linearizable)
    }
}

/// The bounds of the shrinking, in model steps, as multiples of the steps
/// the failing part took to decide (and at least the minimums): each
/// search at most `SEARCH_FACTOR` times as many, all of them together at
/// most `TOTAL_FACTOR` times as many.
const SEARCH_FACTOR: u64 = 4;
const SEARCH_MIN: u64 = 50_000;
const TOTAL_FACTOR: u64 = 50;
const TOTAL_MIN: u64 = 2_000_000;

/// Model steps each part's search takes in its turn (see [`check`]).
const TURN: u64 = 10_000;

/// Checks a history against a model: splits it with [`Model::partition`]
/// and searches each part for a linearization (Herlihy & Wing 1990; the
/// search is Wing & Gong's, memoized as Lowe proposed, as in Porcupine).
///
/// Real-time order follows Porcupine's convention: calls and returns are
/// sorted by time, and at equal times calls come before returns, so an
/// operation that returns at the instant another is called is concurrent
/// with it, not before it. Times are plain integers in any unit. A pending
/// operation (`ret: None`) returns after everything else; it may take
/// effect at any point after its call, or never (Porcupine has it take
/// effect at the latest at the end, which is the same when the model
/// accepts it in any state, as it must when the result is unknown).
///
/// The parts are searched in turns of a fixed number of model steps, so a
/// part that fails quickly is found even when another would take long
/// (Porcupine runs the parts in parallel and stops at the first failure).
/// The verdict does not depend on the turns; everything is deterministic.
///
/// When a part is not linearizable, a small offending set is reported
/// ([`Verdict::NotLinearizable`]): completed operations of that part whose
/// results cannot all be explained even when every other operation of the
/// part is *loosened*, free to take effect within its interval or not at
/// all (pending ones stay pending). Loosening an operation only allows
/// more orders, so the set is itself not linearizable, and the property
/// is monotone: the set is built one operation at a time, each found by
/// bisection on the completed operations sorted by return time (the first
/// one ends the shortest failing prefix of the part). The result is
/// 1-minimal: loosening any one of its operations too makes the part
/// linearizable. (Removing operations outright instead of loosening them
/// gives misleading sets, such as a lone read of a value whose write was
/// removed.)
///
/// Shrinking is bounded in model steps: each of its searches may take 4
/// times as many as deciding the failing part took (at least 50,000), all
/// of them 50 times as many (at least 2,000,000). A search that runs out
/// counts as linearizable, so the set is then still not linearizable but
/// perhaps not 1-minimal.
pub fn check<M: Model>(model: &M, ops: &[Operation<M::Input, M::Output>]) -> Verdict {
    let parts = model.partition(ops);
    let mut searches: Vec<(usize, Search<M>)> = parts
        .iter()
        .enumerate()
        .map(|(p, part)| {
            let items = part.iter().map(|&i| (i, true)).collect();
            (p, Search::new(model, ops, items))
        })
        .collect();
    while !searches.is_empty() {
        let mut k = 0;
        while k < searches.len() {
            let mut turn = TURN;
            match searches[k].1.run(&mut turn) {
                None => k += 1,
                Some(true) => {
                    searches.remove(k);
                }
                Some(false) => {
                    let (p, search) = &searches[k];
                    let mut offending = shrink(model, ops, &parts[*p], search.steps);
                    crate::sorting::sort(&mut offending);
                    return Verdict::NotLinearizable { offending };
                }
            }
        }
    }
    Verdict::Linearizable
}

/// An operation to search over: its index, and whether it must take
/// effect. One that need not (a loosened one, see [`check`]) takes effect
/// within its interval or never; a pending one always need not.
type Item = (usize, bool);

/// A node of the search's doubly linked list of call and return entries;
/// node 0 is the head.
#[derive(Clone, Copy)]
struct Entry {
    /// Index into the items.
    item: usize,
    /// A call entry (else a return entry).
    call: bool,
    /// The return entry of a call entry; the call entry of a return entry.
    matching: usize,
    /// A return entry of a pending operation.
    pending: bool,
    /// The previous node.
    prev: usize,
    /// The next node, or [`NIL`].
    next: usize,
}

/// The end of the list.
const NIL: usize = usize::MAX;
/// The list's head node.
const HEAD: usize = 0;

/// Builds the entry list from each item's call and return times: sorted by
/// time, calls before returns at equal times, pending returns last.
fn entries(times: &[(u64, Option<u64>)]) -> Vec<Entry> {
    // (pending return, time, is a return, item)
    let mut events: Vec<(bool, u64, bool, usize)> = Vec::with_capacity(2 * times.len());
    for (k, &(call, ret)) in times.iter().enumerate() {
        events.push((false, call, false, k));
        match ret {
            Some(r) => events.push((false, r.max(call), true, k)),
            None => events.push((true, 0, true, k)),
        }
    }
    crate::sorting::sort(&mut events);
    let len = events.len() + 1;
    let mut list: Vec<Entry> = (0..len)
        .map(|node| Entry {
            item: 0,
            call: false,
            matching: NIL,
            pending: false,
            prev: node.checked_sub(1).unwrap_or(NIL),
            next: if node + 1 < len { node + 1 } else { NIL },
        })
        .collect();
    let mut return_node = vec![NIL; times.len()];
    for (node, &(pending, _, ret, k)) in (1..).zip(&events) {
        list[node].item = k;
        list[node].call = !ret;
        list[node].pending = pending;
        if ret {
            return_node[k] = node;
        }
    }
    for node in 1..len {
        if list[node].call {
            let ret = return_node[list[node].item];
            list[node].matching = ret;
            list[ret].matching = node;
        }
    }
    list
}

/// Takes a call entry and its return out of the list.
fn lift(list: &mut [Entry], e: usize) {
    for node in [e, list[e].matching] {
        let Entry { prev, next, .. } = list[node];
        list[prev].next = next;
        if next != NIL {
            list[next].prev = prev;
        }
    }
}

/// Puts a lifted call entry and its return back.
fn unlift(list: &mut [Entry], e: usize) {
    for node in [list[e].matching, e] {
        let Entry { prev, next, .. } = list[node];
        list[prev].next = node;
        if next != NIL {
            list[next].prev = node;
        }
    }
}

/// A resumable run of Porcupine's `checkSingle` over some operations.
///
/// It walks the list: at a call entry, it tries to linearize that operation
/// next (the model accepts it there, and the pair (set linearized, state) is
/// new: Lowe's memoization); at a return entry, an operation that must have
/// taken effect by then has not, so it backtracks.
///
/// Operations that need not take effect (loosened or pending) add choices.
/// At the return of a loosened one, it may be taken as never having
/// happened; reaching the return of a pending one means every other one is
/// linearized or may be left out, so the search succeeds. One that would
/// leave the state as it is is never linearized: not taking effect does as
/// well. The choices at each point are tried in this order: operations
/// that must take effect, then leaving out the one whose return was
/// reached, then those that need not take effect; any order finds the same
/// verdict, and this one finds linearizations sooner when many operations
/// are loosened.
struct Search<'a, M: Model> {
    model: &'a M,
    ops: &'a [Operation<M::Input, M::Output>],
    /// Each item's operation, and whether it must take effect.
    items: Vec<(usize, bool)>,
    list: Vec<Entry>,
    /// The items linearized (or left out) so far, as a bitset.
    linearized: Vec<u64>,
    /// Every (linearized, state) pair reached.
    cache: HashSet<(Vec<u64>, M::State)>,
    /// The choices made, in order: the call entry, the state before it,
    /// and which choice.
    calls: Vec<(usize, M::State, Choice)>,
    state: M::State,
    /// The entry the walk is at.
    entry: usize,
    /// Which operations the walk considers.
    pass: Choice,
    /// Model steps taken so far.
    steps: u64,
}

/// A choice of the search, in the order they are tried.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Choice {
    /// Linearize an operation that must take effect.
    Must,
    /// Leave out the operation whose return was reached.
    LeaveOut,
    /// Linearize an operation that need not take effect.
    May,
}

impl<'a, M: Model> Search<'a, M> {
    fn new(model: &'a M, ops: &'a [Operation<M::Input, M::Output>], items: Vec<Item>) -> Self {
        let times: Vec<(u64, Option<u64>)> = items
            .iter()
            .map(|&(i, _)| (ops[i].call, ops[i].ret))
            .collect();
        let list = entries(&times);
        Search {
            model,
            ops,
            linearized: vec![0; items.len().div_ceil(64)],
            items: items
                .into_iter()
                .map(|(i, must)| (i, must && !ops[i].is_pending()))
                .collect(),
            entry: list[HEAD].next,
            list,
            cache: HashSet::new(),
            calls: Vec::new(),
            state: model.init(),
            pass: Choice::Must,
            steps: 0,
        }
    }

    /// Searches on for at most `budget` model steps (each one spent is taken
    /// off): `Some(linearizable)` once decided, `None` if the budget ran out
    /// first.
    fn run(&mut self, budget: &mut u64) -> Option<bool> {
        while self.entry != NIL {
            let Entry {
                item,
                call,
                matching,
                pending,
                ..
            } = self.list[self.entry];
            let (i, must) = self.items[item];
            if call {
                let mut taken = false;
                if must == (self.pass == Choice::Must) {
                    *budget = budget.checked_sub(1)?;
                    self.steps += 1;
                    let op = &self.ops[i];
                    if let Some(next) = self.model.step(&self.state, &op.input, op.output.as_ref())
                    {
                        taken = (must || next != self.state) && self.linearize(self.entry, next);
                    }
                }
                if !taken {
                    self.entry = self.list[self.entry].next;
                }
            } else if pending {
                return Some(true);
            } else if self.pass == Choice::Must {
                self.pass = Choice::LeaveOut;
                if must || !self.linearize(matching, self.state.clone()) {
                    self.pass = Choice::May;
                    self.entry = self.list[HEAD].next;
                }
            } else {
                // Every choice here failed: undo the last one, and go on
                // with the choices after it.
                let Some((top, previous, choice)) = self.calls.pop() else {
                    return Some(false);
                };
                self.state = previous;
                let item = self.list[top].item;
                self.linearized[item / 64] &= !(1u64 << (item % 64));
                unlift(&mut self.list, top);
                self.pass = choice;
                self.entry = self.list[top].next;
                if choice == Choice::LeaveOut {
                    self.pass = Choice::May;
                    self.entry = self.list[HEAD].next;
                }
            }
        }
        Some(true)
    }

    /// Linearizes the operation of `call` next (or leaves it out, as
    /// `self.pass` says), leading to state `next`, unless that (set
    /// linearized, state) pair was reached before: whether it did. The walk
    /// starts over from the head.
    fn linearize(&mut self, call: usize, next: M::State) -> bool {
        let item = self.list[call].item;
        let (word, bit) = (item / 64, 1u64 << (item % 64));
        self.linearized[word] |= bit;
        if !self.cache.insert((self.linearized.clone(), next.clone())) {
            self.linearized[word] &= !bit;
            return false;
        }
        let previous = std::mem::replace(&mut self.state, next);
        self.calls.push((call, previous, self.pass));
        lift(&mut self.list, call);
        self.entry = self.list[HEAD].next;
        self.pass = Choice::Must;
        true
    }
}

/// Shrinks a part known not to be linearizable to a 1-minimal offending
/// set (see [`check`]).
fn shrink<M: Model>(
    model: &M,
    ops: &[Operation<M::Input, M::Output>],
    part: &[usize],
    decided_in: u64,
) -> Vec<usize> {
    let mut budget = decided_in.saturating_mul(TOTAL_FACTOR).max(TOTAL_MIN);
    let limit = decided_in.saturating_mul(SEARCH_FACTOR).max(SEARCH_MIN);
    // Whether the part is known to fail when only `set` must take effect.
    // A search that runs out of steps counts as passing: the set kept is
    // then only known to fail, perhaps not 1-minimal.
    let mut fails = |set: &[usize]| {
        let mut steps = budget.min(limit);
        let items = context(ops, part, set);
        let result = Search::new(model, ops, items).run(&mut steps);
        budget -= budget.min(limit) - steps;
        result == Some(false)
    };
    // The completed operations, by return time, are the candidates.
    // Invariant: the set with all the candidates is known to fail.
    let mut candidates: Vec<usize> = part
        .iter()
        .copied()
        .filter(|&i| !ops[i].is_pending())
        .collect();
    crate::sorting::sort_by_key(&mut candidates, |&i| {
        (ops[i].ret.map(|ret| ret.max(ops[i].call)), ops[i].call, i)
    });
    let mut set: Vec<usize> = Vec::new();
    // Without candidates left the set is known to fail, even if its own
    // search ran out of steps.
    while !candidates.is_empty() && !fails(&set) {
        // The shortest prefix of the candidates that fails with the set:
        // its last operation is needed, since without it the rest passes.
        let (mut lo, mut hi) = (0, candidates.len());
        while lo + 1 < hi {
            let mid = lo + (hi - lo) / 2;
            let with: Vec<usize> = set.iter().chain(&candidates[..mid]).copied().collect();
            if fails(&with) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        set.push(candidates[hi - 1]);
        candidates.truncate(hi - 1);
    }
    set
}

/// The items of a search where the `set` must take effect and the other
/// operations of `part` need not (the pending ones stay pending).
/// Operations called after every one in the set returned are left out:
/// they could only take effect after all of those, so they change nothing.
fn context<I, O>(ops: &[Operation<I, O>], part: &[usize], set: &[usize]) -> Vec<Item> {
    let returned = |i: usize| ops[i].ret.map(|ret| ret.max(ops[i].call));
    let Some(end) = set.iter().filter_map(|&i| returned(i)).max() else {
        return Vec::new();
    };
    let mut sorted = set.to_vec();
    crate::sorting::sort(&mut sorted);
    part.iter()
        .filter(|&&i| ops[i].call <= end)
        .map(|&i| (i, sorted.binary_search(&i).is_ok()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linearizability::model::{
        KvInput, KvModel, KvOutput, RegisterInput as In, RegisterModel, RegisterOutput as Out,
    };
    use proptest::prelude::*;

    type Op = Operation<In, Out>;

    fn op(input: In, output: Out, call: u64, ret: u64) -> Op {
        Operation {
            client: call,
            input,
            output: Some(output),
            call,
            ret: Some(ret),
        }
    }

    fn pending(input: In, call: u64) -> Op {
        Operation {
            client: call,
            input,
            output: None,
            call,
            ret: None,
        }
    }

    fn read(v: Option<i64>, call: u64, ret: u64) -> Op {
        op(In::Read, Out::Value(v), call, ret)
    }

    fn write(v: i64, call: u64, ret: u64) -> Op {
        op(In::Write(v), Out::Ok, call, ret)
    }

    fn offending(history: &[Op]) -> Vec<usize> {
        match check(&RegisterModel, history) {
            Verdict::NotLinearizable { offending } => offending,
            Verdict::Linearizable => panic!("linearizable: {history:?}"),
        }
    }

    // Herlihy & Wing 1990, §2: a history is linearizable when it can be
    // completed (responses added to some pending invocations, the other
    // pending invocations removed) so that it is equivalent to a legal
    // sequential history that keeps its precedence order (an operation
    // precedes another when it responds before the other is invoked).

    #[test]
    fn a_legal_sequential_history_is_linearizable() {
        // §2: a sequential history is linearizable when it is legal.
        let h = [
            read(None, 0, 1),
            write(1, 2, 3),
            read(Some(1), 4, 5),
            op(In::Cas { from: 1, to: 2 }, Out::Ok, 6, 7),
            read(Some(2), 8, 9),
        ];
        assert!(check(&RegisterModel, &h).is_linearizable());
        assert!(check(&RegisterModel, &[]).is_linearizable());
    }

    #[test]
    fn a_stale_read_after_a_write_is_not_and_only_those_two_offend() {
        // §2: the write precedes the read, so every legal sequential
        // history equivalent to it has the read return 1. The other read
        // is consistent and is not in the offending set.
        let h = [write(1, 0, 1), read(Some(1), 4, 5), read(None, 2, 3)];
        assert_eq!(offending(&h), vec![0, 2]);
    }

    #[test]
    fn overlapping_operations_may_take_effect_in_either_order() {
        // §2: the precedence order is partial; concurrent operations can be
        // ordered either way. The write overlaps both reads.
        let h = [write(1, 0, 10), read(None, 1, 2), read(Some(1), 3, 4)];
        assert!(check(&RegisterModel, &h).is_linearizable());
    }

    #[test]
    fn two_reads_that_see_the_write_undone_are_not() {
        // The first read sees the write, the second (after it) does not:
        // no order of the three is legal. Loosening the write (it need not
        // take effect) does not help, so the two reads are the offenders.
        let h = [write(1, 0, 10), read(Some(1), 1, 2), read(None, 3, 4)];
        assert_eq!(offending(&h), vec![1, 2]);
    }

    #[test]
    fn a_return_and_a_call_at_the_same_instant_are_concurrent() {
        // Porcupine's convention: calls sort before returns at equal times.
        let h = [write(1, 0, 5), read(None, 5, 6)];
        assert!(check(&RegisterModel, &h).is_linearizable());
        let h = [write(1, 0, 5), read(None, 6, 7)];
        assert!(!check(&RegisterModel, &h).is_linearizable());
    }

    #[test]
    fn a_return_before_its_call_is_read_as_at_the_call() {
        let h = [write(1, 5, 2), read(None, 5, 6)];
        assert!(check(&RegisterModel, &h).is_linearizable());
        let h = [read(None, 0, 1), write(1, 5, 2), read(None, 6, 7)];
        assert_eq!(offending(&h), vec![1, 2]);
    }

    #[test]
    fn a_pending_operation_may_take_effect_late_or_never() {
        // §2: pending invocations may be completed or removed.
        let late = [
            pending(In::Write(1), 0),
            read(None, 1, 2),
            read(Some(1), 3, 4),
        ];
        assert!(check(&RegisterModel, &late).is_linearizable());
        let never = [pending(In::Write(1), 0), read(None, 1, 2), read(None, 3, 4)];
        assert!(check(&RegisterModel, &never).is_linearizable());
        // But not before it was called, and not undone.
        let early = [read(Some(1), 0, 1), pending(In::Write(1), 2)];
        assert_eq!(offending(&early), vec![0]);
        let undone = [
            pending(In::Write(1), 0),
            read(Some(1), 1, 2),
            read(None, 3, 4),
        ];
        assert_eq!(offending(&undone), vec![1, 2]);
    }

    #[test]
    fn a_pending_cas_applies_only_when_it_matches() {
        let h = [
            write(1, 0, 1),
            pending(In::Cas { from: 1, to: 2 }, 2),
            read(Some(2), 3, 4),
        ];
        assert!(check(&RegisterModel, &h).is_linearizable());
        let h = [
            write(3, 0, 1),
            pending(In::Cas { from: 1, to: 2 }, 2),
            read(Some(2), 3, 4),
        ];
        assert!(!check(&RegisterModel, &h).is_linearizable());
    }

    #[test]
    fn an_unknown_result_still_takes_effect_within_its_interval() {
        let unknown = Operation {
            output: None,
            ..write(1, 0, 1)
        };
        let h = [unknown, read(None, 2, 3)];
        assert!(!check(&RegisterModel, &h).is_linearizable());
    }

    fn kv(
        client: u64,
        input: KvInput,
        output: KvOutput,
        call: u64,
        ret: u64,
    ) -> Operation<KvInput, KvOutput> {
        Operation {
            client,
            input,
            output: Some(output),
            call,
            ret: Some(ret),
        }
    }

    fn get(key: &str) -> KvInput {
        KvInput::Get { key: key.into() }
    }

    fn put(key: &str, value: &str) -> KvInput {
        KvInput::Put {
            key: key.into(),
            value: value.into(),
        }
    }

    #[test]
    fn keys_are_checked_apart_and_the_offenders_share_one() {
        // §3.1, locality: a history is linearizable exactly when each
        // object's (here each key's) subhistory is.
        let value = |v: &str| KvOutput::Value(v.into());
        let fine = [
            kv(0, put("x", "1"), KvOutput::Ok, 0, 10),
            kv(1, put("y", "1"), KvOutput::Ok, 0, 10),
            kv(2, get("x"), value("1"), 1, 2),
            kv(2, get("y"), value(""), 3, 4),
            kv(3, get("y"), value("1"), 5, 6),
            kv(3, get("x"), value("1"), 7, 8),
        ];
        assert!(check(&KvModel, &fine).is_linearizable());
        assert_eq!(KvModel.partition(&fine), vec![vec![0, 2, 5], vec![1, 3, 4]]);
        // Key y alone is not linearizable: a read of the new value, then
        // one of the old.
        let mut bad = fine.clone();
        bad[3].output = Some(value("1"));
        bad[4].output = Some(value(""));
        assert_eq!(
            check(&KvModel, &bad),
            Verdict::NotLinearizable {
                offending: vec![3, 4]
            }
        );
    }

    #[test]
    fn siblings_accept_any_of_their_values() {
        let h = [
            kv(0, put("x", "a"), KvOutput::Ok, 0, 1),
            kv(
                1,
                get("x"),
                KvOutput::Siblings(vec!["b".into(), "a".into()]),
                2,
                3,
            ),
        ];
        assert!(check(&KvModel, &h).is_linearizable());
        let h = [
            kv(0, put("x", "a"), KvOutput::Ok, 0, 1),
            kv(
                1,
                get("x"),
                KvOutput::Siblings(vec!["b".into(), "c".into()]),
                2,
                3,
            ),
        ];
        assert!(!check(&KvModel, &h).is_linearizable());
    }

    /// Whether some order exists, by trying them all: the operations with
    /// `must` take effect within their intervals, the others within theirs
    /// (after their call when pending) or not at all.
    fn brute_force(ops: &[Op], must: &[bool]) -> bool {
        fn precedes(a: &Op, b: &Op) -> bool {
            a.ret.is_some_and(|r| r.max(a.call) < b.call)
        }
        fn go(ops: &[Op], must: &[bool], placed: &mut Vec<usize>, state: Option<i64>) -> bool {
            let unplaced: Vec<usize> = (0..ops.len()).filter(|i| !placed.contains(i)).collect();
            let required = |y: usize| must[y] && !ops[y].is_pending();
            if !unplaced.iter().any(|&y| required(y)) {
                return true;
            }
            for &x in &unplaced {
                let blocked = placed.iter().any(|&z| precedes(&ops[x], &ops[z]))
                    || unplaced
                        .iter()
                        .any(|&y| y != x && required(y) && precedes(&ops[y], &ops[x]));
                if blocked {
                    continue;
                }
                if let Some(next) =
                    RegisterModel.step(&state, &ops[x].input, ops[x].output.as_ref())
                {
                    placed.push(x);
                    let found = go(ops, must, placed, next);
                    placed.pop();
                    if found {
                        return true;
                    }
                }
            }
            false
        }
        go(ops, must, &mut Vec::new(), None)
    }

    fn arbitrary_op() -> impl Strategy<Value = Op> {
        let input = prop_oneof![
            Just(In::Read),
            (0..3i64).prop_map(In::Write),
            (0..3i64, 0..3i64).prop_map(|(from, to)| In::Cas { from, to }),
        ];
        (input, 0..12u64, 0..8u64, 0..10u8, prop::option::of(0..3i64)).prop_map(
            |(input, call, length, kind, value)| {
                // Now and then a return before the call.
                let ret = if length < 6 {
                    call + length
                } else {
                    call.saturating_sub(length - 5)
                };
                let output = match input {
                    In::Read => Out::Value(value),
                    _ => Out::Ok,
                };
                Operation {
                    client: call,
                    input,
                    // Now and then pending, or with an unknown result.
                    output: (kind != 0).then_some(output),
                    call,
                    ret: (kind != 1).then_some(ret),
                }
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 2_000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn loosened_searches_agree_with_trying_every_order(
            h in prop::collection::vec(arbitrary_op(), 0..7),
            mask in any::<u8>(),
        ) {
            let must: Vec<bool> = (0..h.len()).map(|k| mask & (1 << k) != 0).collect();
            let items = must.iter().enumerate().map(|(i, &m)| (i, m)).collect();
            let mut unbounded = u64::MAX;
            let found = Search::new(&RegisterModel, &h, items).run(&mut unbounded);
            prop_assert_eq!(found, Some(brute_force(&h, &must)));
        }

        #[test]
        fn agrees_with_trying_every_order(h in prop::collection::vec(arbitrary_op(), 0..7)) {
            let must = vec![true; h.len()];
            let verdict = check(&RegisterModel, &h);
            prop_assert_eq!(verdict.is_linearizable(), brute_force(&h, &must));
            if let Verdict::NotLinearizable { offending } = verdict {
                // Not linearizable with every other operation loosened...
                let only = |set: &[usize]| (0..h.len()).map(|i| set.contains(&i)).collect::<Vec<_>>();
                prop_assert!(!brute_force(&h, &only(&offending)));
                prop_assert!(offending.iter().all(|&i| !h[i].is_pending()));
                // ...nor on its own...
                let alone: Vec<Op> = offending.iter().map(|&i| h[i].clone()).collect();
                prop_assert!(!check(&RegisterModel, &alone).is_linearizable());
                // ...and 1-minimal.
                for &o in &offending {
                    let fewer: Vec<usize> = offending.iter().copied().filter(|&i| i != o).collect();
                    prop_assert!(brute_force(&h, &only(&fewer)));
                }
            }
        }
    }
}
