//! The ring lab's side panel: the run's strategy, the last change compared
//! under every strategy against the ideal, and the cluster's actions (add,
//! remove, crash, pause; the Network panel splits and heals).

use crate::components::node_actions::{node_actions, NodeActionsProps};
use super::analysis::RingAnalysis;
use super::RingPart;
use crate::snapshot::Snapshot;
use faultline_core::protocols::ring::RingStatus;
use faultline_core::sim::NodeStatus;
use faultline_core::{Command, NodeId};
use std::rc::Rc;
use yew::prelude::*;

/// Ring panel properties.
pub struct RingPanelProps {
    /// The frame.
    pub snapshot: Rc<Snapshot>,
    /// The cluster-wide picture.
    pub status: Rc<RingStatus>,
    /// The placement picture (none without members).
    pub analysis: Option<Rc<RingAnalysis>>,
    /// The selected node.
    pub selected: Option<NodeId>,
    /// Apply a command.
    pub on_command: Callback<Command>,
}

fn comparison(a: &RingAnalysis) -> Html {
    let Some(c) = &a.comparison else {
        return html! { <p class="dim small">{ "Add or remove a node to compare how many keys each strategy moves." }</p> };
    };
    let ideal = c.ideal();
    let rows: Html = c
        .rows
        .iter()
        .map(|r| {
            let share = r.movement.moved as f64 / c.keys.max(1) as f64;
            html! {
                <tr data-strategy={r.strategy.name()}>
                    <th scope="row">{ r.strategy.name() }</th>
                    <td class="mono">{ r.movement.moved }</td>
                    <td class="mono">{ format!("{:.1}%", share * 100.0) }</td>
                    <td class="mono">{ format!("{:.1}×", share / ideal) }</td>
                    <td class={classes!("mono", (r.movement.moved_between_existing > 0).then_some("bad"))}>
                        { r.movement.moved_between_existing }</td>
                </tr>
            }
        })
        .collect();
    html! {
        <>
            <p class="small">{ format!("{} → {} nodes, {}: ideally 1/{} = {:.1}% move.",
                c.before, c.after,
                if c.keys == c.total { format!("{} keys", c.keys) } else { format!("the first {} of {} keys", c.keys, c.total) },
                c.before.max(c.after), ideal * 100.0) }</p>
            <table class="compare small">
                <thead><tr><th>{ "strategy" }</th><th>{ "moved" }</th><th>{ "share" }</th><th>{ "× ideal" }</th>
                    <th title="keys that moved between two nodes present before and after">{ "between old" }</th></tr></thead>
                <tbody>{ rows }</tbody>
            </table>
            if !a.complete {
                <p class="dim small computing" role="status">{ "Comparing the strategies…" }</p>
            }
        </>
    }
}

fn summary(lab: &RingPart, s: &RingStatus) -> Html {
    let p = &lab.params;
    let c = s.counts;
    html! {
        <>
            <p class="dim small">{ format!("{} · {} vnodes · {} keys · {} {}", p.strategy.name(), p.vnodes, p.keys,
                p.replicas, if p.replicas == 1 { "replica" } else { "replicas" }) }</p>
            <p class="big mono" data-available={c.available.to_string()} data-unavailable={c.unavailable.to_string()}
                data-in-flight={c.in_flight.to_string()} data-lost={c.lost.to_string()}>
                { format!("{} / {}", c.available, s.keys) }
                <span class="dim small">{ " keys available" }</span>
            </p>
            if c.unavailable > 0 || c.in_flight > 0 {
                <p class="small warn-text">{ format!("{} in transfer · {} on down nodes · {} lost · {} sent and not yet acknowledged",
                    c.in_transfer, c.down, c.lost, c.in_flight) }</p>
            }
        </>
    }
}

fn node_details(lab: &RingPart, s: &RingStatus, id: NodeId) -> Html {
    let status = s.nodes.iter().find(|n| n.id == id);
    let view = lab
        .view
        .nodes
        .iter()
        .find(|n| n.id == id)
        .and_then(|n| n.state.as_ref());
    let (Some(st), Some(v)) = (status, view) else {
        return html! { <p class="dim small">{ "Not in the cluster." }</p> };
    };
    let sending: Html = v
        .sending
        .iter()
        .map(|x| html! { <li class="mono">{ format!("→ {}: {} keys", x.to, x.keys) }</li> })
        .collect();
    html! {
        <>
            <p class="small">{ format!("owns {} keys · holds {} ({} until handed off) · receiving {}",
                st.load, st.held, st.surplus, st.receiving) }</p>
            if !v.sending.is_empty() {
                <ul class="plain small">{ sending }</ul>
            }
            <p class="dim small">{ format!("{} keys sent over the run, retries included", v.keys_sent) }</p>
        </>
    }
}

/// The panel.
pub fn ring_panel(p: &RingPanelProps) -> Html {
    let Some(lab) = p.snapshot.part::<RingPart>() else {
        return Html::default();
    };
    let emit = |c: Command| {
        let on = p.on_command.clone();
        Callback::from(move |_: MouseEvent| on.emit(c.clone()))
    };
    let node = p
        .selected
        .and_then(|id| p.snapshot.nodes.iter().find(|n| n.id == id));
    let clock = p
        .selected
        .and_then(|id| lab.view.nodes.iter().find(|n| n.id == id))
        .map(|n| n.clock_rate);
    html! {
        <>
            <section class="panel ring" aria-label="Hash ring">
                <h3>{ "Hash ring" }</h3>
                { summary(lab, &p.status) }
                <div class="row wrap">
                    <button class="primary" onclick={emit(Command::AddNode)}>{ "Add a node" }</button>
                </div>
                <h4>{ "The last change, under every strategy" }</h4>
                { p.analysis.as_deref().map(comparison).unwrap_or_default() }
            </section>
            <section class="panel node" aria-label="Node">
                if let Some(n) = node {
                    <h3>{ format!("Node {}", n.id) }</h3>
                    { node_details(lab, &p.status, n.id) }
                    if n.status != NodeStatus::Removed {
                        { node_actions(&NodeActionsProps { node: n.id, status: n.status, clock_rate: clock.unwrap_or(1.0), on_command: p.on_command.clone(), children: html! {<>
                            <button onclick={emit(Command::RemoveNode { node: n.id })}>{ "Remove" }</button>
                        </>} }) }
                    }
                } else {
                    <h3>{ "Node" }</h3>
                    <p class="dim">{ "Click a node inside the ring to see the keys it holds and sends, crash, pause or remove it." }</p>
                }
            </section>
        </>
    }
}
