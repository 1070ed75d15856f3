//! The benchmark report: Markdown tables from the run's JSON, and README's
//! generated block. Only figures from the run appear; the words around them
//! are fixed.

use serde_json::Value;
use std::fmt::Write as _;

const BEGIN: &str = "<!-- bench:begin -->";
const END: &str = "<!-- bench:end -->";
/// The frame budget of a 60 Hz display.
pub const FRAME_BUDGET_MS: f64 = 16.7;

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn rate(x: f64) -> String {
    if x >= 1e6 {
        format!("{:.2} M/s", x / 1e6)
    } else {
        format!("{:.0} k/s", x / 1e3)
    }
}

fn ms(x: f64) -> String {
    if x < 10.0 {
        format!("{x:.2} ms")
    } else {
        format!("{x:.1} ms")
    }
}

fn kb(x: f64) -> String {
    format!("{:.1} kB", x / 1000.0)
}

fn mb(x: f64) -> String {
    format!("{:.1} MB", x / 1e6)
}

fn arr(v: &Value) -> &[Value] {
    v.as_array().map_or(&[], Vec::as_slice)
}

fn by_id<'a>(list: &'a Value, id: &str) -> Option<&'a Value> {
    arr(list).iter().find(|w| w["id"] == id)
}

/// Wasm time ÷ native time for a workload (how many times slower).
fn slowdown(r: &Value, id: &str) -> f64 {
    match (by_id(&r["core_native"], id), by_id(&r["core_wasm"], id)) {
        (Some(n), Some(w)) => f(&w["median_ms"]) / f(&n["median_ms"]),
        _ => f64::NAN,
    }
}

fn lab<'a>(r: &'a Value, protocol: &str, setting: &str) -> Option<&'a Value> {
    arr(&r["page"]["labs"])
        .iter()
        .find(|l| l["protocol"] == protocol && l["setting"] == setting)
}

/// Soak samples at the start, the middle and the end.
fn soak_points(r: &Value) -> Option<[&Value; 3]> {
    let s = arr(&r["soak"]["samples"]);
    Some([s.first()?, s.get(s.len() / 2)?, s.last()?])
}

/// Growth of a memory figure over the soak's second half, relative to the middle.
fn second_half_growth(r: &Value, key: &str) -> f64 {
    soak_points(r).map_or(f64::NAN, |[_, m, e]| f(&e[key]) / f(&m[key]) - 1.0)
}

/// Whose bundle `page` is, for the budgets' table.
fn whose(page: &str) -> String {
    if page == crate::site::PBS {
        "the PBS calculator's".into()
    } else if page == crate::site::VIEWER {
        "the log viewer's".into()
    } else {
        format!("{page} lab's")
    }
}

/// Every lab's bundle (its own wasm + js): (lab, raw, gzip, brotli) bytes.
fn lab_bundles(r: &Value) -> Vec<(String, f64, f64, f64)> {
    let mut out: Vec<(String, f64, f64, f64)> = Vec::new();
    for b in arr(&r["bundle"]) {
        let lab = b["lab"].as_str().unwrap_or("?").to_string();
        let (raw, gz, br) = (
            f(&b["raw_bytes"]),
            f(&b["gzip_bytes"]),
            f(&b["brotli_bytes"]),
        );
        match out.iter_mut().find(|x| x.0 == lab) {
            Some(x) => {
                x.1 += raw;
                x.2 += gz;
                x.3 += br;
            }
            None => out.push((lab, raw, gz, br)),
        }
    }
    out
}

/// The first render of an embedded lab over the throttled link, budget.
const THROTTLED_LOAD_BUDGET_MS: f64 = 2_500.0;

/// Gossip's native cost per round at `nodes` (the workload runs 20 rounds).
fn gossip_round_ms(r: &Value, nodes: u32) -> f64 {
    let rounds = faultline_core::protocols::gossip::WORKLOAD_ROUNDS as f64;
    by_id(&r["core_native"], &format!("gossip/{nodes}"))
        .map_or(f64::NAN, |w| f(&w["median_ms"]) / rounds)
}

