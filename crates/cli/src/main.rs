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
            // Keep the whole trace in memory only when it is written out.
            trace_capacity: if trace.is_some() { usize::MAX } else { 0 },
            checkpoint_every: 0,
            ..SimConfig::default()
        };
        let mut sim = AnySim::new(&scenario, config).map_err(|e| format!("{}: {e}", a.scenario))?;
        sim.run_to_end();
        if let Some(w) = trace.as_mut() {
            for event in sim.trace() {
                let mut line = serde_json::to_value(event).map_err(|e| e.to_string())?;
                if a.runs > 1 {
                    line["run"] = i.into();
                }
                serde_json::to_writer(&mut *w, &line).map_err(|e| e.to_string())?;
                w.write_all(b"\n").map_err(|e| e.to_string())?;
            }
        }
        let report = serde_json::to_string(&sim.report()).map_err(|e| e.to_string())?;
        writeln!(out, "{report}").map_err(|e| e.to_string())?;
    }
    if let Some(mut w) = trace {
        w.flush().map_err(|e| e.to_string())?;
    }
    Ok(())
}
