//! The cluster drawn as SVG: nodes on a circle, every link, and every
//! message in flight placed at its true simulated progress.

use crate::drop_marks::DropMark;
use crate::format::px;
use crate::math;
use crate::snapshot::{Snapshot, TopoNode};
use faultline_core::nodemap::{NodeMap, NodeSet};
use faultline_core::sim::{MessageView, NodeStatus};
use faultline_core::sortedmap::SortedSet;
use faultline_core::{MsgId, NodeId};
use std::f64::consts::PI;
use std::fmt::Write;
use std::rc::Rc;
use yew::prelude::*;

const SIZE: f64 = 600.0;
const CENTER: f64 = SIZE / 2.0;
const ORBIT: f64 = 215.0;
/// The orbit of a dense drawing: room for the nodes, none for captions.
const ORBIT_DENSE: f64 = 262.0;

/// Topology properties.
pub struct TopologyProps {
    /// The frame.
    pub snapshot: Rc<Snapshot>,
    /// The lab's message colors and legend.
    pub look: &'static MessageLook,
    /// The selected node.
    pub selected: Option<NodeId>,
    /// The selected link.
    pub selected_link: Option<(NodeId, NodeId)>,
    /// The side being drawn, in partition mode.
    pub partition: Option<SortedSet<NodeId>>,
    /// Select a node.
    pub on_select: Callback<Option<NodeId>>,
    /// Select a link.
    pub on_select_link: Callback<Option<(NodeId, NodeId)>>,
    /// Toggle a node in partition mode.
    pub on_partition_node: Callback<NodeId>,
    /// Drop a message.
    pub on_message: Callback<MsgId>,
    /// What a click on a message does ("drop", "delay by 100 ms").
    pub message_verb: String,
    /// A lab's drawing under the nodes (in the SVG's coordinates, see
    /// [`layout`]).
    pub under: Html,
    /// A lab's drawing over the nodes.
    pub over: Html,
    /// A lab's caption under the drawing.
    pub caption: Html,
}

/// Above this many nodes the drawing is dense: the nodes sit on a wider
/// circle, smaller, with only their ids; a node's role and caption show on
/// hover, focus or selection.
pub const DENSE: usize = 16;

/// The circle's radius the nodes sit on when `n` are drawn.
fn orbit(n: usize) -> f64 {
    if n > DENSE {
        ORBIT_DENSE
    } else {
        ORBIT
    }
}

/// Position of node `i` of `n`.
fn place(i: usize, n: usize) -> (f64, f64) {
    let a = -PI / 2.0 + 2.0 * PI * i as f64 / n.max(1) as f64;
    let o = orbit(n);
    (CENTER + o * math::cos(a), CENTER + o * math::sin(a))
}

/// Where each node that has not left is drawn, and the nodes' radius.
pub fn layout(s: &Snapshot) -> (NodeMap<(f64, f64)>, f64) {
    let live: Vec<NodeId> = s
        .nodes
        .iter()
        .filter(|n| n.status != NodeStatus::Removed)
        .map(|n| n.id)
        .collect();
    let n = live.len();
    let pos = live
        .into_iter()
        .enumerate()
        .map(|(i, id)| (id, place(i, n)))
        .collect();
    (pos, node_radius(n))
}

/// The drawing's centre (nodes sit on a circle round it).
pub const MIDDLE: (f64, f64) = (CENTER, CENTER);

/// The role label's font size inside a node of radius `r`: a long word
/// ("COORDINATOR") gets smaller type, so it stays inside the circle in
/// bold presenter type too.
fn role_size(r: f64, label: &str) -> f64 {
    let chars = label.chars().count().max(1) as f64;
    (r * 0.26).min(12.5).min(2.6 * r / chars)
}

/// A node's radius when `n` are drawn.
pub fn node_radius(n: usize) -> f64 {
    let fit = orbit(n) * math::sin(PI / n.max(2) as f64) * 0.55;
    if n > DENSE {
        fit.clamp(12.0, 20.0)
    } else {
        fit.clamp(20.0, 44.0)
    }
}

