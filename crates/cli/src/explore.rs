//! `faultline explore`: the counterexample search over every core, and
//! `--list-bugs`.

use crate::args::ExploreArgs;
use faultline_core::explore::{search_for, shrink};
use faultline_core::{ProtocolName, Scenario, Violation};
use serde_json::json;
use std::io::Write;

/// Runs handed to each thread per round: enough to keep every core busy,
/// few enough that a search stops soon after its first failure.
const RUNS_PER_THREAD: u64 = 32;

/// Prints every protocol's invariants and bugs as one JSON array.
pub fn list_bugs() -> Result<(), String> {
    let all: Vec<serde_json::Value> = ProtocolName::ALL
        .iter()
        .filter_map(|p| p.info())
        .map(|info| {
            json!({
                "protocol": info.name,
                "invariants": info.invariants,
                "history_properties": info.history_properties,
                "bugs": info.bugs,
            })
        })
        .collect();
    print_line(&serde_json::Value::Array(all))
}

/// Searches; prints the one JSON line. True when it found a counterexample.
pub fn explore(a: &ExploreArgs) -> Result<bool, String> {
    let (scenario, _) = crate::load(&a.scenario)?;
    if let Some(p) = &a.property {
        check_property(&scenario, p)?;
    }
    let threads = a
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let found = first_failure(
        &scenario,
        a.property.as_deref(),
        (a.seed, a.budget),
        threads,
    )
    .map_err(|e| format!("{}: {e}", a.scenario))?;
    let line = match found {
        Some((run, failing, violation)) => {
            let c = shrink(failing, violation);
            json!({
                "found": true,
                "property": c.violation.invariant,
                "runs": run + 1,
                "scenario": c.scenario,
                "violation": c.violation,
            })
        }
        None => json!({
            "found": false,
            "property": null,
            "runs": a.budget,
            "scenario": null,
            "violation": null,
        }),
    };
    print_line(&line)?;
    Ok(line["found"] == true)
}

/// The lowest failing run below `budget`, searched in rounds: each thread
/// takes a contiguous slice of the round, and the lowest failure of the
/// round wins, so the answer does not depend on `threads`.
fn first_failure(
    base: &Scenario,
    property: Option<&str>,
    (seed, budget): (u64, u64),
    threads: usize,
) -> Result<Option<(u64, Scenario, Violation)>, String> {
    let per = RUNS_PER_THREAD;
    let round = per * threads as u64;
    let mut start = 0;
    while start < budget {
        let end = (start + round).min(budget);
        let results = std::thread::scope(|scope| {
            let handles: Vec<_> = (start..end)
                .step_by(per as usize)
                .map(|from| {
                    let to = (from + per).min(end);
                    scope.spawn(move || search_for(base, seed, from..to, property.as_slice()))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().map_err(|_| "a search thread panicked".to_string()))
                .collect::<Result<Vec<_>, _>>()
        })?;
        // Slices are in order: the first failure found is the lowest.
        for r in results {
            if let Some(found) = r.map_err(|e| e.to_string())? {
                return Ok(Some(found));
            }
        }
        start = end;
    }
    Ok(None)
}

/// Refuses a property the scenario's protocol does not check, listing the
/// ones it does.
fn check_property(s: &Scenario, property: &str) -> Result<(), String> {
    let info = s
        .protocol
        .info()
        .ok_or_else(|| format!("{} is not in this build", s.protocol.as_str()))?;
    let known: Vec<&str> = info
        .invariants
        .iter()
        .chain(info.history_properties)
        .copied()
        .collect();
    if known.contains(&property) {
        return Ok(());
    }
    Err(format!(
        "--property: {} checks no property `{property}`; expected one of {}",
        info.name,
        known
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

fn print_line(v: &serde_json::Value) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, v).map_err(|e| e.to_string())?;
    out.write_all(b"\n").map_err(|e| e.to_string())
}
