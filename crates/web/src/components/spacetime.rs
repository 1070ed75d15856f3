//! The space-time diagram: one lane per node, time flowing left to right
//! with the simulation, events as dots, messages as arrows from send to
//! receive (growing while in flight, crossed out where they were dropped).
//! Click an event to light up its causal past and future.

use crate::format;
use crate::format::px;
use crate::snapshot::Snapshot;
use faultline_core::causality::VClock;
use faultline_core::nodemap::NodeMap;
use faultline_core::sortedmap::SortedSet;
use faultline_core::spacetime::{Arrow, Diagram, Mark, Point};
use faultline_core::{NodeId, Time};
use std::rc::Rc;
use yew::prelude::*;

const WIDTH: f64 = 900.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 18.0;
const LANE: f64 = 40.0;

/// Space-time properties.
pub struct SpaceTimeProps {
    /// The frame (its `diagram` is drawn).
    pub snapshot: Rc<Snapshot>,
    /// The selected event.
    pub selected: Option<usize>,
    /// Select an event (or none).
    pub on_select: Callback<Option<DotKey>>,
    /// A pair to highlight (Lamport's limit).
    pub pair: Option<(usize, usize)>,
    /// A second event compared with the selected one (shift-click).
    pub compare: Option<usize>,
    /// Compare an event with the selected one.
    pub on_compare: Callback<DotKey>,
    /// Ask for a Lamport-limit pair.
    pub on_find_pair: Callback<()>,
    /// Download the ShiViz log.
    pub on_export: Callback<()>,
    /// Hide the diagram.
    pub on_hide: Callback<()>,
    /// A violation to mark (the one a counterexample is paused before):
    /// its time and the property it breaks.
    pub mark: Option<(Time, String)>,
}

/// Time to x: every event keeps a fixed x (`t · k`); one group is
/// translated as time flows, so old dots do not change from frame to frame.
struct Scale {
    k: f64,
}

impl Scale {
    fn x(&self, t: Time) -> f64 {
        t.as_ms() * self.k
    }
}

/// A diagram event named so it survives the renumbering of points as the
/// kept window slides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DotKey {
    node: NodeId,
    at: Time,
    lamport: u64,
}

impl DotKey {
    /// The key of point `id`.
    pub fn of(d: &Diagram, id: usize) -> Option<DotKey> {
        d.points.get(id).map(|p| DotKey {
            node: p.node,
            at: p.at,
            lamport: p.lamport,
        })
    }

    /// The current id of this event, if it is still kept.
    pub fn find(self, d: &Diagram) -> Option<usize> {
        d.points
            .iter()
            .rposition(|p| p.node == self.node && p.at == self.at && p.lamport == self.lamport)
    }
}

/// One dot as drawn.
#[derive(Clone, Debug, PartialEq)]
struct Dot {
    key: DotKey,
    x: f32,
    y: f32,
    class: Classes,
}

/// A finished arrow (received or dropped) as drawn.
#[derive(Clone, Debug, PartialEq)]
struct Line {
    x1: f32,
    y1: f32,
    x2: f32,
    y2: f32,
    dropped: bool,
}

#[derive(Properties)]
struct BlockProps {
    dots: Vec<Dot>,
    lines: Vec<Line>,
    on_pick: Callback<(DotKey, bool)>,
}

impl PartialEq for BlockProps {
    // The callback always does the same thing; a block re-renders only when
    // what it draws changes, so past blocks cost nothing per frame.
    fn eq(&self, other: &Self) -> bool {
        self.dots == other.dots && self.lines == other.lines
    }
}

/// The events and finished arrows of one slice of time.
#[function_component(Block)]
fn block(p: &BlockProps) -> Html {
    let lines: Html = p
        .lines
        .iter()
        .map(|l| {
            html! {
                <g class={if l.dropped { "arrow dropped" } else { "arrow" }}>
                    <line x1={px(l.x1)} y1={px(l.y1)} x2={px(l.x2)} y2={px(l.y2)} />
                    if l.dropped {
                        <text class="died" x={px(l.x2)} y={px(l.y2)}>{ "✕" }</text>
                    }
                </g>
            }
        })
        .collect();
    let dots: Html = p
        .dots
        .iter()
        .map(|d| {
            let (key, pick) = (d.key, p.on_pick.clone());
            let onclick = Callback::from(move |e: MouseEvent| pick.emit((key, e.shift_key())));
            html! {
                <circle class={d.class.clone()} cx={px(d.x)} cy={px(d.y)} r="5.5" {onclick} />
            }
        })
        .collect();
    html! { <g>{ lines }{ dots }</g> }
}

fn lane_y(d: &Diagram, node: faultline_core::NodeId) -> f64 {
    let i = d.lanes.iter().position(|n| *n == node).unwrap_or(0);
    TOP + i as f64 * LANE
}