/// Every budget named in the project's issues: (what, figure, met).
fn budgets(r: &Value) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    let round = gossip_round_ms(r, 1000);
    out.push((
        "gossip, 1,000 nodes: a round natively well under 1 ms".into(),
        format!("{} per round (20 rounds from the first rumor)", ms(round)),
        round < 1.0,
    ));
    if let Some(g) = lab(r, "gossip", "stress") {
        let p95 = f(&g["p95_ms"]);
        out.push((
            "gossip page, 1,000 nodes: p95 frame ≤ 10 ms".into(),
            format!("p95 {}", ms(p95)),
            p95 <= 10.0,
        ));
    }
    for l in arr(&r["page"]["labs"]) {
        let p95 = f(&l["p95_ms"]);
        out.push((
            format!(
                "{} {} lab: p95 frame within the {FRAME_BUDGET_MS} ms budget",
                l["protocol"].as_str().unwrap_or("?"),
                l["setting"].as_str().unwrap_or("?")
            ),
            format!(
                "p95 {}, max {}, {:.1}% of frames over",
                ms(p95),
                ms(f(&l["max_ms"])),
                100.0 * f(&l["over_budget"])
            ),
            p95 <= FRAME_BUDGET_MS,
        ));
    }
    for (lab, _, gz, _) in lab_bundles(r) {
        let budget = if lab == "raft" { 200.0 } else { 300.0 };
        out.push((
            format!("{} wasm + js ≤ {budget:.0} kB gzip", whose(&lab)),
            kb(gz),
            gz <= budget * 1000.0,
        ));
    }
    for l in arr(&r["load"]["labs"]) {
        let t = f(&l["throttled_ms"]);
        out.push((
            format!(
                "{} lab embedded, first render over 1.6 Mbit/s and 150 ms RTT ≤ 2.5 s",
                l["protocol"].as_str().unwrap_or("?")
            ),
            ms(t),
            t <= THROTTLED_LOAD_BUDGET_MS,
        ));
    }
    for (key, what) in [
        ("js_heap_bytes", "JS heap"),
        ("wasm_memory_bytes", "wasm memory"),
    ] {
        let g = second_half_growth(r, key);
        out.push((
            format!("soak: {what} levels off (grows < 5% over the second half)"),
            format!("{:+.1}% from the middle to the end", 100.0 * g),
            g < 0.05,
        ));
    }
    out
}

