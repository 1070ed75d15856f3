//! The fault controls every node has, whatever the protocol: crash or
//! restart, pause or resume, clock rate.

use faultline_core::sim::NodeStatus;
use faultline_core::{Command, NodeId};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Clock rates offered for skew.
const RATES: &[(f64, &str)] = &[
    (0.25, "0.25× (slow)"),
    (0.5, "0.5×"),
    (1.0, "1× (exact)"),
    (2.0, "2×"),
    (4.0, "4× (fast)"),
];

/// Node actions properties.
pub struct NodeActionsProps {
    /// The node.
    pub node: NodeId,
    /// Its status.
    pub status: NodeStatus,
    /// Its clock rate.
    pub clock_rate: f64,
    /// Apply a command.
    pub on_command: Callback<Command>,
    /// Protocol-specific buttons shown after the generic ones.
    pub children: Html,
}

/// The buttons and the clock selector.
pub fn node_actions(p: &NodeActionsProps) -> Html {
    let id = p.node;
    let cmd = |c: Command| {
        let on = p.on_command.clone();
        Callback::from(move |_: MouseEvent| on.emit(c.clone()))
    };
    let (crash_label, crash) = match p.status {
        NodeStatus::Crashed => ("Restart", cmd(Command::Restart { node: id })),
        _ => ("Crash", cmd(Command::Crash { node: id })),
    };
    let (pause_label, pause) = match p.status {
        NodeStatus::Paused => ("Resume", cmd(Command::Resume { node: id })),
        _ => ("Pause", cmd(Command::Pause { node: id })),
    };
    let skew = {
        let on = p.on_command.clone();
        Callback::from(move |e: Event| {
            if let Some(rate) = e
                .target_dyn_into::<HtmlSelectElement>()
                .and_then(|s| faultline_core::decimal::parse(&s.value()))
            {
                on.emit(Command::Skew { node: id, rate });
            }
        })
    };
    html! {
        <div class="row wrap">
            <button onclick={crash} title="C">{ crash_label }</button>
            <button onclick={pause} disabled={p.status == NodeStatus::Crashed} title="P">{ pause_label }</button>
            { p.children.clone() }
            <label class="inline">
                <span>{ "clock" }</span>
                <select onchange={skew} aria-label="Clock rate">
                    { for RATES.iter().map(|(r, label)| html! {
                        <option value={r.to_string()} selected={(p.clock_rate - r).abs() < 1e-9}>{ *label }</option>
                    }) }
                </select>
            </label>
        </div>
    }
}
