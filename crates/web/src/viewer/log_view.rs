//! A ShiViz log as a space-time diagram: one lane per host, events in
//! columns laid out as ShiViz lays them (every message points right),
//! the messages inferred from the clocks. With ShiViz's most used tools:
//! click an event for its causal past and future, shift-click another to
//! compare the two; hide a host (what happened before through it is kept);
//! highlight a host; search the events' text. A window of columns is drawn
//! at a time, so a log of 100,000 events draws as fast as one of 100.

use crate::format::{plural, px};
use faultline_core::shiviz::{Event, Log};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

const WIDTH: f64 = 1000.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 22.0;
const LANE: f64 = 46.0;
/// The widths of the window, in columns, the zoom steps through.
const SPANS: &[usize] = &[10, 20, 40, 80, 160, 320];
/// The window a log opens with.
const FIRST_SPAN: usize = 40;

/// Log view properties.
#[derive(Properties)]
pub struct LogViewProps {
    /// The log, every host shown.
    pub log: Rc<Log>,
}

impl PartialEq for LogViewProps {
    /// The same log: a log of 100,000 events is never compared whole.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.log, &other.log)
    }
}

/// The log as drawn: the hosts not hidden, and where each event goes.
struct Layout {
    log: Rc<Log>,
    /// Each event's column.
    column: Vec<usize>,
    /// Events by column.
    by_column: Vec<usize>,
    /// Columns in all.
    columns: usize,
    /// Each event's kind of dot: sends, receives, or local.
    mark: Vec<&'static str>,
    /// Why hiding failed, if it did (the whole log is shown then).
    error: Option<String>,
}

impl Layout {
    fn new(full: &Rc<Log>, hidden: &[String]) -> Layout {
        let (log, error) = if hidden.is_empty() {
            (full.clone(), None)
        } else {
            match full.without(hidden) {
                Ok(l) => (Rc::new(l), None),
                Err(e) => (full.clone(), Some(e.to_string())),
            }
        };
        let column = log.columns();
        let mut by_column: Vec<usize> = (0..log.events.len()).collect();
        by_column.sort_by_key(|&i| (column[i], i));
        let columns = column.iter().max().map_or(0, |c| c + 1);
        let mut mark = vec!["local"; log.events.len()];
        for &[from, to] in &log.messages {
            if mark[from] == "local" {
                mark[from] = "send";
            }
            mark[to] = "recv";
        }
        Layout {
            log,
            column,
            by_column,
            columns,
            mark,
            error,
        }
    }
}

/// Whether `e` matches the search `q` (lower case).
fn matches(e: &Event, q: &str) -> bool {
    !q.is_empty()
        && (e.text.to_lowercase().contains(q)
            || e.host.to_lowercase().contains(q)
            || e.fields.values().any(|v| v.to_lowercase().contains(q)))
}

/// A clock as ShiViz prints it: `{"a":1, "b":3}`.
fn clock_text(e: &Event) -> String {
    let parts: Vec<String> = e
        .clock
        .iter()
        .map(|(h, n)| format!("\"{h}\":{n}"))
        .collect();
    format!("{{{}}}", parts.join(", "))
}

