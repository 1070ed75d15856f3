//! The preset scenarios in `www/presets`, fetched from `presets/<id>.json`
//! when a lab needs one (each lab lists its own ids) and kept once fetched.

use crate::labs::{self, Tab};
use faultline_core::sortedmap::SortedMap;
use faultline_core::Scenario;
use std::cell::RefCell;

thread_local! {
    /// The presets fetched so far (their JSON), by id.
    static FETCHED: RefCell<SortedMap<String, String>> = const { RefCell::new(SortedMap::new()) };
}

/// The lab that lists preset `id`, on this page or another.
pub fn lab_of(id: &str) -> Option<&'static Tab> {
    labs::TABS.iter().find(|t| t.presets.contains(&id))
}

/// The default preset's id of a protocol's lab.
pub fn default_id(protocol: faultline_core::ProtocolName) -> String {
    format!("{}-default", protocol.as_str())
}

/// Parses preset `id`'s JSON.
pub fn parse(id: &str, json: &str) -> Result<Scenario, String> {
    Scenario::from_json(json).map_err(|e| format!("preset {id}: {e}"))
}

/// The error for an id no lab lists.
fn unknown(id: &str) -> String {
    format!("preset: there is no preset \"{id}\"")
}

/// The JSON of preset `id`: fetched the first time, then kept.
pub async fn fetch_json(id: &str) -> Result<String, String> {
    if lab_of(id).is_none() {
        return Err(unknown(id));
    }
    if let Some(json) = FETCHED.with(|f| f.borrow().get(id).cloned()) {
        return Ok(json);
    }
    let json = crate::fetch::text(&format!("presets/{id}.json"))
        .await
        .map_err(|e| format!("preset {id} could not be fetched: {e}"))?;
    FETCHED.with(|f| f.borrow_mut().insert(id.to_string(), json.clone()));
    Ok(json)
}

/// The scenario of preset `id`, fetched the first time.
pub async fn fetch(id: &str) -> Result<Scenario, String> {
    parse(id, &fetch_json(id).await?)
}

/// The scenario of preset `id`, read from `www/presets` (for tests).
#[cfg(test)]
pub fn read(id: &str) -> Result<Scenario, String> {
    if lab_of(id).is_none() {
        return Err(unknown(id));
    }
    let path = format!("{}/../../www/presets/{id}.json", env!("CARGO_MANIFEST_DIR"));
    let json = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    parse(id, &json)
}

#[cfg(test)]
mod tests;
