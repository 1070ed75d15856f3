//! The quorum lab's history: every client operation as a bar from its
//! invocation to its completion, one lane per client, as Jepsen and
//! Porcupine draw them; stale reads in red, the checker's offending
//! operations outlined, and its verdict.

use crate::format::{plural, px};
use super::words as quorum;
use super::QuorumPart;
use crate::snapshot::Snapshot;
use faultline_core::linearizability::Verdict;
use faultline_core::protocols::quorum::{ClientRef, HistoryEntry, OpKind, OpRef};
use faultline_core::sortedmap::SortedMap;
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;
use crate::math;

const WIDTH: f64 = 900.0;
const LABEL_W: f64 = 74.0;
const RIGHT: f64 = 14.0;
const LANE_H: f64 = 30.0;
const BAR_H: f64 = 20.0;
const TOP: f64 = 8.0;
const AXIS_H: f64 = 26.0;
/// Lanes drawn at most; beyond, only clients with operations in view.
const MAX_LANES: usize = 12;
/// The window choices, in ms of virtual time (0: the whole run).
const SPANS: &[(f64, &str)] = &[
    (500.0, "last 0.5 s"),
    (1000.0, "last 1 s"),
    (2000.0, "last 2 s"),
    (5000.0, "last 5 s"),
    (0.0, "whole run"),
];

/// History properties.
#[derive(Properties, PartialEq)]
pub struct QuorumHistoryProps {
    /// The frame.
    pub snapshot: Rc<Snapshot>,
    /// The operation in focus (an index into the history).
    pub focus: Option<usize>,
    /// Focus an operation (or follow the latest).
    pub on_focus: Callback<Option<OpRef>>,
}

/// A lane's sort key: workload clients by number and life, then scripted.
fn lane_key(c: ClientRef) -> (u8, u32, u32) {
    match c {
        ClientRef::Workload { client, life } => (0, client, life),
        ClientRef::Script(_) => (1, 0, 0),
    }
}

