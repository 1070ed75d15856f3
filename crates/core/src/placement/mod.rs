//! Key placement for consistent hashing: which node owns which key.
//!
//! This is the pure layer under the ring protocol: given the members and a
//! [`Strategy`], a [`Placement`] says where each key lives, in what order
//! its replicas follow, and [`stats`] measures balance and how many keys a
//! membership change moves. Everything here is deterministic and the same
//! on every target: one documented [`hash`], integer arithmetic and
//! IEEE-exact floating point only.
//!
//! ```
//! use faultline_core::placement::{stats, Member, Placement, Strategy};
//!
//! let members: Vec<Member> = (0..10).map(Member::new).collect();
//! let before = Placement::new(Strategy::Ring, &members, 256, 0.0).unwrap();
//! let mut grown = members.clone();
//! grown.push(Member::new(10));
//! let after = Placement::new(Strategy::Ring, &grown, 256, 0.0).unwrap();
//!
//! let ids = |m: &[Member]| m.iter().map(|m| m.node).collect::<Vec<_>>();
//! let moved = stats::movement(&before.assign(10_000), &after.assign(10_000),
//!                             &ids(&members), &ids(&grown));
//! // Only keys taken over by the new node move (about 1/11 of them).
//! assert_eq!(moved.moved_between_existing, 0);
//! assert!(moved.moved > 500 && moved.moved < 1_400);
//! ```

pub mod hash;
mod hrw;
pub mod jump;
pub mod layout;
pub mod stats;
pub mod strategy;

pub use jump::jump_hash;
pub use layout::{Member, Placement};
pub use stats::Movement;
pub use strategy::Strategy;
