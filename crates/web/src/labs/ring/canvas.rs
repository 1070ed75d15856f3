//! The hash ring drawn on a canvas: each node's arcs and virtual-node ticks
//! in its color, a sample of keys as dots colored by their owner, the nodes
//! inside the ring, and key transfers in flight travelling between them.

use crate::components::canvas_point::canvas_point;
use super::analysis::RingAnalysis;
use crate::snapshot::Snapshot;
use faultline_core::placement::hash::hash_key;
use faultline_core::protocols::ring::RingStatus;
use faultline_core::sim::NodeStatus;
use faultline_core::NodeId;
use faultline_core::sortedmap::SortedMap;
use std::f64::consts::{PI, TAU};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;
use crate::math;

const SIZE: f64 = 600.0;
const C: f64 = SIZE / 2.0;
const RING: f64 = 230.0;
const INNER: f64 = 140.0;

/// A node's color: twelve hues, then again.
pub fn node_color(node: u32) -> &'static str {
    const PALETTE: [&str; 12] = [
        "#2563eb", "#ea580c", "#16a34a", "#9333ea", "#db2777", "#0891b2", "#ca8a04", "#4f46e5",
        "#dc2626", "#0d9488", "#7c3aed", "#65a30d",
    ];
    PALETTE[node as usize % PALETTE.len()]
}

fn at(angle: f64, r: f64) -> (f64, f64) {
    (
        C + r * math::cos(angle - PI / 2.0),
        C + r * math::sin(angle - PI / 2.0),
    )
}

/// Above this many nodes the legend groups them by color and the nodes
/// inside the ring are dots without labels (but the selected one's).
const LISTED: usize = 24;

/// A node's radius inside the ring when `n` live nodes are drawn: as big
/// as the circle leaves room for.
fn node_radius(n: usize) -> f64 {
    (PI * INNER / n.max(1) as f64 * 0.84).clamp(1.6, 17.0)
}

/// Where each live node sits inside the ring.
fn anchors(members: &[u32]) -> SortedMap<u32, (f64, f64)> {
    let n = members.len().max(1) as f64;
    members
        .iter()
        .enumerate()
        .map(|(i, &m)| (m, at(TAU * i as f64 / n, INNER)))
        .collect()
}

/// Ring canvas properties.
#[derive(Properties, PartialEq)]
pub struct RingCanvasProps {
    /// The frame.
    pub snapshot: Rc<Snapshot>,
    /// The placement picture.
    pub analysis: Rc<RingAnalysis>,
    /// The cluster-wide picture (which keys are unavailable).
    pub status: Rc<RingStatus>,
    /// The selected node.
    pub selected: Option<NodeId>,
    /// Select a node (or none).
    pub on_select: Callback<Option<NodeId>>,
}

