//! The gossip cluster drawn on a canvas, so a thousand nodes and their
//! messages animate at frame rate: nodes in a sunflower disc (one disc per
//! side of a partition), colored by where they stand with the rumor, ringed
//! by what SWIM believes of them, and every message in flight at its true
//! progress (sampled when there are too many to draw one by one).

use crate::components::canvas_point::canvas_point;
use super::part::{GossipDot, GossipPart};
use crate::snapshot::Snapshot;
use faultline_core::protocols::gossip::{Health, Spread};
use faultline_core::sim::{MessageView, NodeStatus};
use faultline_core::nodemap::NodeMap;
use faultline_core::NodeId;
use faultline_core::sortedmap::{SortedMap, SortedSet};
use std::f64::consts::PI;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;
use crate::math;

/// The drawing's logical size (the canvas is scaled to the screen).
const SIZE: f64 = 600.0;
/// Most messages drawn one by one; beyond it, an even sample.
pub const MAX_DRAWN_MESSAGES: usize = 3_000;
/// The golden angle, which spreads a sunflower's seeds evenly.
const GOLDEN: f64 = 2.399_963_229_728_653;

/// Canvas properties.
#[derive(Properties, PartialEq)]
pub struct GossipCanvasProps {
    /// The frame.
    pub snapshot: Rc<Snapshot>,
    /// The selected node.
    pub selected: Option<NodeId>,
    /// The side being drawn, in partition mode.
    pub partition: Option<SortedSet<NodeId>>,
    /// Select a node (or none).
    pub on_select: Callback<Option<NodeId>>,
    /// Toggle a node in partition mode.
    pub on_partition_node: Callback<NodeId>,
}

/// Where every live node sits, and the dot radius.
struct Layout {
    at: NodeMap<(f64, f64)>,
    radius: f64,
}

impl Layout {
    /// One sunflower disc per side of the partition (one for the whole
    /// cluster when there is none), side by side.
    fn of(dots: &[GossipDot]) -> Layout {
        let live: Vec<&GossipDot> = dots
            .iter()
            .filter(|d| d.status != NodeStatus::Removed)
            .collect();
        let mut cells: SortedMap<usize, Vec<NodeId>> = SortedMap::new();
        for d in &live {
            cells
                .entry(d.side.unwrap_or(usize::MAX))
                .or_default()
                .push(d.id);
        }
        let k = cells.len().max(1) as f64;
        let disc = (SIZE / 2.0 - 14.0) / k.sqrt().max(1.0).min(k);
        let cell_w = SIZE / k;
        let mut at = NodeMap::new();
        let mut radius = f64::MAX;
        for (c, ids) in cells.values().enumerate() {
            let n = ids.len().max(1) as f64;
            let r_disc = disc.min(cell_w / 2.0 - 10.0);
            let cx = cell_w * (c as f64 + 0.5);
            let cy = SIZE / 2.0;
            let spacing = r_disc * (PI / n).sqrt();
            radius = radius.min((spacing * 0.42).clamp(2.2, 20.0));
            for (i, id) in ids.iter().enumerate() {
                let r = r_disc * ((i as f64 + 0.5) / n).sqrt();
                let a = i as f64 * GOLDEN;
                at.insert(*id, (cx + r * math::cos(a), cy + r * math::sin(a)));
            }
        }
        if radius == f64::MAX {
            radius = 10.0;
        }
        Layout { at, radius }
    }

    fn hit(&self, x: f64, y: f64) -> Option<NodeId> {
        let reach = (self.radius + 4.0).powi(2);
        self.at
            .iter()
            .map(|(id, (px, py))| (id, (px - x).powi(2) + (py - y).powi(2)))
            .filter(|(_, d)| *d <= reach)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(id, _)| id)
    }
}

/// Fill colors by where a node stands with the rumor.
fn fill(d: &GossipDot) -> &'static str {
    match d.status {
        NodeStatus::Crashed => "#334155",
        NodeStatus::Removed => "#e2e8f0",
        _ => match d.spread {
            Spread::Uninformed => "#cbd5e1",
            Spread::Spreading => "#f59e0b",
            Spread::Removed => "#2563eb",
        },
    }
}

/// Message colors by kind (the legend lists the same).
pub fn message_color(kind: &str) -> &'static str {
    match kind {
        "Push" | "PushPull" => "#c2410c",
        "Pull" => "#0d9488",
        "Reply" => "#64748b",
        "Ping" | "Ack" => "#9333ea",
        "PingReq" => "#db2777",
        _ => "#0f172a",
    }
}

