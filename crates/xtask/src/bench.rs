//! `cargo xtask bench`: the core natively (criterion) and in the browser
//! (wasm in headless Chromium), the page's work per frame for every lab,
//! the cold load, a soak, and the bundle; one table printed, written to
//! `docs/benchmarks.md`, `docs/benchmarks.json` and README's marked block.
//! Every figure comes from the run; nothing is typed by hand.

use super::{root, run, site, tools};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Options of `cargo xtask bench`.
struct Options {
    /// Wall seconds of each frame measurement.
    frame_seconds: u64,
    /// Wall seconds of the soak.
    soak_seconds: u64,
}

/// Builds the wasm side of the benchmarks as the lab is built (`cargo
/// xtask test` runs it too, so it cannot rot).
pub const BUILD_WASM: &[&str] = &[
    "build",
    "-p",
    "faultline-bench-wasm",
    "--target",
    "wasm32-unknown-unknown",
    "--profile",
    "wasm-release",
];

fn options(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        frame_seconds: 10,
        soak_seconds: 300,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || -> Result<u64, String> {
            it.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{a} needs a number of seconds"))
        };
        match a.as_str() {
            "--frame-seconds" => o.frame_seconds = value()?,
            "--soak-seconds" => o.soak_seconds = value()?,
            _ => return Err(format!("unknown option {a}")),
        }
    }
    Ok(o)
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root().join(p) })
        .unwrap_or_else(|| root().join("target"))
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The first line a command prints, trimmed.
fn output(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .current_dir(root())
        .env("PATH", tools::path())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .unwrap_or_else(|| "unknown".into())
}

fn machine() -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown".to_string(), |(_, v)| v.trim().to_string());
    let os = std::fs::read_to_string("/etc/os-release")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))
        .map_or("unknown".to_string(), |v| v.trim_matches('"').to_string());
    let status = output("git", &["status", "--porcelain"]);
    let dirty = !status.is_empty() && status != "unknown";
    json!({
        "cpu": cpu,
        "cores": std::thread::available_parallelism().map_or(0, |n| n.get()),
        "os": format!("{os}, Linux {}", output("uname", &["-r"])),
        "rustc": output("rustc", &["--version"]),
        "node": output("node", &["--version"]),
        "date": output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        "commit": format!("{}{}", output("git", &["rev-parse", "--short", "HEAD"]), if dirty { " (with uncommitted changes)" } else { "" }),
    })
}

/// Criterion's median time per run and the events per run, by workload.
fn native(criterion: &Path) -> Result<Value, String> {
    let mut out = Vec::new();
    for w in faultline_workloads() {
        let (protocol, size) = w.split_once('/').expect("ids are protocol/size");
        let dir = criterion.join(protocol).join(size).join("new");
        let estimates = read_json(&dir.join("estimates.json"))?;
        let benchmark = read_json(&dir.join("benchmark.json"))?;
        let ns = estimates["median"]["point_estimate"]
            .as_f64()
            .ok_or("estimates.json has no median")?;
        let events = benchmark["throughput"]["Elements"]
            .as_f64()
            .ok_or("benchmark.json has no element throughput")?;
        out.push(json!({
            "id": w, "protocol": protocol, "size": size.parse::<u64>().unwrap_or(0),
            "events": events, "median_ms": ns / 1e6, "events_per_s": events / (ns / 1e9),
        }));
    }
    Ok(Value::Array(out))
}

/// The search's runs per second, one thread, by protocol.
fn explore(criterion: &Path) -> Result<Value, String> {
    let mut out = Vec::new();
    for p in faultline_core::workloads::protocols() {
        let dir = criterion.join("explore").join(p.as_str()).join("new");
        let ns = read_json(&dir.join("estimates.json"))?["median"]["point_estimate"]
            .as_f64()
            .ok_or("estimates.json has no median")?;
        let runs = read_json(&dir.join("benchmark.json"))?["throughput"]["Elements"]
            .as_f64()
            .ok_or("benchmark.json has no element throughput")?;
        out.push(json!({ "protocol": p.as_str(), "runs_per_s": runs / (ns / 1e9) }));
    }
    Ok(Value::Array(out))
}

