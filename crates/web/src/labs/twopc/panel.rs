//! The selected node in the two-phase commit lab: its role, its durable
//! log, and a form that begins a transaction (with participants that will
//! vote no).

use super::TwoPcPart;
use crate::components::node_actions::{node_actions, NodeActionsProps};
use crate::labs::client;
use crate::snapshot::Snapshot;
use faultline_core::protocols::twopc::{Record, TwoPc, TxRequest};
use faultline_core::sim::NodeStatus;
use faultline_core::{Command, NodeId};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Panel properties.
#[derive(Properties, PartialEq)]
pub struct TwoPcPanelProps {
    /// The frame.
    pub snapshot: Rc<Snapshot>,
    /// The selected node.
    pub selected: Option<NodeId>,
    /// Apply a command.
    pub on_command: Callback<Command>,
    /// Change the selection.
    pub on_select: Callback<Option<NodeId>>,
}

/// A log record in words.
fn record(r: &Record) -> &'static str {
    match r {
        Record::Begun => "begin",
        Record::Prepared => "prepared (voted yes)",
        Record::VotedNo => "voted no",
        Record::Committed => "committed",
        Record::Aborted => "aborted",
        Record::Decided { commit: true } => "decide commit",
        Record::Decided { commit: false } => "decide abort",
        Record::End { .. } => "end",
    }
}

/// The panel: the begin-a-transaction form, then the selected node.
#[function_component(TwoPcPanel)]
pub fn two_pc_panel(p: &TwoPcPanelProps) -> Html {
    let text = use_state(|| "t1".to_string());
    let error = use_state(|| None::<String>);
    let Some(lab) = p.snapshot.part::<TwoPcPart>() else {
        return Html::default();
    };
    let begin = {
        let (text, error, on) = (text.clone(), error.clone(), p.on_command.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match TxRequest::parse(&text) {
                Ok(r) => {
                    error.set(None);
                    on.emit(client::<TwoPc>(NodeId(0), &r));
                }
                Err(why) => error.set(Some(why)),
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
    let form = html! {
        <section class="panel" aria-label="Begin a transaction">
            <h3>{ "Begin a transaction" }</h3>
            <form class="row request" onsubmit={begin}>
                <input type="text" value={(*text).clone()} oninput={edit} aria-label="Transaction"
                    placeholder="t1 no=2" />
                <button class="primary" type="submit">{ "Begin" }</button>
            </form>
            if let Some(e) = &*error {
                <p class="form-error" role="alert">{ e.clone() }</p>
            }
            <p class="dim small">{ "“t1” runs t1 over every participant; “t1 no=2” makes n2 vote no. Q begins the next one." }</p>
        </section>
    };
    let Some(id) = p.selected else {
        return html! {
            <>
                { form }
                <section class="panel node" aria-label="Node">
                    <h3>{ "Node" }</h3>
                    <p class="dim">{ "Click a node (or press 1 – 9) to see its log, or crash it: crash the coordinator after a Prepare to watch the participants block." }</p>
                </section>
            </>
        };
    };
    let Some(n) = lab.view.nodes.iter().find(|n| n.id == id) else {
        return form;
    };
    let close = p.on_select.reform(|_: MouseEvent| None);
    let log: Html = n
        .state
        .as_ref()
        .map(|v| {
            v.log_tail
                .iter()
                .rev()
                .take(12)
                .map(|e| html! {
                    <li><span class="mono dim">{ crate::format::time(e.at) }</span>{ format!(" {} {}", e.tx, record(&e.record)) }</li>
                })
                .collect()
        })
        .unwrap_or_default();
    let role = if id.0 == 0 { "coordinator" } else { "participant" };
    html! {
        <>
            { form }
            <section class="panel node" aria-label={format!("Node {id}")} data-selected={id.0.to_string()}>
                <h3>
                    { format!("{id} · {role}") }
                    if n.status != NodeStatus::Up { <span class="badge warn">{ crate::components::topology::status_name(n.status) }</span> }
                    <button class="ghost close" onclick={close} aria-label="Deselect">{ "×" }</button>
                </h3>
                <h4 class="small">{ format!("Durable log ({} records, newest first)", n.state.as_ref().map_or(0, |v| v.log_len)) }</h4>
                <ul class="node-log small">{ log }</ul>
                { node_actions(&NodeActionsProps { node: id, status: n.status, clock_rate: n.clock_rate, on_command: p.on_command.clone(), children: Html::default() }) }
            </section>
        </>
    }
}
