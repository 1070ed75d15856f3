//! A placement: the members, the strategy, and the ring it builds.

use super::hash::{combine, hash_key, hash_node, hash_vnode};
use super::hrw;
use super::jump::jump_hash;
use super::strategy::Strategy;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// The most virtual nodes per unit of weight.
pub const MAX_VNODES: u32 = 512;

/// The most ring points one member may get after weighting
/// (`MAX_VNODES` times a weight of 128).
pub const MAX_POINTS_PER_NODE: u32 = 65_536;

/// The longest preference list built without a scratch table: up to this
/// many nodes, the list itself records which nodes are already chosen.
const SHORT_LIST: usize = 16;

/// A node taking part in the placement.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// The node's id.
    pub node: u32,
    /// Its relative capacity: finite and above 0; 1 is the norm.
    /// `ring` and `bounded` give it `round(vnodes · weight)` virtual nodes
    /// (at least one), `rendezvous` uses it in the score; `mod` and `jump`
    /// ignore it.
    pub weight: f64,
}

impl Member {
    /// A member of weight 1.
    pub fn new(node: u32) -> Member {
        Member { node, weight: 1.0 }
    }
}

/// Where keys live, for one set of members under one [`Strategy`].
///
/// Keys are numbered `0..k` and hashed with [`hash_key`]. Members are kept
/// sorted by node id; `mod` and `jump` number their buckets by position in
/// that list, so bucket `i` is the `i`-th smallest node id (counting from
/// 0). Removing any member but the last one
/// renumbers the buckets after it, and then `jump` moves most keys between
/// nodes that stayed: jump hashing suits a cluster that only appends members
/// or removes the last one (Lamping & Veach 2014, abstract: "the buckets
/// must be numbered sequentially").
#[derive(Clone, Debug)]
pub struct Placement {
    strategy: Strategy,
    members: Vec<Member>,
    vnodes: u32,
    epsilon: f64,
    /// `ring` and `bounded`: virtual node positions and their node, sorted.
    ring: Vec<(u64, u32)>,
    /// The member index of each entry of `ring`.
    ring_member: Vec<u32>,
    /// `rendezvous`: [`hash_node`] of each member.
    node_hashes: Vec<u64>,
    /// `rendezvous`: every weight is the same, so rank by the hash alone.
    uniform: bool,
}

impl Placement {
    /// A placement of `members` (any order; kept sorted by node id) under
    /// `strategy`, with `vnodes` virtual nodes per unit of weight on the ring
    /// and the load slack `epsilon` of `bounded`.
    ///
    /// Every strategy checks `members` (at least one, distinct node ids,
    /// weights finite and above 0) and `vnodes` (`1..=512`); only `bounded`
    /// reads `epsilon`, which must be finite and above 0. The error names
    /// the offending field.
    pub fn new(
        strategy: Strategy,
        members: &[Member],
        vnodes: u32,
        epsilon: f64,
    ) -> Result<Placement, String> {
        if members.is_empty() {
            return Err("members: at least one member is required".into());
        }
        if u32::try_from(members.len()).is_err() {
            return Err(format!("members: at most {} members", u32::MAX));
        }
        if !(1..=MAX_VNODES).contains(&vnodes) {
            return Err(format!("vnodes: must be in 1..={MAX_VNODES}, got {vnodes}"));
        }
        if strategy == Strategy::Bounded && !(epsilon.is_finite() && epsilon > 0.0) {
            return Err(format!(
                "epsilon: must be finite and above 0, got {epsilon}"
            ));
        }
        let mut members = members.to_vec();
        crate::sorting::sort_by_key(&mut members, |m| m.node);
        for m in &members {
            if !(m.weight.is_finite() && m.weight > 0.0) {
                return Err(format!(
                    "weight: node {} has weight {}; weights must be finite and above 0",
                    m.node, m.weight
                ));
            }
        }
        if let Some(pair) = members.windows(2).find(|p| p[0].node == p[1].node) {
            return Err(format!("members: node {} appears twice", pair[0].node));
        }
        let mut placement = Placement {
            strategy,
            members,
            vnodes,
            epsilon,
            ring: Vec::new(),
            ring_member: Vec::new(),
            node_hashes: Vec::new(),
            uniform: true,
        };
        match strategy {
            Strategy::Ring | Strategy::Bounded => placement.build_ring()?,
            Strategy::Rendezvous => {
                let m = &placement.members;
                placement.node_hashes = m.iter().map(|m| hash_node(m.node)).collect();
                placement.uniform = m.windows(2).all(|p| p[0].weight == p[1].weight);
            }
            Strategy::Mod | Strategy::Jump => {}
        }
        Ok(placement)
    }