/// The whole report as Markdown.
pub fn markdown(r: &Value) -> String {
    let m = &r["machine"];
    let mut s = String::new();
    let _ = writeln!(s, "# Benchmarks\n");
    let _ = writeln!(
        s,
        "Written by `cargo xtask bench` from one run; every figure below comes from that run \
         (the raw figures are in [`benchmarks.json`](benchmarks.json)). Do not edit by hand.\n"
    );
    let _ = writeln!(s, "| machine | |\n|---|---|");
    for (k, label) in [
        ("cpu", "CPU"),
        ("cores", "cores"),
        ("os", "OS"),
        ("chromium", "Chromium (headless)"),
        ("rustc", "rustc"),
        ("node", "Node.js"),
        ("date", "date"),
        ("commit", "commit"),
    ] {
        let v = match &m[k] {
            Value::String(x) => x.clone(),
            other => other.to_string(),
        };
        let _ = writeln!(s, "| {label} | {v} |");
    }

    let _ = writeln!(s, "\n## Core: simulated events per second\n");
    let _ = writeln!(
        s,
        "Each protocol's stress workload (`faultline_core::workloads`), headless, one whole run \
         per iteration: natively by criterion (median), and the same code built for wasm32 \
         (the lab's `wasm-release` profile, opt-level z) timed in headless Chromium with \
         `performance.now()` (median run).\n"
    );
    let _ = writeln!(
        s,
        "| workload | events per run | native, per run | native | wasm, per run | wasm | wasm ÷ native |\n|---|---:|---:|---:|---:|---:|---:|"
    );
    for n in arr(&r["core_native"]) {
        let id = n["id"].as_str().unwrap_or("?");
        let w = by_id(&r["core_wasm"], id);
        let unit = faultline_core::workloads::Workload::parse(id).map_or("", |w| w.unit());
        let _ = writeln!(
            s,
            "| {} {} {unit} | {:.0} | {} | {} | {} | {} | {:.2} |",
            n["protocol"].as_str().unwrap_or("?"),
            n["size"],
            f(&n["events"]),
            ms(f(&n["median_ms"])),
            rate(f(&n["events_per_s"])),
            w.map_or("—".into(), |w| ms(f(&w["median_ms"]))),
            w.map_or("—".into(), |w| rate(f(&w["events_per_s"]))),
            w.map_or(f64::NAN, |w| f(&w["events_per_s"]) / f(&n["events_per_s"])),
        );
    }
    let _ = writeln!(s, "\n### How the native cost grows with size\n");
    let _ = writeln!(
        s,
        "k in time ∝ size^k between the smallest and the largest size (1: linear; a little \
         above 1: n log n; 2: quadratic). Per event: time per run ÷ events per run.\n"
    );
    let _ = writeln!(
        s,
        "| protocol | sizes | per run | per event | k |\n|---|---|---|---|---:|"
    );
    for p in faultline_core::workloads::protocols() {
        let rows: Vec<&Value> = arr(&r["core_native"])
            .iter()
            .filter(|n| n["protocol"] == p.as_str())
            .collect();
        let (Some(a), Some(b)) = (rows.first(), rows.last()) else {
            continue;
        };
        let k =
            (f(&b["median_ms"]) / f(&a["median_ms"])).ln() / (f(&b["size"]) / f(&a["size"])).ln();
        let join = |g: &dyn Fn(&Value) -> String| {
            rows.iter().map(|n| g(n)).collect::<Vec<_>>().join(" · ")
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {k:.2} |",
            p.as_str(),
            join(&|n| n["size"].to_string()),
            join(&|n| ms(f(&n["median_ms"]))),
            join(&|n| format!("{:.0} ns", 1e6 * f(&n["median_ms"]) / f(&n["events"]))),
        );
    }

    if !arr(&r["explore"]).is_empty() {
        let _ = writeln!(s, "\n## Counterexample search\n");
        let _ = writeln!(
            s,
            "`faultline explore` on each default preset, one thread, no bug on (so every run \
             goes to the end); the CLI spreads runs over every core.\n"
        );
        let _ = writeln!(s, "| protocol | runs/s |\n|---|---:|");
        for e in arr(&r["explore"]) {
            let _ = writeln!(
                s,
                "| {} | {:.0} |",
                e["protocol"].as_str().unwrap_or("?"),
                f(&e["runs_per_s"])
            );
        }
    }

    if !arr(&r["explore_worker"]).is_empty() {
        let _ = writeln!(
            s,
            "\nThe same search in the lab's **Break it** panel: headless Chromium, each lab's \
             default scenario, 1,000 runs over the page's Web Workers (one per core, at most \
             four), runs per second as the panel shows it, and the wall time from Find to the \
             answer (starting the workers included).\n"
        );
        let _ = writeln!(
            s,
            "| lab | workers | runs/s | 1,000 runs |\n|---|---:|---:|---:|"
        );
        for e in arr(&r["explore_worker"]) {
            let _ = writeln!(
                s,
                "| {} | {} | {:.0} | {} |",
                e["protocol"].as_str().unwrap_or("?"),
                e["workers"],
                f(&e["runs_per_s"]),
                ms(f(&e["wall_ms"]))
            );
        }
    }

    if r["idle"].is_object() {
        let b = &r["idle"]["busy_percent"];
        let _ = writeln!(s, "\n## Page: main thread when idle\n");
        let _ = writeln!(
            s,
            "Chromium's TaskDuration (main-thread task time) per wall second over {} s, one \
             page at a time at 1440×900, in one browser run: RaftScope at its defaults (the \
             reference, from ../shared/anchors/raftscope) and the Raft lab as it opens, playing, \
             then paused. The budget is a quarter of RaftScope's while playing.\n",
            r["idle"]["seconds"]
        );
        let _ = writeln!(
            s,
            "| page | main thread busy |\n|---|---:|\n| RaftScope | {} |\n| Raft lab, playing | {:.1} % |\n| Raft lab, paused | {:.1} % |",
            if b["raftscope"].is_number() { format!("{:.1} %", f(&b["raftscope"])) } else { "not found".into() },
            f(&b["raft_lab_playing"]),
            f(&b["raft_lab_paused"])
        );
    }

    let _ = writeln!(s, "\n## Page: work per animation frame\n");
    let _ = writeln!(
        s,
        "The app's own `faultline-frame` measures (simulation step plus rendering, Performance \
         API, inside the page), headless Chromium at 1440×900, over {} s of wall time per lab \
         after 1 s of warm-up. Default: the lab as it opens, at its opening speed. Stress: the \
         preset loaded through the Scenario dialog, at four times the opening speed.\n",
        r["page"]["seconds"]
    );
    let _ = writeln!(
        s,
        "| lab | preset | frames | frames/s | median | p95 | max | over {FRAME_BUDGET_MS} ms |\n|---|---|---:|---:|---:|---:|---:|---:|"
    );
    for l in arr(&r["page"]["labs"]) {
        let _ = writeln!(
            s,
            "| {} {} | {} | {} | {:.0} | {} | {} | {} | {:.1}% |",
            l["protocol"].as_str().unwrap_or("?"),
            l["setting"].as_str().unwrap_or("?"),
            l["preset"].as_str().unwrap_or("?"),
            l["frames"],
            f(&l["fps"]),
            ms(f(&l["median_ms"])),
            ms(f(&l["p95_ms"])),
            ms(f(&l["max_ms"])),
            100.0 * f(&l["over_budget"]),
        );
    }

    let l = &r["load"];
    let _ = writeln!(s, "\n## Load\n");
    let _ = writeln!(
        s,
        "From navigation to the lab's first drawing, a fresh browser context (cold cache) \
         each time, {} loads of each: on localhost, and embedded (`?embed`) over Chromium's \
         network emulation at 1.6 Mbit/s down with a 150 ms round trip. The test server \
         sends gzip, as static hosts do.\n",
        l["runs"]
    );
    let _ = writeln!(
        s,
        "| lab | first render, localhost (median) | slowest | wasm started | throttled embed (median) | slowest |\n|---|---:|---:|---:|---:|---:|"
    );
    for x in arr(&l["labs"]) {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            x["protocol"].as_str().unwrap_or("?"),
            ms(f(&x["first_lab_ms"])),
            ms(f(&x["first_lab_max_ms"])),
            ms(f(&x["wasm_started_ms"])),
            ms(f(&x["throttled_ms"])),
            ms(f(&x["throttled_max_ms"])),
        );
    }

    let so = &r["soak"];
    let _ = writeln!(s, "\n## Soak\n");
    let _ = writeln!(
        s,
        "The {} lab playing at {} for {} s of wall time; JS heap after a forced garbage \
         collection (CDP `Runtime.getHeapUsage`) and the wasm `WebAssembly.Memory` size.\n",
        so["lab"].as_str().unwrap_or("?"),
        so["speed"].as_str().unwrap_or("?"),
        so["seconds"]
    );
    let _ = writeln!(
        s,
        "| wall time | virtual time | JS heap | wasm memory |\n|---:|---:|---:|---:|"
    );
    for x in arr(&so["samples"]) {
        let _ = writeln!(
            s,
            "| {:.0} s | {:.0} s | {} | {} |",
            f(&x["t_s"]),
            f(&x["virtual_ms"]) / 1000.0,
            mb(f(&x["js_heap_bytes"])),
            mb(f(&x["wasm_memory_bytes"])),
        );
    }

    let _ = writeln!(s, "\n## Bundle\n");
    let _ = writeln!(
        s,
        "Each lab's own page weight, `dist/<lab>/` from `cargo xtask dist` (the web crate built \
         with only that lab's feature), the PBS calculator's (`dist/pbs/`, which the quorum \
         lab frames) and the log viewer's (`dist/viewer/`): gzip level 9 and brotli quality 11 (Node's zlib).\n"
    );
    let _ = writeln!(s, "| lab | raw | gzip | brotli |\n|---|---:|---:|---:|");
    for (lab, raw, gz, br) in lab_bundles(r) {
        let _ = writeln!(s, "| {lab} | {} | {} | {} |", kb(raw), kb(gz), kb(br));
    }
    let _ = writeln!(
        s,
        "\nBy file:\n\n| file | raw | gzip | brotli |\n|---|---:|---:|---:|"
    );
    for b in arr(&r["bundle"]) {
        let _ = writeln!(
            s,
            "| {} ({}) | {} | {} | {} |",
            b["kind"].as_str().unwrap_or("?"),
            b["file"].as_str().unwrap_or("?"),
            kb(f(&b["raw_bytes"])),
            kb(f(&b["gzip_bytes"])),
            kb(f(&b["brotli_bytes"])),
        );
    }

    let _ = writeln!(s, "\n## Budgets\n");
    let _ = writeln!(s, "| budget | figure | |\n|---|---|---|");
    for (what, figure, met) in budgets(r) {
        let _ = writeln!(
            s,
            "| {what} | {figure} | {} |",
            if met { "met" } else { "**missed**" }
        );
    }
    s
}

