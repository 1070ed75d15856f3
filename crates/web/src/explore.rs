//! The worker side of the lab's counterexample search ("Break it"): a Web
//! Worker loads the lab's search wasm (`src/bin/search.rs`, built beside
//! the page's with the same lab feature, so the page's own bundle carries
//! none of this) and calls [`chunk`] for each slice of runs the page hands
//! it, so the search never runs on the page's thread. Run `i` depends only on the scenario, the seed and `i`
//! ([`faultline_core::explore`]), so the page gets the same first
//! counterexample as `faultline explore` however many workers share it.

use faultline_core::explore::{search_for, shrink};
use faultline_core::Scenario;
use serde_json::{json, Value};

/// Runs one slice of a search; answers (JSON) `{"from", "to", "found"}`,
/// where `found` is `null` or the slice's lowest failing run, already
/// shrunk: `{"run", "commands_before", "scenario", "violation"}`; or
/// `{"error"}` for a request or scenario that cannot run.
pub fn chunk(request: &str) -> String {
    answer(request)
        .unwrap_or_else(|e| json!({ "error": e }))
        .to_string()
}

fn answer(request: &str) -> Result<Value, String> {
    // The page posts `{"scenario": {…}, "seed", "from", "to",
    // "properties": [names; any if empty]}`.
    let c: Value = serde_json::from_str(request).map_err(|e| e.to_string())?;
    let number = |k: &str| {
        c[k].as_u64()
            .ok_or_else(|| format!("`{k}` is not a number"))
    };
    let (seed, from, to) = (number("seed")?, number("from")?, number("to")?);
    let base = Scenario::from_json(&c["scenario"].to_string()).map_err(|e| e.to_string())?;
    let properties: Vec<&str> = c["properties"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let found = search_for(&base, seed, from..to, &properties)
        .map_err(|e| e.to_string())?
        .map(|(run, failing, violation)| {
            let commands = failing.schedule.len();
            let shrunk = shrink(failing, violation);
            json!({
                "run": run,
                "commands_before": commands,
                "scenario": shrunk.scenario,
                "violation": shrunk.violation,
            })
        });
    Ok(json!({ "from": from, "to": to, "found": found }))
}
