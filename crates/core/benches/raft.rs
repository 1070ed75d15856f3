//! Simulated message events per second: a 5-node Raft cluster under client
//! load (a request every 2 ms of virtual time), run headless and with
//! everything the browser lab keeps (labels, trace buffer, checkpoints).

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use faultline_core::{AnySim, Scenario, SimConfig};

const UNTIL_MS: u64 = 2_000;

fn scenario(nodes: u32) -> Scenario {
    let schedule: Vec<String> = (0..UNTIL_MS / 2)
        .map(|i| {
            format!(
                r#"{{"at_ms":{},"op":"client","node":{},"request":"set k{}={i}"}}"#,
                300 + i * 2,
                i % u64::from(nodes),
                i % 50
            )
        })
        .collect();
    let json = format!(
        r#"{{"protocol":"raft","nodes":{nodes},"seed":42,"until_ms":{UNTIL_MS},
            "network":{{"latency_ms":[1,5]}},"schedule":[{}]}}"#,
        schedule.join(",")
    );
    Scenario::from_json(&json).expect("bench scenario is valid")
}

/// Message events (deliveries and drops) in one run.
fn message_events(s: &Scenario, config: SimConfig) -> u64 {
    let mut sim = AnySim::new(s, config).expect("builds");
    sim.run_to_end();
    let stats = sim.stats();
    stats.delivered + stats.dropped
}

fn bench(c: &mut Criterion) {
    let headless = SimConfig {
        labels: false,
        trace_capacity: 0,
        checkpoint_every: 0,
        ..SimConfig::default()
    };
    let lab = SimConfig::default();
    let mut group = c.benchmark_group("raft_client_load");
    group.sample_size(10);
    for nodes in [3u32, 5, 9] {
        let s = scenario(nodes);
        for (name, config) in [("headless", headless), ("lab", lab)] {
            group.throughput(Throughput::Elements(message_events(&s, config)));
            group.bench_function(format!("{name}/{nodes}_nodes"), |b| {
                b.iter(|| message_events(&s, config))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