/// README's benchmark block: the headline figures, between the markers.
pub fn readme_block(readme: &str, r: &Value) -> Result<String, String> {
    let (Some(a), Some(b)) = (readme.find(BEGIN), readme.find(END)) else {
        return Err(format!("README.md has no {BEGIN} … {END} block"));
    };
    let native =
        |id: &str| by_id(&r["core_native"], id).map_or(f64::NAN, |w| f(&w["events_per_s"]));
    let frame = |p: &str, s: &str| {
        lab(r, p, s).map_or("—".into(), |l| {
            format!(
                "{} median, {} p95",
                ms(f(&l["median_ms"])),
                ms(f(&l["p95_ms"]))
            )
        })
    };
    let bundles = lab_bundles(r);
    let largest = bundles
        .iter()
        .max_by(|a, b| a.2.total_cmp(&b.2))
        .map_or("—".into(), |b| format!("{} {}", b.0, kb(b.2)));
    let raft_bundle = bundles
        .iter()
        .find(|b| b.0 == "raft")
        .map_or("—".into(), |b| kb(b.2));
    let slowest_throttled = arr(&r["load"]["labs"])
        .iter()
        .map(|l| f(&l["throttled_ms"]))
        .fold(f64::NAN, f64::max);
    let missed = budgets(r).into_iter().filter(|b| !b.2).count();
    let soak_end = soak_points(r).map_or(String::new(), |[s, _, e]| {
        format!(
            "JS heap {} → {}, wasm memory {} → {}",
            mb(f(&s["js_heap_bytes"])),
            mb(f(&e["js_heap_bytes"])),
            mb(f(&s["wasm_memory_bytes"])),
            mb(f(&e["wasm_memory_bytes"]))
        )
    });
    let mut s = String::new();
    let _ = writeln!(s, "{BEGIN}");
    let _ = writeln!(
        s,
        "Headline figures of the last run (on {}, {} cores, {}; commit {}):\n",
        r["machine"]["cpu"].as_str().unwrap_or("?"),
        r["machine"]["cores"],
        r["machine"]["date"].as_str().unwrap_or("?"),
        r["machine"]["commit"].as_str().unwrap_or("?"),
    );
    let _ = writeln!(
        s,
        "- **Core, native**: Raft, 9 nodes under client load: {} simulated events; gossip: {} per round at 1,000 nodes, {} at 10,000.",
        rate(native("raft/9")),
        ms(gossip_round_ms(r, 1000)),
        ms(gossip_round_ms(r, 10000)),
    );
    let _ = writeln!(
        s,
        "- **Core, in Chromium (wasm)**: {:.1}× slower than native for Raft, 9 nodes; {:.1}× for gossip, 1,000 nodes.",
        slowdown(r, "raft/9"),
        slowdown(r, "gossip/1000"),
    );
    let _ = writeln!(
        s,
        "- **Page, work per frame**: Raft, 9 nodes under load: {}; a thousand gossiping nodes: {}; 100,000 keys rebalancing: {}.",
        frame("raft", "stress"),
        frame("gossip", "stress"),
        frame("ring", "stress"),
    );
    let _ = writeln!(
        s,
        "- **Load**: first rendered Raft lab {} after navigation (localhost, cold cache); every lab embedded over 1.6 Mbit/s with 150 ms RTT within {}.",
        ms(f(&r["load"]["first_lab_ms"])),
        ms(slowest_throttled),
    );
    let _ = writeln!(
        s,
        "- **Soak**: {} s at 10×: {soak_end}.",
        r["soak"]["seconds"]
    );
    let _ = writeln!(
        s,
        "- **Bundle**: each lab is its own page; Raft's wasm + js {raft_bundle} gzip, the largest {largest}.",
    );
    let _ = writeln!(
        s,
        "\n{missed} of the budgets are missed; see [docs/benchmarks.md](docs/benchmarks.md)."
    );
    let _ = write!(s, "{END}");
    Ok(format!("{}{}{}", &readme[..a], s, &readme[b + END.len()..]))
}