    /// Puts `round(vnodes · weight)` (at least 1) points per member on the
    /// ring, at [`hash_vnode`]`(node, 0..count)`: a heavier weight only adds
    /// points, so raising a weight moves keys only onto that node.
    fn build_ring(&mut self) -> Result<(), String> {
        let mut points = Vec::new();
        for (index, m) in (0_u32..).zip(&self.members) {
            let count = (f64::from(self.vnodes) * m.weight).round().max(1.0);
            if count > f64::from(MAX_POINTS_PER_NODE) {
                return Err(format!(
                    "weight: node {} has weight {}, giving {count} virtual nodes; \
                     at most {MAX_POINTS_PER_NODE} per node",
                    m.node, m.weight
                ));
            }
            // In 1..=MAX_POINTS_PER_NODE, so the cast is exact.
            let count = count as u32;
            points.extend((0..count).map(|r| (hash_vnode(m.node, r), m.node, index)));
        }
        crate::sorting::sort(&mut points);
        self.ring = points.iter().map(|&(pos, node, _)| (pos, node)).collect();
        self.ring_member = points.iter().map(|&(_, _, index)| index).collect();
        Ok(())
    }

    /// The strategy.
    pub fn strategy(&self) -> Strategy {
        self.strategy
    }

    /// The members, sorted by node id.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// Virtual nodes per unit of weight.
    pub fn vnodes(&self) -> u32 {
        self.vnodes
    }

    /// The load slack of `bounded` (as given; other strategies ignore it).
    pub fn epsilon(&self) -> f64 {
        self.epsilon
    }

    /// The ring's points `(position, node)`, sorted by position (then node
    /// id), for drawing; empty unless the strategy is `ring` or `bounded`.
    pub fn ring_points(&self) -> &[(u64, u32)] {
        &self.ring
    }

    /// The most keys `bounded` puts on one node when placing `keys` keys:
    /// `ceil((1 + ε) · keys / n)` for `n` members, the capacity of every
    /// bin in Mirrokni, Thorup & Zadimoghaddam 2018 (introduction). At least
    /// `ceil(keys / n)`, which it always is in exact arithmetic, so the
    /// capacities hold every key whatever the floating point rounding.
    /// `None` for the other strategies.
    pub fn bounded_capacity(&self, keys: u64) -> Option<u64> {
        if self.strategy != Strategy::Bounded {
            return None;
        }
        let n = self.members.len() as u64;
        // Saturates at u64::MAX for a huge epsilon: no cap at all.
        let cap = ((1.0 + self.epsilon) * keys as f64 / n as f64).ceil() as u64;
        Some(cap.max(keys.div_ceil(n)))
    }

    /// The node owning key number `key`, for the stateless strategies.
    ///
    /// `None` for `bounded`, where a key's node depends on the keys placed
    /// before it: use [`assign`](Self::assign).
    pub fn owner(&self, key: u64) -> Option<u32> {
        match self.strategy {
            Strategy::Bounded => None,
            _ => Some(self.first_choice(hash_key(key))),
        }
    }