fn draw(
    el: &HtmlCanvasElement,
    a: &RingAnalysis,
    status: &RingStatus,
    snap: &Snapshot,
    selected: Option<NodeId>,
) {
    let Ok(Some(ctx)) = el.get_context("2d") else {
        return;
    };
    let Ok(ctx) = ctx.dyn_into::<CanvasRenderingContext2d>() else {
        return;
    };
    let dpr = gloo::utils::window().device_pixel_ratio().max(1.0);
    let px = (f64::from(el.client_width().max(1)) * dpr).round() as u32;
    if el.width() != px {
        el.set_width(px);
        el.set_height(px);
    }
    let k = px as f64 / SIZE;
    ctx.set_transform(k, 0.0, 0.0, k, 0.0, 0.0).ok();
    ctx.clear_rect(0.0, 0.0, SIZE, SIZE);

    // The ring itself.
    ctx.begin_path();
    ctx.arc(C, C, RING, 0.0, TAU).ok();
    ctx.set_stroke_style_str("#e2e8f0");
    ctx.set_line_width(16.0);
    ctx.stroke();
    // Arcs: each point owns the stretch before it (keys go clockwise to the
    // next point), drawn in its node's color; one path per color, so 4,096
    // points cost twelve strokes.
    let n = a.points.len();
    let mut arcs: SortedMap<&'static str, Vec<(f64, f64)>> = SortedMap::new();
    for (i, &(end, node)) in a.points.iter().enumerate() {
        let start = if i == 0 {
            a.points[n - 1].0 - TAU
        } else {
            a.points[i - 1].0
        };
        arcs.entry(node_color(node)).or_default().push((start, end));
    }
    ctx.set_line_width(14.0);
    for (color, spans) in &arcs {
        ctx.begin_path();
        for &(start, end) in spans {
            let (x, y) = at(start, RING);
            ctx.move_to(x, y);
            ctx.arc(C, C, RING, start - PI / 2.0, end - PI / 2.0).ok();
        }
        ctx.set_stroke_style_str(color);
        ctx.stroke();
    }
    // Virtual-node ticks.
    if n <= 4_096 {
        let mut ticks: SortedMap<&'static str, Vec<f64>> = SortedMap::new();
        for &(angle, node) in &a.points {
            ticks.entry(node_color(node)).or_default().push(angle);
        }
        ctx.set_line_width(1.5);
        for (color, angles) in &ticks {
            ctx.begin_path();
            for &angle in angles {
                let (x1, y1) = at(angle, RING + 9.0);
                let (x2, y2) = at(angle, RING + 17.0);
                ctx.move_to(x1, y1);
                ctx.line_to(x2, y2);
            }
            ctx.set_stroke_style_str(color);
            ctx.stroke();
        }
    }
    // Keys: a sample, just inside the ring, in their owner's color.
    let mut by_owner: SortedMap<u32, Vec<(f64, f64)>> = SortedMap::new();
    for &(_, angle, owner) in &a.sample {
        by_owner
            .entry(owner)
            .or_default()
            .push(at(angle, RING - 22.0));
    }
    for (owner, dots) in &by_owner {
        ctx.begin_path();
        for &(x, y) in dots {
            ctx.move_to(x + 2.2, y);
            ctx.arc(x, y, 2.2, 0.0, TAU).ok();
        }
        ctx.set_fill_style_str(node_color(*owner));
        ctx.fill();
    }
    // Unavailable keys: hollow red marks just outside the ring.
    if !status.unavailable.is_empty() {
        ctx.begin_path();
        for &key in &status.unavailable {
            let (x, y) = at(
                super::analysis::angle(hash_key(u64::from(key))),
                RING + 24.0,
            );
            ctx.move_to(x + 3.0, y);
            ctx.arc(x, y, 3.0, 0.0, TAU).ok();
        }
        ctx.set_stroke_style_str("#dc2626");
        ctx.set_line_width(1.5);
        ctx.stroke();
    }
    // Nodes inside the ring.
    let live: Vec<u32> = snap
        .nodes
        .iter()
        .filter(|n| n.status != NodeStatus::Removed)
        .map(|n| n.id.0)
        .collect();
    let pos = anchors(&live);
    let r = node_radius(live.len());
    let labelled = live.len() <= LISTED;
    // Transfers in flight, along the chord from sender to receiver.
    let now = snap.now.as_ms();
    for m in &snap.messages {
        let (Some(p), Some(q)) = (pos.get(&m.from.0), pos.get(&m.to.0)) else {
            continue;
        };
        let span = (m.deliver_at.as_ms() - m.sent_at.as_ms()).max(1e-6);
        let f = ((now - m.sent_at.as_ms()) / span).clamp(0.0, 1.0);
        let (x, y) = (p.0 + (q.0 - p.0) * f, p.1 + (q.1 - p.1) * f);
        ctx.set_global_alpha(0.35);
        ctx.begin_path();
        ctx.move_to(p.0, p.1);
        ctx.line_to(x, y);
        ctx.set_stroke_style_str(node_color(m.from.0));
        ctx.set_line_width(2.0);
        ctx.stroke();
        ctx.set_global_alpha(1.0);
        ctx.begin_path();
        ctx.arc(
            x,
            y,
            if m.kind.ends_with("Ack") { 4.0 } else { 7.0 },
            0.0,
            TAU,
        )
        .ok();
        if m.lost {
            ctx.set_stroke_style_str(node_color(m.from.0));
            ctx.set_line_width(2.0);
            ctx.stroke();
        } else {
            ctx.set_fill_style_str(node_color(m.from.0));
            ctx.fill();
        }
    }
    for node in snap
        .nodes
        .iter()
        .filter(|n| n.status != NodeStatus::Removed)
    {
        let Some(&(x, y)) = pos.get(&node.id.0) else {
            continue;
        };
        ctx.begin_path();
        ctx.arc(x, y, r, 0.0, TAU).ok();
        let color = node_color(node.id.0);
        match node.status {
            NodeStatus::Up => {
                ctx.set_fill_style_str(color);
                ctx.fill();
            }
            _ => {
                ctx.set_fill_style_str("#ffffff");
                ctx.fill();
                ctx.set_stroke_style_str(if node.status == NodeStatus::Crashed {
                    "#334155"
                } else {
                    color
                });
                ctx.set_line_width(if labelled { 3.0 } else { 1.5 });
                ctx.stroke();
            }
        }
        let chosen = selected == Some(node.id);
        if chosen {
            ctx.begin_path();
            ctx.arc(x, y, r + 5.0, 0.0, TAU).ok();
            ctx.set_stroke_style_str("#0f172a");
            ctx.set_line_width(2.5);
            ctx.stroke();
        }
        let label = match node.status {
            NodeStatus::Crashed => format!("✕{}", node.id.0),
            NodeStatus::Paused => format!("❚❚{}", node.id.0),
            _ => node.id.0.to_string(),
        };
        ctx.set_text_align("center");
        ctx.set_text_baseline("middle");
        if labelled {
            ctx.set_fill_style_str(if node.status == NodeStatus::Up {
                "#ffffff"
            } else {
                "#0f172a"
            });
            ctx.set_font("600 13px system-ui, sans-serif");
            ctx.fill_text(&label, x, y).ok();
        } else if chosen {
            // Toward the centre, clear of the dots: the one label a dense
            // ring shows.
            let (lx, ly) = (x + (C - x) * 0.2, y + (C - y) * 0.2);
            let name = format!("n{}", node.id.0);
            ctx.set_font("700 15px system-ui, sans-serif");
            ctx.set_line_width(4.0);
            ctx.set_stroke_style_str("#ffffff");
            ctx.stroke_text(&name, lx, ly).ok();
            ctx.set_fill_style_str("#0f172a");
            ctx.fill_text(&name, lx, ly).ok();
        }
    }
}

