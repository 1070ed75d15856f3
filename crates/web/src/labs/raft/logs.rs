//! Every server's log side by side, one row per node and one column per
//! index, colored by term, committed entries solid. The window follows the
//! newest indices, or sits anywhere in the whole log: the slider (or the
//! wheel over the grid, or the arrows) moves it, and the lab's snapshot
//! carries just the entries of the columns shown (virtualised: a long log
//! costs a frame no more than a short one).

use crate::components::topology::status_name;
use crate::snapshot::Snapshot;
use faultline_core::NodeId;
use std::rc::Rc;
use yew::prelude::*;

/// Columns shown at once.
pub const WINDOW: u64 = 14;

/// Where the window sits: its first index, or `None` to follow the newest.
pub struct LogFrom(pub Option<u64>);

/// Logs properties.
#[derive(Properties, PartialEq)]
pub struct LogsProps {
    /// The frame.
    pub snapshot: Rc<Snapshot>,
    /// The selected node.
    pub selected: Option<NodeId>,
    /// Select a node.
    pub on_select: Callback<Option<NodeId>>,
    /// The window's first index (`None`: it follows the newest).
    pub from: Option<u64>,
    /// Move the window.
    pub on_lab: Callback<crate::labs::LabMsg>,
}

/// A term's color slot (the stylesheet gives eight hues).
fn term_class(term: u64) -> String {
    format!("t{}", term % 8)
}

/// The log grid.
#[function_component(Logs)]
pub fn logs(p: &LogsProps) -> Html {
    let Some(view) = p.snapshot.part::<super::RaftPart>() else {
        return Html::default();
    };
    let last = view
        .nodes
        .iter()
        .filter_map(|n| n.state.as_ref())
        .map(|s| s.last_index)
        .max()
        .unwrap_or(0);
    // The first index a window may start at and still end at the newest.
    let newest_first = last.saturating_sub(WINDOW - 1).max(1);
    let first = p.from.map_or(newest_first, |f| f.clamp(1, newest_first));
    let end = (first + WINDOW - 1).min(last.max(first));
    let following = p.from.is_none();
    let columns: Vec<u64> = (first..=end).collect();
    // A move to `to` (clamped); at the newest end the window follows again.
    let go = {
        let on_lab = p.on_lab.clone();
        move |to: u64| {
            let to = to.clamp(1, newest_first);
            let from = (to < newest_first).then_some(to);
            on_lab.emit(crate::labs::LabMsg(Box::new(LogFrom(from))));
        }
    };
    let step = |delta: i64| {
        let go = go.clone();
        Callback::from(move |_: MouseEvent| go(first.saturating_add_signed(delta)))
    };
    let on_slide = {
        let go = go.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            go(input.value_as_number().max(1.0) as u64);
        })
    };
    let on_wheel = {
        let go = go.clone();
        Callback::from(move |e: WheelEvent| {
            let delta = if e.delta_x().abs() > e.delta_y().abs() { e.delta_x() } else { e.delta_y() };
            if delta != 0.0 && newest_first > 1 {
                e.prevent_default();
                go(first.saturating_add_signed(if delta > 0.0 { 1 } else { -1 }));
            }
        })
    };
    let newest = {
        let go = go.clone();
        Callback::from(move |_: MouseEvent| go(newest_first))
    };
    let half = (WINDOW / 2) as i64;
    html! {
        <section class="panel logs" aria-label="Logs">
            <h3>{ "Logs" } <span class="dim small">{ "number = term · solid = committed · ★ = leader · ringed = configuration · S = snapshot" }</span>
                <span class="log-pager">
                    <button class="ghost" onclick={step(-half)} disabled={first <= 1}
                        aria-label="Older entries" title="Show older indices">{ "◀" }</button>
                    <span class="dim small mono" data-window={format!("{first}-{end}")}>{ format!("{first}–{end} of {last}") }</span>
                    <button class="ghost" onclick={step(half)} disabled={following}
                        aria-label="Newer entries" title="Show newer indices">{ "▶" }</button>
                    if !following {
                        <button class="ghost" onclick={newest} title="Follow the newest indices again">{ "newest" }</button>
                    }
                </span>
            </h3>
            if newest_first > 1 {
                <input type="range" class="log-scroll" min="1" max={newest_first.to_string()} value={first.to_string()}
                    oninput={on_slide} aria-label="Log window: first index shown" />
            }
            <table class="loggrid" onwheel={on_wheel}>
                <thead><tr><th />{ for columns.iter().map(|i| html! { <th class="mono">{ *i }</th> }) }</tr></thead>
                <tbody>
                { for view.nodes.iter().map(|n| {
                    let id = n.id;
                    let onclick = p.on_select.reform(move |_: MouseEvent| Some(id));
                    let Some(st) = n.state.as_ref() else { return Html::default() };
                    let lead = if st.role.name() == "leader" { "★ " } else { "" };
                    html! {
                        <tr key={id.0} class={classes!((p.selected == Some(id)).then_some("selected"), format!("status-{}", status_name(n.status)))}
                            data-node={id.0.to_string()} data-role={st.role.name()} data-term={st.term.to_string()}
                            data-commit={st.commit_index.to_string()} data-last={st.last_index.to_string()}
                            data-status={status_name(n.status)} {onclick}>
                            <th class="who">{ format!("{lead}{id}") }</th>
                            { for columns.iter().map(|&i| {
                                match st.log_tail.iter().find(|e| e.index == i) {
                                    Some(e) => {
                                        let committed = i <= st.commit_index;
                                        let what = if e.command.is_empty() { "no-op".to_string() }
                                            else if e.config { format!("configuration change, {}", e.command) }
                                            else { e.command.clone() };
                                        html! {
                                            <td class={classes!("cell", term_class(e.term), committed.then_some("committed"), e.config.then_some("config"))}
                                                title={format!("index {i}, term {}: {what}{}", e.term, if committed { " (committed)" } else { "" })}>
                                                { e.term }
                                            </td>
                                        }
                                    }
                                    None if i <= st.snapshot_index => html! {
                                        <td class="cell snap" title={format!("index {i} is in the snapshot (entries up to {} were compacted)", st.snapshot_index)}>{ "S" }</td>
                                    },
                                    None => html! { <td class="cell empty" /> },
                                }
                            }) }
                        </tr>
                    }
                }) }
                </tbody>
            </table>
        </section>
    }
}
