//! # faultline-core
//!
//! A deterministic simulator of distributed protocols, and the protocols.
//! Pure Rust: no clocks, no OS randomness, no web; it builds for the host
//! and for `wasm32-unknown-unknown`.
//!
//! ## The driving contract
//! A [`Sim`] owns virtual time, one event queue ordered by (time, sequence
//! number), a seeded random generator per node and one for the network, and
//! the list of commands applied so far. [`Sim::step`] takes the next event
//! (a message delivery, a timer, a client timeout) or the next recorded
//! command, hands it to the node it concerns through a
//! [`Context`](node::Context), and applies the effects the node asked for.
//! Nodes never see the queue or each other. Because every random choice
//! comes from the seed and every outside action is a recorded
//! [`Command`], the seed plus the commands are the whole run: replaying
//! them gives a byte-identical trace.
//!
//! ## Quick start
//! ```
//! use faultline_core::{AnySim, Scenario, SimConfig};
//!
//! let scenario = Scenario::from_json(r#"{
//!     "protocol": "raft", "nodes": 5, "seed": 7, "until_ms": 3000,
//!     "schedule": [{ "at_ms": 1000, "op": "client", "node": 0, "request": "set x=1" }]
//! }"#).unwrap();
//! let mut sim = AnySim::new(&scenario, SimConfig::default()).unwrap();
//! sim.run_to_end();
//! let report = sim.report();
//! assert!(report.violations.is_empty());
//! assert!(report.messages.delivered > 0);
//! // The same scenario always gives the same trace.
//! let mut again = AnySim::new(&scenario, SimConfig::default()).unwrap();
//! again.run_to_end();
//! assert_eq!(again.report().trace_hash, report.trace_hash);
//! ```

pub mod any;
pub mod bug;
pub mod causality;
pub mod command;
pub mod decimal;
pub mod explore;
pub mod id;
pub mod invariant;
pub mod knob;
pub mod linearizability;
pub mod link;
pub mod net;
pub mod node;
pub mod nodemap;
pub mod pbs;
pub mod placement;
pub mod protocols;
pub mod read;
pub mod registry;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod shiviz;
pub mod sim;
pub mod sortedmap;
pub mod sorting;
pub mod spacetime;
pub mod time;
pub mod trace;
pub mod workloads;

pub use any::AnySim;
pub use command::{Command, Scheduled};
pub use id::{MsgId, NodeId, OpId};
pub use invariant::{Checker, Violation};
pub use report::Report;
pub use scenario::{ProtocolName, Scenario, ScenarioError};
pub use sim::{Sim, SimConfig};
pub use time::Time;