/// The workload ids, as the bench and the wasm build name them.
fn faultline_workloads() -> Vec<String> {
    faultline_core::workloads::all()
        .iter()
        .map(|w| w.id())
        .collect()
}

fn node_part(part: &str, extra: &[&str], out: &Path) -> Result<Value, String> {
    let out_s = out.display().to_string();
    let mut args = vec!["e2e/bench.mjs", part];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--out", &out_s]);
    run("node", &args)?;
    read_json(out)
}

/// Runs everything and writes the report.
pub fn bench(args: &[String]) -> Result<(), String> {
    let o = options(args)?;
    tools::ensure_build_tools()?;
    tools::ensure_chromium()?;
    run("cargo", &["fetch"])?;
    let target = target_dir();
    let dir = target.join("bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;

    // Core, native: stale results must not leak into the report.
    let criterion = target.join("criterion-workloads");
    if criterion.exists() {
        std::fs::remove_dir_all(&criterion).map_err(|e| e.to_string())?;
    }
    std::env::set_var("CRITERION_HOME", &criterion);
    run(
        "cargo",
        &["bench", "-p", "faultline-core", "--bench", "workloads"],
    )?;
    let native = native(&criterion)?;
    run(
        "cargo",
        &["bench", "-p", "faultline-core", "--bench", "explore"],
    )?;
    let explore = explore(&criterion)?;

    // Core, in the browser: the same workloads built as the lab is built.
    run("cargo", BUILD_WASM)?;
    let pkg = dir.join("pkg");
    let wasm = target.join("wasm32-unknown-unknown/wasm-release/faultline_bench_wasm.wasm");
    run(
        "wasm-bindgen",
        &[
            "--target",
            "web",
            "--out-dir",
            &pkg.display().to_string(),
            &wasm.display().to_string(),
        ],
    )?;
    let core_wasm = node_part(
        "core-wasm",
        &["--pkg", &pkg.display().to_string()],
        &dir.join("core-wasm.json"),
    )?;

    // The page.
    site::build()?;
    let bundle = node_part("bundle", &[], &dir.join("bundle.json"))?;
    let explore_worker = node_part("explore-worker", &[], &dir.join("explore-worker.json"))?;
    let idle = node_part("idle", &[], &dir.join("idle.json"))?;
    let load = node_part("load", &[], &dir.join("load.json"))?;
    let frame_s = o.frame_seconds.to_string();
    let page = node_part("page", &["--seconds", &frame_s], &dir.join("page.json"))?;
    let soak_s = o.soak_seconds.to_string();
    let soak = node_part("soak", &["--seconds", &soak_s], &dir.join("soak.json"))?;

    let mut machine = machine();
    machine["chromium"] = core_wasm["chromium"].clone();
    let report = json!({
        "machine": machine,
        "core_native": native,
        "explore": explore,
        "explore_worker": explore_worker["labs"],
        "idle": idle,
        "core_wasm": core_wasm["workloads"],
        "page": page,
        "load": load,
        "soak": soak,
        "bundle": bundle["files"],
    });
    let md = crate::report::markdown(&report);
    println!("\n{md}");
    let docs = root().join("docs");
    std::fs::write(docs.join("benchmarks.md"), &md).map_err(|e| e.to_string())?;
    let mut text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
    text.push('\n');
    std::fs::write(docs.join("benchmarks.json"), text).map_err(|e| e.to_string())?;
    let readme_path = root().join("README.md");
    let readme = std::fs::read_to_string(&readme_path).map_err(|e| e.to_string())?;
    let readme = crate::report::readme_block(&readme, &report)?;
    std::fs::write(&readme_path, readme).map_err(|e| e.to_string())?;
    println!("\nwrote docs/benchmarks.md, docs/benchmarks.json and README.md's benchmark block");
    Ok(())
}
