//! The protocols faultline simulates.

pub mod clocks;
pub mod quorum;
pub mod raft;
