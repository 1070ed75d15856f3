//! The labs: one folder per protocol, each with its snapshot part, drawing,
//! panels, legend, keys, announcements, default speed and presets. The
//! registry below is the only place in the web crate that lists protocols;
//! each lab is compiled in by the cargo feature of the same name.

use crate::components::network_panel::MessageFault;
use crate::components::topology::{topology, MessageLook, TopologyProps};
use crate::snapshot::Snapshot;
use faultline_core::node::Protocol;
use faultline_core::sortedmap::SortedSet;
use faultline_core::{AnySim, Command, NodeId, ProtocolName};
use std::any::Any;
use std::rc::Rc;
use yew::prelude::*;

/// Declares the labs: one line each, `"feature" => folder: "Tab label"`
/// and its presets' ids (`www/presets/<id>.json`, `<feature>-default` first).
macro_rules! registry {
    ($($feature:literal => $lab:ident: $label:literal [$($preset:literal),* $(,)?]),* $(,)?) => {
        $(#[cfg(feature = $feature)] pub mod $lab;)*
        /// Every lab compiled in, in the order the header shows them.
        pub const LABS: &[Entry] = &[$(#[cfg(feature = $feature)] $lab::ENTRY,)*];
        /// Every lab of the site, compiled into this page or not: the
        /// header's tabs and the gallery's groups.
        pub const TABS: &[Tab] = &[$(Tab { name: $feature, label: $label, presets: &[$($preset),*] },)*];
    };
}

registry! {
    "raft" => raft: "Raft" ["raft-default", "raft-minority-partition", "raft-split-vote", "raft-zombie-leader", "raft-rejoin-disrupts", "raft-rejoin-prevote", "raft-stale-leader", "raft-check-quorum", "raft-membership", "raft-snapshot", "raft-figure-8", "raft-stress"],
    "clocks" => clocks: "Clocks" ["clocks-default", "clocks-lww-vs-vector", "clocks-stress"],
    "gossip" => gossip: "Gossip" ["gossip-default", "gossip-thousand", "gossip-partition", "gossip-mongering", "gossip-swim"],
    "quorum" => quorum: "Quorum" ["quorum-default", "quorum-stale-read", "quorum-lww-loses-a-write", "quorum-sloppy-handoff", "quorum-stress"],
    "ring" => ring: "Hash ring" ["ring-default", "ring-partition", "ring-stress"],
    "paxos" => paxos: "Paxos" ["paxos-default", "paxos-dueling", "paxos-proposer-crash", "paxos-minority", "paxos-stress"],
    "2pc" => twopc: "2PC" ["2pc-default", "2pc-one-votes-no", "2pc-coordinator-crash", "2pc-coordinator-restarts", "2pc-stress"],
}

/// Whether a lab compiled into this page has textbook bugs to switch on.
/// Known at compile time, so a page without any carries no bug switches.
pub const HAS_BUGS: bool = {
    let mut i = 0;
    let mut any = false;
    while i < LABS.len() {
        any |= !LABS[i].bugs.is_empty();
        i += 1;
    }
    any
};

/// Whether a lab compiled into this page draws the space-time diagram.
/// Known at compile time, so a page without one carries none of its code.
pub const HAS_DIAGRAM: bool = {
    let mut i = 0;
    let mut any = false;
    while i < LABS.len() {
        any |= LABS[i].diagram;
        i += 1;
    }
    any
};

/// A lab of the site, whichever page carries it.
pub struct Tab {
    /// Its route name (`#/ring`) and cargo feature.
    pub name: &'static str,
    /// Its name on its tab (`Hash ring`).
    pub label: &'static str,
    /// Its presets' ids, `<name>-default` first.
    pub presets: &'static [&'static str],
}

impl Tab {
    /// The protocol the lab shows.
    pub fn protocol(&self) -> Option<ProtocolName> {
        ProtocolName::parse(self.name)
    }
}

/// The tab of `protocol`'s lab.
pub fn tab(protocol: ProtocolName) -> Option<&'static Tab> {
    TABS.iter().find(|t| t.name == protocol.as_str())
}

/// The tab label of `protocol`'s lab.
pub fn label(protocol: ProtocolName) -> &'static str {
    tab(protocol).map_or("Lab", |t| t.label)
}

impl Entry {
    /// Its presets' ids, `<protocol>-default` first.
    pub fn presets(&self) -> &'static [&'static str] {
        tab(self.protocol).map_or(&[], |t| t.presets)
    }
}

/// What the registry knows of a lab before it runs.
pub struct Entry {
    /// The protocol it shows (its route is `#/<name>`).
    pub protocol: ProtocolName,
    /// Its protocol's textbook bugs.
    pub bugs: &'static [faultline_core::bug::Bug],
    /// The opening speed, log10 of the factor.
    pub default_speed: f64,
    /// Whether it draws the space-time diagram (and offers its toggle).
    pub diagram: bool,
    /// A fresh lab, for one run.
    pub start: fn() -> Box<dyn Lab>,
}

