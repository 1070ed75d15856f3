//! Simulated events per second for every protocol's stress workload, at
//! three sizes each, headless (`faultline_core::workloads`: the same runs
//! the browser build of `crates/bench-wasm` measures). One iteration is one
//! whole run of the workload; building the simulator is not timed.
//! `cargo xtask bench` reads the results from criterion's
//! `<protocol>/<size>/new/estimates.json`.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use faultline_core::workloads::{self, sizes, Workload};
use std::time::Duration;

fn bench(c: &mut Criterion) {
    for protocol in workloads::protocols() {
        let mut group = c.benchmark_group(protocol.as_str());
        group
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        for &size in sizes(protocol) {
            let w = Workload { protocol, size };
            let events = workloads::run(&mut w.build());
            group.throughput(Throughput::Elements(events));
            group.bench_function(size.to_string(), |b| {
                b.iter_batched(
                    || w.build(),
                    |mut sim| workloads::run(&mut sim),
                    BatchSize::LargeInput,
                )
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