    /// The node a key hash goes to when loads do not matter (for `bounded`,
    /// the owner of its ring position).
    fn first_choice(&self, kh: u64) -> u32 {
        match self.strategy {
            Strategy::Mod | Strategy::Jump => self.members[self.bucket(kh)].node,
            Strategy::Ring | Strategy::Bounded => self.ring[self.ring_start(kh)].1,
            Strategy::Rendezvous => self.members[self.rendezvous_best(kh)].node,
        }
    }

    /// The owner of every key `0..keys`, in key order.
    ///
    /// For `bounded`, keys are placed one at a time in key order: each goes
    /// to the first ring point clockwise from its hash whose node holds fewer
    /// than [`bounded_capacity`](Self::bounded_capacity) keys so far
    /// (Mirrokni, Thorup & Zadimoghaddam 2018: a ball whose bin is full
    /// moves on clockwise to the next bin with room). The result depends on
    /// that insertion order: placing the same keys in another order can
    /// fill nodes differently.
    pub fn assign(&self, keys: u64) -> Vec<u32> {
        match self.bounded_capacity(keys) {
            Some(cap) => self.assign_bounded(keys, cap),
            None => (0..keys)
                .map(|key| self.first_choice(hash_key(key)))
                .collect(),
        }
    }

    fn assign_bounded(&self, keys: u64, cap: u64) -> Vec<u32> {
        let mut load = vec![0_u64; self.members.len()];
        (0..keys)
            .map(|key| {
                let mut i = self.ring_start(hash_key(key));
                // Ends: every member has a ring point and the capacities
                // add up to at least `keys` (see `bounded_capacity`).
                while load[self.ring_member[i] as usize] >= cap {
                    i = if i + 1 == self.ring.len() { 0 } else { i + 1 };
                }
                load[self.ring_member[i] as usize] += 1;
                self.ring[i].1
            })
            .collect()
    }

    /// The `n` nodes (fewer if there are fewer members) that should hold
    /// key number `key`, best first, all distinct:
    ///
    /// * `ring`: the first `n` distinct nodes met walking clockwise from the
    ///   key's hash, skipping further virtual nodes of nodes already chosen
    ///   (the preference list of DeCandia et al. 2007, "Dynamo", §4.3). The
    ///   first is the owner.
    /// * `bounded`: the same ring walk, without loads; the node
    ///   [`assign`](Self::assign) gives the key is the first node of the
    ///   full list that had room when the key was placed.
    /// * `rendezvous`: the `n` highest scores; the first is the owner.
    /// * `mod` and `jump`: the owner's bucket, then the following buckets
    ///   (member indices), wrapping around.
    pub fn preference_list(&self, key: u64, n: usize) -> Vec<u32> {
        let mut out = Vec::with_capacity(n.min(self.members.len()));
        self.preference_list_into(key, n, &mut out);
        out
    }

