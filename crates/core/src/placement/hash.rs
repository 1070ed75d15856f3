//! A stable 64-bit hash, the same on every platform and in wasm.
//!
//! # Definition
//! [`hash_bytes`]`(b) = `[`fmix64`]`(`[`fnv1a64`]`(b))`:
//!
//! * **FNV-1a 64** (Fowler, Noll, Vo): start from the offset basis
//!   `0xcbf2_9ce4_8422_2325`; for each byte, `h ^= byte` then
//!   `h = h.wrapping_mul(0x0000_0100_0000_01b3)`.
//! * **fmix64**, the 64-bit finalizer of Austin Appleby's MurmurHash3:
//!   `h ^= h >> 33; h *= 0xff51_afd7_ed55_8ccd; h ^= h >> 33;
//!   h *= 0xc4ce_b9fe_1a85_ec53; h ^= h >> 33` (wrapping). FNV-1a alone
//!   mixes its last bytes poorly into the high bits; the finalizer gives
//!   every input bit an even chance of flipping every output bit, which the
//!   ring (ordered by position) and jump hash (which reads the high bits)
//!   both rely on.
//!
//! Only integer operations, so the value is identical on every target.
//!
//! # Inputs
//! Each kind of input is a fixed-size byte string whose first byte is a tag,
//! so a key never hashes like a virtual node, and no string is formatted or
//! allocated per key. Integers are little-endian.
//!
//! | function | bytes hashed |
//! | --- | --- |
//! | [`hash_key`]`(i)` | `b'k'`, `i` as 8 bytes |
//! | [`hash_vnode`]`(node, replica)` | `b'v'`, `node` as 4 bytes, `replica` as 4 bytes |
//! | [`hash_node`]`(node)` | `b'n'`, `node` as 4 bytes |
//!
//! [`hash_pair`]`(node, key) = fmix64(hash_key(key) ^ hash_node(node))`,
//! so rendezvous hashing can compute both halves once and pay one
//! finalizer per (node, key).

/// The FNV-1a 64-bit offset basis.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// The FNV 64-bit prime, 2^40 + 2^8 + 0xb3.
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a 64 of `bytes` (no finalizer); see the [module docs](self).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(FNV_OFFSET, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(FNV_PRIME)
    })
}

/// MurmurHash3's 64-bit finalizer: a bijection on `u64` with full avalanche.
pub fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The placement hash of a byte string: `fmix64(fnv1a64(bytes))`.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    fmix64(fnv1a64(bytes))
}

/// The hash of key number `index` (keys are numbered `0..k`): the hash of
/// `b'k'` followed by `index` as 8 little-endian bytes.
pub fn hash_key(index: u64) -> u64 {
    let mut b = [b'k'; 9];
    b[1..].copy_from_slice(&index.to_le_bytes());
    hash_bytes(&b)
}

/// The ring position of virtual node `replica` of `node`: the hash of
/// `b'v'`, `node` and `replica`, each integer as 4 little-endian bytes.
pub fn hash_vnode(node: u32, replica: u32) -> u64 {
    let mut b = [b'v'; 9];
    b[1..5].copy_from_slice(&node.to_le_bytes());
    b[5..].copy_from_slice(&replica.to_le_bytes());
    hash_bytes(&b)
}

/// The per-node half of [`hash_pair`]: the hash of `b'n'` followed by
/// `node` as 4 little-endian bytes.
pub fn hash_node(node: u32) -> u64 {
    let mut b = [b'n'; 5];
    b[1..].copy_from_slice(&node.to_le_bytes());
    hash_bytes(&b)
}

/// The rendezvous (highest random weight) hash of `node` for key number
/// `key`: `fmix64(hash_key(key) ^ hash_node(node))`.
pub fn hash_pair(node: u32, key: u64) -> u64 {
    combine(hash_key(key), hash_node(node))
}

/// [`hash_pair`] from its two halves, for callers that cache them.
pub(crate) fn combine(key_hash: u64, node_hash: u64) -> u64 {
    fmix64(key_hash ^ node_hash)
}
