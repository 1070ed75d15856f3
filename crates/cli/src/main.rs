//! `faultline`: runs scenarios headless and prints one JSON report per run.
//!
//! ```text
//! faultline run SCENARIO.json [--seed N] [--runs K] [--trace FILE.jsonl]
//! ```

mod args;

use args::{Args, RunArgs};
use faultline_core::{AnySim, Scenario, SimConfig};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    match Args::parse(std::env::args().skip(1)) {
        Ok(Args::Help) => {
            print!("{}", args::USAGE);
            ExitCode::SUCCESS
        }
        Ok(Args::Run(run_args)) => match run(&run_args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("faultline: {e}");
                ExitCode::from(1)
            }
        },
        Err(e) => {
            eprintln!("faultline: {e}\n\n{}", args::USAGE);
            ExitCode::from(2)
        }
    }
}

/// Trace entries buffered between writes.
const TRACE_CHUNK: usize = 65_536;

/// Writes the buffered trace entries as JSON lines (with `run` when there
/// are several runs).
fn write_trace(
    w: &mut impl Write,
    sim: &mut AnySim,
    tag_run: bool,
    run: u64,
) -> Result<(), String> {
    for event in sim.drain_trace() {
        let mut line = serde_json::to_value(&event).map_err(|e| e.to_string())?;
        if tag_run {
            line["run"] = run.into();
        }
        serde_json::to_writer(&mut *w, &line).map_err(|e| e.to_string())?;
        w.write_all(b"\n").map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn run(a: &RunArgs) -> Result<(), String> {
    let text = std::fs::read_to_string(&a.scenario)
        .map_err(|e| format!("cannot read {}: {e}", a.scenario))?;
    let mut scenario = Scenario::from_json(&text).map_err(|e| format!("{}: {e}", a.scenario))?;
    if let Some(seed) = a.seed {
        scenario.seed = seed;
    }
    let mut trace = match &a.trace {
        Some(path) => Some(BufWriter::new(
            File::create(path).map_err(|e| format!("cannot write {path}: {e}"))?,
        )),
        None => None,
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let base = scenario.seed;
    for i in 0..a.runs {
        scenario.seed = base.wrapping_add(i);
        let config = SimConfig {
            // Summaries only matter when the trace is written out.
            labels: trace.is_some(),
            trace_capacity: if trace.is_some() { TRACE_CHUNK } else { 0 },
            checkpoint_every: 0,
            ..SimConfig::default()
        };
        let mut sim = AnySim::new(&scenario, config).map_err(|e| format!("{}: {e}", a.scenario))?;
        // Run in chunks and stream the trace out, so memory stays bounded
        // however long the run.
        let end = faultline_core::Time::from_ms(scenario.until_ms);
        while !sim.run_until_bounded(end, TRACE_CHUNK as u64 / 4) {
            if let Some(w) = trace.as_mut() {
                write_trace(w, &mut sim, a.runs > 1, i)?;
            }
        }
        if let Some(w) = trace.as_mut() {
            write_trace(w, &mut sim, a.runs > 1, i)?;
        }
        let report = serde_json::to_string(&sim.report()).map_err(|e| e.to_string())?;
        writeln!(out, "{report}").map_err(|e| e.to_string())?;
    }
    if let Some(mut w) = trace {
        w.flush().map_err(|e| e.to_string())?;
    }
    Ok(())
}
