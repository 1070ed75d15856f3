//! The protocols faultline simulates.

pub mod clocks;
pub mod raft;
