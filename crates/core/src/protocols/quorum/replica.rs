//! A replica's side: answering gets and puts, keeping hints for replicas
//! it stands in for and handing them back (§4.6), and anti-entropy with
//! its co-replicas by per-key digests (§4.7, without Merkle trees).

use super::clock::VClock;
use super::msg::{KeyDigest, KeyVersions, QuorumMsg};
use super::ring;
use super::version::{digest, merge_all, merge_version, Version};
use super::{Quorum, QuorumTimer, Touched};
use crate::id::NodeId;
use crate::node::Context;
use crate::time::MICROS_PER_MS;
use crate::sortedmap::SortedSet;

impl Quorum {
    /// Merges versions of `key` into the store.
    pub(super) fn store_versions(&mut self, key: &str, versions: &[Version]) {
        let resolve = self.params.resolve;
        let keep_ancestors = crate::bug::on(&self.params.bugs, super::KEEP_ANCESTORS);
        let set = self.d.store.entry(key.to_string()).or_default();
        let changed = if keep_ancestors {
            // The bug: only an identical clock counts as already held.
            let before = set.len();
            for v in versions {
                if !set.iter().any(|s| s.clock == v.clock) {
                    set.push(v.clone());
                }
            }
            set.len() != before
        } else {
            merge_all(set, versions, resolve)
        };
        if set.is_empty() {
            self.d.store.remove(key);
        }
        if changed {
            self.touched.insert(Touched::Store(key.to_string()));
        }
    }

    /// A get: this node's versions, and as a stand-in also its hints.
    pub(super) fn on_get(
        &mut self,
        cx: &mut Context<'_, Self>,
        from: NodeId,
        req: u64,
        key: String,
        hint: Option<NodeId>,
    ) {
        let mut versions = self.versions(&key).to_vec();
        if hint.is_some() {
            let resolve = self.params.resolve;
            for ((_, _), held) in self.hints_of(&key) {
                merge_all(&mut versions, held, resolve);
            }
        }
        self.send_or_local(cx, from, QuorumMsg::GetReply { req, key, versions });
    }

