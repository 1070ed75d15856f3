//! The core's benchmark workloads ([`faultline_core::workloads`]) for the
//! browser: `cargo xtask bench` builds this crate for wasm32, binds it with
//! `wasm-bindgen --target web`, and `e2e/bench.mjs` loads it in headless
//! Chromium, where the page times [`run`] with `performance.now()` — the
//! same runs the native criterion bench times.

use faultline_core::workloads::{self, Workload};
use faultline_core::AnySim;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    static PREPARED: RefCell<Option<AnySim>> = const { RefCell::new(None) };
}

/// Every workload id (`raft/3`, `gossip/1000`, …), space-separated.
#[wasm_bindgen]
pub fn workload_ids() -> String {
    workloads::all()
        .iter()
        .map(Workload::id)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Builds the simulator of workload `id` (not timed); false if `id` is
/// unknown.
#[wasm_bindgen]
pub fn prepare(id: &str) -> bool {
    let Some(w) = Workload::parse(id) else {
        return false;
    };
    PREPARED.with(|p| *p.borrow_mut() = Some(w.build()));
    true
}

/// Runs the prepared simulator to its end: the events it processed (0 if
/// nothing was prepared).
#[wasm_bindgen]
pub fn run() -> f64 {
    PREPARED.with(|p| {
        p.borrow_mut()
            .take()
            .map_or(0.0, |mut sim| workloads::run(&mut sim) as f64)
    })
}
