//! The faultline browser lab: a Yew app that runs the deterministic
//! simulator in the page, animates every message, and turns every control
//! into a recorded command.
//!
//! Each lab is a cargo feature; a page built with some of them only leaves
//! unused the shared components that only the others draw with.
#![cfg_attr(not(feature = "all"), allow(dead_code))]

mod announce;
mod app;
mod components;
mod download;
mod fetch;
mod format;
mod keys;
mod labs;
mod math;
mod panic;
mod perf;
mod presets;
mod running;
mod share;
mod snapshot;
mod stepping;
mod tour;

fn main() {
    panic::install();
    yew::Renderer::<app::App>::new().render();
}
