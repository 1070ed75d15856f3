//! A history opened from a file, as Porcupine draws one: a lane per
//! client, a bar per operation from its call to its return, and the
//! checker's verdict. When the history is not linearizable, the operation
//! that cannot be placed is filled red with a line where it returns, the
//! operations that return before it (they can all be placed) are green,
//! and the rest of the offending set is outlined red. Zoom and scroll
//! through time.

use crate::format::{plural, px};
use faultline_core::linearizability::{Drawn, FileReport, Format};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

const WIDTH: f64 = 1000.0;
const LABEL_W: f64 = 86.0;
const RIGHT: f64 = 14.0;
const LANE_H: f64 = 28.0;
const BAR_H: f64 = 18.0;
const TOP: f64 = 24.0;
/// The zoom steps: the part of the history in view.
const ZOOMS: &[f64] = &[1.0, 0.5, 0.25, 0.125, 0.0625, 0.03125];

/// History view properties.
#[derive(Properties)]
pub struct HistoryViewProps {
    /// The checked history.
    pub report: Rc<FileReport>,
}

impl PartialEq for HistoryViewProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.report, &other.report)
    }
}

/// The time an operation ends on the drawing: its return, or the end of
/// the history when it is pending.
fn end_of(op: &Drawn, last: u64) -> u64 {
    op.ret.map_or(last, |r| r.max(op.call))
}

/// An instant in the file's terms: a line, or µs as ms.
fn when(t: u64, format: Format) -> String {
    match format {
        Format::FaultlineKv => format!("{} ms", crate::format::ms(t)),
        _ => format!("line {t}"),
    }
}

/// One operation in words.
fn describe(op: &Drawn, format: Format) -> String {
    let span = match op.ret {
        Some(r) => format!("{}–{}", when(op.call, format), when(r, format)),
        None => format!("from {}, never returned", when(op.call, format)),
    };
    format!(
        "client {}: {} → {} ({span})",
        op.client, op.input, op.output
    )
}