/// How a lab's messages look: each kind's CSS class (colors live in the
/// stylesheet) and the legend under the drawing.
#[derive(Debug, PartialEq)]
pub struct MessageLook {
    /// Message kind (as the core names it) and its CSS class; kinds not
    /// listed are drawn as `k-other`.
    pub classes: &'static [(&'static str, &'static str)],
    /// The legend: CSS class and label.
    pub legend: &'static [(&'static str, &'static str)],
}

impl MessageLook {
    /// The CSS class of a message kind.
    fn class(&self, kind: &str) -> &'static str {
        self.classes
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or("k-other", |(_, class)| class)
    }
}

fn message(
    m: &MessageView,
    look: &MessageLook,
    pos: &NodeMap<(f64, f64)>,
    r: f64,
    now: f64,
    on_message: &Callback<MsgId>,
    verb: &str,
) -> Html {
    let (Some(&(x1, y1)), Some(&(x2, y2))) = (pos.get(m.from), pos.get(m.to)) else {
        return Html::default();
    };
    let (dx, dy) = (x2 - x1, y2 - y1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    // Keep the two directions of a link apart.
    let (ox, oy) = (-uy * 7.0, ux * 7.0);
    let span = (m.deliver_at.as_ms() - m.sent_at.as_ms()).max(1e-6);
    let f = ((now - m.sent_at.as_ms()) / span).clamp(0.0, 1.0);
    let travel = len - 2.0 * r;
    let x = x1 + ux * (r + travel * f) + ox;
    let y = y1 + uy * (r + travel * f) + oy;
    let reply = m.kind.ends_with("Reply") || m.kind.ends_with("Ack");
    let id = m.id;
    let on_message = on_message.clone();
    let onclick = Callback::from(move |e: MouseEvent| {
        e.stop_propagation();
        on_message.emit(id);
    });
    let class = classes!("msg", look.class(m.kind), m.lost.then_some("lost"));
    html! {
        <g key={m.id.0} class={class} transform={format!("translate({x:.1},{y:.1})")} {onclick}
            data-kind={m.kind} role="button" aria-label={format!("{} from {} to {}: click to {verb}", m.kind, m.from, m.to)}>
            <circle r={if reply { "8" } else { "11" }} />
            <title>{ format!("#{} {} → {}: {}{}\nclick to {verb}", m.id.0, m.from, m.to, m.label,
                if m.lost { " (will be lost)" } else { "" }) }</title>
        </g>
    }
}

/// A ✗ where each message died, on its direction of the link: one path
/// for the new marks and one, fainter, for the older (the legend says what
/// they are; the event log says why).
fn drop_marks(drops: &[DropMark], pos: &NodeMap<(f64, f64)>, r: f64) -> Html {
    let mut paths = [String::new(), String::new()];
    for d in drops {
        let (Some(&(x1, y1)), Some(&(x2, y2))) = (pos.get(d.from), pos.get(d.to)) else {
            continue;
        };
        let (dx, dy) = (x2 - x1, y2 - y1);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        let (ux, uy) = (dx / len, dy / len);
        let along = r + 8.0 + (len - 2.0 * r - 16.0).max(0.0) * d.place;
        let (x, y) = (x1 + ux * along - uy * 7.0, y1 + uy * along + ux * 7.0);
        let path = &mut paths[usize::from(d.age >= 0.5)];
        // Whole units: a cross 10 units wide needs no finer place.
        let _ = write!(
            path,
            "M{},{}l10,10m0,-10l-10,10",
            (x - 5.0) as i32,
            (y - 5.0) as i32
        );
    }
    let [new, old] = paths;
    html! {
        <>
            <path class="drop-mark" d={new} />
            <path class="drop-mark old" d={old} />
        </>
    }
}

fn ring(fraction: f64, r: f64) -> Html {
    let rr = r + 6.0;
    let c = 2.0 * PI * rr;
    html! {
        <circle class="ring" r={px(rr)} transform="rotate(-90)"
            stroke-dasharray={format!("{:.1} {:.1}", c * fraction, c)} />
    }
}

/// How one node is marked: chosen, drafted into a partition side, on a
/// side, and whether the drawing is dense.
struct Marks {
    selected: bool,
    drafted: bool,
    side: Option<usize>,
    dense: bool,
}

fn node(n: &TopoNode, at: (f64, f64), r: f64, marks: Marks, activate: Callback<()>) -> Html {
    let Marks {
        selected,
        drafted,
        side,
        dense,
    } = marks;
    let onclick = activate.reform(|_: MouseEvent| ());
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" {
            e.prevent_default();
            activate.emit(());
        }
    });
    let (role, caption) = role_and_caption(n);
    let class = classes!(
        "node",
        format!("role-{}", n.badge.role),
        format!("status-{}", status_name(n.status)),
        selected.then_some("selected"),
        drafted.then_some("drafted"),
        side.map(|s| format!("side-{}", s % 4)),
    );
    let symbol = match n.status {
        NodeStatus::Crashed => "✕ ",
        NodeStatus::Paused => "❚❚ ",
        _ if n.badge.role == "leader" => "★ ",
        _ => "",
    };
    let label = format!("{symbol}{role}");
    html! {
        <g key={n.id.0} class={class} transform={format!("translate({:.1},{:.1})", at.0, at.1)}
            data-node={n.id.0.to_string()} data-role={n.badge.role} data-status={status_name(n.status)}
            role="button" tabindex="0" aria-label={format!("{}: {} {}", n.id, role, caption)} {onclick} {onkeydown}>
            if n.status == NodeStatus::Up {
                if let Some(f) = n.ring { { ring(f, r) } }
            }
            <circle class="body" r={px(r)} />
            if dense {
                <text class="id" y={px(r * 0.3)} font-size={px(r * 0.8)}>{ n.id.to_string() }</text>
                <text class="role on-demand" y={px(-r - 8.0)}>{ label }</text>
            } else {
                <text class="id" y={px(-r * 0.1)} font-size={px((r * 0.5).min(22.0))}>{ n.id.to_string() }</text>
                <text class="role" y={px(r * 0.36)} font-size={px(role_size(r, &label))}>{ label }</text>
            }
            if dense {
                <text class="caption on-demand" y={px(r + 20.0)}>{ caption }</text>
            }
        </g>
    }
}

