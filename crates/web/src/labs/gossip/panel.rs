//! The gossip lab's side panel: how the rumor in focus is spreading against
//! the theory, the selected node's state, and the lab's own actions (start
//! a rumor, add or remove nodes; the Network panel splits the cluster).

use crate::components::node_actions::{node_actions, NodeActionsProps};
use super::part::GossipPart;
use crate::snapshot::Snapshot;
use faultline_core::protocols::gossip::{theory, Health, Mode, Spread};
use faultline_core::sim::NodeStatus;
use faultline_core::{Command, NodeId};
use std::rc::Rc;
use yew::prelude::*;

/// Gossip panel properties.
pub struct GossipPanelProps {
    /// The frame.
    pub snapshot: Rc<Snapshot>,
    /// The selected node.
    pub selected: Option<NodeId>,
    /// Apply a command.
    pub on_command: Callback<Command>,
}

fn describe(lab: &GossipPart) -> String {
    let p = &lab.params;
    let style = match p.stop_after {
        None => "anti-entropy".to_string(),
        Some(k) => format!("rumor mongering, k = {k}"),
    };
    let swim = if p.swim.is_some() { " · SWIM" } else { "" };
    format!(
        "{} · fanout {} · {} ms rounds · {style}{swim}",
        p.mode.as_str(),
        p.fanout,
        p.round_ms
    )
}

fn spread_line(lab: &GossipPart, live: usize) -> Html {
    let Some(r) = lab
        .focus
        .and_then(|f| lab.rumors.iter().find(|r| r.rumor == f))
    else {
        return html! { <p class="dim">{ "No rumor yet: select a node and start one." }</p> };
    };
    let n = live.max(2) as f64;
    let p = &lab.params;
    let theory_line = match (p.mode, p.fanout, p.stop_after) {
        (_, _, Some(k)) => format!(
            "Theory: about {:.1}% never hear it, s = e^−(k+1)(1−s) (Demers et al. 1987).",
            theory::residue(k) * 100.0
        ),
        (Mode::Push, 1, None) => format!(
            "Theory: everyone in about log₂N + ln N = {:.1} rounds (Pittel 1987).",
            theory::push_rounds(n)
        ),
        (Mode::PushPull, 1, None) => format!(
            "Theory: about log₃N = {:.1} rounds, plus O(log log N) (Karp et al. 2000), for rounds in lockstep. Here a pull reply carries what the peer knows when it answers, so a rumor can go two hops in one round: the run is often a little faster than the curve, and both are right.",
            theory::push_pull_rounds(n)
        ),
        _ => "Theory: the blue curve is the mean-field expectation.".into(),
    };
    let rounds = r.per_round.len().saturating_sub(1);
    let done = match r.rounds_to_full {
        Some(k) => format!("everyone knew it after {k} rounds"),
        None => format!("round {rounds} since it started"),
    };
    html! {
        <>
            <p class="big mono" data-rumor={r.rumor.to_string()}>
                { format!("{} / {}", r.informed, r.live) }
                <span class="dim small">{ format!(" know rumor {} · {done}", r.rumor) }</span>
            </p>
            <p class="dim small">{ theory_line }</p>
        </>
    }
}

fn node_details(lab: &GossipPart, id: NodeId) -> Html {
    let Some(n) = lab.view.nodes.iter().find(|n| n.id == id) else {
        return Html::default();
    };
    let Some(g) = n.state.as_ref() else {
        return html! { <p class="dim">{ format!("{id} has left the cluster.") }</p> };
    };
    let rumors: Html = g
        .rumors
        .iter()
        .map(|(r, k)| {
            let state = match g.spread(*r) {
                Spread::Spreading => "spreading",
                Spread::Removed => "stopped",
                Spread::Uninformed => "unknown",
            };
            html! { <li class="mono">{ format!("{r}: learned in round {}, {state}, {} contacts knew it", k.round, k.misses) }</li> }
        })
        .collect();
    let swim = g.swim.as_ref().map(|s| {
        let suspects = s.exceptions.iter().filter(|e| e.1 == Health::Suspect).count();
        let dead = s.exceptions.iter().filter(|e| e.1 == Health::Dead).count();
        html! {
            <p class="small">{ format!("SWIM: incarnation {}, suspects {suspects}, believes {dead} dead{}", s.incarnation,
                s.probing.map(|t| format!(", waiting for {t}'s ack")).unwrap_or_default()) }</p>
        }
    });
    html! {
        <>
            <p class="small">{ format!("round {} · {} sent · status {}", g.round, crate::format::plural(g.sent as usize, "message"),
                crate::components::topology::status_name(n.status)) }</p>
            if g.rumors.is_empty() {
                <p class="dim small">{ "Knows no rumor yet." }</p>
            } else {
                <ul class="plain small">{ rumors }</ul>
            }
            { swim }
        </>
    }
}

/// The panel.
pub fn gossip_panel(p: &GossipPanelProps) -> Html {
    let Some(lab) = p.snapshot.part::<GossipPart>() else {
        return Html::default();
    };
    let live = lab
        .dots
        .iter()
        .filter(|d| d.status == NodeStatus::Up)
        .count();
    let emit = |c: Command| {
        let on = p.on_command.clone();
        Callback::from(move |_: MouseEvent| on.emit(c.clone()))
    };
    let node = p
        .selected
        .and_then(|id| lab.view.nodes.iter().find(|n| n.id == id));
    html! {
        <>
            <section class="panel gossip" aria-label="Gossip">
                <h3>{ "Gossip" }</h3>
                <p class="dim small">{ describe(lab) }</p>
                { spread_line(lab, live) }
                <div class="row wrap">
                    <button onclick={emit(Command::AddNode)}>{ "Add a node" }</button>
                </div>
            </section>
            <section class="panel node" aria-label="Node">
                if let Some(n) = node {
                    <h3>{ format!("Node {}", n.id) }</h3>
                    { node_details(lab, n.id) }
                    if n.status != NodeStatus::Removed {
                        { node_actions(&NodeActionsProps { node: n.id, status: n.status, clock_rate: n.clock_rate, on_command: p.on_command.clone(), children: html! {<>
                            <button class="primary" disabled={n.status != NodeStatus::Up}
                                onclick={emit(Command::Rumor { node: n.id })} title="Q">{ "Start a rumor here" }</button>
                            <button onclick={emit(Command::RemoveNode { node: n.id })}>{ "Remove" }</button>
                        </>} }) }
                    }
                } else {
                    <h3>{ "Node" }</h3>
                    <p class="dim">{ "Click a node to start a rumor there, crash or pause it, or see what it knows." }</p>
                }
            </section>
        </>
    }
}
