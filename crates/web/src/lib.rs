//! The faultline browser lab: a Yew app that runs the deterministic
//! simulator in the page, animates every message, and turns every control
//! into a recorded command.
//!
//! Each lab is a cargo feature; a page built with some of them only leaves
//! unused the shared components that only the others draw with. Three pages
//! start from here: the lab (`src/main.rs`), the PBS calculator
//! (`src/bin/pbs.rs`, feature `pbs`), which the quorum lab shows in a
//! frame so that its Monte Carlo and chart are not in the lab's wasm, and
//! the log viewer (`src/bin/viewer.rs`, feature `viewer`).
#![cfg_attr(not(feature = "all"), allow(dead_code))]

mod announce;
mod app;
mod components;
mod download;
mod drop_marks;
pub mod explore;
mod fetch;
mod format;
mod hunt;
mod keys;
mod labs;
mod math;
mod panic;
#[cfg(feature = "pbs")]
mod pbs;
mod perf;
mod presets;
mod running;
mod share;
mod snapshot;
mod stepping;
mod text_file;
mod tour;
#[cfg(feature = "viewer")]
mod viewer;

/// Starts the lab page: the app, with whichever labs this build carries.
pub fn start_lab() {
    panic::install();
    yew::Renderer::<app::App>::new().render();
}

/// Starts the PBS calculator page, its settings read from the address.
#[cfg(feature = "pbs")]
pub fn start_pbs() {
    panic::install();
    yew::Renderer::<pbs::PbsPage>::new().render();
}

/// Starts the log viewer page.
#[cfg(feature = "viewer")]
pub fn start_viewer() {
    panic::install();
    yew::Renderer::<viewer::ViewerPage>::new().render();
}
