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
//!   (`lnkd-ssd`, `lnkd-disk`, `ymmr`) and the simulator's uniform links;
//! - [`wars`]: the WARS Monte Carlo, reduced to one staleness window per
//!   trial, and the closed form for random static quorums.
//!
//! Times are in milliseconds throughout.
//!
//! ```
//! use faultline_core::pbs::{StalenessWindows, ProfileName, WarsConfig};
//!
//! let cfg = WarsConfig { n: 3, r: 1, w: 1 };
//! let windows =
//!     StalenessWindows::sample(cfg, &ProfileName::LnkdDisk.profile(), 20_000, 7).unwrap();
//! // Right after the commit a read is often stale; ten milliseconds later, rarely.
//! assert!(windows.p_consistent(0.0) < windows.p_consistent(10.0));
//! let t = windows.t_visibility(0.999).unwrap();
//! assert!(windows.p_consistent(t) >= 0.999);
//! ```

pub mod dist;
mod math;
pub mod profile;
pub mod wars;

pub use dist::Dist;
pub use profile::{Profile, ProfileName};
pub use wars::{consistency_curve, p_stale_closed_form, Sampler, StalenessWindows, WarsConfig};
