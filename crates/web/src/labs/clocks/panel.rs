//! The selected process in the clocks lab: its Lamport, vector and hybrid
//! clocks, both register replicas, and events made by hand.

use crate::components::node_actions::{node_actions, NodeActionsProps};
use super::ClocksPart;
use crate::labs::client;
use crate::snapshot::Snapshot;
use faultline_core::protocols::clocks::{ClockRequest, Clocks};
use faultline_core::sim::NodeStatus;
use faultline_core::{Command, NodeId};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Clocks panel properties.
#[derive(Properties, PartialEq)]
pub struct ClocksPanelProps {
    /// The frame.
    pub snapshot: Rc<Snapshot>,
    /// The selected process.
    pub selected: Option<NodeId>,
    /// Apply a command.
    pub on_command: Callback<Command>,
    /// Change the selection.
    pub on_select: Callback<Option<NodeId>>,
}

fn request(node: NodeId, request: ClockRequest) -> Command {
    client::<Clocks>(node, &request)
}

/// The panel.
#[function_component(ClocksPanel)]
pub fn clocks_panel(p: &ClocksPanelProps) -> Html {
    let value = use_state(|| "a".to_string());
    let Some(lab) = p.snapshot.part::<ClocksPart>() else {
        return Html::default();
    };
    let Some(id) = p.selected else {
        return html! {
            <section class="panel node" aria-label="Process">
                <h3>{ "Process" }</h3>
                <p class="dim">{ "Click a process (or press 1 – 8) to see its clocks and registers, make an event by hand, or skew its clock." }</p>
            </section>
        };
    };
    let Some(n) = lab.view.nodes.iter().find(|n| n.id == id) else {
        return Html::default();
    };
    let up = n.status == NodeStatus::Up;
    let on = p.on_command.clone();
    let local = {
        let on = on.clone();
        Callback::from(move |_: MouseEvent| {
            on.emit(request(id, ClockRequest::Local))
        })
    };
    let sends: Html = lab
        .view
        .nodes
        .iter()
        .filter(|m| m.id != id)
        .map(|m| {
            let on = on.clone();
            let to = m.id;
            let onclick = Callback::from(move |_: MouseEvent| {
                on.emit(request(id, ClockRequest::Send { to }))
            });
            html! { <button {onclick} disabled={!up}>{ format!("send → {to}") }</button> }
        })
        .collect();
    let write = {
        let on = on.clone();
        let value = value.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let v = value.trim().to_string();
            if !v.is_empty() {
                on.emit(request(id, ClockRequest::Write { value: v }));
            }
        })
    };
    let edit = {
        let value = value.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
                value.set(i.value());
            }
        })
    };
    let close = p.on_select.reform(|_: MouseEvent| None);
    html! {
        <section class="panel node" aria-label={format!("Process {id}")} data-selected={id.0.to_string()}>
            <h3>
                { id.to_string() }
                if n.status != NodeStatus::Up { <span class="badge warn">{ crate::components::topology::status_name(n.status) }</span> }
                <button class="ghost close" onclick={close} aria-label="Deselect">{ "×" }</button>
            </h3>
            if let Some(s) = n.state.as_ref() {
                <dl class="facts">
                    <dt>{ "events" }</dt><dd class="mono">{ s.events }</dd>
                    <dt>{ "Lamport" }</dt><dd class="mono" data-lamport={s.lamport.to_string()}>{ s.lamport }</dd>
                    <dt>{ "vector" }</dt><dd class="mono">{ format!("{:?}", s.vector.0) }</dd>
                    <dt>{ "HLC" }</dt><dd class="mono">{ format!("{:.3} ms · {}", s.hlc.physical as f64 / 1000.0, s.hlc.logical) }</dd>
                    <dt>{ "clock" }</dt><dd class="mono">{ format!("{}×", n.clock_rate) }</dd>
                    <dt>{ "last-writer-wins" }</dt>
                    <dd class="mono">
                        { s.lww.winner.as_ref().map_or("—".to_string(), |w| format!("{:?}", w.value)) }
                        if !s.lww.discarded.is_empty() {
                            <span class="lost">{ format!(" · lost {:?}", s.lww.discarded) }</span>
                        }
                    </dd>
                    <dt>{ "vector register" }</dt>
                    <dd class="mono">{ if s.mv.siblings.is_empty() { "—".to_string() } else {
                        s.mv.siblings.iter().map(|(v, c)| format!("{v:?} {:?}", c.0)).collect::<Vec<_>>().join(" · ") } }</dd>
                </dl>
            }
            { node_actions(&NodeActionsProps { node: id, status: n.status, clock_rate: n.clock_rate, on_command: p.on_command.clone(), children: Html::default() }) }
            <div class="row wrap">
                <button onclick={local} disabled={!up}>{ "Local event" }</button>
                { sends }
            </div>
            <form class="row request" onsubmit={write}>
                <input type="text" value={(*value).clone()} oninput={edit} aria-label="Value to write" />
                <button class="primary" type="submit" disabled={!up}>{ "Write" }</button>
            </form>
        </section>
    }
}