/// A node's role (as its status shows it) and the caption under it.
fn role_and_caption(n: &TopoNode) -> (&'static str, String) {
    match n.status {
        NodeStatus::Up => (n.badge.role, n.badge.caption.clone()),
        NodeStatus::Paused => ("paused", format!("{} · {}", n.badge.role, n.badge.caption)),
        NodeStatus::Crashed => ("crashed", n.badge.caption.clone()),
        NodeStatus::Removed => ("removed", String::new()),
    }
}

/// The captions under the nodes of a drawing that is not dense, drawn
/// over the messages so they stay legible where many cross (a dense
/// drawing shows a node's caption in the node, on hover).
fn captions(live: &[&TopoNode], pos: &NodeMap<(f64, f64)>, r: f64) -> Html {
    live.iter()
        .map(|n| {
            let at = pos.get(n.id).copied().unwrap_or(MIDDLE);
            html! {
                <text class="caption" data-node={n.id.0.to_string()}
                    x={px(at.0)} y={px(at.1 + r + 20.0)}>{ role_and_caption(n).1 }</text>
            }
        })
        .collect()
}

/// The `data-status` name of a status.
pub fn status_name(s: NodeStatus) -> &'static str {
    match s {
        NodeStatus::Up => "up",
        NodeStatus::Paused => "paused",
        NodeStatus::Crashed => "crashed",
        NodeStatus::Removed => "removed",
    }
}

