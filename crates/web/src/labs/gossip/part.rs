//! What the gossip lab reads every frame: every node as the canvas draws
//! it, how each rumor spread, and SWIM's detections.

use faultline_core::protocols::gossip::{
    self, Detection, GossipParams, GossipView, Health, RumorId, RumorStats, Spread,
};
use faultline_core::sim::{NodeStatus, SimView};
use faultline_core::NodeId;
use faultline_core::nodemap::NodeMap;

/// One gossiping node as the canvas draws it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GossipDot {
    /// Its id.
    pub id: NodeId,
    /// Up, paused, crashed, removed.
    pub status: NodeStatus,
    /// Where it stands with the rumor in focus.
    pub spread: Spread,
    /// What the live members believe of it (SWIM): dead when most of them
    /// declared it dead, suspect when any suspects it or declared it dead.
    pub health: Health,
    /// Its side of the partition, if there is one.
    pub side: Option<usize>,
}

/// What the gossip lab draws beyond the generic frame.
#[derive(Clone, Debug, PartialEq)]
pub struct GossipPart {
    /// The run's parameters.
    pub params: GossipParams,
    /// Every node, in id order.
    pub dots: Vec<GossipDot>,
    /// The rumor the colors show: the newest one started.
    pub focus: Option<RumorId>,
    /// How every rumor spread so far.
    pub rumors: Vec<RumorStats>,
    /// SWIM's death declarations so far.
    pub detections: Vec<Detection>,
    /// When each crash happened (node, ms), for detection times.
    pub crashes: Vec<(NodeId, f64)>,
    /// Every node's view (the selected node's panel reads it).
    pub view: SimView<GossipView>,
}

impl GossipPart {
    pub fn of(
        s: &faultline_core::Sim<gossip::Gossip>,
        view: SimView<GossipView>,
        groups: &[Vec<NodeId>],
    ) -> GossipPart {
        let rumors = gossip::rumor_stats(s);
        let focus = rumors.last().map(|r| r.rumor);
        // What the live members believe of each node.
        let mut suspects: NodeMap<(u32, u32)> = NodeMap::new();
        let mut live = 0u32;
        for n in view.nodes.iter().filter(|n| n.status == NodeStatus::Up) {
            live += 1;
            if let Some(swim) = n.state.as_ref().and_then(|g| g.swim.as_ref()) {
                for (target, health, _) in &swim.exceptions {
                    let e = suspects.get_or_insert_with(*target, Default::default);
                    match health {
                        Health::Dead => e.1 += 1,
                        _ => e.0 += 1,
                    }
                }
            }
        }
        let side: NodeMap<usize> = groups
            .iter()
            .enumerate()
            .flat_map(|(i, g)| g.iter().map(move |id| (*id, i)))
            .collect();
        let dots = view
            .nodes
            .iter()
            .map(|n| {
                let health = match suspects.get(n.id) {
                    Some(&(_, dead)) if 2 * dead > live => Health::Dead,
                    Some(_) => Health::Suspect,
                    None => Health::Alive,
                };
                GossipDot {
                    id: n.id,
                    status: n.status,
                    spread: match (focus, &n.state) {
                        (Some(r), Some(g)) => g.spread(r),
                        _ => Spread::Uninformed,
                    },
                    health,
                    side: side.get(n.id).copied(),
                }
            })
            .collect();
        let crashes = s
            .schedule()
            .iter()
            .take_while(|c| c.at <= view.now)
            .filter_map(|c| match c.command {
                faultline_core::Command::Crash { node } => Some((node, c.at.as_ms())),
                _ => None,
            })
            .collect();
        GossipPart {
            params: s.params().clone(),
            dots,
            focus,
            rumors,
            detections: if s.params().swim.is_some() {
                gossip::detections(s)
            } else {
                Vec::new()
            },
            crashes,
            view,
        }
    }
}
