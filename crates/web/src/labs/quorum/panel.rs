//! The quorum lab's side panel: the run's N, R and W, a form to get or put a
//! key through any coordinator (with R or W for that request), the requests
//! made from it, and the selected node's versions, siblings and hints.

use crate::components::node_actions::{node_actions, NodeActionsProps};
use crate::format::plural;
use super::words as quorum;
use super::QuorumPart;
use crate::labs::client;
use crate::snapshot::Snapshot;
use faultline_core::protocols::quorum::{
    ClientRef, OpKind, Quorum, QuorumRequest, QuorumView, Resolve, VClock,
};
use faultline_core::sim::{NodeStatus, NodeView};
use faultline_core::{Command, NodeId};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Quorum panel properties.
#[derive(Properties, PartialEq)]
pub struct QuorumPanelProps {
    /// The frame.
    pub snapshot: Rc<Snapshot>,
    /// The selected node.
    pub selected: Option<NodeId>,
    /// Apply a command.
    pub on_command: Callback<Command>,
    /// Change the selection.
    pub on_select: Callback<Option<NodeId>>,
}

/// The longest key or value the form accepts.
const MAX_TEXT: usize = 64;
/// Requests from the form listed.
const MINE: usize = 5;

/// What the form holds.
#[derive(Clone, Debug, PartialEq)]
struct Form {
    /// The coordinator chosen, if not the selected node.
    node: Option<NodeId>,
    put: bool,
    key: String,
    value: String,
    /// R (get) or W (put) for this request; empty: the run's.
    quorum: String,
}

impl Default for Form {
    fn default() -> Self {
        Form {
            node: None,
            put: true,
            key: "k0".into(),
            value: "v1".into(),
            quorum: String::new(),
        }
    }
}

/// Checks the form and builds its request.
fn request(f: &Form, n: u32) -> Result<QuorumRequest, String> {
    let key = f.key.trim();
    if key.is_empty() {
        return Err("Key: type the key to read or write, such as k0.".into());
    }
    if key.chars().count() > MAX_TEXT {
        return Err(format!("Key: at most {MAX_TEXT} characters."));
    }
    let name = if f.put { "W" } else { "R" };
    let quorum = match f.quorum.trim() {
        "" => None,
        q => match q.parse::<u32>() {
            Ok(v) if (1..=n).contains(&v) => Some(v),
            _ => {
                return Err(format!(
                    "{name}: a whole number from 1 to N ({n}), or empty for the run's {name}; not “{q}”."
                ))
            }
        },
    };
    if f.put {
        let value = f.value.trim();
        if value.is_empty() {
            return Err("Value: a put needs a value to write.".into());
        }
        if value.chars().count() > MAX_TEXT {
            return Err(format!("Value: at most {MAX_TEXT} characters."));
        }
        Ok(QuorumRequest::Put {
            key: key.into(),
            value: value.into(),
            w: quorum,
            context: VClock::default(),
        })
    } else {
        Ok(QuorumRequest::Get {
            key: key.into(),
            r: quorum,
        })
    }
}

fn describe(lab: &QuorumPart) -> String {
    let p = &lab.params;
    let resolve = match p.resolve {
        Resolve::Siblings => "siblings",
        Resolve::Lww => "last writer wins",
    };
    let mut s = format!("N = {} · R = {} · W = {} · {resolve}", p.n, p.r, p.w);
    if p.read_repair {
        s.push_str(" · read repair");
    }
    if p.sloppy {
        s.push_str(" · sloppy quorums");
    }
    if let Some(ms) = p.anti_entropy_ms {
        s.push_str(&format!(" · anti-entropy every {ms} ms"));
    }
    s
}

fn strictness(lab: &QuorumPart) -> Html {
    let p = &lab.params;
    if p.r + p.w > p.n {
        html! {
            <p class="small strict ok-text">{ format!("R + W = {} > N = {}: every read quorum meets every write quorum, so a get sees the last completed put (Gifford 1979).", p.r + p.w, p.n) }</p>
        }
    } else {
        html! {
            <p class="small strict bad-text">{ format!("R + W = {} ≤ N = {}: a read quorum can miss the last write quorum entirely, and read a stale value.", p.r + p.w, p.n) }</p>
        }
    }
}

