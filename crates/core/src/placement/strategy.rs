//! Which rule maps keys to nodes.

use serde::{Deserialize, Serialize};

/// A key placement strategy. In JSON: `"mod"`, `"ring"`, `"jump"`,
/// `"rendezvous"` or `"bounded"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// `hash(key) mod n` over the members sorted by node id: the baseline.
    /// Perfectly even, but changing `n` moves almost every key (a key stays
    /// only when `hash mod n == hash mod (n + 1)`, about `1 / (n + 1)` of
    /// them). Ignores weights.
    Mod,
    /// Consistent hashing on a ring (Karger, Lehman, Leighton, Panigrahy,
    /// Levine & Lewin 1997, "Consistent Hashing and Random Trees", STOC):
    /// every node is hashed to several points (virtual nodes) on a circle of
    /// `2^64` positions and a key belongs to the first point clockwise from
    /// its own hash. Adding or removing a node moves only the keys of the
    /// arcs it gains or loses; with `v` virtual nodes per node the load's
    /// coefficient of variation is about `1 / sqrt(v)`.
    Ring,
    /// Jump consistent hash (Lamping & Veach 2014, "A Fast, Minimal Memory,
    /// Consistent Hash Algorithm"): no table, `O(ln n)` time, perfectly
    /// balanced in expectation and minimal movement, but buckets are numbered
    /// `0..n`, so only appending a bucket or removing the last one is cheap.
    /// Ignores weights.
    Jump,
    /// Rendezvous or highest-random-weight hashing (Thaler & Ravishankar
    /// 1998, "Using Name-Based Mappings to Increase Hit Rates", IEEE/ACM
    /// Trans. Networking 6(1)): each node scores every key and the highest
    /// score wins; weighted with the logarithmic score `-w / ln(u)`.
    /// `O(n)` per key.
    Rendezvous,
    /// Consistent hashing with bounded loads (Mirrokni, Thorup &
    /// Zadimoghaddam 2018, "Consistent Hashing with Bounded Loads", SODA):
    /// the ring, but no node takes more than `ceil((1 + ε) · k / n)` of `k`
    /// keys; a key that finds its node full walks clockwise to the next node
    /// with room. Stateful: the result depends on the order keys arrive in.
    Bounded,
}

impl crate::read::ReadJson for Strategy {
    fn read(r: &crate::read::Reader<'_>) -> Result<Self, crate::scenario::ScenarioError> {
        r.one_of(&Strategy::ALL, Strategy::name)
    }
}

impl Strategy {
    /// Every strategy, in declaration order.
    pub const ALL: [Strategy; 5] = [
        Strategy::Mod,
        Strategy::Ring,
        Strategy::Jump,
        Strategy::Rendezvous,
        Strategy::Bounded,
    ];

    /// The name used in JSON, e.g. `"rendezvous"`.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Mod => "mod",
            Strategy::Ring => "ring",
            Strategy::Jump => "jump",
            Strategy::Rendezvous => "rendezvous",
            Strategy::Bounded => "bounded",
        }
    }
}