/// A round step for about `n` ticks over `span`.
fn tick_step(span: f64, n: f64) -> f64 {
    let raw = (span / n).max(1e-3);
    let mag = math::exp10(math::log10(raw).floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
}

fn describe(e: &HistoryEntry) -> String {
    let (_, word) = quorum::status(e);
    let when = match e.complete {
        Some(t) => format!("{}–{} ms", quorum::ms(e.invoke), quorum::ms(t)),
        None => format!("from {} ms", quorum::ms(e.invoke)),
    };
    let mut s = format!(
        "{} by {} via {}: {when}, {word}",
        quorum::label(e),
        e.client,
        e.op.node
    );
    if let Some(why) = &e.stale {
        s.push_str(&format!("\n{}", why.explain()));
    }
    if let Some(err) = &e.error {
        s.push_str(&format!("\n{err}"));
    }
    s
}


fn verdict_badge(lab: &QuorumPart) -> Html {
    let Some(c) = lab.checked.as_deref() else {
        return html! { <span class="badge verdict" data-verdict="pending">{ "checking…" }</span> };
    };
    let covered = if c.entries < lab.history.len() {
        format!(" · first {} of {} operations", c.entries, lab.history.len())
    } else {
        String::new()
    };
    match &c.verdict {
        Verdict::Linearizable => html! {
            <span class="badge verdict ok" data-verdict="linearizable"
                title={format!("Wing & Gong's search found a linearization, key by key{covered}")}>
                { "linearizable ✓" }
            </span>
        },
        Verdict::NotLinearizable { offending } => html! {
            <span class="badge verdict bad" data-verdict="not-linearizable"
                title={format!("No order of the operations respects both real time and a register per key{covered}")}>
                { format!("not linearizable ✗ ({})", plural(offending.len(), "operation")) }
            </span>
        },
    }
}

/// The panel.
#[function_component(QuorumHistory)]
pub fn quorum_history(p: &QuorumHistoryProps) -> Html {
    let span = use_state(|| 1000.0_f64);
    // A window pinned by hand (start, end in ms), or none: follow now.
    let pinned = use_state(|| None::<(f64, f64)>);
    let Some(lab) = p.snapshot.part::<QuorumPart>() else {
        return Html::default();
    };
    let now = p.snapshot.now.as_ms();
    let (t0, t1) = match *pinned {
        Some(w) => w,
        None if *span <= 0.0 => (0.0, now.max(100.0)),
        None => {
            let end = now.max(*span);
            (end - *span, end)
        }
    };
    let plot_w = WIDTH - LABEL_W - RIGHT;
    let x = |t: f64| LABEL_W + (t - t0) / (t1 - t0).max(1e-9) * plot_w;
    let offending = lab.offending();
    let end_of = |e: &HistoryEntry| e.complete.map_or(now, |t| t.as_ms());
    let visible: Vec<(usize, &HistoryEntry)> = lab
        .history
        .iter()
        .enumerate()
        .filter(|(_, e)| e.invoke.as_ms() <= t1 && end_of(e) >= t0)
        .collect();
    // Lanes: every client seen, or only those in view when there are many.
    let mut lanes: SortedMap<(u8, u32, u32), String> = lab
        .history
        .iter()
        .map(|e| (lane_key(e.client), quorum::lane(e.client)))
        .collect();
    if lanes.len() > MAX_LANES {
        lanes = visible
            .iter()
            .map(|(_, e)| (lane_key(e.client), quorum::lane(e.client)))
            .take(MAX_LANES)
            .collect();
    }
    let row: SortedMap<(u8, u32, u32), usize> =
        lanes.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    let height = TOP + LANE_H * lanes.len().max(1) as f64 + AXIS_H;
    let lane_y = |i: usize| TOP + LANE_H * i as f64;

    let lane_rows: Html = lanes
        .values()
        .enumerate()
        .map(|(i, name)| {
            let y = lane_y(i);
            html! {
                <g class="h-lane" key={name.clone()}>
                    <rect class={classes!("h-band", (i % 2 == 1).then_some("odd"))} x={LABEL_W.to_string()} y={px(y)}
                        width={px(plot_w)} height={LANE_H.to_string()} />
                    <text class="h-name" x={px(LABEL_W - 8.0)} y={px(y + LANE_H / 2.0)}>{ name.clone() }</text>
                </g>
            }
        })
        .collect();

    let bars: Html = visible
        .iter()
        .filter_map(|&(i, e)| {
            let lane = *row.get(&lane_key(e.client))?;
            let a = x(e.invoke.as_ms().max(t0));
            let b = x(end_of(e).min(t1));
            let w = (b - a).max(3.0);
            let y = lane_y(lane) + (LANE_H - BAR_H) / 2.0;
            let (status, _) = quorum::status(e);
            let kind = match e.kind {
                OpKind::Get => "get",
                OpKind::Put => "put",
            };
            let bad = offending.contains(&i);
            let class = classes!(
                "h-bar",
                kind,
                status,
                bad.then_some("offending"),
                (p.focus == Some(i)).then_some("focused"),
            );
            let text = match e.kind {
                OpKind::Put => format!("{}={}", e.key, e.value.as_deref().unwrap_or("")),
                OpKind::Get if e.complete.is_some() && e.ok => {
                    format!("{}→{}", e.key, quorum::values(&e.result))
                }
                OpKind::Get => e.key.clone(),
            };
            let fits = text.chars().count() as f64 * 6.6 + 8.0 <= w;
            let op = e.op;
            let onclick = p.on_focus.reform(move |_: MouseEvent| Some(op));
            Some(html! {
                <g key={format!("{}-{}", op.node.0, op.req)} {class} {onclick} role="button"
                    data-op={format!("{}#{}", op.node, op.req)} data-kind={kind} data-status={status}
                    data-offending={bad.to_string()}>
                    <rect x={px(a)} y={px(y)} width={px(w)} height={BAR_H.to_string()} rx="4" />
                    if fits {
                        <text x={px(a + 4.0)} y={px(y + BAR_H / 2.0)}>{ text }</text>
                    }
                    if bad {
                        <text class="h-x" x={px(a + w / 2.0)} y={px(y - 2.0)}>{ "✗" }</text>
                    }
                    <title>{ describe(e) }</title>
                </g>
            })
        })
        .collect();

    let step = tick_step(t1 - t0, 6.0);
    let axis_y = TOP + LANE_H * lanes.len().max(1) as f64;
    let first = (t0 / step).ceil() as i64;
    let last = (t1 / step).floor() as i64;
    let ticks: Html = (first..=last)
        .map(|k| {
            let t = k as f64 * step;
            let tx = x(t);
            let text = if step >= 1000.0 {
                format!("{:.0} s", t / 1000.0)
            } else if step >= 1.0 {
                format!("{t:.0} ms")
            } else {
                format!("{t:.1} ms")
            };
            html! {
                <g class="h-tick" key={k}>
                    <line x1={px(tx)} x2={px(tx)} y1={TOP.to_string()} y2={px(axis_y + 4.0)} />
                    <text x={px(tx)} y={px(axis_y + 16.0)}>{ text }</text>
                </g>
            }
        })
        .collect();
    let now_line = (now >= t0 && now <= t1).then(|| {
        let nx = x(now);
        html! { <line class="h-now" x1={px(nx)} x2={px(nx)} y1={TOP.to_string()} y2={px(axis_y)} /> }
    });

    let on_span = {
        let span = span.clone();
        let pinned = pinned.clone();
        Callback::from(move |e: Event| {
            if let Some(v) = e
                .target_dyn_into::<HtmlSelectElement>()
                .and_then(|s| faultline_core::decimal::parse(&s.value()))
            {
                span.set(v);
                pinned.set(None);
            }
        })
    };
    // Show the offending operations: pin the window round them.
    let show_offending = {
        let pinned = pinned.clone();
        let spans: Vec<(f64, f64)> = offending
            .iter()
            .filter_map(|&i| lab.history.get(i))
            .map(|e| (e.invoke.as_ms(), end_of(e)))
            .collect();
        let first_bad = offending
            .first()
            .and_then(|&i| lab.history.get(i))
            .map(|e| e.op);
        let on_focus = p.on_focus.clone();
        Callback::from(move |_: MouseEvent| {
            let lo = spans.iter().map(|s| s.0).fold(f64::INFINITY, f64::min);
            let hi = spans.iter().map(|s| s.1).fold(f64::NEG_INFINITY, f64::max);
            if lo.is_finite() && hi.is_finite() {
                let pad = ((hi - lo) * 0.25).max(20.0);
                pinned.set(Some(((lo - pad).max(0.0), hi + pad)));
                on_focus.emit(first_bad);
            }
        })
    };
    let follow = {
        let pinned = pinned.clone();
        Callback::from(move |_: MouseEvent| pinned.set(None))
    };
    // Focus an operation from a list: pin the window round it.
    let pin_to = |e: &HistoryEntry| {
        let pinned = pinned.clone();
        let on_focus = p.on_focus.clone();
        let (lo, hi, op) = (e.invoke.as_ms(), end_of(e), e.op);
        Callback::from(move |_: MouseEvent| {
            let pad = ((hi - lo) * 2.0).max(100.0);
            pinned.set(Some(((lo - pad).max(0.0), hi + pad)));
            on_focus.emit(Some(op));
        })
    };
    let stale: Vec<&HistoryEntry> = lab
        .history
        .iter()
        .rev()
        .filter(|e| e.stale.is_some())
        .collect();
    let stale_total = stale.len();
    let gets = lab.history.iter().filter(|e| e.kind == OpKind::Get).count();
    html! {
        <section class="panel quorum-history" aria-label="History"
            data-ops={lab.history.len().to_string()} data-stale={stale_total.to_string()}>
            <h3>
                { "History" }
                { verdict_badge(lab) }
                <span class="dim small">{ format!("{} · {} · {stale_total} stale", plural(lab.history.len(), "operation"), plural(gets, "get")) }</span>
                <span class="spacer" />
                if !offending.is_empty() {
                    <button class="small-btn" onclick={show_offending}>{ "Show offending" }</button>
                }
                if pinned.is_some() {
                    <button class="small-btn" onclick={follow}>{ "Follow now" }</button>
                }
                <select onchange={on_span} aria-label="History window">
                    if let Some((a, b)) = *pinned {
                        <option value="pinned" selected=true disabled=true>{ format!("{a:.0}–{b:.0} ms") }</option>
                    }
                    { for SPANS.iter().map(|(v, label)| html! {
                        <option value={v.to_string()} selected={pinned.is_none() && (*span - v).abs() < 1e-9}>{ *label }</option>
                    }) }
                </select>
                <a class="link-btn" href="viewer/" title="Check a Jepsen, EDN or JSON history from a real system in the log viewer">{ "Open a history…" }</a>
                { crate::components::save_as::save_as("history", true) }
            </h3>
            <div class="h-scroll">
            <svg class="history" viewBox={format!("0 0 {WIDTH} {height:.0}")} role="img"
                aria-label="Client operations over time, one lane per client">
                <g class="h-lanes">{ lane_rows }</g>
                <g class="h-ticks">{ ticks }</g>
                { now_line }
                <g class="h-bars">{ bars }</g>
            </svg>
            </div>
            <ul class="legend" aria-label="History colors">
                <li><span class="dot h-put" />{ "put" }</li>
                <li><span class="dot h-get" />{ "get" }</li>
                <li><span class="dot h-stale" />{ "stale get" }</li>
                <li><span class="dot h-failed" />{ "failed" }</li>
                <li><span class="dot h-offending" />{ "offending (no linearization)" }</li>
                <li class="dim">{ "click a bar to show it on the cluster" }</li>
            </ul>
            if !offending.is_empty() {
                <div class="h-list offending-list">
                    <h4>{ "Smallest offending set" }</h4>
                    <p class="dim small">{ "These operations cannot all be explained by one register per key, even with every other operation free to take effect within its interval or not at all." }</p>
                    <ul class="plain">
                        { for offending.iter().filter_map(|&i| lab.history.get(i)).map(|e| html! {
                            <li class="mono small" onclick={pin_to(e)} data-offending-op={format!("{}#{}", e.op.node, e.op.req)}>
                                { describe(e).replace('\n', " · ") }
                            </li>
                        }) }
                    </ul>
                </div>
            }
            if stale_total > 0 {
                <div class="h-list stale-list">
                    <h4>{ format!("Stale reads ({stale_total})") }</h4>
                    <ul class="plain">
                        { for stale.iter().take(4).map(|e| {
                            let why = e.stale.as_ref().map(|s| s.explain()).unwrap_or_default();
                            html! {
                                <li class="stale-reason small" data-stale="true" onclick={pin_to(e)}>
                                    <b class="mono">{ format!("{} at {} ms by {}", quorum::label(e), quorum::ms(e.invoke), e.client) }</b>
                                    { format!(": {why}") }
                                </li>
                            }
                        }) }
                    </ul>
                </div>
            }
        </section>
    }
}
