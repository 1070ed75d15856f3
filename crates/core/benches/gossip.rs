//! One gossip round at scale: push-pull anti-entropy with every node
//! informed, so every node contacts a peer and gets a reply each round (the
//! busiest steady state), at 100, 1,000 and 10,000 nodes, headless. The
//! figure per iteration is ten rounds; criterion reports the time, and the
//! throughput is simulated events.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use faultline_core::{AnySim, Scenario, SimConfig, Time};

const ROUND_MS: u64 = 200;
const ROUNDS: u64 = 10;

/// A cluster whose rumor has reached everyone (warmed up past full spread).
fn warmed(nodes: u32) -> AnySim {
    let json = format!(
        r#"{{"protocol":"gossip","nodes":{nodes},"seed":42,"until_ms":100000,
            "network":{{"latency_ms":[1,20]}},
            "params":{{"mode":"push-pull","fanout":1,"round_ms":{ROUND_MS}}}}}"#
    );
    let s = Scenario::from_json(&json).expect("bench scenario is valid");
    let config = SimConfig {
        labels: false,
        trace_capacity: 0,
        checkpoint_every: 0,
        ..SimConfig::default()
    };
    let mut sim = AnySim::new(&s, config).expect("builds");
    sim.run_until(Time::from_ms(ROUND_MS * 30 + ROUND_MS / 2));
    sim
}

fn rounds(mut sim: AnySim) -> u64 {
    let start = sim.events();
    sim.run_until(sim.now() + ROUND_MS * ROUNDS * 1000);
    sim.events() - start
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("gossip_push_pull_10_rounds");
    group.sample_size(10);
    for nodes in [100u32, 1_000, 10_000] {
        let sim = warmed(nodes);
        group.throughput(Throughput::Elements(rounds(sim.clone())));
        group.bench_function(format!("{nodes}_nodes"), |b| {
            b.iter_batched(|| sim.clone(), rounds, BatchSize::LargeInput)
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
