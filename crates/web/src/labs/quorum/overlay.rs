//! The quorum lab's drawing over the cluster: for the operation in focus,
//! its read or write set on the replicas, the write set of the put a get had
//! to see, the replicas in both, what each replica returned, and, for a
//! stale read, why.

use crate::format::px;
use crate::components::topology::{layout, MIDDLE};
use super::words::{self as quorum, Replied};
use super::QuorumPart;
use crate::snapshot::Snapshot;
use faultline_core::protocols::quorum::{HistoryEntry, OpKind, OpRef};
use faultline_core::NodeId;
use yew::prelude::*;

/// What the overlay adds to the topology.
pub struct Overlay {
    /// Rings under the nodes.
    pub under: Html,
    /// Labels over the nodes.
    pub over: Html,
    /// The card under the drawing.
    pub caption: Html,
}

/// Most nodes the overlay labels; above it, the rings and the card say it.
const MAX_LABELLED: usize = 12;

/// The sets the drawing shows.
struct Sets<'a> {
    /// The operation in focus.
    op: &'a HistoryEntry,
    /// Its read set (a get) or write set (a put).
    own: Vec<Replied>,
    /// For a get: the put it had to see, and that put's write set.
    seen: Option<(&'a HistoryEntry, Vec<NodeId>)>,
}

impl Sets<'_> {
    fn in_own(&self, id: NodeId) -> Option<&Replied> {
        self.own.iter().find(|r| r.node == id)
    }

    fn in_write(&self, id: NodeId) -> bool {
        match self.op.kind {
            OpKind::Put => self.in_own(id).is_some(),
            OpKind::Get => self.seen.as_ref().is_some_and(|(_, w)| w.contains(&id)),
        }
    }

    fn in_read(&self, id: NodeId) -> bool {
        self.op.kind == OpKind::Get && self.in_own(id).is_some()
    }
}

/// A value cut to fit a label: at most 16 characters.
fn short(v: &str) -> String {
    if v.chars().count() <= 16 {
        v.to_string()
    } else {
        format!("{}…", v.chars().take(15).collect::<String>())
    }
}

/// A label's width: monospace at 13 px is about 7.8 px a character.
fn pill_width(text: &str) -> f64 {
    text.chars().count() as f64 * 7.8 + 14.0
}

fn pill(x: f64, y: f64, text: String, class: &'static str) -> Html {
    let w = pill_width(&text);
    html! {
        <g class={classes!("q-pill", class)} transform={format!("translate({x:.1},{y:.1})")}>
            <rect x={px(-w / 2.0)} y="-11" width={px(w)} height="22" rx="11" />
            <text>{ text }</text>
        </g>
    }
}

/// The overlay for the operation at `focus` in the history.
pub fn overlay(
    snap: &Snapshot,
    lab: &QuorumPart,
    focus: Option<usize>,
    pinned: bool,
    on_focus: &Callback<Option<OpRef>>,
) -> Overlay {
    let Some(op) = focus.and_then(|i| lab.history.get(i)) else {
        return Overlay {
            under: Html::default(),
            over: Html::default(),
            caption: html! {
                <div class="quorum-focus">
                    <p class="dim small">{ "No operation yet." }<span class="needs-panel">{ " Issue a get or a put from the panel, or let the workload run." }</span></p>
                </div>
            },
        };
    };
    let sets = Sets {
        op,
        own: quorum::answered(&lab.view, op),
        seen: (op.kind == OpKind::Get)
            .then(|| quorum::must_see(&lab.history, op))
            .flatten()
            .and_then(|i| lab.history.get(i))
            .map(|put| (put, put.answers.iter().map(|a| a.node).collect())),
    };
    let (pos, r) = layout(snap);
    let stale = op.stale.is_some();
    let replicas = lab.replicas(&op.key);
    let labelled = pos.len() <= MAX_LABELLED;
    // The rings' spacing shrinks with the nodes, so a dense drawing's rings
    // stay clear of the neighbours'.
    let gap = (r / 30.0).clamp(0.5, 1.0);
    let mut under = Vec::new();
    let mut over = Vec::new();
    for (id, &(x, y)) in pos.iter() {
        let at = format!("translate({x:.1},{y:.1})");
        let read = sets.in_read(id);
        let write = sets.in_write(id);
        let mut rings = Vec::new();
        if replicas.contains(&id) {
            rings.push(html! { <circle class="q-replica" r={px(r + 4.0 * gap)} /> });
        }
        if read {
            let class = if stale { "q-read stale" } else { "q-read" };
            rings.push(html! { <circle class={class} r={px(r + 9.0 * gap)} /> });
        }
        if write {
            rings.push(html! { <circle class="q-write" r={px(r + 16.0 * gap)} /> });
        }
        if !rings.is_empty() {
            under.push(html! {
                <g key={id.0} transform={at.clone()} data-qnode={id.0.to_string()}
                    data-read={read.to_string()} data-write={write.to_string()}>{ for rings }</g>
            });
        }
        if id == op.op.node {
            // On the outer side, away from the labels between node and centre.
            let side = if x >= MIDDLE.0 { 1.0 } else { -1.0 };
            let (cx, cy) = (x + side * r * 0.72, y - r * 0.72 - 2.0);
            over.push(html! {
                <g class="q-coord" transform={format!("translate({cx:.1},{cy:.1})")}>
                    <circle r="11" />
                    <text>{ "C" }</text>
                    <title>{ format!("{id} coordinates this operation") }</title>
                </g>
            });
        }
        if !labelled || !(read || write) {
            continue;
        }
        // Labels sit between the node and the centre, clear of the captions.
        let (dx, dy) = (MIDDLE.0 - x, MIDDLE.1 - y);
        let d = (dx * dx + dy * dy).sqrt().max(1.0);
        let (ux, uy) = (dx / d, dy / d);
        let both = read && write;
        let (text, class) = match (sets.in_own(id), op.kind) {
            (
                Some(Replied {
                    versions: Some(v), ..
                }),
                OpKind::Get,
            ) => {
                let text = format!("read {}", short(&quorum::values(v)));
                match (stale, both) {
                    (true, _) => (text, "stale"),
                    (false, true) => (text, "both"),
                    (false, false) => (text, "read"),
                }
            }
            (Some(_), OpKind::Put) => (
                format!("wrote {}", short(op.value.as_deref().unwrap_or(""))),
                "write",
            ),
            _ => match &sets.seen {
                Some((put, _)) => (
                    format!("wrote {}", short(put.value.as_deref().unwrap_or(""))),
                    "write",
                ),
                None => continue,
            },
        };
        // Clear of the rings (r + 19) along the way to the centre, and
        // below the caption when the way goes down through it.
        let half = pill_width(&text) / 2.0;
        let mut along = r + 24.0 + ux.abs() * half + uy.abs() * 11.0;
        if uy > 0.0 && (ux * along).abs() < half + 34.0 {
            along = along.max((r + 50.0) / uy);
        }
        over.push(pill(x + ux * along, y + uy * along, text, class));
    }
    Overlay {
        under: html! { <>{ for under }</> },
        over: html! { <>{ for over }</> },
        caption: caption(lab, &sets, &replicas, pinned, on_focus),
    }
}