    /// [`preference_list`](Self::preference_list) written into `out`
    /// (cleared first), for callers that compute many lists: with `n` up to
    /// 16 it allocates nothing.
    pub fn preference_list_into(&self, key: u64, n: usize, out: &mut Vec<u32>) {
        out.clear();
        let want = n.min(self.members.len());
        let kh = hash_key(key);
        match self.strategy {
            Strategy::Mod | Strategy::Jump => {
                let start = self.bucket(kh);
                let len = self.members.len();
                out.extend((0..want).map(|i| self.members[(start + i) % len].node));
            }
            Strategy::Ring | Strategy::Bounded => {
                let start = self.ring_start(kh);
                let walk = (start..self.ring.len()).chain(0..start);
                if want <= SHORT_LIST {
                    // Node ids are distinct, so a short list is its own
                    // record of the nodes already chosen.
                    for i in walk {
                        if out.len() == want {
                            break;
                        }
                        let node = self.ring[i].1;
                        if !out.contains(&node) {
                            out.push(node);
                        }
                    }
                    return;
                }
                let mut seen = vec![false; self.members.len()];
                for i in walk {
                    if out.len() == want {
                        break;
                    }
                    let member = self.ring_member[i] as usize;
                    if !seen[member] {
                        seen[member] = true;
                        out.push(self.ring[i].1);
                    }
                }
            }
            Strategy::Rendezvous if want <= SHORT_LIST => {
                // Selection, best first: the highest rank among the members
                // not chosen yet; on a tie, the smaller node id (the order
                // of the sort below).
                for _ in 0..want {
                    let mut best: Option<(usize, (f64, u64))> = None;
                    for i in 0..self.members.len() {
                        if out.contains(&self.members[i].node) {
                            continue;
                        }
                        let rank = self.rendezvous_rank(kh, i);
                        if best.is_none_or(|(_, b)| rank_cmp(rank, b) == Ordering::Greater) {
                            best = Some((i, rank));
                        }
                    }
                    if let Some((i, _)) = best {
                        out.push(self.members[i].node);
                    }
                }
            }
            Strategy::Rendezvous => {
                let mut ranked: Vec<((f64, u64), usize)> = (0..self.members.len())
                    .map(|i| (self.rendezvous_rank(kh, i), i))
                    .collect();
                // Highest rank first; on a tie, the smaller node id.
                crate::sorting::sort_by(&mut ranked, |a, b| rank_cmp(b.0, a.0).then(a.1.cmp(&b.1)));
                ranked.truncate(want);
                out.extend(ranked.into_iter().map(|(_, i)| self.members[i].node));
            }
        }
    }

    /// `mod` and `jump`: the member index of a key hash.
    fn bucket(&self, kh: u64) -> usize {
        let n = self.members.len();
        match self.strategy {
            // `n` fits in u32 (checked in `new`), so both casts are exact.
            Strategy::Jump => jump_hash(kh, n as u32) as usize,
            _ => (kh % n as u64) as usize,
        }
    }

    /// The index in `ring` of the first point at or clockwise after `kh`
    /// (its successor, as in Karger et al. 1997's construction), by binary
    /// search; past the last point the ring wraps to the first.
    fn ring_start(&self, kh: u64) -> usize {
        let i = self.ring.partition_point(|&(pos, _)| pos < kh);
        if i == self.ring.len() {
            0
        } else {
            i
        }
    }

    /// `rendezvous`: the member index with the highest rank for a key hash;
    /// on a tie, the smaller node id.
    fn rendezvous_best(&self, kh: u64) -> usize {
        if self.uniform {
            // The same order as `rank_cmp` on ranks whose scores are all 0.
            let mut best = (0, combine(kh, self.node_hashes[0]));
            for (i, &nh) in self.node_hashes.iter().enumerate().skip(1) {
                let h = combine(kh, nh);
                if h > best.1 {
                    best = (i, h);
                }
            }
            return best.0;
        }
        let mut best = (0, self.rendezvous_rank(kh, 0));
        for i in 1..self.members.len() {
            let rank = self.rendezvous_rank(kh, i);
            if rank_cmp(rank, best.1) == Ordering::Greater {
                best = (i, rank);
            }
        }
        best.0
    }

    /// `rendezvous`: member `i`'s rank for a key hash, `(score, hash)`,
    /// compared with [`rank_cmp`]. The hash is
    /// [`hash_pair`](super::hash::hash_pair). With equal weights the score
    /// is 0 and the hash alone decides: the unweighted HRW of Thaler &
    /// Ravishankar (1998), which the logarithmic score would order the same
    /// way up to rounding. Otherwise the score is `-w / ln(u)`.
    fn rendezvous_rank(&self, kh: u64, i: usize) -> (f64, u64) {
        let h = combine(kh, self.node_hashes[i]);
        if self.uniform {
            (0.0, h)
        } else {
            (hrw::score(h, self.members[i].weight), h)
        }
    }
}

/// Orders rendezvous ranks: by score, then by hash.
fn rank_cmp(a: (f64, u64), b: (f64, u64)) -> Ordering {
    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
}
