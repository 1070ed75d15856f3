//! Logical time shared by every protocol and view: vector clocks and their
//! causal [`Relation`], and hybrid logical clocks. The clocks protocol
//! runs them; the space-time diagram and the quorum store read them.

mod hlc;
mod vclock;

pub use hlc::Hlc;
pub use vclock::{Relation, VClock};