/// Where an arrow ends now: `(x, y, finished, dropped)`.
fn arrow_end(d: &Diagram, a: &Arrow, now: Time, s: &Scale) -> Option<(f64, f64, bool, bool)> {
    let from = d.points.get(a.from)?;
    let y1 = lane_y(d, from.node);
    let y_to = lane_y(d, a.to_node);
    let along = |t: Time| {
        let span = (a.deliver_at.as_ms() - a.sent_at.as_ms()).max(1e-6);
        y1 + (y_to - y1) * ((t.as_ms() - a.sent_at.as_ms()) / span).clamp(0.0, 1.0)
    };
    Some(match (a.to.and_then(|i| d.points.get(i)), a.dropped_at) {
        (Some(to), _) => (s.x(to.at), lane_y(d, to.node), true, false),
        (None, Some(died)) => (s.x(died), along(died), true, true),
        (None, None) => {
            let t = now.min(a.deliver_at);
            (s.x(t), along(t), false, false)
        }
    })
}

fn stamps(p: &Point) -> String {
    let hlc = p
        .hlc
        .map(|h| format!(" · HLC {:.3} ms/{}", h.physical as f64 / 1000.0, h.logical))
        .unwrap_or_default();
    format!("L={} · V={:?}{hlc}", p.lamport, p.vector)
}

