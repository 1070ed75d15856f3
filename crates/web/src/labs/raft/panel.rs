//! The selected node: its Raft state and the actions on it.

use crate::components::node_actions::{node_actions, NodeActionsProps};
use crate::components::topology::status_name;
use crate::labs::client;
use crate::snapshot::Snapshot;
use faultline_core::node::Protocol;
use faultline_core::protocols::raft::{Raft, RaftRequest};
use faultline_core::sim::NodeStatus;
use faultline_core::{Command, NodeId};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Node panel properties.
#[derive(Properties, PartialEq)]
pub struct NodePanelProps {
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
#[function_component(NodePanel)]
pub fn node_panel(p: &NodePanelProps) -> Html {
    let request = use_state(|| "set x=1".to_string());
    let Some(view) = p.snapshot.part::<super::RaftPart>() else {
        return Html::default();
    };
    let add = {
        let on = p.on_command.clone();
        Callback::from(move |_: MouseEvent| on.emit(Command::AddNode))
    };
    let room = view.nodes.len() < Raft::MAX_NODES as usize;
    let add_button = html! {
        <button class="add-server" onclick={add} disabled={!room}
            title={if room { "Add an empty server: it catches up as a learner, then joins through a configuration entry (dissertation §4.2.1)" } else { "Raft takes at most 15 servers here" }}>
            { "Add a server" }
        </button>
    };
    let Some(id) = p.selected else {
        return html! {
            <section class="panel node" aria-label="Node">
                <h3>{ "Node" }</h3>
                <p class="dim">{ "Click a node (or press 1 – 9) to inspect it, crash it, pause it, remove it, hand it leadership or send it a client request." }</p>
                <div class="row">{ add_button }</div>
            </section>
        };
    };
    let Some(n) = view.nodes.iter().find(|n| n.id == id) else {
        return Html::default();
    };
    let cmd = |c: Command| {
        let on = p.on_command.clone();
        Callback::from(move |_: MouseEvent| on.emit(c.clone()))
    };
    let timeout = cmd(super::timeout_now(id));
    let transfer = cmd(Command::Transfer { node: id });
    let remove = cmd(Command::RemoveNode { node: id });
    let up = n.status == NodeStatus::Up;
    let member = n.state.as_ref().is_some_and(|s| !s.learner);
    let send = {
        let on = p.on_command.clone();
        let request = request.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let text = request.trim().to_string();
            if !text.is_empty() {
                on.emit(client::<Raft>(id, &RaftRequest::Command(text.to_string())));
            }
        })
    };
    let edit = {
        let request = request.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
                request.set(i.value());
            }
        })
    };
    let close = p.on_select.reform(|_: MouseEvent| None);
    let state = n.state.as_ref();
    let who = |o: Option<NodeId>| o.map_or("—".to_string(), |x| x.to_string());
    html! {
        <section class="panel node" aria-label={format!("Node {id}")} data-selected={id.0.to_string()}>
            <h3>
                { format!("{id}") }
                <span class={classes!("badge", format!("role-{}", n.badge.role))}>{ n.badge.role }</span>
                if n.status != NodeStatus::Up { <span class="badge warn">{ status_name(n.status) }</span> }
                <button class="ghost close" onclick={close} aria-label="Deselect">{ "×" }</button>
            </h3>
            if let Some(s) = state {
                <dl class="facts">
                    <dt>{ "term" }</dt><dd class="mono">{ s.term }</dd>
                    <dt>{ "voted for" }</dt><dd class="mono">{ who(s.voted_for) }</dd>
                    <dt>{ "leader known" }</dt><dd class="mono">{ who(s.leader) }</dd>
                    <dt>{ "commit / last" }</dt><dd class="mono">{ format!("{} / {}", s.commit_index, s.last_index) }</dd>
                    <dt>{ "configuration" }</dt>
                    <dd class="mono">{ if s.learner { "learner (no vote yet)".to_string() } else {
                        s.voters.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(" ") } }</dd>
                    if s.snapshot_index > 0 {
                        <dt>{ "snapshot" }</dt><dd class="mono">{ format!("up to {}", s.snapshot_index) }</dd>
                    }
                    <dt>{ "clock" }</dt><dd class="mono">{ format!("{}×", n.clock_rate) }</dd>
                    <dt>{ "state" }</dt>
                    <dd class="mono">{ if s.kv.is_empty() { "{}".to_string() } else {
                        s.kv.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ") } }</dd>
                </dl>
                if !s.next_index.is_empty() {
                    <table class="progress">
                        <thead><tr><th>{ "follower" }</th><th>{ "nextIndex" }</th><th>{ "matchIndex" }</th></tr></thead>
                        <tbody>
                        { for s.next_index.iter().zip(s.match_index.iter()).map(|((f, ni), (_, mi))| html! {
                            <tr><td>{ f.to_string() }</td><td class="mono">{ *ni }</td><td class="mono">{ *mi }</td></tr>
                        }) }
                        </tbody>
                    </table>
                }
                if n.status == NodeStatus::Crashed {
                    <p class="dim small">{ "Crashed: term, vote, log and snapshot survive on disk; the rest is rebuilt on restart." }</p>
                }
            }
            if n.status == NodeStatus::Removed {
                <p class="dim small">{ "Removed: its removal committed and the administrator shut it down (dissertation §4.2.2)." }</p>
            }
            if n.status != NodeStatus::Removed {
            { node_actions(&NodeActionsProps { node: id, status: n.status, clock_rate: n.clock_rate, on_command: p.on_command.clone(), children: html! {<>
                <button onclick={timeout} disabled={!up || n.badge.role == "leader"}
                    title={if n.badge.role == "leader" { "A leader has no election timer (T)" } else if !up { "Only a running node can time out (T)" } else { "Start an election now (T)" }}>
                    { "Time out now" }
                </button>
                <button onclick={transfer} disabled={!member || n.badge.role == "leader"}
                    title="Leadership transfer (dissertation §3.10): the leader catches this server up and tells it to start an election now">
                    { "Make leader" }
                </button>
                <button onclick={remove}
                    title="Remove this server through a configuration entry (dissertation §4.1); once it commits, the server is shut down">
                    { "Remove" }
                </button>
            </>} }) }
            <div class="row">{ add_button }</div>
            <form class="row request" onsubmit={send}>
                <input type="text" value={(*request).clone()} oninput={edit} aria-label="Client request" placeholder="set x=1" />
                <button class="primary" type="submit" title="Q">{ "Send request" }</button>
            </form>
            }
        </section>
    }
}