/// A lab while one run is shown: it takes the run's snapshots, draws them,
/// and turns its own controls and keys into commands. The shell makes a
/// fresh one for every scenario it installs.
pub trait Lab {
    /// The snapshot of `sim`, with this lab's part; `diagram` asks for the
    /// space-time diagram, `now` for costly derived data at once (rather
    /// than at most every few hundred milliseconds).
    fn snapshot(&mut self, sim: &AnySim, diagram: bool, now: bool) -> Snapshot;
    /// The cluster drawing.
    fn drawing(&self, cx: &Cx<'_>) -> Html;
    /// What the stage shows under the playback controls.
    fn stage(&self, cx: &Cx<'_>) -> Html {
        let _ = cx;
        Html::default()
    }
    /// The side panel: the selected node and the lab's actions.
    fn panel(&self, cx: &Cx<'_>) -> Html;
    /// Whether the drawing shows links a click can select (to cut one
    /// direction); labs that draw none say so, and the network panel does
    /// not offer it.
    fn clickable_links(&self) -> bool {
        true
    }
    /// The default client request to `node` (the Q key), or why there is
    /// none.
    fn request(&mut self, node: NodeId) -> Result<Command, String>;
    /// Make `node` time out now (the T key), or why the lab has no such
    /// control.
    fn timeout_now(&self, node: NodeId) -> Result<Command, String> {
        let _ = node;
        Err("T (time out now) is a Raft control.".into())
    }
    /// The notable changes since the last snapshot it was shown, in words
    /// ("n3 became leader in term 4").
    fn news(&mut self, snap: &Snapshot) -> Vec<String> {
        let _ = snap;
        Vec::new()
    }
    /// A message from the lab's own controls.
    fn update(&mut self, msg: LabMsg) {
        let _ = msg;
    }
}

/// A message a lab's controls send to the lab itself (its own type inside).
pub struct LabMsg(pub Box<dyn Any>);

impl LabMsg {
    /// The message, if it is of type `T`.
    pub fn take<T: Any>(self) -> Option<T> {
        self.0.downcast().ok().map(|b| *b)
    }
}

/// What a lab's views get from the shell.
pub struct Cx<'a> {
    /// The frame.
    pub snapshot: Rc<Snapshot>,
    /// The selected node.
    pub selected: Option<NodeId>,
    /// The selected link.
    pub selected_link: Option<(NodeId, NodeId)>,
    /// The side being drawn, in partition mode.
    pub partition: &'a Option<SortedSet<NodeId>>,
    /// Apply a command.
    pub on_command: Callback<Command>,
    /// What a click on a message in flight does.
    pub message_fault: MessageFault,
    /// Change the selection.
    pub on_select: Callback<Option<NodeId>>,
    /// Select a link.
    pub on_select_link: Callback<Option<(NodeId, NodeId)>>,
    /// Toggle a node in partition mode.
    pub on_partition_node: Callback<NodeId>,
    /// Send the lab one of its own messages.
    pub on_lab: Callback<LabMsg>,
}

impl Cx<'_> {
    /// The generic topology drawing, with a lab's message colors and what it
    /// draws under and over the nodes and as a caption.
    pub fn topology(
        &self,
        look: &'static MessageLook,
        under: Html,
        over: Html,
        caption: Html,
    ) -> Html {
        let fault = self.message_fault;
        let on_message = self.on_command.reform(move |id| fault.command(id));
        topology(&TopologyProps {
            snapshot: self.snapshot.clone(),
            look,
            selected: self.selected,
            selected_link: self.selected_link,
            partition: self.partition.clone(),
            on_select: self.on_select.clone(),
            on_select_link: self.on_select_link.clone(),
            on_partition_node: self.on_partition_node.clone(),
            on_message,
            message_verb: fault.verb(),
            under,
            over,
            caption,
        })
    }
}

/// The lab of `protocol`, if it is compiled in.
pub fn entry(protocol: ProtocolName) -> Option<&'static Entry> {
    LABS.iter().find(|e| e.protocol == protocol)
}

/// Whether the lab of `protocol` is compiled into this page.
pub fn compiled(protocol: ProtocolName) -> bool {
    entry(protocol).is_some()
}

/// Whether the lab named `name` (`"gossip"`) is compiled into this page,
/// for the page's scripts: `wasmBindings.faultline_has_lab("gossip")`.
#[wasm_bindgen::prelude::wasm_bindgen]
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub fn faultline_has_lab(name: &str) -> bool {
    LABS.iter().any(|e| e.protocol.as_str() == name)
}

/// The lab a page opens on when the link names none: the first compiled in.
pub fn first() -> &'static Entry {
    &LABS[0]
}

/// A client request of protocol `P`, as the command the simulator takes.
pub fn client<P: Protocol>(node: NodeId, request: &P::Request) -> Command {
    Command::Client {
        node,
        request: serde_json::to_value(request).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_labs_list_exactly_the_preset_files() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/presets");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| {
                let name = e.ok()?.file_name().into_string().ok()?;
                Some(name.strip_suffix(".json")?.to_string())
            })
            .collect();
        // Every file of a lab compiled in is listed by it, and nothing else.
        files.retain(|f| {
            LABS.iter()
                .any(|e| f.split('-').next() == Some(e.protocol.as_str()))
        });
        faultline_core::sorting::sort(&mut files);
        let mut listed: Vec<String> = LABS
            .iter()
            .flat_map(|e| e.presets().iter().map(|id| id.to_string()))
            .collect();
        faultline_core::sorting::sort(&mut listed);
        assert_eq!(listed, files);
        for e in LABS {
            let default = format!("{}-default", e.protocol.as_str());
            assert_eq!(e.presets().first(), Some(&default.as_str()));
        }
    }
}
