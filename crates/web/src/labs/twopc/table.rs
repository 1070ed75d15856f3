//! The transactions table: for each recent transaction, the coordinator's
//! phase or logged decision and every participant's state, the in-doubt
//! ones with how long they have waited; under it, the coordinator's log.

use super::{decimal_seconds, TwoPcPart};
use crate::snapshot::Snapshot;
use faultline_core::protocols::twopc::{Record, TxState};
use faultline_core::sortedmap::SortedMap;
use faultline_core::{NodeId, Time};
use std::rc::Rc;
use yew::prelude::*;

/// How many transactions the table shows (the newest).
const ROWS: usize = 10;

/// Table properties.
#[derive(Properties, PartialEq)]
pub struct TxTableProps {
    /// The frame.
    pub snapshot: Rc<Snapshot>,
}

/// One row: what the coordinator and each participant hold of a transaction.
struct Row {
    tx: String,
    /// The earliest time, by any node's clock, it was written of or worked
    /// on, as far as the views reach (for the order).
    first: Time,
    /// The coordinator: `working`, `voting`, `commit`, `abort` or nothing
    /// (it knows nothing of it: crashed, or never asked).
    coordinator: Option<&'static str>,
    /// Votes the coordinator holds.
    votes: SortedMap<NodeId, bool>,
    /// Each participant's state and since when.
    states: SortedMap<NodeId, (TxState, Time)>,
}

/// The row of `tx`, made if new; `at` is a time a node wrote of it.
fn row<'a>(rows: &'a mut SortedMap<String, Row>, tx: &str, at: Time) -> &'a mut Row {
    let r = rows.get_or_insert_with(tx.to_string(), || Row {
        tx: tx.to_string(),
        first: at,
        coordinator: None,
        votes: SortedMap::new(),
        states: SortedMap::new(),
    });
    r.first = r.first.min(at);
    r
}

fn rows(lab: &TwoPcPart) -> Vec<Row> {
    let mut rows: SortedMap<String, Row> = SortedMap::new();
    for n in &lab.view.nodes {
        let Some(v) = n.state.as_ref() else { continue };
        if v.coordinator {
            for e in &v.log_tail {
                let r = row(&mut rows, &e.tx, e.at);
                match e.record {
                    Record::Decided { commit } | Record::End { commit } => {
                        r.coordinator = Some(if commit { "commit" } else { "abort" });
                    }
                    Record::Begun => {
                        r.coordinator.get_or_insert("begun");
                    }
                    _ => {}
                }
            }
            for p in &v.pending {
                let r = row(&mut rows, &p.tx, lab.view.now);
                r.coordinator = Some(p.phase);
                for vote in &p.votes {
                    r.votes.insert(vote.node, vote.yes);
                }
            }
        } else {
            for t in &v.txs {
                row(&mut rows, &t.tx, t.since).states.insert(n.id, (t.state, t.since));
            }
        }
    }
    let mut rows: Vec<Row> = rows.into_iter().map(|(_, r)| r).collect();
    rows.sort_by(|a, b| a.first.cmp(&b.first).then_with(|| a.tx.cmp(&b.tx)));
    // The newest rows, and every older one with a participant in doubt.
    let keep_from = rows.len().saturating_sub(ROWS);
    let mut i = 0;
    rows.retain(|r| {
        i += 1;
        i > keep_from || r.states.values().any(|(s, _)| *s == TxState::Prepared)
    });
    rows
}

/// The table.
#[function_component(TxTable)]
pub fn tx_table(p: &TxTableProps) -> Html {
    let Some(lab) = p.snapshot.part::<TwoPcPart>() else {
        return Html::default();
    };
    let now = p.snapshot.now;
    let participants: Vec<NodeId> = lab.view.nodes.iter().map(|n| n.id).filter(|id| id.0 != 0).collect();
    let rows = rows(lab);
    let blocked = lab.in_doubt().any(|(_, since)| lab.blocked(since));
    let cell = |r: &Row, id: NodeId| {
        let vote = r.votes.get(&id).map(|&yes| if yes { " ✓" } else { " ✗" });
        match r.states.get(&id) {
            Some(&(state, since)) => {
                let text = match state {
                    TxState::Prepared => format!("in doubt {}", decimal_seconds(now.0.saturating_sub(since.0))),
                    s => s.name().to_string(),
                };
                html! { <td class={classes!("tx-cell", state.name())} data-state={state.name()}>{ text }{ vote.unwrap_or_default() }</td> }
            }
            None => html! { <td class="tx-cell none" data-state="none">{ "—" }</td> },
        }
    };
    let coordinator_log: Html = lab
        .view
        .nodes
        .first()
        .and_then(|n| n.state.as_ref())
        .map(|c| {
            c.log_tail
                .iter()
                .rev()
                .take(6)
                .map(|e| {
                    let what = match e.record {
                        Record::Decided { commit: true } => "decide commit",
                        Record::Decided { commit: false } => "decide abort",
                        Record::End { .. } => "end (all acknowledged)",
                        Record::Begun => "begin",
                        _ => "",
                    };
                    html! { <li><span class="mono dim">{ crate::format::time(e.at) }</span>{ format!(" {} {what}", e.tx) }</li> }
                })
                .collect()
        })
        .unwrap_or_default();
    html! {
        <section class="panel tx-table" aria-label="Transactions" data-rows={rows.len().to_string()}>
            <h3>{ "Transactions" }<span class="dim small">{ "newest last · ✓ ✗ votes the coordinator holds" }</span></h3>
            if rows.is_empty() {
                <p class="dim">{ "No transaction yet: press Q" }<span class="needs-panel">{ ", or begin one from the panel" }</span>{ "." }</p>
            } else {
                <table class="txs">
                    <thead><tr>
                        <th scope="col">{ "tx" }</th>
                        <th scope="col">{ "coordinator n0" }</th>
                        { for participants.iter().map(|id| html! { <th scope="col">{ id.to_string() }</th> }) }
                    </tr></thead>
                    <tbody>
                        { for rows.iter().map(|r| html! {
                            <tr data-tx={r.tx.clone()}>
                                <th scope="row" class="mono">{ r.tx.clone() }</th>
                                <td class={classes!("tx-coord", r.coordinator.unwrap_or("none"))} data-phase={r.coordinator.unwrap_or("none")}>
                                    { r.coordinator.unwrap_or("—") }</td>
                                { for participants.iter().map(|&id| cell(r, id)) }
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
            if blocked {
                <p class="blocking-note" role="note">
                    <strong>{ "Two-phase commit blocks. " }</strong>
                    { "A participant that voted yes may neither commit nor abort until it hears the coordinator's decision, however long the coordinator is down. Paxos Commit (Gray & Lamport 2006) removes the wait by having a majority of acceptors, not one coordinator, record each vote; three-phase commit (Skeen 1981) removes it only if message delays are bounded." }
                </p>
            }
            <h4 class="small">{ "Coordinator's log (durable, newest first)" }</h4>
            <ul class="coord-log small">{ coordinator_log }</ul>
        </section>
    }
}
