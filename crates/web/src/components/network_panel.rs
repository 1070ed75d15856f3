//! The network: presets, latency, loss and duplication, partitions, cuts.

use crate::snapshot::Snapshot;
use faultline_core::net::NetPreset;
use faultline_core::sortedmap::SortedSet;
use faultline_core::{Command, NodeId};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Network panel properties.
pub struct NetworkPanelProps {
    /// The frame.
    pub snapshot: Rc<Snapshot>,
    /// The selected link.
    pub selected_link: Option<(NodeId, NodeId)>,
    /// The side being drawn, in partition mode.
    pub partition: Option<SortedSet<NodeId>>,
    /// Apply a command.
    pub on_command: Callback<Command>,
    /// Enter or leave partition drawing.
    pub on_partition_mode: Callback<bool>,
    /// Apply the drawn partition.
    pub on_apply_partition: Callback<()>,
    /// Whether the drawing has links a click selects.
    pub clickable_links: bool,
}

fn link_command(
    latency_ms: Option<[f64; 2]>,
    drop: Option<f64>,
    duplicate: Option<f64>,
) -> Command {
    Command::Link {
        from: None,
        to: None,
        latency_ms,
        drop,
        duplicate,
    }
}

fn slider(label: &str, value: f64, max: f64, step: f64, shown: String, on: Callback<f64>) -> Html {
    let onchange = Callback::from(move |e: Event| {
        if let Some(v) = e
            .target_dyn_into::<HtmlInputElement>()
            .map(|i| i.value_as_number())
            .filter(|v| !v.is_nan())
        {
            on.emit(v);
        }
    });
    html! {
        <label class="slider">
            <span>{ label.to_string() }</span>
            <input type="range" min="0" max={max.to_string()} step={step.to_string()} value={value.to_string()}
                {onchange} aria-label={label.to_string()} />
            <output class="mono">{ shown }</output>
        </label>
    }
}

/// The panel.
pub fn network_panel(p: &NetworkPanelProps) -> Html {
    let net = &p.snapshot.network;
    let link = net.link;
    let (lo, hi) = (
        link.latency.0 as f64 / 1000.0,
        link.latency.1 as f64 / 1000.0,
    );
    let on = p.on_command.clone();
    let preset = |preset: NetPreset, label: &'static str| {
        let on = on.clone();
        let params = preset.params();
        let active = params.latency == link.latency;
        let onclick = Callback::from(move |_: MouseEvent| {
            let l = params.latency;
            on.emit(link_command(
                Some([l.0 as f64 / 1000.0, l.1 as f64 / 1000.0]),
                None,
                None,
            ))
        });
        html! { <button class={classes!(active.then_some("active"))} {onclick}>{ label }</button> }
    };
    let set_min = {
        let on = on.clone();
        Callback::from(move |v: f64| on.emit(link_command(Some([v, hi.max(v)]), None, None)))
    };
    let set_max = {
        let on = on.clone();
        Callback::from(move |v: f64| on.emit(link_command(Some([lo.min(v), v]), None, None)))
    };
    let set_drop = {
        let on = on.clone();
        Callback::from(move |v: f64| on.emit(link_command(None, Some(v), None)))
    };
    let set_dup = {
        let on = on.clone();
        Callback::from(move |v: f64| on.emit(link_command(None, None, Some(v))))
    };
    let heal = {
        let on = on.clone();
        Callback::from(move |_: MouseEvent| on.emit(Command::Heal))
    };
    let drawing = p.partition.is_some();
    let draw = p.on_partition_mode.reform(|_: MouseEvent| true);
    let cancel = p.on_partition_mode.reform(|_: MouseEvent| false);
    let apply = p.on_apply_partition.reform(|_: MouseEvent| ());
    let names = |g: &[NodeId]| {
        g.iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let cut_buttons = p.selected_link.map(|(a, b)| {
        let cut = |from: NodeId, to: NodeId| {
            let on = on.clone();
            Callback::from(move |_: MouseEvent| on.emit(Command::Cut { from, to }))
        };
        html! {
            <div class="row wrap link-actions" data-link={format!("{}-{}", a.0, b.0)}>
                <span class="dim">{ format!("link {a} ↔ {b}:") }</span>
                <button onclick={cut(a, b)}>{ format!("cut {a} → {b}") }</button>
                <button onclick={cut(b, a)}>{ format!("cut {b} → {a}") }</button>
            </div>
        }
    });
    html! {
        <section class="panel network" aria-label="Network">
            <h3>{ "Network" }</h3>
            <div class="row wrap presets">
                { preset(NetPreset::Lan, "LAN") }
                { preset(NetPreset::Region, "Region") }
                { preset(NetPreset::Wan, "WAN") }
            </div>
            { slider("latency min", lo, 200.0, 0.5, format!("{lo} ms"), set_min) }
            { slider("latency max", hi, 200.0, 0.5, format!("{hi} ms"), set_max) }
            { slider("drop", link.drop, 0.5, 0.01, format!("{:.0} %", link.drop * 100.0), set_drop) }
            { slider("duplicates", link.duplicate, 0.5, 0.01, format!("{:.0} %", link.duplicate * 100.0), set_dup) }
            <div class="row wrap">
                if drawing {
                    <button class="primary" onclick={apply}>{ "Apply partition" }</button>
                    <button onclick={cancel}>{ "Cancel" }</button>
                } else {
                    <button onclick={draw}>{ "Draw partition" }</button>
                }
                <button onclick={heal} title="H">{ "Heal" }</button>
            </div>
            if let Some(buttons) = cut_buttons {
                { buttons }
            } else if p.clickable_links {
                <p class="dim small">{ "Click a link to cut one direction of it." }</p>
            }
            if !net.groups.is_empty() || !net.cuts.is_empty() {
                <ul class="faults">
                    if !net.groups.is_empty() {
                        <li class="partition">{ "partition: " }{ net.groups.iter().map(|g| format!("{{{}}}", names(g))).collect::<Vec<_>>().join(" | ") }</li>
                    }
                    { for net.cuts.iter().map(|(a, b)| html! { <li class="cut">{ format!("cut {a} → {b}") }</li> }) }
                </ul>
            }
        </section>
    }
}
