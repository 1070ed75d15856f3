//! The lab's components. Each renders typed snapshots and reports user
//! actions through callbacks; none touches the simulator.

pub mod canvas_point;
pub mod chart;
pub mod clocks_panel;
pub mod controls;
pub mod event_log;
pub mod gallery;
pub mod gossip_canvas;
pub mod gossip_charts;
pub mod gossip_panel;
pub mod header;
pub mod help;
pub mod invariants;
pub mod logs;
pub mod modal;
pub mod network_panel;
pub mod node_actions;
pub mod node_panel;
pub mod pbs_panel;
pub mod quorum_history;
pub mod quorum_overlay;
pub mod quorum_panel;
pub mod ring_canvas;
pub mod ring_charts;
pub mod ring_panel;
pub mod scenario_dialog;
pub mod share_dialog;
pub mod spacetime;
pub mod topology;
pub mod tour_card;
