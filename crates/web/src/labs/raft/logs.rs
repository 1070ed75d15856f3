//! Every server's log side by side, one row per node and one column per
//! index, colored by term, committed entries solid. The window follows the
//! newest indices; the arrows page back through older ones (as far as the
//! views carry entries) and forward again.

use crate::components::topology::status_name;
use crate::snapshot::Snapshot;
use faultline_core::NodeId;
use std::rc::Rc;
use yew::prelude::*;

/// Columns shown at once.
const WINDOW: u64 = 14;

/// Logs properties.
#[derive(Properties, PartialEq)]
pub struct LogsProps {
    /// The frame.
    pub snapshot: Rc<Snapshot>,
    /// The selected node.
    pub selected: Option<NodeId>,
    /// Select a node.
    pub on_select: Callback<Option<NodeId>>,
}

/// A term's color slot (the stylesheet gives eight hues).
fn term_class(term: u64) -> String {
    format!("t{}", term % 8)
}

/// The log grid.
#[function_component(Logs)]
pub fn logs(p: &LogsProps) -> Html {
    // How many indices the window sits before the newest (0: it follows).
    let back = use_state(|| 0u64);
    let Some(view) = p.snapshot.part::<super::RaftPart>() else {
        return Html::default();
    };
    let states = || view.nodes.iter().filter_map(|n| n.state.as_ref());
    let last = states().map(|s| s.last_index).max().unwrap_or(0);
    // The oldest index any view still carries (views hold the newest 40).
    let oldest = states()
        .filter_map(|s| s.log_tail.first().map(|e| e.index))
        .min()
        .unwrap_or(1);
    let most_back = last.saturating_sub(WINDOW - 1).saturating_sub(oldest.max(1));
    let shift = (*back).min(most_back);
    let end = last - shift;
    let first = end.saturating_sub(WINDOW - 1).max(1);
    let columns: Vec<u64> = (first..=end.max(first)).collect();
    let page = |delta: i64| {
        let back = back.clone();
        Callback::from(move |_: MouseEvent| {
            let to = if delta < 0 {
                shift.saturating_add(WINDOW / 2).min(most_back)
            } else {
                shift.saturating_sub(WINDOW / 2)
            };
            back.set(to);
        })
    };
    let newest = {
        let back = back.clone();
        Callback::from(move |_: MouseEvent| back.set(0))
    };
    html! {
        <section class="panel logs" aria-label="Logs">
            <h3>{ "Logs" } <span class="dim small">{ "number = term · solid = committed · ★ = leader · ringed = configuration · S = snapshot" }</span>
                <span class="log-pager">
                    <button class="ghost" onclick={page(-1)} disabled={shift >= most_back}
                        aria-label="Older entries" title="Show older indices">{ "◀" }</button>
                    <span class="dim small mono" data-window={format!("{first}-{end}")}>{ format!("{first}–{end}") }</span>
                    <button class="ghost" onclick={page(1)} disabled={shift == 0}
                        aria-label="Newer entries" title="Show newer indices">{ "▶" }</button>
                    if shift > 0 {
                        <button class="ghost" onclick={newest} title="Follow the newest indices again">{ "newest" }</button>
                    }
                </span>
            </h3>
            <table class="loggrid">
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