    fn hints_of<'a>(
        &'a self,
        key: &'a str,
    ) -> impl Iterator<Item = (&'a (String, NodeId), &'a Vec<Version>)> + 'a {
        self.d
            .hints
            .range((key.to_string(), NodeId(0))..)
            .take_while(move |((k, _), _)| k == key)
    }

    /// A put: stored, or kept as a hint for the replica named.
    pub(super) fn on_put(
        &mut self,
        cx: &mut Context<'_, Self>,
        from: NodeId,
        req: u64,
        key: String,
        version: Version,
        hint: Option<NodeId>,
    ) {
        match hint.filter(|&h| h != self.id) {
            Some(intended) => self.hold_hint(cx, intended, &key, &version),
            None if crate::bug::on(&self.params.bugs, super::BLIND_OVERWRITE) => {
                // The bug: the put replaces whatever is held, clocks unread.
                self.d.store.insert(key.clone(), vec![version]);
                self.touched.insert(Touched::Store(key.clone()));
            }
            None => self.store_versions(&key, std::slice::from_ref(&version)),
        }
        self.send_or_local(cx, from, QuorumMsg::PutAck { req, key });
    }

    fn hold_hint(&mut self, cx: &mut Context<'_, Self>, intended: NodeId, key: &str, v: &Version) {
        if self.d.hints.is_empty() {
            cx.set_timer(QuorumTimer::Handoff, self.params.handoff_ms * MICROS_PER_MS);
        }
        let resolve = self.params.resolve;
        let set = self.d.hints.entry((key.to_string(), intended)).or_default();
        if merge_version(set, v, resolve) {
            self.touched
                .insert(Touched::Hint(key.to_string(), intended));
        }
    }

    /// Offers every held hint to the replica it is meant for.
    pub(super) fn on_handoff_timer(&mut self, cx: &mut Context<'_, Self>) {
        if self.d.hints.is_empty() {
            return;
        }
        for ((key, intended), versions) in &self.d.hints {
            cx.send(
                *intended,
                QuorumMsg::Handoff(KeyVersions {
                    key: key.clone(),
                    versions: versions.clone(),
                }),
            );
        }
        cx.set_timer(QuorumTimer::Handoff, self.params.handoff_ms * MICROS_PER_MS);
    }

    /// A stand-in hands back versions meant for this node.
    pub(super) fn on_handoff(&mut self, cx: &mut Context<'_, Self>, from: NodeId, kv: KeyVersions) {
        self.store_versions(&kv.key, &kv.versions);
        let clocks = kv.versions.into_iter().map(|v| v.clock).collect();
        self.send_or_local(
            cx,
            from,
            QuorumMsg::HandoffAck {
                key: kv.key,
                clocks,
            },
        );
    }

    /// The replica took the versions: they are no longer hints here.
    pub(super) fn on_handoff_ack(&mut self, from: NodeId, key: String, clocks: Vec<VClock>) {
        let slot = (key, from);
        let Some(set) = self.d.hints.get_mut(&slot) else {
            return;
        };
        let before = set.len();
        set.retain(|v| !clocks.contains(&v.clock));
        let changed = set.len() != before;
        if set.is_empty() {
            self.d.hints.remove(&slot);
        }
        if changed {
            self.touched.insert(Touched::Hint(slot.0, slot.1));
        }
    }

    /// Sets the anti-entropy timer: the period, jittered by ±25 %.
    pub(super) fn arm_anti_entropy(&mut self, cx: &mut Context<'_, Self>) {
        if let Some(ms) = self.params.anti_entropy_ms {
            let period = (ms * MICROS_PER_MS) as f64;
            let after = period * (0.75 + 0.5 * cx.rng().unit());
            cx.set_timer(QuorumTimer::AntiEntropy, after as u64);
        }
    }

    /// Sends a co-replica the digests of the keys it also replicates.
    pub(super) fn on_anti_entropy_timer(&mut self, cx: &mut Context<'_, Self>) {
        let members = self.members(cx);
        let peers = ring::co_replicas(self.id, &members, self.n());
        if !peers.is_empty() {
            let peer = peers[cx.rng().below(peers.len() as u64) as usize];
            let keys = self
                .d
                .store
                .iter()
                .filter(|(k, _)| ring::preference_list(k, &members, self.n()).contains(&peer))
                .map(|(k, vs)| KeyDigest {
                    key: k.clone(),
                    digest: digest(vs),
                })
                .collect();
            cx.send(peer, QuorumMsg::Digest { keys });
        }
        self.arm_anti_entropy(cx);
    }

    /// Compares a co-replica's digests with this node's keys: pushes what
    /// differs or what it lacks, and asks for what differs.
    pub(super) fn on_digest(
        &mut self,
        cx: &mut Context<'_, Self>,
        from: NodeId,
        keys: Vec<KeyDigest>,
    ) {
        let members = self.members(cx);
        let mut push = Vec::new();
        let mut pull = Vec::new();
        let listed: SortedSet<&str> = keys.iter().map(|k| k.key.as_str()).collect();
        for kd in &keys {
            match self.d.store.get(&kd.key) {
                Some(mine) if digest(mine) == kd.digest => {}
                Some(mine) => {
                    push.push(KeyVersions {
                        key: kd.key.clone(),
                        versions: mine.clone(),
                    });
                    pull.push(kd.key.clone());
                }
                None => pull.push(kd.key.clone()),
            }
        }
        for (k, mine) in &self.d.store {
            if !listed.contains(k.as_str())
                && ring::preference_list(k, &members, self.n()).contains(&from)
            {
                push.push(KeyVersions {
                    key: k.clone(),
                    versions: mine.clone(),
                });
            }
        }
        if !push.is_empty() || !pull.is_empty() {
            cx.send(from, QuorumMsg::DigestReply { push, pull });
        }
    }

    /// Takes a co-replica's newer versions and sends those it asked for.
    pub(super) fn on_digest_reply(
        &mut self,
        cx: &mut Context<'_, Self>,
        from: NodeId,
        push: Vec<KeyVersions>,
        pull: Vec<String>,
    ) {
        let wanted: Vec<KeyVersions> = pull
            .into_iter()
            .filter_map(|key| {
                self.d.store.get(&key).map(|versions| KeyVersions {
                    key,
                    versions: versions.clone(),
                })
            })
            .collect();
        for kv in push {
            self.store_versions(&kv.key, &kv.versions);
        }
        if !wanted.is_empty() {
            cx.send(from, QuorumMsg::Sync { push: wanted });
        }
    }
}
