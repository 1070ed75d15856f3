//! The leaderless quorum lab: a Dynamo-style store with N, R and W, each
//! operation's read and write sets drawn on the cluster, the history drawn
//! and checked for linearizability, and probabilistic staleness.

mod history;
mod overlay;
mod panel;
mod part;
mod words;

use super::{client, Cx, Entry, Lab, LabMsg};
use crate::components::topology::MessageLook;
use crate::snapshot::{FrameSpec, Part, Snapshot};
use faultline_core::protocols::quorum::{OpRef, Quorum, QuorumRequest, VClock};
use faultline_core::{AnySim, Command, NodeId, ProtocolName};
use history::QuorumHistory;
use panel::QuorumPanel;
pub use part::{LinearizabilityCache, QuorumPart};
use yew::prelude::*;

/// The quorum lab in the registry.
pub const ENTRY: Entry = Entry {
    protocol: ProtocolName::Quorum,
    bugs: <faultline_core::protocols::quorum::Quorum as faultline_core::node::Protocol>::BUGS,
    // Requests take a few round trips: a little faster than Raft.
    default_speed: -1.1,
    // Its operations show in the history view, not on a space-time diagram.
    diagram: false,
    start: || Box::<QuorumLab>::default(),
};

/// The quorum lab's message colors and legend.
const LOOK: MessageLook = MessageLook {
    classes: &[
        ("Get", "k-get"),
        ("GetReply", "k-get-reply"),
        ("Put", "k-put"),
        ("PutAck", "k-put-ack"),
        ("ReadRepair", "k-repair"),
        ("Handoff", "k-handoff"),
        ("HandoffAck", "k-handoff"),
        ("Digest", "k-sync"),
        ("DigestReply", "k-sync"),
        ("Sync", "k-sync"),
        ("client", "k-client"),
    ],
    legend: &[
        ("k-get", "Get"),
        ("k-get-reply", "GetReply"),
        ("k-put", "Put"),
        ("k-put-ack", "PutAck"),
        ("k-repair", "read repair"),
        ("k-handoff", "hinted handoff"),
        ("k-sync", "anti-entropy"),
    ],
};

/// The PBS calculator's address (the `pbs` page, beside the labs) for a
/// run's N, R, W and link latency, µs.
pub fn pbs_address(n: u32, r: u32, w: u32, (lo, hi): (u64, u64)) -> String {
    use crate::format::ms;
    format!("pbs/?n={n}&r={r}&w={w}&latency={}-{}", ms(lo), ms(hi))
}

/// The quorum lab's own message: focus an operation (or follow the latest).
struct Focus(Option<OpRef>);

/// The quorum lab while a run is shown.
#[derive(Default)]
pub struct QuorumLab {
    /// The operation pinned in focus, if any (else the latest).
    focus_op: Option<OpRef>,
    linearizability: LinearizabilityCache,
    /// Client requests sent with Q so far.
    requests: u32,
    /// Stale reads seen at the last snapshot.
    stale: usize,
}

impl QuorumLab {
    /// The history index in focus.
    fn focus(&self, cx: &Cx<'_>) -> Option<usize> {
        let lab = cx.snapshot.part::<QuorumPart>()?;
        words::focus(lab, self.focus_op)
    }

    fn on_focus(cx: &Cx<'_>) -> Callback<Option<OpRef>> {
        cx.on_lab.reform(|op| LabMsg(Box::new(Focus(op))))
    }
}

impl Lab for QuorumLab {
    fn snapshot(&mut self, sim: &AnySim, _diagram: bool, now: bool) -> Snapshot {
        let Some(s) = sim.get::<Quorum>() else {
            return Snapshot::bare(sim);
        };
        let view = s.view();
        let mut snap = Snapshot::frame(sim, &view, FrameSpec::default());
        let mut part = QuorumPart::of(s, view);
        self.linearizability.fill(&mut part, now);
        snap.part = Part::of(part);
        snap
    }

    fn drawing(&self, cx: &Cx<'_>) -> Html {
        let Some(lab) = cx.snapshot.part::<QuorumPart>() else {
            return Html::default();
        };
        let focus = self.focus(cx);
        let o = overlay::overlay(
            &cx.snapshot,
            lab,
            focus,
            self.focus_op.is_some(),
            &QuorumLab::on_focus(cx),
        );
        cx.topology(&LOOK, o.under, o.over, o.caption)
    }

    fn stage(&self, cx: &Cx<'_>) -> Html {
        let Some(lab) = cx.snapshot.part::<QuorumPart>() else {
            return Html::default();
        };
        html! {
            <>
                <QuorumHistory snapshot={cx.snapshot.clone()} focus={self.focus(cx)}
                    on_focus={QuorumLab::on_focus(cx)} />
                // Its own page, loaded when scrolled near: the Monte Carlo
                // and its chart stay out of this lab's wasm.
                <iframe class="pbs-frame" loading="lazy" title="Probabilistically bounded staleness"
                    src={pbs_address(lab.params.n, lab.params.r, lab.params.w, cx.snapshot.network.link.latency)} />
            </>
        }
    }

    fn panel(&self, cx: &Cx<'_>) -> Html {
        html! {
            <QuorumPanel
                snapshot={cx.snapshot.clone()}
                selected={cx.selected}
                on_command={cx.on_command.clone()}
                on_select={cx.on_select.clone()}
            />
        }
    }

    fn request(&mut self, node: NodeId) -> Result<Command, String> {
        self.requests += 1;
        let put = QuorumRequest::Put {
            key: "k0".into(),
            value: format!("q{}", self.requests),
            w: None,
            context: VClock::default(),
        };
        Ok(client::<Quorum>(node, &put))
    }

    fn news(&mut self, snap: &Snapshot) -> Vec<String> {
        let stale: Vec<NodeId> = snap.part::<QuorumPart>().map_or_else(Vec::new, |q| {
            q.history
                .iter()
                .filter(|h| h.stale.is_some())
                .map(|h| h.op.node)
                .collect()
        });
        let old = std::mem::replace(&mut self.stale, stale.len());
        stale
            .iter()
            .skip(old)
            .map(|n| format!("stale read at {n}"))
            .collect()
    }

    fn update(&mut self, msg: LabMsg) {
        if let Some(Focus(op)) = msg.take() {
            self.focus_op = op;
        }
    }
}
