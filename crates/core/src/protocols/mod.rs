//! The protocols faultline simulates, and the one list of them.
//!
//! Each protocol is a folder here with an [`Entry`](crate::registry::Entry)
//! impl, and one line below. See [`crate::registry`].

crate::registry::registry! {
    /// Raft consensus.
    Raft = "raft" => raft::Raft;
    /// Lamport, vector and hybrid logical clocks.
    Clocks = "clocks" => clocks::Clocks;
    /// Gossip spread and SWIM failure detection.
    Gossip = "gossip" => gossip::Gossip;
    /// A leaderless, Dynamo-style quorum key-value store.
    Quorum = "quorum" => quorum::Quorum;
    /// Consistent hashing with keys moved by transfers.
    Ring = "ring" => ring::Ring;
    /// Paxos, basic and Multi-Paxos.
    Paxos = "paxos" => paxos::Paxos;
    /// Two-phase commit, with a coordinator that can block its participants.
    TwoPc = "2pc" => twopc::TwoPc;
}