/// The legend: every node and its keys, or above [`LISTED`] nodes one line
/// per color (which nodes share it) and the spread of keys per node.
fn legend(loads: &[(u32, u64)]) -> Html {
    if loads.len() <= LISTED {
        return html! {
            <ul class="legend" aria-label="Nodes">
                { for loads.iter().map(|(node, load)| html! {
                    <li><span class="dot" style={format!("background: {}", node_color(*node))} />
                        { format!("n{node}: {load} keys") }</li>
                }) }
            </ul>
        };
    }
    let mut by_color: SortedMap<&'static str, Vec<u32>> = SortedMap::new();
    for &(node, _) in loads {
        by_color.entry(node_color(node)).or_default().push(node);
    }
    let mut groups: Vec<(&'static str, Vec<u32>)> = by_color.into_iter().collect();
    groups.sort_by_key(|(_, nodes)| nodes[0]);
    let mut counts: Vec<(u64, u32)> = loads.iter().map(|&(n, l)| (l, n)).collect();
    counts.sort_unstable();
    let (least, most) = (counts[0], counts[counts.len() - 1]);
    let median = counts[counts.len() / 2].0;
    html! {
        <div class="ring-legend">
            <p class="small" data-spread={format!("{}-{}", least.0, most.0)}>
                { format!("{} nodes · keys per node: fewest {} (n{}), median {}, most {} (n{}) · click a dot for its node",
                    loads.len(), least.0, least.1, median, most.0, most.1) }
            </p>
            <ul class="legend grouped" aria-label="Node colors">
                { for groups.iter().map(|(color, nodes)| {
                    let shown: Vec<String> = nodes.iter().take(3).map(|n| format!("n{n}")).collect();
                    html! {
                        <li><span class="dot" style={format!("background: {color}")} />
                            { format!("{}{} ({})", shown.join(", "), if nodes.len() > 3 { " …" } else { "" }, nodes.len()) }</li>
                    }
                }) }
            </ul>
        </div>
    }
}

/// The canvas.
#[function_component(RingCanvas)]
pub fn ring_canvas(p: &RingCanvasProps) -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        use_effect_with(
            (
                p.snapshot.clone(),
                p.analysis.clone(),
                p.status.clone(),
                p.selected,
            ),
            move |(snap, analysis, status, selected)| {
                if let Some(el) = canvas.cast::<HtmlCanvasElement>() {
                    crate::perf::measure("faultline-canvas", || {
                        draw(&el, analysis, status, snap, *selected)
                    });
                }
            },
        );
    }
    let onclick = {
        let live: Vec<u32> = p
            .snapshot
            .nodes
            .iter()
            .filter(|n| n.status != NodeStatus::Removed)
            .map(|n| n.id.0)
            .collect();
        let on_select = p.on_select.clone();
        Callback::from(move |e: MouseEvent| {
            let Some((x, y)) = canvas_point(&e, SIZE) else {
                return;
            };
            // The nearest node within reach (a dense ring's dots are small).
            let reach = (node_radius(live.len()) + 5.0).max(8.0);
            let hit = anchors(&live)
                .into_iter()
                .map(|(id, (px, py))| (((px - x).powi(2) + (py - y).powi(2)).sqrt(), id))
                .filter(|(d, _)| *d <= reach)
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, id)| NodeId(id));
            on_select.emit(hit);
        })
    };
    let a = &p.analysis;
    html! {
        <div class="topology ring-canvas" data-members={a.members.len().to_string()}>
            { crate::components::save_as::save_as("ring", false) }
            <canvas ref={canvas} {onclick} role="img"
                aria-label={format!("Hash ring with {} nodes; {} keys sampled as dots", a.members.len(), a.sample.len())} />
            { legend(&a.loads) }
        </div>
    }
}
