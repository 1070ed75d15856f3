//! The faultline browser lab: a Yew app that runs the deterministic
//! simulator in the page, animates every message, and turns every control
//! into a recorded command.

mod announce;
mod app;
mod components;
mod download;
mod format;
mod keys;
mod panic;
mod perf;
mod presets;
mod quorum;
mod ring_analysis;
mod share;
mod snapshot;
mod stepping;
mod tour;

fn main() {
    panic::install();
    yew::Renderer::<app::App>::new().render();
}
