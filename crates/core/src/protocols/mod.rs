//! The protocols faultline simulates.

pub mod raft;
