//! The lab's generic components, whatever the protocol (each lab's own
//! components live in its folder under [`crate::labs`]). Each renders typed
//! snapshots and reports user actions through callbacks; none touches the
//! simulator.

pub mod break_it;
pub mod canvas_point;
pub mod chart;
pub mod controls;
pub mod draft_input;
pub mod event_log;
pub mod gallery;
pub mod header;
pub mod help;
pub mod invariants;
pub mod modal;
pub mod network_panel;
pub mod node_actions;
pub mod params_panel;
pub mod save_as;
pub mod scenario_dialog;
pub mod share_dialog;
pub mod spacetime;
pub mod topology;
pub mod tour_card;