fn node_details(n: &NodeView<QuorumView>) -> Html {
    let Some(q) = n.state.as_ref() else {
        return html! { <p class="dim small">{ format!("{} is down; its versions and hints are on its disk.", n.id) }</p> };
    };
    let keys: Html = q
        .keys
        .iter()
        .map(|k| {
            let siblings = k.versions.len() > 1;
            html! {
                <tr key={k.key.clone()} data-key={k.key.clone()}>
                    <th class="mono">{ k.key.clone() }</th>
                    <td>
                        { for k.versions.iter().map(|v| html! {
                            <div class="version">
                                <span class="mono value">{ v.value.clone() }</span>
                                <span class="mono dim clock">{ v.clock.to_string() }</span>
                            </div>
                        }) }
                        if siblings { <span class="badge sib">{ format!("{} siblings", k.versions.len()) }</span> }
                    </td>
                </tr>
            }
        })
        .collect();
    let hints: Html = q
        .hints
        .iter()
        .map(|h| {
            html! {
                <li class="mono small">{ format!("{} for {}: {}", h.key, h.intended, quorum::values(&h.versions)) }</li>
            }
        })
        .collect();
    let coordinating: Html = q
        .coordinations
        .iter()
        .filter(|c| c.outcome.is_none())
        .map(|c| {
            let word = match c.kind {
                OpKind::Get => "get",
                OpKind::Put => "put",
            };
            html! {
                <li class="mono small">{ format!("#{} {word} {} for {}: {} of {} answered", c.req, c.key, c.client, c.answers.len(), c.need) }</li>
            }
        })
        .collect();
    html! {
        <>
            if q.keys.is_empty() {
                <p class="dim small">{ "Stores no key yet." }</p>
            } else {
                <table class="store">
                    <thead><tr><th>{ "key" }</th><th>{ "versions (value, vector clock)" }</th></tr></thead>
                    <tbody>{ keys }</tbody>
                </table>
            }
            if !q.hints.is_empty() {
                <h4>{ "Hints held for other replicas" }</h4>
                <ul class="plain">{ hints }</ul>
            }
            if q.coordinations.iter().any(|c| c.outcome.is_none()) {
                <h4>{ "Coordinating" }</h4>
                <ul class="plain">{ coordinating }</ul>
            }
        </>
    }
}

