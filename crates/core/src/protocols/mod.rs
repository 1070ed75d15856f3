//! The protocols faultline simulates.

pub mod clocks;
pub mod gossip;
pub mod quorum;
pub mod raft;
pub mod ring;