/// The drawing.
pub fn topology(p: &TopologyProps) -> Html {
    let s = &p.snapshot;
    let live: Vec<&TopoNode> = s
        .nodes
        .iter()
        .filter(|n| n.status != NodeStatus::Removed)
        .collect();
    let (pos, r) = layout(s);
    let dense = live.len() > DENSE;
    let side: NodeMap<usize> = s
        .network
        .groups
        .iter()
        .enumerate()
        .flat_map(|(i, g)| g.iter().map(move |id| (*id, i)))
        .collect();
    // Each node's blocked destinations: the link loop asks twice per pair.
    let mut blocked: NodeMap<NodeSet> = NodeMap::new();
    for &(from, to) in &s.network.blocked {
        blocked.get_or_insert_with(from, NodeSet::new).insert(to);
    }
    let cut = |a: NodeId, b: NodeId| blocked.get(a).is_some_and(|to| to.contains(b));
    let mut links = Vec::new();
    for (i, a) in live.iter().enumerate() {
        for b in live.iter().skip(i + 1) {
            let (a, b) = (a.id, b.id);
            let (Some(&pa), Some(&pb)) = (pos.get(a), pos.get(b)) else {
                continue;
            };
            let (ab, ba) = (cut(a, b), cut(b, a));
            let class = classes!(
                "link",
                (ab && ba).then_some("cut"),
                (ab != ba).then_some("one-way"),
                (p.selected_link == Some((a, b))).then_some("selected"),
            );
            let onclick = p.on_select_link.reform(move |_: MouseEvent| Some((a, b)));
            let marker = |from: (f64, f64), to: (f64, f64)| {
                // A cross near the receiving end of a cut direction.
                let (x, y) = (
                    from.0 + (to.0 - from.0) * 0.75,
                    from.1 + (to.1 - from.1) * 0.75,
                );
                html! { <text class="cut-mark" x={px(x)} y={px(y)}>{ "✕" }</text> }
            };
            links.push(html! {
                <g key={format!("{}-{}", a.0, b.0)} class={class} {onclick}
                    data-link={format!("{}-{}", a.0, b.0)}>
                    <line class="hit" x1={pa.0.to_string()} y1={pa.1.to_string()} x2={pb.0.to_string()} y2={pb.1.to_string()} />
                    <line class="wire" x1={pa.0.to_string()} y1={pa.1.to_string()} x2={pb.0.to_string()} y2={pb.1.to_string()} />
                    if ab != ba {
                        { if ab { marker(pa, pb) } else { marker(pb, pa) } }
                    }
                    <title>{ format!("link {a} ↔ {b}{}{}", if ab { format!(", {a} → {b} cut") } else { String::new() },
                        if ba { format!(", {b} → {a} cut") } else { String::new() }) }</title>
                </g>
            });
        }
    }
    let now = s.now.as_ms();
    let messages: Html = s
        .messages
        .iter()
        .map(|m| message(m, p.look, &pos, r, now, &p.on_message, &p.message_verb))
        .collect();
    let drops = drop_marks(&s.drops, &pos, r);
    let nodes: Html = live
        .iter()
        .map(|t| {
            let id = t.id;
            let activate = if p.partition.is_some() {
                p.on_partition_node.reform(move |_: ()| id)
            } else {
                p.on_select.reform(move |_: ()| Some(id))
            };
            let drafted = p.partition.as_ref().is_some_and(|d| d.contains(&id));
            node(
                t,
                pos.get(id).copied().unwrap_or(MIDDLE),
                r,
                Marks {
                    selected: p.selected == Some(id),
                    drafted,
                    side: side.get(id).copied(),
                    dense,
                },
                activate,
            )
        })
        .collect();
    let mode = p.partition.is_some();
    html! {
        <div class={classes!("topology", mode.then_some("drawing"), dense.then_some("dense"))}>
            { crate::components::save_as::save_as("cluster", true) }
            <svg viewBox={format!("0 0 {SIZE} {SIZE}")} role="group" aria-label="Cluster topology">
                <g class="links">{ links }</g>
                <g class="under">{ p.under.clone() }</g>
                <g class="nodes">{ nodes }</g>
                <g class="drops">{ drops }</g>
                <g class="messages">{ messages }</g>
                if !dense {
                    <g class="captions">{ captions(&live, &pos, r) }</g>
                }
                <g class="over">{ p.over.clone() }</g>
            </svg>
            { p.caption.clone() }
            if mode {
                <div class="mode-hint">{ "Click nodes to put them on the other side, then Apply in the Network panel." }</div>
            }
            <ul class="legend" aria-label="Message colors">
                { for p.look.legend.iter().map(|(class, label)| html! {
                    <li><span class={classes!("dot", *class)} />{ *label }</li>
                }) }
                <li><span class="dot lost" />{ "will be lost" }</li>
                <li><span class="cross" aria-hidden="true">{ "✗" }</span>{ " died here" }</li>
            </ul>
        </div>
    }
}
