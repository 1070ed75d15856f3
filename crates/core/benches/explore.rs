//! The counterexample search's throughput: runs per second of
//! `faultline explore` on each protocol's default preset, one thread (the
//! CLI spreads runs over every core). One iteration searches
//! [`RUNS`] runs with no bug on, so none stops early. `cargo xtask bench`
//! reads criterion's `explore/<protocol>/new/estimates.json`.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use faultline_core::explore::search;
use faultline_core::{workloads, Scenario};
use std::time::Duration;

/// Runs per iteration.
const RUNS: u64 = 20;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("explore");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(RUNS));
    for protocol in workloads::protocols() {
        let path = format!(
            "{}/../../www/presets/{}-default.json",
            env!("CARGO_MANIFEST_DIR"),
            protocol.as_str()
        );
        let text = std::fs::read_to_string(&path).expect("the default preset");
        let base = Scenario::from_json(&text).expect("a valid preset");
        group.bench_function(protocol.as_str(), |b| {
            b.iter(|| search(&base, 1, 0..RUNS).expect("runs"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