fn draw(canvas: &HtmlCanvasElement, lab: &GossipPart, snap: &Snapshot, p: &GossipCanvasProps) {
    let Ok(Some(ctx)) = canvas.get_context("2d") else {
        return;
    };
    let Ok(ctx) = ctx.dyn_into::<CanvasRenderingContext2d>() else {
        return;
    };
    let dpr = gloo::utils::window().device_pixel_ratio().max(1.0);
    let css = f64::from(canvas.client_width().max(1));
    let px = (css * dpr).round() as u32;
    if canvas.width() != px {
        canvas.set_width(px);
        canvas.set_height(px);
    }
    let scale = px as f64 / SIZE;
    ctx.set_transform(scale, 0.0, 0.0, scale, 0.0, 0.0).ok();
    ctx.clear_rect(0.0, 0.0, SIZE, SIZE);
    let layout = Layout::of(&lab.dots);
    let r = layout.radius;
    let small = lab.dots.len() <= 64;

    // Messages first, under the nodes; circles of one color go in one path,
    // so a thousand of them cost a handful of fills.
    let now = snap.now.as_ms();
    let msgs: Vec<&MessageView> = snap.messages.iter().collect();
    let every = msgs.len().div_ceil(MAX_DRAWN_MESSAGES).max(1);
    let mr = (r * 0.45).clamp(1.6, 6.0);
    let mut filled: Batch<&'static str> = SortedMap::new();
    let mut hollow: Batch<&'static str> = SortedMap::new();
    for m in msgs.iter().step_by(every) {
        let (Some(a), Some(b)) = (layout.at.get(m.from), layout.at.get(m.to)) else {
            continue;
        };
        let span = (m.deliver_at.as_ms() - m.sent_at.as_ms()).max(1e-6);
        let f = ((now - m.sent_at.as_ms()) / span).clamp(0.0, 1.0);
        let (x, y) = (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f);
        let color = message_color(m.kind);
        if small {
            ctx.set_global_alpha(0.25);
            ctx.set_stroke_style_str(color);
            ctx.set_line_width(1.0);
            ctx.begin_path();
            ctx.move_to(a.0, a.1);
            ctx.line_to(x, y);
            ctx.stroke();
            ctx.set_global_alpha(1.0);
        }
        let target = if m.lost { &mut hollow } else { &mut filled };
        target.entry(color).or_default().push((x, y, mr));
    }
    for (color, circles) in &filled {
        circles_path(&ctx, circles);
        ctx.set_fill_style_str(color);
        ctx.fill();
    }
    for (color, circles) in &hollow {
        circles_path(&ctx, circles);
        ctx.set_stroke_style_str(color);
        ctx.set_line_width(1.2);
        ctx.stroke();
    }

    // Nodes, batched by fill and by ring.
    let mut bodies: Batch<&'static str> = SortedMap::new();
    let mut paused: Batch<&'static str> = SortedMap::new();
    let mut rings: Batch<(&'static str, u8)> = SortedMap::new();
    for d in &lab.dots {
        let Some(&(x, y)) = layout.at.get(d.id) else {
            continue;
        };
        if d.status == NodeStatus::Paused {
            paused.entry(fill(d)).or_default().push((x, y, r));
        } else {
            bodies.entry(fill(d)).or_default().push((x, y, r));
        }
        match d.health {
            Health::Alive => {}
            Health::Suspect => rings
                .entry(("#ca8a04", 3))
                .or_default()
                .push((x, y, r + 2.0)),
            Health::Dead => rings
                .entry(("#dc2626", 5))
                .or_default()
                .push((x, y, r + 2.0)),
        }
        if p.partition.as_ref().is_some_and(|s| s.contains(&d.id)) {
            rings
                .entry(("#7c3aed", 5))
                .or_default()
                .push((x, y, r + 4.0));
        }
    }
    for (color, circles) in &bodies {
        circles_path(&ctx, circles);
        ctx.set_fill_style_str(color);
        ctx.fill();
    }
    for (color, circles) in &paused {
        circles_path(&ctx, circles);
        ctx.set_fill_style_str("#ffffff");
        ctx.fill();
        ctx.set_stroke_style_str(color);
        ctx.set_line_width((r * 0.45).max(1.5));
        ctx.stroke();
    }
    for ((color, width), circles) in &rings {
        circles_path(&ctx, circles);
        ctx.set_stroke_style_str(color);
        ctx.set_line_width(f64::from(*width) / 2.0);
        ctx.stroke();
    }
    for d in &lab.dots {
        let Some(&(x, y)) = layout.at.get(d.id) else {
            continue;
        };
        if d.status == NodeStatus::Crashed && r >= 5.0 {
            ctx.set_stroke_style_str("#f8fafc");
            ctx.set_line_width(1.5);
            let k = r * 0.45;
            ctx.begin_path();
            ctx.move_to(x - k, y - k);
            ctx.line_to(x + k, y + k);
            ctx.move_to(x + k, y - k);
            ctx.line_to(x - k, y + k);
            ctx.stroke();
        } else if small {
            ctx.set_fill_style_str(match d.spread {
                Spread::Uninformed => "#0f172a",
                _ => "#ffffff",
            });
            ctx.set_font(&format!(
                "600 {:.0}px system-ui, sans-serif",
                (r * 0.8).min(15.0)
            ));
            ctx.set_text_align("center");
            ctx.set_text_baseline("middle");
            ctx.fill_text(&d.id.0.to_string(), x, y).ok();
        }
    }
    if let Some(&(x, y)) = p.selected.and_then(|s| layout.at.get(s)) {
        ctx.begin_path();
        ctx.arc(x, y, r + 5.0, 0.0, 2.0 * PI).ok();
        ctx.set_stroke_style_str("#0f172a");
        ctx.set_line_width(2.5);
        ctx.stroke();
    }
}

/// Circles (x, y, radius) to draw in one path, by style.
type Batch<K> = SortedMap<K, Vec<(f64, f64, f64)>>;

/// One path of many circles, to fill or stroke at once.
fn circles_path(ctx: &CanvasRenderingContext2d, circles: &[(f64, f64, f64)]) {
    ctx.begin_path();
    for &(x, y, r) in circles {
        ctx.move_to(x + r, y);
        ctx.arc(x, y, r, 0.0, 2.0 * PI).ok();
    }
}

/// The canvas and its legend.
#[function_component(GossipCanvas)]
pub fn gossip_canvas(p: &GossipCanvasProps) -> Html {
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        let snapshot = p.snapshot.clone();
        let props = (p.selected, p.partition.clone());
        let p = GossipCanvasProps {
            snapshot: p.snapshot.clone(),
            selected: p.selected,
            partition: p.partition.clone(),
            on_select: p.on_select.clone(),
            on_partition_node: p.on_partition_node.clone(),
        };
        use_effect_with((snapshot, props), move |(snapshot, _)| {
            if let (Some(el), Some(lab)) =
                (canvas.cast::<HtmlCanvasElement>(), snapshot.part::<GossipPart>())
            {
                crate::perf::measure("faultline-canvas", || draw(&el, lab, snapshot, &p));
            }
        });
    }
    let Some(lab) = p.snapshot.part::<GossipPart>() else {
        return Html::default();
    };
    let onclick = {
        let dots = lab.dots.clone();
        let partition = p.partition.is_some();
        let on_select = p.on_select.clone();
        let on_partition_node = p.on_partition_node.clone();
        Callback::from(move |e: MouseEvent| {
            let Some((x, y)) = canvas_point(&e, SIZE) else {
                return;
            };
            let hit = Layout::of(&dots).hit(x, y);
            match (hit, partition) {
                (Some(id), true) => on_partition_node.emit(id),
                (hit, false) => on_select.emit(hit),
                (None, true) => {}
            }
        })
    };
    let informed = lab
        .dots
        .iter()
        .filter(|d| d.status == NodeStatus::Up && d.spread != Spread::Uninformed)
        .count();
    let live = lab
        .dots
        .iter()
        .filter(|d| d.status == NodeStatus::Up)
        .count();
    let shown = p.snapshot.messages.len();
    let sampled = shown > MAX_DRAWN_MESSAGES;
    let mode = p.partition.is_some();
    html! {
        <div class={classes!("topology", "gossip-canvas", mode.then_some("drawing"))}
            data-informed={informed.to_string()} data-live={live.to_string()}>
            { crate::components::save_as::save_as("cluster", false) }
            <canvas ref={canvas} {onclick} role="img"
                aria-label={format!("{} nodes; {informed} of {live} live nodes know the rumor", lab.dots.len())} />
            if mode {
                <div class="mode-hint">{ "Click nodes to put them on the other side, then Apply in the Network panel." }</div>
            }
            <ul class="legend" aria-label="Colors">
                <li><span class="dot g-uninformed" />{ "uninformed" }</li>
                <li><span class="dot g-spreading" />{ "spreading" }</li>
                <li><span class="dot g-removed" />{ "knows, stopped" }</li>
                <li><span class="dot g-crashed" />{ "crashed" }</li>
                { for [("Push", "push"), ("Pull", "pull"), ("Reply", "reply"), ("Ping", "ping / ack")]
                    .iter()
                    .filter(|(kind, _)| lab.params.swim.is_some() || *kind != "Ping")
                    .map(|(kind, label)| html! {
                        <li><span class="dot small-dot" style={format!("background: {}", message_color(kind))} />{ *label }</li>
                    }) }
                if lab.params.swim.is_some() {
                    <li><span class="dot ring g-suspect" />{ "suspected" }</li>
                    <li><span class="dot ring g-dead" />{ "declared dead" }</li>
                }
                <li class="count mono">{ if sampled {
                    format!("{} in flight (1 in {} drawn)", crate::format::plural(shown, "message"), shown.div_ceil(MAX_DRAWN_MESSAGES))
                } else {
                    format!("{} in flight", crate::format::plural(shown, "message"))
                } }</li>
            </ul>
        </div>
    }
}
