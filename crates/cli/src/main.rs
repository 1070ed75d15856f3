//! `faultline`: runs scenarios headless and prints one JSON report per run,
//! or checks a history for linearizability.
//!
//! ```text
//! faultline run SCENARIO.json [--seed N] [--runs K] [--trace FILE.jsonl]
//! faultline explore SCENARIO.json [--budget RUNS] [--seed S] [--threads T]
//! faultline explore --list-bugs
//! faultline check-linearizable HISTORY
//! faultline import shiviz LOG [--regex RX]
//! ```

mod args;
mod explore;
mod import;

use args::{Args, RunArgs};
use faultline_core::link::Link;
use faultline_core::{linearizability, AnySim, Scenario, SimConfig};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    match Args::parse(std::env::args().skip(1)) {
        Ok(Args::Help) => {
            print!("{}", args::USAGE);
            ExitCode::SUCCESS
        }
        Ok(Args::Run(run_args)) => done(run(&run_args)),
        Ok(Args::CheckLinearizable(file)) => done(check_linearizable(&file)),
        Ok(Args::ListBugs) => done(explore::list_bugs()),
        Ok(Args::ImportShiviz { file, regex }) => done(import_shiviz(&file, regex.as_deref())),
        Ok(Args::Explore(a)) => match explore::explore(&a) {
            Ok(true) => ExitCode::from(1),
            Ok(false) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("faultline: {e}");
                ExitCode::from(2)
            }
        },
        Err(e) => {
            eprintln!("faultline: {e}\n\n{}", args::USAGE);
            ExitCode::from(2)
        }
    }
}

/// Exit 0, or 1 with the error on stderr.
fn done(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("faultline: {e}");
            ExitCode::from(1)
        }
    }
}

/// Prints the imported log as one JSON object.
fn import_shiviz(file: &str, regex: Option<&str>) -> Result<(), String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let log = import::import(&text, regex).map_err(|e| format!("{file}: {e}"))?;
    let mut out = BufWriter::new(io::stdout().lock());
    let failed = |e: &dyn std::fmt::Display| format!("cannot write the log out: {e}");
    serde_json::to_writer(&mut out, &log).map_err(|e| failed(&e))?;
    writeln!(out)
        .and_then(|()| out.flush())
        .map_err(|e| failed(&e))
}

/// Prints a line about the history, the offending operations if any, and
/// the verdict as the last word: `true` or `false`.
fn check_linearizable(file: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let report = linearizability::check_file(&text).map_err(|e| format!("{file}: {e}"))?;
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let mut out = format!(
        "{file}: {}, {}, {}, {}\n",
        report.format,
        plural(report.operations, "operation"),
        plural(report.clients, "client"),
        plural(report.partitions, "partition"),
    );
    if !report.offending.is_empty() {
        out += "offending operations (no order explains them all, whether or not the others took effect):\n";
        for line in &report.offending {
            out += &format!("  {line}\n");
        }
    }
    out += &format!("linearizable: {}\n", report.verdict.is_linearizable());
    io::stdout()
        .lock()
        .write_all(out.as_bytes())
        .map_err(|e| e.to_string())
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

/// The scenario of a file, or of a lab link (`…#/raft?v=1&s=…`) with the
/// time it was shared at.
pub(crate) fn load(source: &str) -> Result<(Scenario, Option<faultline_core::Time>), String> {
    if source.contains('#') && !std::path::Path::new(source).exists() {
        let link = Link::parse(source).map_err(|e| e.to_string())?;
        return match link.scenario {
            Some(s) => Ok((s, link.at)),
            None => Err(format!(
                "the link carries no scenario{}: share it from the lab with Share → Copy link",
                link.preset
                    .map(|p| format!(" (it names the preset {p}: run www/presets/{p}.json)"))
                    .unwrap_or_default()
            )),
        };
    }
    let text = std::fs::read_to_string(source).map_err(|e| format!("cannot read {source}: {e}"))?;
    let scenario = Scenario::from_json(&text).map_err(|e| format!("{source}: {e}"))?;
    Ok((scenario, None))
}

fn run(a: &RunArgs) -> Result<(), String> {
    let (mut scenario, shared_at) = load(&a.scenario)?;
    let label = if shared_at.is_some() || a.scenario.contains('#') {
        "the link's scenario"
    } else {
        a.scenario.as_str()
    };
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
        let mut sim = AnySim::new(&scenario, config).map_err(|e| format!("{label}: {e}"))?;
        // Run in chunks and stream the trace out, so memory stays bounded
        // however long the run.
        // A shared link stops where it was shared, so its trace hash is
        // the one the lab showed.
        let end = shared_at.unwrap_or(faultline_core::Time::from_ms(scenario.until_ms));
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
