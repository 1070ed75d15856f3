//! The network: presets, latency, loss and duplication, partitions (drawn
//! or split into k groups), cuts, one link's latency, and what a click on a
//! message in flight does to it.

use super::draft_input::DraftInput;
use crate::snapshot::Snapshot;
use faultline_core::net::{LinkParams, NetPreset};
use faultline_core::sortedmap::SortedSet;
use faultline_core::{Command, MsgId, NodeId};
use std::rc::Rc;
use yew::prelude::*;

/// What a click on a message in flight does to it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MessageFault {
    /// Drop it.
    Drop,
    /// Hold it back this many milliseconds more.
    Delay(f64),
    /// Deliver it twice.
    Duplicate,
}

impl MessageFault {
    /// The command that does it to message `id`.
    pub fn command(self, id: MsgId) -> Command {
        match self {
            MessageFault::Drop => Command::DropMessage { id },
            MessageFault::Delay(by_ms) => Command::DelayMessage { id, by_ms },
            MessageFault::Duplicate => Command::DuplicateMessage { id },
        }
    }

    /// What a click does, as a hint says it: "drop", "delay by 100 ms".
    pub fn verb(self) -> String {
        match self {
            MessageFault::Drop => "drop".into(),
            MessageFault::Delay(by_ms) => format!("delay by {by_ms} ms"),
            MessageFault::Duplicate => "duplicate".into(),
        }
    }
}

/// The delay a click adds when the reader first picks Delay.
const DEFAULT_DELAY_MS: f64 = 100.0;

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
    /// Whether the drawing has links a click selects (and messages a click
    /// drops, delays or duplicates).
    pub clickable_links: bool,
    /// What a click on a message does.
    pub message_fault: MessageFault,
    /// Choose what a click on a message does.
    pub on_message_fault: Callback<MessageFault>,
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
    ranged(label, (0.0, max), value, step, shown, on)
}

fn ranged(
    label: &str,
    (min, max): (f64, f64),
    value: f64,
    step: f64,
    shown: String,
    on: Callback<f64>,
) -> Html {
    // The browser parses the number: Rust's f64 parser and its tables would
    // add 14 kB to every page.
    let on_commit = Callback::from(move |v: String| {
        let v = js_sys::Number::parse_float(&v);
        if !v.is_nan() {
            on.emit(v);
        }
    });
    html! {
        <label class="slider">
            <span>{ label.to_string() }</span>
            <DraftInput kind="range" min={min.to_string()} max={max.to_string()} step={step.to_string()}
                value={value.to_string()} label={label.to_string()} {on_commit} />
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
    let ids = p.snapshot.present_ids();
    let split = |k: usize| {
        let on = on.clone();
        let groups = split_into(&ids, k);
        html! {
            <button onclick={Callback::from(move |_: MouseEvent| on.emit(Command::Partition { groups: groups.clone() }))}
                title={format!("Partition the nodes into {k} groups of neighbours")}>{ k }</button>
        }
    };
    let splits = (2..=4).filter(|&k| k <= ids.len()).map(split);
    let cut_buttons = p.selected_link.map(|(a, b)| {
        let cut = |from: NodeId, to: NodeId| {
            let on = on.clone();
            Callback::from(move |_: MouseEvent| on.emit(Command::Cut { from, to }))
        };
        html! {
            <div class="link-actions" data-link={format!("{}-{}", a.0, b.0)}>
                <div class="row wrap">
                    <span class="dim">{ format!("link {a} ↔ {b}:") }</span>
                    <button onclick={cut(a, b)}>{ format!("cut {a} → {b}") }</button>
                    <button onclick={cut(b, a)}>{ format!("cut {b} → {a}") }</button>
                </div>
                { direction_latency(net, a, b, &on) }
                { direction_latency(net, b, a, &on) }
            </div>
        }
    });
    let message_row = p
        .clickable_links
        .then(|| message_faults(p.message_fault, &p.on_message_fault));
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
            if !drawing && ids.len() >= 2 {
                <div class="row wrap split">
                    <span class="dim small">{ "Split into" }</span>
                    { for splits }
                    <span class="dim small">{ "groups" }</span>
                </div>
            }
            { for message_row }
            if let Some(buttons) = cut_buttons {
                { buttons }
            } else if p.clickable_links {
                <p class="dim small">{ "Click a link to cut one direction of it." }</p>
            }
            if !net.groups.is_empty() || !net.cuts.is_empty() {
                <ul class="faults">
                    if !net.groups.is_empty() {
                        <li class="partition">{ "partition: " }{ for net.groups.iter().enumerate().map(|(i, g)| group(i, g)) }</li>
                    }
                    { for net.cuts.iter().map(|(a, b)| html! { <li class="cut">{ format!("cut {a} → {b}") }</li> }) }
                </ul>
            }
        </section>
    }
}