fn caption(
    lab: &QuorumPart,
    sets: &Sets<'_>,
    replicas: &[NodeId],
    pinned: bool,
    on_focus: &Callback<Option<OpRef>>,
) -> Html {
    let op = sets.op;
    let (class, word) = quorum::status(op);
    let need = match op.kind {
        OpKind::Get => format!("R = {}", op.need),
        OpKind::Put => format!("W = {}", op.need),
    };
    let when = match op.complete {
        Some(t) => format!("{}–{} ms", quorum::ms(op.invoke), quorum::ms(t)),
        None => format!("from {} ms", quorum::ms(op.invoke)),
    };
    let own: Vec<NodeId> = sets.own.iter().map(|r| r.node).collect();
    let mut chips = vec![
        html! {
            <li><span class="q-coord-chip">{ "C" }</span>{ format!("coordinator: {}", op.op.node) }</li>
        },
        html! {
            <li><span class="chip q-replica" />{ format!("replicas of {}: {}", op.key, quorum::nodes(replicas)) }</li>
        },
    ];
    match op.kind {
        OpKind::Get => {
            chips.push(html! {
                <li><span class={classes!("chip", "q-read", (op.stale.is_some()).then_some("stale"))} />
                    { format!("read set: {}", quorum::nodes(&own)) }</li>
            });
            match &sets.seen {
                Some((put, write)) => {
                    let both: Vec<NodeId> =
                        own.iter().copied().filter(|n| write.contains(n)).collect();
                    chips.push(html! {
                        <li><span class="chip q-write" />
                            { format!("write set of {}: {}", put.value.as_deref().unwrap_or(""), quorum::nodes(write)) }</li>
                    });
                    chips.push(html! {
                        <li class={classes!((both.is_empty()).then_some("none"))}><span class="chip q-both" />
                            { format!("in both: {}", quorum::nodes(&both)) }</li>
                    });
                }
                None => chips.push(html! {
                    <li class="dim">{ format!("no put of {} had completed when it began", op.key) }</li>
                }),
            }
        }
        OpKind::Put => chips.push(html! {
            <li><span class="chip q-write" />{ format!("write set: {}", quorum::nodes(&own)) }</li>
        }),
    }
    let reason = op.stale.as_ref().map(|s| {
        let n = lab.params.n;
        html! {
            <p class="stale-reason" data-stale="true">
                <b>{ "Stale read: " }</b>{ s.explain() }
                { format!(". R + W = {} + {} ≤ N = {n}: the read set need not meet the write set.", s.r, s.missed.w) }
            </p>
        }
    });
    let error = op
        .error
        .as_ref()
        .map(|e| html! { <p class="small bad-text">{ format!("Failed: {e}") }</p> });
    let latest_stale = lab
        .history
        .iter()
        .rev()
        .find(|e| e.stale.is_some())
        .map(|e| e.op);
    let to = |op: Option<OpRef>| on_focus.reform(move |_: MouseEvent| op);
    html! {
        <div class="quorum-focus" data-op={format!("{}#{}", op.op.node, op.op.req)} data-status={class}>
            <div class="row wrap">
                <span class={classes!("badge", "q-status", class)}>{ word }</span>
                <b class="mono">{ quorum::label(op) }</b>
                <span class="dim small">{ format!("client {} · {need} · {when}", op.client) }</span>
                <span class="spacer" />
                if pinned {
                    <button class="small-btn" onclick={to(None)} title="Follow the latest operation">{ "Latest" }</button>
                }
                if let Some(s) = latest_stale.filter(|s| *s != op.op) {
                    <button class="small-btn" onclick={to(Some(s))}>{ "Last stale read" }</button>
                }
            </div>
            <ul class="q-chips">{ for chips }</ul>
            { reason }
            { error }
        </div>
    }
}