/// The panel.
#[function_component(QuorumPanel)]
pub fn quorum_panel(p: &QuorumPanelProps) -> Html {
    let form = use_state(Form::default);
    let error = use_state(|| None::<String>);
    let Some(lab) = p.snapshot.part::<QuorumPart>() else {
        return Html::default();
    };
    let nodes = &lab.view.nodes;
    let coordinator = form
        .node
        .or(p.selected)
        .or_else(|| nodes.first().map(|n| n.id));
    let n = lab.params.n;
    let set = |f: fn(&mut Form, String)| {
        let form = form.clone();
        let error = error.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
                let mut next = (*form).clone();
                f(&mut next, i.value());
                form.set(next);
                error.set(None);
            }
        })
    };
    let on_node = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            if let Some(id) = e
                .target_dyn_into::<HtmlSelectElement>()
                .and_then(|s| s.value().parse::<u32>().ok())
            {
                form.set(Form {
                    node: Some(NodeId(id)),
                    ..(*form).clone()
                });
            }
        })
    };
    let kind = |put: bool| {
        let form = form.clone();
        let error = error.clone();
        Callback::from(move |_: MouseEvent| {
            form.set(Form {
                put,
                ..(*form).clone()
            });
            error.set(None);
        })
    };
    let submit = {
        let form = form.clone();
        let error = error.clone();
        let on = p.on_command.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(node) = coordinator else {
                error.set(Some("Coordinator: the cluster has no node.".into()));
                return;
            };
            match request(&form, n) {
                Ok(request) => {
                    error.set(None);
                    on.emit(client::<Quorum>(node, &request));
                    // Number the next value, so puts stay distinguishable.
                    if form.put {
                        let value = next_value(&form.value);
                        form.set(Form {
                            value,
                            ..(*form).clone()
                        });
                    }
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let mine: Vec<_> = lab
        .history
        .iter()
        .rev()
        .filter(|e| matches!(e.client, ClientRef::Script(_)))
        .take(MINE)
        .collect();
    let up = |id: NodeId| {
        nodes
            .iter()
            .any(|x| x.id == id && x.status == NodeStatus::Up)
    };
    let node = p.selected.and_then(|id| nodes.iter().find(|x| x.id == id));
    let stale = lab.history.iter().filter(|e| e.stale.is_some()).count();
    let close = p.on_select.reform(|_: MouseEvent| None);
    let qname = if form.put { "W" } else { "R" };
    html! {
        <>
            <section class="panel quorum" aria-label="Quorum store">
                <h3>{ "Quorum store" }</h3>
                <p class="dim small">{ describe(lab) }</p>
                { strictness(lab) }
                <p class="small mono" data-stale-count={stale.to_string()}>
                    { format!("{} · {}", plural(lab.history.len(), "operation"), plural(stale, "stale read")) }
                </p>
                <form class="q-form" onsubmit={submit} aria-label="Client request">
                    <div class="row wrap">
                        <div class="seg" role="group" aria-label="Operation">
                            <button type="button" class={classes!((!form.put).then_some("active"))} onclick={kind(false)} aria-pressed={(!form.put).to_string()}>{ "get" }</button>
                            <button type="button" class={classes!(form.put.then_some("active"))} onclick={kind(true)} aria-pressed={form.put.to_string()}>{ "put" }</button>
                        </div>
                        <label class="inline">
                            <span>{ "via" }</span>
                            <select onchange={on_node} aria-label="Coordinator">
                                { for nodes.iter().map(|x| html! {
                                    <option value={x.id.0.to_string()} selected={Some(x.id) == coordinator}>
                                        { if x.status == NodeStatus::Up { x.id.to_string() } else { format!("{} ({})", x.id, crate::components::topology::status_name(x.status)) } }
                                    </option>
                                }) }
                            </select>
                        </label>
                    </div>
                    <div class="q-fields">
                        <label><span>{ "key" }</span>
                            <input type="text" value={form.key.clone()} oninput={set(|f, v| f.key = v)} aria-label="Key" /></label>
                        if form.put {
                            <label><span>{ "value" }</span>
                                <input type="text" value={form.value.clone()} oninput={set(|f, v| f.value = v)} aria-label="Value" /></label>
                        }
                        <label><span>{ qname }</span>
                            <input type="text" class="num" inputmode="numeric" placeholder={if form.put { lab.params.w } else { lab.params.r }.to_string()}
                                value={form.quorum.clone()} oninput={set(|f, v| f.quorum = v)} aria-label={format!("{qname} for this request")} /></label>
                    </div>
                    if let Some(e) = (*error).clone() {
                        <p class="form-error" role="alert">{ e }</p>
                    }
                    if coordinator.is_some_and(|c| !up(c)) {
                        <p class="small dim">{ "That coordinator is down: the request waits until it is back, or times out." }</p>
                    }
                    <div class="row">
                        <button class="primary" type="submit">{ if form.put { "Put" } else { "Get" } }</button>
                        <span class="dim small">{ format!("leave {qname} empty for the run's ({})", if form.put { lab.params.w } else { lab.params.r }) }</span>
                    </div>
                </form>
                if !mine.is_empty() {
                    <h4>{ "Your requests" }</h4>
                    <ul class="plain my-ops">
                        { for mine.iter().map(|e| {
                            let (class, word) = quorum::status(e);
                            html! {
                                <li class={classes!("small", class)} data-status={class} data-client={e.client.to_string()}>
                                    <span class={classes!("badge", "q-status", class)}>{ word }</span>
                                    <span class="mono">{ format!(" {} via {}", quorum::label(e), e.op.node) }</span>
                                    if let Some(err) = &e.error { <span class="dim">{ format!(" · {err}") }</span> }
                                </li>
                            }
                        }) }
                    </ul>
                }
            </section>
            <section class="panel node" aria-label="Node">
                if let Some(x) = node {
                    <h3>
                        { format!("Node {}", x.id) }
                        if x.status != NodeStatus::Up { <span class="badge warn">{ crate::components::topology::status_name(x.status) }</span> }
                        <button class="ghost close" onclick={close} aria-label="Deselect">{ "×" }</button>
                    </h3>
                    { node_details(x) }
                    { node_actions(&NodeActionsProps { node: x.id, status: x.status, clock_rate: x.clock_rate, on_command: p.on_command.clone(), children: Html::default() }) }
                } else {
                    <h3>{ "Node" }</h3>
                    <p class="dim">{ "Click a node to see its versions, siblings and hints, crash it, or make it the coordinator." }</p>
                }
            </section>
        </>
    }
}

/// The next value after `v`: `v1` → `v2`, `x` → `x2`.
fn next_value(v: &str) -> String {
    let v = v.trim();
    let digits = v.len() - v.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (stem, num) = v.split_at(v.len() - digits);
    match num.parse::<u64>() {
        Ok(k) => format!("{stem}{}", k.saturating_add(1)),
        Err(_) => format!("{stem}2"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_builds_requests_and_refuses_bad_input_clearly() {
        let f = Form::default();
        assert_eq!(
            serde_json::to_value(request(&f, 3).unwrap()).unwrap(),
            serde_json::json!({"type": "put", "key": "k0", "value": "v1"})
        );
        let get = Form {
            put: false,
            quorum: " 3 ".into(),
            ..Form::default()
        };
        assert_eq!(
            serde_json::to_value(request(&get, 3).unwrap()).unwrap(),
            serde_json::json!({"type": "get", "key": "k0", "r": 3})
        );
        let bad = |f: Form| request(&f, 3).unwrap_err();
        assert!(bad(Form {
            key: "  ".into(),
            ..Form::default()
        })
        .starts_with("Key:"));
        assert!(bad(Form {
            value: String::new(),
            ..Form::default()
        })
        .starts_with("Value:"));
        for q in ["0", "4", "x", "-1", "1.5"] {
            let e = bad(Form {
                quorum: q.into(),
                ..Form::default()
            });
            assert!(e.starts_with("W: a whole number from 1 to N (3)"), "{e}");
        }
        let e = bad(Form {
            put: false,
            quorum: "9".into(),
            ..Form::default()
        });
        assert!(e.starts_with("R: "), "{e}");
        assert_eq!(request(&get, 3).unwrap().label(), "get k0 r=3");
    }

    #[test]
    fn values_count_up() {
        assert_eq!(next_value("v1"), "v2");
        assert_eq!(next_value("v9"), "v10");
        assert_eq!(next_value("fresh"), "fresh2");
        assert_eq!(next_value("7"), "8");
    }
}