/// The latency of one direction of a link: a slider that moves its range
/// (keeping its width), the rest of the link as it is.
fn direction_latency(
    net: &faultline_core::sim::NetworkView,
    from: NodeId,
    to: NodeId,
    on: &Callback<Command>,
) -> Html {
    let params: LinkParams = net
        .links
        .iter()
        .find(|(pair, _)| *pair == (from, to))
        .map_or(net.link, |(_, p)| *p);
    let (lo, hi) = (
        params.latency.0 as f64 / 1000.0,
        params.latency.1 as f64 / 1000.0,
    );
    let width = hi - lo;
    let on = on.clone();
    let set = Callback::from(move |v: f64| {
        on.emit(Command::Link {
            from: Some(from),
            to: Some(to),
            latency_ms: Some([v, v + width]),
            drop: Some(params.drop),
            duplicate: Some(params.duplicate),
        })
    });
    let shown = if width > 0.0 {
        format!("{lo}–{hi} ms")
    } else {
        format!("{lo} ms")
    };
    slider(&format!("{from} → {to}"), lo, 500.0, 0.5, shown, set)
}

/// The choice of what a click on a message in flight does, and the delay.
fn message_faults(fault: MessageFault, on: &Callback<MessageFault>) -> Html {
    let choice = |f: MessageFault, label: &'static str, title: &'static str| {
        let active = std::mem::discriminant(&f) == std::mem::discriminant(&fault);
        let on = on.clone();
        html! {
            <button class={classes!(active.then_some("active"))} aria-pressed={active.to_string()}
                onclick={Callback::from(move |_: MouseEvent| on.emit(f))} {title}>{ label }</button>
        }
    };
    let delay_ms = match fault {
        MessageFault::Delay(ms) => Some(ms),
        _ => None,
    };
    let delay = delay_ms.unwrap_or(DEFAULT_DELAY_MS);
    let set_delay = on.reform(|ms: f64| MessageFault::Delay(ms));
    html! {
        <div class="message-fault">
            <div class="row wrap">
                <span class="dim small">{ "Click a message to" }</span>
                <div class="seg" role="group" aria-label="Click a message to">
                    { choice(MessageFault::Drop, "drop", "It never arrives") }
                    { choice(MessageFault::Delay(delay), "delay", "It arrives later by the amount below") }
                    { choice(MessageFault::Duplicate, "duplicate", "It arrives twice") }
                </div>
            </div>
            if let Some(ms) = delay_ms {
                { ranged("delay by", (10.0, 2000.0), ms, 10.0, format!("{ms} ms"), set_delay) }
            }
        </div>
    }
}

/// `ids` in `k` groups of neighbours (by position), as even as can be.
fn split_into(ids: &[NodeId], k: usize) -> Vec<Vec<NodeId>> {
    let n = ids.len();
    (0..k)
        .map(|i| ids[i * n / k..(i + 1) * n / k].to_vec())
        .collect()
}

/// Groups larger than this are summarised by their size.
const LISTED: usize = 6;

/// One side of a partition: its members (`{n0 n1 n2}`), or for a big one
/// its size, with the members as ranges on hover (`500 nodes`: n0–n499).
fn group(i: usize, g: &[NodeId]) -> Html {
    let sep = (i > 0).then_some(" | ");
    if g.len() <= LISTED {
        let names: Vec<String> = g.iter().map(|n| n.to_string()).collect();
        return html! { <>{ for sep }<span>{ format!("{{{}}}", names.join(" ")) }</span></> };
    }
    html! {
        <>{ for sep }<span class="group-size" title={ranges(g)}>{ format!("{} nodes", g.len()) }</span></>
    }
}

/// Node ids as ranges: `n0–n3, n7, n9–n12`.
fn ranges(g: &[NodeId]) -> String {
    // Marked, not sorted: a sort would be a few kB more of every page.
    let top = g.iter().map(|n| n.0 as usize).max().unwrap_or(0);
    let mut member = vec![false; top + 1];
    for n in g {
        member[n.0 as usize] = true;
    }
    let ids: Vec<u32> = (0..=top as u32).filter(|&i| member[i as usize]).collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < ids.len() {
        let mut j = i;
        while j + 1 < ids.len() && ids[j + 1] == ids[j] + 1 {
            j += 1;
        }
        out.push(if j > i {
            format!("n{}–n{}", ids[i], ids[j])
        } else {
            format!("n{}", ids[i])
        });
        i = j + 1;
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: u32) -> Vec<NodeId> {
        (0..n).map(NodeId).collect()
    }

    #[test]
    fn a_split_keeps_neighbours_together_and_sizes_even() {
        let groups = split_into(&ids(10), 3);
        let sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
        assert_eq!(sizes, [3, 3, 4]);
        assert_eq!(groups.concat(), ids(10), "every node once, in order");
        assert_eq!(split_into(&ids(1000), 2)[1][0], NodeId(500));
    }

    #[test]
    fn a_big_group_is_named_by_ranges() {
        let g = [0, 1, 2, 3, 7, 9, 10, 11, 12].map(NodeId);
        assert_eq!(ranges(&g), "n0–n3, n7, n9–n12");
        assert_eq!(ranges(&ids(500)), "n0–n499");
    }

    #[test]
    fn each_message_fault_is_its_command() {
        let id = MsgId(7);
        assert_eq!(MessageFault::Drop.command(id), Command::DropMessage { id });
        assert_eq!(
            MessageFault::Delay(250.0).command(id),
            Command::DelayMessage { id, by_ms: 250.0 }
        );
        assert_eq!(
            MessageFault::Duplicate.command(id),
            Command::DuplicateMessage { id }
        );
        assert_eq!(MessageFault::Delay(250.0).verb(), "delay by 250 ms");
    }
}
