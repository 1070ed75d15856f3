//! Key placement for consistent hashing: which node owns which key.
//!
//! This is the pure layer under the ring protocol. Everything here is
//! deterministic and the same on every target: one documented [`hash`],
//! integer arithmetic and IEEE-exact floating point only.

pub mod hash;
pub mod jump;
pub mod strategy;

pub use jump::jump_hash;
pub use strategy::Strategy;
