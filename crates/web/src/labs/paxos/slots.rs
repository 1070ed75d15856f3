//! The slots table: for each recent slot, what every node accepted (with
//! the ballot) and learned chosen.

use super::{ballot, PaxosPart};
use crate::snapshot::Snapshot;
use faultline_core::protocols::paxos::{Mode, NOOP};
use faultline_core::sortedmap::SortedMap;
use std::rc::Rc;
use yew::prelude::*;

/// How many slots the table shows (the newest).
const ROWS: usize = 12;

/// Table properties.
#[derive(Properties, PartialEq)]
pub struct SlotTableProps {
    /// The frame.
    pub snapshot: Rc<Snapshot>,
}

/// The table.
#[function_component(SlotTable)]
pub fn slot_table(p: &SlotTableProps) -> Html {
    let Some(lab) = p.snapshot.part::<PaxosPart>() else {
        return Html::default();
    };
    let mut slots: SortedMap<u64, ()> = SortedMap::new();
    for v in lab.view.nodes.iter().filter_map(|n| n.state.as_ref()) {
        for s in &v.slots {
            slots.insert(s.slot, ());
        }
    }
    let shown: Vec<u64> = slots.keys().rev().take(ROWS).rev().copied().collect();
    let mode = match lab.mode {
        Mode::Basic => "basic Paxos: one instance per slot",
        Mode::Multi => "Multi-Paxos: phase 1 once, then phase 2 per slot",
    };
    let row = |slot: u64| {
        let chosen = lab
            .view
            .nodes
            .iter()
            .filter_map(|n| n.state.as_ref())
            .find_map(|v| v.slots.iter().find(|s| s.slot == slot)?.chosen.clone());
        let cells = lab.view.nodes.iter().map(|n| {
            let s = n
                .state
                .as_ref()
                .and_then(|v| v.slots.iter().find(|s| s.slot == slot));
            match s {
                Some(s) if s.chosen.is_some() => {
                    let v = s.chosen.clone().unwrap_or_default();
                    html! { <td class={classes!("slot-cell", "learned", (v == NOOP).then_some("noop"))} data-state="learned">{ v }</td> }
                }
                Some(s) => match &s.accepted {
                    Some((b, v)) => html! {
                        <td class="slot-cell accepted" data-state="accepted">{ format!("{v} ") }<span class="dim">{ format!("@{}", ballot(*b)) }</span></td>
                    },
                    None => html! { <td class="slot-cell promised" data-state="promised">{ format!("promised {}", ballot(s.promised)) }</td> },
                },
                None => html! { <td class="slot-cell none" data-state="none">{ "—" }</td> },
            }
        });
        html! {
            <tr data-slot={slot.to_string()}>
                <th scope="row" class="mono">{ format!("#{slot}") }</th>
                <td class={classes!("slot-chosen", chosen.is_none().then_some("open"))}>{ chosen.unwrap_or_else(|| "open".into()) }</td>
                { for cells }
            </tr>
        }
    };
    html! {
        <section class="panel slot-table" aria-label="Slots" data-rows={shown.len().to_string()}>
            <h3>{ "Slots" }<span class="dim small">{ mode }</span></h3>
            if shown.is_empty() {
                <p class="dim">{ "No value proposed yet: press Q" }<span class="needs-panel">{ ", or propose one from the panel" }</span>{ "." }</p>
            } else {
                <table class="txs slots">
                    <thead><tr>
                        <th scope="col">{ "slot" }</th>
                        <th scope="col">{ "chosen" }</th>
                        { for lab.view.nodes.iter().map(|n| html! { <th scope="col">{ n.id.to_string() }</th> }) }
                    </tr></thead>
                    <tbody>{ for shown.iter().map(|&s| row(s)) }</tbody>
                </table>
                <p class="dim small">{ "Bold: learned chosen. value @ballot: accepted, not yet learned. A value is chosen once a majority accepts it in one ballot. Over each node: P, the ballot it promised; A, its newest acceptance (slot, ballot, value)." }</p>
            }
        </section>
    }
}