/// The view.
#[function_component(HistoryView)]
pub fn history_view(p: &HistoryViewProps) -> Html {
    let zoom = use_state(|| 0usize);
    let start = use_state(|| 0.0f64);
    let focus = use_state(|| None::<usize>);
    let r = &p.report;
    let ops = &r.ops;
    let t0 = ops.iter().map(|o| o.call).min().unwrap_or(0);
    let last = ops
        .iter()
        .map(|o| o.ret.unwrap_or(o.call).max(o.call))
        .max()
        .unwrap_or(0)
        .max(t0 + 1);
    let total = (last - t0) as f64;
    let span = total * ZOOMS[*zoom];
    let from = (*start).clamp(0.0, total - span);
    let (lo, hi) = (t0 as f64 + from, t0 as f64 + from + span);
    let k = (WIDTH - LABEL_W - RIGHT) / span;
    let x = |t: f64| LABEL_W + (t - lo) * k;

    let offending: Vec<usize> = match &r.verdict {
        faultline_core::linearizability::Verdict::NotLinearizable { offending } => {
            offending.clone()
        }
        _ => Vec::new(),
    };
    let stuck = r.stuck.and_then(|i| ops.get(i).map(|o| (i, o)));
    let stuck_end = stuck.map(|(_, o)| end_of(o, last));
    let placed = |i: usize| {
        r.partitions == 1
            && ops[i].ret.is_some()
            && stuck.is_some_and(|(s, so)| {
                i != s && (end_of(&ops[i], last), ops[i].call, i) < (end_of(so, last), so.call, s)
            })
    };
    let mut clients: Vec<u64> = ops.iter().map(|o| o.client).collect();
    clients.sort_unstable();
    clients.dedup();
    let lane = |c: u64| clients.binary_search(&c).unwrap_or(0);
    let height = TOP + clients.len().max(1) as f64 * LANE_H + 8.0;

    let lanes: Html = clients
        .iter()
        .enumerate()
        .map(|(n, c)| {
            let y = TOP + n as f64 * LANE_H + LANE_H / 2.0;
            html! {
                <g class="lane">
                    <text x="6" y={px(y)}>{ format!("client {c}") }</text>
                    <line x1={px(LABEL_W)} x2={px(WIDTH - RIGHT)} y1={px(y)} y2={px(y)} />
                </g>
            }
        })
        .collect();
    // Labels set beside their bars are drawn after every bar, so no later
    // bar covers them.
    let mut besides: Vec<Html> = Vec::new();
    let bars: Html = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| (o.call as f64) <= hi && end_of(o, last) as f64 >= lo)
        .map(|(i, o)| {
            let (a, b) = (x(o.call as f64), x(end_of(o, last) as f64));
            let (a, b) = (a.max(LABEL_W - 4.0), b.min(WIDTH + 4.0));
            let w = (b - a).max(3.0);
            let y = TOP + lane(o.client) as f64 * LANE_H + (LANE_H - BAR_H) / 2.0;
            let class = classes!(
                "bar",
                o.ret.is_none().then_some("pending"),
                (stuck.map(|s| s.0) == Some(i)).then_some("stuck"),
                (offending.contains(&i) && stuck.map(|s| s.0) != Some(i)).then_some("offending"),
                placed(i).then_some("placed"),
                (*focus == Some(i)).then_some("focus"),
            );
            let label = format!("{} → {}", o.input, o.output);
            let label_w = label.chars().count() as f64 * 7.0 + 8.0;
            let fits = label_w < w;
            // The offending operations are named even when their bars are
            // too short to hold it: beside the bar, on a side where no
            // other bar of the lane is in the way (else only in the verdict
            // and the tooltip).
            if !fits && offending.contains(&i) {
                let free = |from: f64, to: f64| {
                    from >= LABEL_W
                        && to <= WIDTH - RIGHT
                        && ops.iter().enumerate().all(|(j, p)| {
                            j == i
                                || p.client != o.client
                                || x(end_of(p, last) as f64) < from
                                || x(p.call as f64) > to
                        })
                };
                let side = if free(b + 2.0, b + label_w) {
                    Some((b + 4.0, "start"))
                } else if free(a - label_w, a - 2.0) {
                    Some((a - 4.0, "end"))
                } else {
                    None
                };
                if let Some((tx, anchor)) = side {
                    besides.push(html! {
                        <text class="beside" x={px(tx)} y={px(y + BAR_H / 2.0)} text-anchor={anchor}>{ label.clone() }</text>
                    });
                }
            }
            let onclick = {
                let focus = focus.clone();
                Callback::from(move |e: MouseEvent| {
                    e.stop_propagation();
                    focus.set(Some(i));
                })
            };
            html! {
                <g {class} {onclick} data-op={i.to_string()}>
                    <rect x={px(a)} y={px(y)} width={px(w)} height={px(BAR_H)} rx="4" />
                    if fits {
                        <text x={px(a + 5.0)} y={px(y + BAR_H / 2.0)}>{ label }</text>
                    }
                    <title>{ describe(o, r.format) }</title>
                </g>
            }
        })
        .collect();
    let fail_line = stuck_end
        .map(|t| x(t as f64))
        .filter(|&fx| (LABEL_W..=WIDTH - RIGHT).contains(&fx));

    let verdict = match stuck {
        None if r.verdict.is_linearizable() => html! {
            <p class="verdict ok" role="status">
                <b>{ "✓ Linearizable" }</b>
                { format!(": one order of the {} by {} explains every result{}.",
                    plural(r.operations, "operation"), plural(r.clients, "client"),
                    if r.partitions > 1 { format!(", each of the {} keys checked alone", r.partitions) } else { String::new() }) }
            </p>
        },
        _ => {
            let before = (0..ops.len()).filter(|&i| placed(i)).count();
            html! {
                <div class="verdict bad" role="status">
                    <p>
                        <b>{ "✗ Not linearizable" }</b>
                        { match stuck {
                            Some((_, o)) if r.partitions == 1 => format!(
                                ": the {} that return before {} can be placed in one order; {} cannot be placed after them.",
                                plural(before, "operation"), when(end_of(o, last), r.format), describe(o, r.format)),
                            Some((_, o)) => format!(": {} cannot be placed.", describe(o, r.format)),
                            None => ".".into(),
                        } }
                    </p>
                    <p class="small">{ format!("No order explains these {} together:", plural(offending.len(), "operation")) }</p>
                    <ul class="mono small">
                        { for r.offending.iter().map(|l| html! { <li>{ l.clone() }</li> }) }
                    </ul>
                </div>
            }
        }
    };

    let set_zoom = |by: isize| {
        let (zoom, start) = (zoom.clone(), start.clone());
        let now = *zoom;
        Callback::from(move |_: MouseEvent| {
            let next = now.saturating_add_signed(by).min(ZOOMS.len() - 1);
            let middle = from + span / 2.0;
            start.set((middle - total * ZOOMS[next] / 2.0).max(0.0));
            zoom.set(next);
        })
    };
    let to_failure = {
        let (zoom, start) = (zoom.clone(), start.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(t) = stuck_end {
                let z = 3.min(ZOOMS.len() - 1);
                let w = total * ZOOMS[z];
                start.set(((t - t0) as f64 - w * 0.7).max(0.0));
                zoom.set(z);
            }
        })
    };
    let on_scroll = {
        let start = start.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
                start.set(i.value().parse().unwrap_or(0.0));
            }
        })
    };
    let clear = {
        let focus = focus.clone();
        Callback::from(move |_: MouseEvent| focus.set(None))
    };
    let detail = focus.and_then(|i| ops.get(i)).map(|o| {
        html! { <p class="mono small focus-detail">{ describe(o, r.format) }</p> }
    });

    html! {
            <section class="panel history-view" aria-label="History">
                <h3>
                    { "History" }
                    <span class="dim small">{ format!("{} · {} · {}", plural(r.operations, "operation"), plural(r.clients, "client"), r.format) }</span>
                    <span class="spacer" />
                    { crate::components::save_as::save_as("history", true) }
                </h3>
                { verdict }
                <div class="row wrap log-tools">
                    if stuck.is_some() {
                        <button type="button" onclick={to_failure}>{ "Zoom to where it fails" }</button>
                    }
                    <span class="spacer" />
                    <span class="small dim">{ format!("{} – {}", when(lo.round() as u64, r.format), when(hi.round() as u64, r.format)) }</span>
                    <button type="button" onclick={set_zoom(1)} disabled={*zoom + 1 >= ZOOMS.len()} aria-label="Zoom in">{ "+" }</button>
                    <button type="button" onclick={set_zoom(-1)} disabled={*zoom == 0} aria-label="Zoom out">{ "−" }</button>
                </div>
                if *zoom > 0 {
                    <input class="window" type="range" min="0" max={format!("{:.0}", total - span)} step="any" value={format!("{from:.0}")} oninput={on_scroll} aria-label="Scroll through the history" />
                }
                <div class="scroll-x">
    <svg viewBox={format!("0 0 {WIDTH} {height:.0}")} role="img" aria-label="History: one bar per operation" onclick={clear}>
                    <defs>
                        <clipPath id="history-clip"><rect x={px(LABEL_W)} y="0" width={px(WIDTH - LABEL_W - RIGHT)} height={format!("{height:.0}")} /></clipPath>
                    </defs>
                    <g class="lanes">{ lanes }</g>
                    <g clip-path="url(#history-clip)">
                        { bars }
                    <g class="besides">{ for besides }</g>
                        if let Some(fx) = fail_line {
                            <g class="fail-line">
                                <line x1={px(fx)} x2={px(fx)} y1="14" y2={format!("{:.0}", height - 2.0)} />
                                <text x={px(fx - 4.0)} y="12">{ "cannot be placed" }</text>
                            </g>
                        }
                    </g>
                </svg>
    </div>
                { detail }
                if stuck.is_some() && r.partitions == 1 {
                    <p class="legend small">
                        <span class="swatch placed" />{ " can be placed in one order " }
                        <span class="swatch stuck" />{ " cannot be placed " }
                        <span class="swatch offending" />{ " the rest of the offending set" }
                    </p>
                }
            </section>
        }
}
