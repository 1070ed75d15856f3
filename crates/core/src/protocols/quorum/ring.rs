//! Where a key lives. A key's home is `hash(key) mod members`; its
//! preference list is the home and the next N − 1 members in id order,
//! wrapping (DeCandia et al. 2007, §4.3, without virtual nodes). Only
//! [`preference_list`] and [`fallbacks`] know this, so a consistent-hash
//! ring with tokens can replace them.

use crate::id::NodeId;
use crate::rng::splitmix64;

/// A stable 64-bit hash of a key (FNV-1a, then mixed so that keys that
/// differ in one character land far apart).
pub fn key_hash(key: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    splitmix64(&mut h)
}

fn home(key: &str, members: &[NodeId]) -> usize {
    (key_hash(key) % members.len().max(1) as u64) as usize
}

/// The `n` replicas of `key` among `members` (sorted by id), home first.
pub fn preference_list(key: &str, members: &[NodeId], n: usize) -> Vec<NodeId> {
    let len = members.len();
    let h = home(key, members);
    (0..n.min(len)).map(|i| members[(h + i) % len]).collect()
}

/// The members after `key`'s preference list, in ring order: where a
/// sloppy quorum looks for stand-ins (§4.6).
pub fn fallbacks(key: &str, members: &[NodeId], n: usize) -> Vec<NodeId> {
    let len = members.len();
    let h = home(key, members);
    (n.min(len)..len).map(|i| members[(h + i) % len]).collect()
}

/// The members that share at least one key range with `id`: those fewer
/// than `n` places away on the ring, either way.
pub fn co_replicas(id: NodeId, members: &[NodeId], n: usize) -> Vec<NodeId> {
    let len = members.len();
    let Some(me) = members.iter().position(|&m| m == id) else {
        return Vec::new();
    };
    let mut out: Vec<NodeId> = (1..n.min(len))
        .flat_map(|d| [members[(me + d) % len], members[(me + len - d) % len]])
        .filter(|&m| m != id)
        .collect();
    crate::sorting::sort(&mut out);
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: u32) -> Vec<NodeId> {
        (0..n).map(NodeId).collect()
    }

    #[test]
    fn a_preference_list_is_n_successive_members_from_the_home_wrapping() {
        let members = ids(5);
        for k in 0..50 {
            let key = format!("k{k}");
            let list = preference_list(&key, &members, 3);
            assert_eq!(list.len(), 3);
            for w in list.windows(2) {
                assert_eq!((w[0].0 + 1) % 5, w[1].0, "{key}: {list:?}");
            }
            let rest = fallbacks(&key, &members, 3);
            assert_eq!(rest.len(), 2);
            assert_eq!((list[2].0 + 1) % 5, rest[0].0);
            assert!(rest.iter().all(|r| !list.contains(r)));
        }
        // Short clusters give what they have.
        assert_eq!(preference_list("k", &ids(2), 3).len(), 2);
        assert!(preference_list("k", &[], 3).is_empty());
    }

    #[test]
    fn keys_spread_over_every_home() {
        let members = ids(5);
        let mut homes = [0; 5];
        for k in 0..500 {
            homes[preference_list(&format!("k{k}"), &members, 1)[0].0 as usize] += 1;
        }
        assert!(homes.iter().all(|&h| h > 60), "{homes:?}");
    }

    #[test]
    fn co_replicas_are_the_ring_neighbours_within_n() {
        let members = ids(6);
        assert_eq!(
            co_replicas(NodeId(0), &members, 3),
            vec![NodeId(1), NodeId(2), NodeId(4), NodeId(5)]
        );
        assert_eq!(co_replicas(NodeId(0), &members, 1), vec![]);
        assert_eq!(co_replicas(NodeId(1), &ids(2), 3), vec![NodeId(0)]);
    }
}