/// The view.
#[function_component(LogView)]
pub fn log_view(p: &LogViewProps) -> Html {
    let hidden = use_state(Vec::<String>::new);
    let layout = {
        let log = p.log.clone();
        let key = (Rc::as_ptr(&log) as usize, (*hidden).clone());
        use_memo(key, move |(_, hidden)| Layout::new(&log, hidden))
    };
    let selected = use_state(|| None::<usize>);
    let compare = use_state(|| None::<usize>);
    let highlight = use_state(|| None::<String>);
    let query = use_state(String::new);
    let span = use_state(|| FIRST_SPAN);
    let start = use_state(|| 0usize);

    let log = &layout.log;
    let span_n = (*span).min(layout.columns.max(1));
    let last_start = layout.columns.saturating_sub(span_n);
    let first = (*start).min(last_start);
    let end = first + span_n;
    let longest = log
        .hosts
        .iter()
        .map(|h| h.chars().count())
        .max()
        .unwrap_or(1);
    let left = (longest as f64 * 8.5 + 18.0).clamp(48.0, 170.0);
    let col_w = (WIDTH - left - RIGHT) / span_n as f64;
    let x = |c: usize| left + (c as f64 - first as f64 + 0.5) * col_w;
    let lane = |host: &str| log.hosts.iter().position(|h| h == host).unwrap_or(0);
    let y = |host: &str| TOP + lane(host) as f64 * LANE;
    let height = TOP * 2.0 + (log.hosts.len().max(1) - 1) as f64 * LANE;
    let r = (col_w / 3.2).clamp(2.5, 7.0);
    let q = query.to_lowercase();
    // The matches, in column order; found again only when the log or the
    // search changes, not on every click.
    let found = {
        let layout = layout.clone();
        let key = (Rc::as_ptr(&layout) as usize, q.clone());
        use_memo(key, move |(_, q)| {
            if q.is_empty() {
                return Vec::new();
            }
            layout
                .by_column
                .iter()
                .copied()
                .filter(|&i| matches(&layout.log.events[i], q))
                .collect::<Vec<usize>>()
        })
    };
    // A new search brings its first match into view (from the matches
    // found above, not a second scan).
    {
        let (start, selected) = (start.clone(), selected.clone());
        let (layout, found) = (layout.clone(), found.clone());
        use_effect_with(q.clone(), move |_| {
            if let Some(&i) = found.first() {
                start.set(layout.column[i].saturating_sub(span_n / 4));
                selected.set(None);
            }
        });
    }
    let sel = selected.filter(|&s| s < log.events.len());
    let cmp = compare.filter(|&c| c < log.events.len() && Some(c) != sel);

    let lanes: Html = log
        .hosts
        .iter()
        .map(|h| {
            let lit = highlight.as_deref() == Some(h.as_str());
            let yy = y(h);
            html! {
                <g class={classes!("lane", lit.then_some("lit"))}>
                    <text x="6" y={px(yy)}><title>{ h.clone() }</title>{ short(h, 18) }</text>
                    <line x1={px(left)} x2={px(WIDTH - RIGHT)} y1={px(yy)} y2={px(yy)} />
                </g>
            }
        })
        .collect();
    let arrows: Html = log
        .messages
        .iter()
        .filter(|&&[a, b]| layout.column[a] < end && layout.column[b] >= first)
        .map(|&[a, b]| {
            let (ea, eb) = (&log.events[a], &log.events[b]);
            html! {
                <line x1={px(x(layout.column[a]))} y1={px(y(&ea.host))} x2={px(x(layout.column[b]))} y2={px(y(&eb.host))} />
            }
        })
        .collect();
    let lo = layout
        .by_column
        .partition_point(|&i| layout.column[i] < first);
    let hi = layout
        .by_column
        .partition_point(|&i| layout.column[i] < end);
    let dots: Html = layout.by_column[lo..hi]
        .iter()
        .map(|&i| {
            let e = &log.events[i];
            let rel = match sel {
                Some(s) if s == i => "chosen",
                Some(s) if log.before(i, s) => "past",
                Some(s) if log.before(s, i) => "future",
                Some(_) => "concurrent",
                None => "",
            };
            let class = classes!(
                "point",
                layout.mark[i],
                (!rel.is_empty()).then_some(rel),
                (cmp == Some(i)).then_some("paired"),
                highlight.as_ref().is_some_and(|h| *h != e.host).then_some("faded"),
                matches(e, &q).then_some("found"),
            );
            let (selected, compare) = (selected.clone(), compare.clone());
            let onclick = Callback::from(move |ev: MouseEvent| {
                ev.stop_propagation();
                if ev.shift_key() {
                    compare.set(Some(i));
                } else {
                    selected.set(Some(i));
                    compare.set(None);
                }
            });
            html! {
                <circle {class} cx={px(x(layout.column[i]))} cy={px(y(&e.host))} r={px(r)} {onclick} data-event={i.to_string()}>
                    <title>{ format!("{}: {} (line {})", e.host, e.text, e.line) }</title>
                </circle>
            }
        })
        .collect();

    let on_query = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                query.set(input.value());
            }
        })
    };
    let next_match = {
        let (start, selected) = (start.clone(), selected.clone());
        let layout = layout.clone();
        let found = found.clone();
        Callback::from(move |_: MouseEvent| {
            // The match after the selected one in column order, or the
            // first one after the selected event's column.
            let column = &layout.column;
            let next = match sel.and_then(|s| found.iter().position(|&i| i == s)) {
                Some(at) => found.get(at + 1),
                None => {
                    let from = sel.map_or(0, |s| column[s]);
                    found.iter().find(|&&i| column[i] >= from)
                }
            }
            .or_else(|| found.first())
            .copied();
            if let Some(i) = next {
                selected.set(Some(i));
                start.set(column[i].saturating_sub(span_n / 4));
            }
        })
    };
    let zoom = |by: i32| {
        let (span, start) = (span.clone(), start.clone());
        let now = span_n;
        Callback::from(move |_: MouseEvent| {
            let at = SPANS
                .iter()
                .position(|&s| s >= now)
                .unwrap_or(SPANS.len() - 1) as i32;
            let next = SPANS[(at + by).clamp(0, SPANS.len() as i32 - 1) as usize];
            // Zoom about the middle of the window.
            let middle = first + now / 2;
            start.set(middle.saturating_sub(next / 2));
            span.set(next);
        })
    };
    let on_scroll = {
        let start = start.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                start.set(input.value().parse().unwrap_or(0));
            }
        })
    };
    let step = |by: isize| {
        let start = start.clone();
        Callback::from(move |_: MouseEvent| {
            start.set(first.saturating_add_signed(by).min(last_start));
        })
    };
    let clear = {
        let (selected, compare) = (selected.clone(), compare.clone());
        Callback::from(move |_: MouseEvent| {
            selected.set(None);
            compare.set(None);
        })
    };

    let hosts: Html = p
        .log
        .hosts
        .iter()
        .map(|h| {
            let is_hidden = hidden.contains(h);
            let lit = highlight.as_deref() == Some(h.as_str());
            let toggle_hide = {
                let (hidden, h) = (hidden.clone(), h.clone());
                let (selected, compare) = (selected.clone(), compare.clone());
                let highlight = highlight.clone();
                Callback::from(move |_: MouseEvent| {
                    // Events are numbered anew without the host.
                    selected.set(None);
                    compare.set(None);
                    if highlight.as_ref() == Some(&h) {
                        highlight.set(None);
                    }
                    let mut list = (*hidden).clone();
                    if let Some(at) = list.iter().position(|x| *x == h) {
                        list.remove(at);
                    } else {
                        list.push(h.clone());
                    }
                    hidden.set(list);
                })
            };
            let toggle_lit = {
                let (highlight, h) = (highlight.clone(), h.clone());
                Callback::from(move |_: MouseEvent| {
                    highlight.set((!lit).then(|| h.clone()));
                })
            };
            let shown_hosts = p.log.hosts.len().saturating_sub(hidden.len());
            html! {
                <li class={classes!("host", is_hidden.then_some("hidden"))}>
                    <span class="mono" title={h.clone()}>{ short(h, 24) }</span>
                    <button type="button" onclick={toggle_hide} aria-pressed={is_hidden.to_string()}
                        disabled={!is_hidden && shown_hosts <= 1}
                        title="Hide this host; what happened before through it is kept as messages between the others">
                        { if is_hidden { "Show" } else { "Hide" } }
                    </button>
                    <button type="button" class={classes!(lit.then_some("active"))} onclick={toggle_lit} aria-pressed={lit.to_string()} disabled={is_hidden}>
                        { "Highlight" }
                    </button>
                </li>
            }
        })
        .collect();

    let detail = sel.map(|s| {
        let e = &log.events[s];
        let past = (0..log.events.len()).filter(|&i| log.before(i, s)).count();
        let future = (0..log.events.len()).filter(|&i| log.before(s, i)).count();
        html! {
            <div class="event-detail" data-selected-event={s.to_string()}>
                <p class="mono"><b>{ format!("{} · line {}", e.host, e.line) }</b>{ format!(" · {}", e.text) }</p>
                <p class="mono small">{ clock_text(e) }</p>
                { for e.fields.iter().map(|(k, v)| html! { <p class="mono small">{ format!("{k}: {v}") }</p> }) }
                <p class="dim small">{ format!("causal past {past} · future {future} · concurrent {}", log.events.len() - 1 - past - future) }</p>
            </div>
        }
    });
    let relation = sel.zip(cmp).map(|(a, b)| {
        let (ea, eb) = (&log.events[a], &log.events[b]);
        let how = if log.before(a, b) {
            "a happened before b"
        } else if log.before(b, a) {
            "b happened before a"
        } else {
            "a and b are concurrent: neither clock covers the other"
        };
        html! {
            <p class="mono relation">
                { format!("a = {} line {}, b = {} line {}: {how}", ea.host, ea.line, eb.host, eb.line) }
            </p>
        }
    });

    let counts = format!(
        "{} on {} · {}{}",
        plural(log.events.len(), "event"),
        plural(log.hosts.len(), "host"),
        plural(log.messages.len(), "message"),
        if log.skipped > 0 {
            format!(" · {} the parser skipped", plural(log.skipped, "line"))
        } else {
            String::new()
        }
    );
    html! {
            <div class="log-view">
                <section class="panel spacetime" aria-label="Space-time diagram of the log">
                    <h3>
                        { "Space-time" }
                        <span class="dim small">{ counts }</span>
                        <span class="spacer" />
                        { crate::components::save_as::save_as("log", true) }
                    </h3>
                    if let Some(e) = &layout.error {
                        <p class="error">{ e.clone() }</p>
                    }
                    <div class="row wrap log-tools">
                        <label class="inline search">
                            <span>{ "Search" }</span>
                            <input type="search" value={(*query).clone()} oninput={on_query} placeholder="event text" aria-label="Search the events" />
                        </label>
                        if !q.is_empty() {
                            <span class="small" role="status">{ format!("{} match", plural(found.len(), "event")) }</span>
                            <button type="button" onclick={next_match} disabled={found.is_empty()}>{ "Next" }</button>
                        }
                        <span class="spacer" />
                        <span class="small dim">{ format!("columns {}–{} of {}", first + 1, end.min(layout.columns), layout.columns) }</span>
                        <button type="button" onclick={step(-(span_n as isize) / 2)} disabled={first == 0} aria-label="Earlier">{ "◀" }</button>
                        <button type="button" onclick={step(span_n as isize / 2)} disabled={first >= last_start} aria-label="Later">{ "▶" }</button>
                        <button type="button" onclick={zoom(-1)} disabled={span_n <= SPANS[0]} aria-label="Zoom in">{ "+" }</button>
                        <button type="button" onclick={zoom(1)} disabled={span_n >= layout.columns} aria-label="Zoom out">{ "−" }</button>
                    </div>
                    if last_start > 0 {
                        <input class="window" type="range" min="0" max={last_start.to_string()} value={first.to_string()} oninput={on_scroll} aria-label="Scroll through the log" />
                    }
                    <div class="scroll-x">
    <svg viewBox={format!("0 0 {WIDTH} {height:.0}")} role="img" aria-label="Space-time diagram" onclick={clear}>
                        <defs>
                            <clipPath id="log-clip"><rect x={px(left - r)} y="0" width={px(WIDTH - left - RIGHT + 2.0 * r)} height={format!("{height:.0}")} /></clipPath>
                        </defs>
                        <g class="lanes">{ lanes }</g>
                        <g clip-path="url(#log-clip)">
                            <g class="arrow">{ arrows }</g>
                            <g class="points">{ dots }</g>
                        </g>
                    </svg>
    </div>
                    { detail }
                    { relation }
                    <p class="dim small">{ "Click an event for its causal past (green) and future (purple); shift-click another to compare the two." }</p>
                </section>
                <section class="panel hosts" aria-label="Hosts">
                    <h3>{ "Hosts" }</h3>
                    <ul class="host-list">{ hosts }</ul>
                </section>
            </div>
        }
}

/// `s` cut to `n` characters, with an ellipsis when cut.
fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(n - 1).collect();
        out.push('…');
        out
    }
}
