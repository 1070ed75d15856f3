//! Probabilistically Bounded Staleness: how soon after a write commits does
//! a read see it, with partial (R + W ≤ N) quorums?
//!
//! The model and the latency fits are those of Bailis, Venkataraman,
//! Franklin, Hellerstein and Stoica, "Probabilistically Bounded Staleness for
//! Practical Partial Quorums", VLDB 2012:
//!
//! - [`dist`]: one-way latency distributions (Pareto, exponential, uniform,
//!   mixtures), sampled by inverse CDF from the simulator's [`Rng`](crate::rng::Rng);
//! - [`profile`]: the four WARS delays of a deployment, the paper's named fits
//!   (`lnkd-ssd`, `lnkd-disk`, `ymmr`) and the simulator's uniform links.
//!
//! Times are in milliseconds throughout.

pub mod dist;
mod math;
pub mod profile;

pub use dist::Dist;
pub use profile::{Profile, ProfileName};
