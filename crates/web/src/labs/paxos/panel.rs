//! The selected node in the Paxos lab: its role, ballot, promise and
//! leader, and a form that proposes a value through it.

use super::{ballot, PaxosPart};
use crate::components::node_actions::{node_actions, NodeActionsProps};
use crate::labs::client;
use crate::snapshot::Snapshot;
use faultline_core::protocols::paxos::Paxos;
use faultline_core::sim::NodeStatus;
use faultline_core::{Command, NodeId};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Panel properties.
#[derive(Properties, PartialEq)]
pub struct PaxosPanelProps {
    /// The frame.
    pub snapshot: Rc<Snapshot>,
    /// The selected node.
    pub selected: Option<NodeId>,
    /// Apply a command.
    pub on_command: Callback<Command>,
    /// Change the selection.
    pub on_select: Callback<Option<NodeId>>,
}

/// The panel.
#[function_component(PaxosPanel)]
pub fn paxos_panel(p: &PaxosPanelProps) -> Html {
    let text = use_state(|| "x".to_string());
    let Some(lab) = p.snapshot.part::<PaxosPart>() else {
        return Html::default();
    };
    let Some(id) = p.selected else {
        return html! {
            <section class="panel node" aria-label="Node">
                <h3>{ "Node" }</h3>
                <p class="dim">{ "Click a node (or press 1 – 9) to see its promise and acceptances, propose a value through it, or crash it." }</p>
            </section>
        };
    };
    let Some(n) = lab.view.nodes.iter().find(|n| n.id == id) else {
        return Html::default();
    };
    let propose = {
        let (text, on) = (text.clone(), p.on_command.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let v = text.trim().to_string();
            if !v.is_empty() {
                on.emit(client::<Paxos>(id, &v));
            }
        })
    };
    let edit = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
                text.set(i.value());
            }
        })
    };
    let close = p.on_select.reform(|_: MouseEvent| None);
    let up = n.status == NodeStatus::Up;
    html! {
        <section class="panel node" aria-label={format!("Node {id}")} data-selected={id.0.to_string()}>
            <h3>
                { id.to_string() }
                if n.status != NodeStatus::Up { <span class="badge warn">{ crate::components::topology::status_name(n.status) }</span> }
                <button class="ghost close" onclick={close} aria-label="Deselect">{ "×" }</button>
            </h3>
            if let Some(v) = n.state.as_ref() {
                <dl class="facts">
                    <dt>{ "role" }</dt><dd>{ v.role.name() }</dd>
                    <dt>{ "ballot" }</dt><dd class="mono">{ ballot(v.ballot) }</dd>
                    <dt>{ "promised" }</dt><dd class="mono" data-promised={ballot(v.promised)}>{ ballot(v.promised) }</dd>
                    if let Some(l) = v.leader {
                        <dt>{ "leader" }</dt><dd>{ l.to_string() }</dd>
                    }
                    if let Some(s) = v.proposing {
                        <dt>{ "proposing" }</dt><dd class="mono">{ format!("slot #{s}") }</dd>
                    }
                    <dt>{ "chosen up to" }</dt><dd class="mono">{ format!("#{}", v.first_gap) }</dd>
                    <dt>{ "waiting" }</dt><dd class="mono">{ if v.pending.is_empty() { "—".to_string() } else { v.pending.join(", ") } }</dd>
                </dl>
            }
            { node_actions(&NodeActionsProps { node: id, status: n.status, clock_rate: n.clock_rate, on_command: p.on_command.clone(), children: Html::default() }) }
            <form class="row request" onsubmit={propose}>
                <input type="text" value={(*text).clone()} oninput={edit} aria-label="Value to propose" />
                <button class="primary" type="submit" disabled={!up}>{ "Propose" }</button>
            </form>
        </section>
    }
}