/// The diagram.
pub fn space_time(p: &SpaceTimeProps) -> Html {
    let Some(d) = p.snapshot.diagram.as_ref() else {
        return Html::default();
    };
    let now = p.snapshot.now;
    let span = p.snapshot.diagram_span_ms;
    let scale = Scale {
        k: (WIDTH - LEFT - RIGHT) / span,
    };
    let start = Time::from_ms_f64((now.as_ms() - span).max(0.0));
    let shift = WIDTH - RIGHT - scale.x(now);
    let cone = p
        .selected
        .filter(|&i| i < d.points.len())
        .map(|i| d.cone(i));
    let (past, future): (SortedSet<usize>, SortedSet<usize>) = cone
        .as_ref()
        .map(|c| {
            (
                c.past.iter().copied().collect(),
                c.future.iter().copied().collect(),
            )
        })
        .unwrap_or_default();
    let height = TOP * 2.0 + (d.lanes.len().max(1) - 1) as f64 * LANE;
    let lanes: Html = d
        .lanes
        .iter()
        .map(|n| {
            let y = lane_y(d, *n);
            html! {
                <g class="lane">
                    <text x="6" y={px(y)}>{ n.to_string() }</text>
                    <line x1={LEFT.to_string()} x2={(WIDTH - RIGHT).to_string()} y1={px(y)} y2={px(y)} />
                </g>
            }
        })
        .collect();
    // Finished arrows and dots go into slices of time; only the newest
    // slice changes from frame to frame. Arrows still flying are drawn live.
    let slice_ms = span / 6.0;
    let slice = |t: Time| (t.as_ms() / slice_ms).floor() as i64;
    // Events at (nearly) the same instant on one lane, such as a broadcast's
    // sends, are spread a few pixels apart in program order so each shows.
    let mut nudge = vec![0.0; d.points.len()];
    let mut last_on_lane: NodeMap<f64> = NodeMap::new();
    for q in d.points.iter().filter(|q| q.at >= start) {
        let x = scale.x(q.at);
        let shown = match last_on_lane.get(q.node) {
            Some(&prev) if x - prev < 6.0 => prev + 6.0,
            _ => x,
        };
        if let Some(n) = nudge.get_mut(q.id) {
            *n = shown - x;
        }
        last_on_lane.insert(q.node, shown);
    }
    let mut blocks: faultline_core::sortedmap::SortedMap<i64, (Vec<Dot>, Vec<Line>)> =
        Default::default();
    let mut flying = Vec::new();
    for a in &d.arrows {
        let Some(from) = d.points.get(a.from) else {
            continue;
        };
        let Some((x2, y2, finished, dropped)) = arrow_end(d, a, now, &scale) else {
            continue;
        };
        let end =
            a.to.and_then(|i| d.points.get(i))
                .map(|q| q.at)
                .or(a.dropped_at)
                .unwrap_or(now);
        if end < start {
            continue;
        }
        let (x1, y1) = (
            scale.x(from.at) + nudge.get(a.from).copied().unwrap_or(0.0),
            lane_y(d, from.node),
        );
        let x2 = x2 + a.to.and_then(|i| nudge.get(i)).copied().unwrap_or(0.0);
        if finished {
            blocks.entry(slice(end)).or_default().1.push(Line {
                x1: x1 as f32,
                y1: y1 as f32,
                x2: x2 as f32,
                y2: y2 as f32,
                dropped,
            });
        } else {
            flying.push(html! {
                <g class="arrow flying">
                    <line x1={px(x1)} y1={px(y1)} x2={px(x2)} y2={px(y2)} />
                </g>
            });
        }
    }
    for q in d.points.iter().filter(|q| q.at >= start) {
        let id = q.id;
        let x = scale.x(q.at) + nudge.get(id).copied().unwrap_or(0.0);
        let rel = match (p.selected, &cone) {
            (Some(s), _) if s == id => "chosen",
            (_, Some(_)) if past.contains(&id) => "past",
            (_, Some(_)) if future.contains(&id) => "future",
            (_, Some(_)) => "concurrent",
            _ => "",
        };
        let paired = p.pair.is_some_and(|(a, b)| a == id || b == id) || p.compare == Some(id);
        let class = classes!(
            "point",
            match q.mark {
                Mark::Local => "local",
                Mark::Send => "send",
                Mark::Recv => "recv",
            },
            (!rel.is_empty()).then_some(rel),
            paired.then_some("paired")
        );
        if let Some(key) = DotKey::of(d, id) {
            blocks.entry(slice(q.at)).or_default().0.push(Dot {
                key,
                x: x as f32,
                y: lane_y(d, q.node) as f32,
                class,
            });
        }
    }
    let (select, compare) = (p.on_select.clone(), p.on_compare.clone());
    let on_pick = Callback::from(move |(key, shift): (DotKey, bool)| {
        if shift {
            compare.emit(key);
        } else {
            select.emit(Some(key));
        }
    });
    let blocks: Html = blocks
        .into_iter()
        .map(|(k, (dots, lines))| html! { <Block key={k} {dots} {lines} on_pick={on_pick.clone()} /> })
        .collect();
    let now_x = WIDTH - RIGHT;
    let detail = p.selected.and_then(|i| d.points.get(i)).map(|q| {
        let c = cone.as_ref();
        html! {
            <p class="stamp mono" data-selected-point={q.id.to_string()}>
                <b>{ format!("{} at {}", q.node, format::time(q.at)) }</b>{ format!(" · {} · {}", q.label, stamps(q)) }
                <br />
                <span class="dim">{ format!("causal past {} · future {} · concurrent {}",
                    c.map_or(0, |c| c.past.len()), c.map_or(0, |c| c.future.len()), c.map_or(0, |c| c.concurrent.len())) }</span>
            </p>
        }
    });
    let pair = p.pair.and_then(|(a, b)| Some((d.points.get(a)?, d.points.get(b)?))).map(|(a, b)| {
        html! {
            <p class="stamp mono pair">
                { format!("L({}) = {} < L({}) = {}, yet {:?} and {:?} are concurrent: Lamport order is not causality.",
                    a.id, a.lamport, b.id, b.lamport, a.vector, b.vector) }
            </p>
        }
    });
    let relation = p
        .selected
        .zip(p.compare)
        .and_then(|(a, b)| Some((d.points.get(a)?, d.points.get(b)?)))
        .map(|(a, b)| {
            let why = VClock(a.vector.clone()).explain(&VClock(b.vector.clone()));
            html! {
                <p class="stamp mono relation">
                    { format!("a = {} at {}, b = {} at {}: {why}", a.node, format::time(a.at), b.node, format::time(b.at)) }
                </p>
            }
        });
    let find = p.on_find_pair.reform(|_: MouseEvent| ());
    let export = p.on_export.reform(|_: MouseEvent| ());
    let clear = p.on_select.reform(|_: MouseEvent| None);
    html! {
        <section class="panel spacetime" aria-label="Space-time diagram">
            <h3>
                { "Space-time" }
                <span class="dim small">{ format!("last {} · click an event for its causal cone, shift-click another to compare", format::time(Time::from_ms_f64(span))) }</span>
                <span class="spacer" />
                <button onclick={find} title="Find two concurrent events ordered by Lamport time">{ "Lamport's limit" }</button>
                <button onclick={export}>{ "Export ShiViz log" }</button>
                <a class="link-btn" href="viewer/" title="Open a ShiViz log from a real system in the log viewer">{ "Open a log…" }</a>
                { crate::components::save_as::save_as("space-time", true) }
                <button onclick={p.on_hide.reform(|_: MouseEvent| ())} aria-label="Hide the space-time diagram">{ "Hide" }</button>
            </h3>
            <div class="scroll">
            <svg viewBox={format!("0 0 {WIDTH} {height:.0}")} role="img" aria-label="Space-time diagram" onclick={clear}>
                <g class="lanes">{ lanes }</g>
                <line class="now" x1={px(now_x)} x2={px(now_x)} y1="2" y2={format!("{:.0}", height - 2.0)} />
                <clipPath id="spacetime-clip"><rect x={LEFT.to_string()} y="0" width={(WIDTH - LEFT - RIGHT + 8.0).to_string()} height={format!("{height:.0}")} /></clipPath>
                <g clip-path="url(#spacetime-clip)">
                    <g transform={format!("translate({shift:.2},0)")}>
                        if let Some((at, property)) = &p.mark {
                            <g class="violation-mark">
                                <line x1={px(scale.x(*at))} x2={px(scale.x(*at))} y1="2" y2={format!("{:.0}", height - 2.0)} />
                                <text x={px(scale.x(*at) - 4.0)} y="12" text-anchor="end">{ format!("✗ {property}") }</text>
                            </g>
                        }
                        <g class="arrows">{ flying }</g>
                        <g class="points" onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>{ blocks }</g>
                    </g>
                </g>
            </svg>
            </div>
            { detail }
            { relation }
            { pair }
        </section>
    }
}
