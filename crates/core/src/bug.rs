//! Textbook bugs a run can switch on (`params.bugs`): each is a real
//! mistake from the literature, a switch in the protocol's own code (never
//! in its checker), with the invariants it breaks. With none on, a protocol
//! runs as its paper says; the explorer ([`crate::explore`]) searches for
//! the fault schedule that makes a switched-on bug break a property.

use serde::Serialize;
use serde_json::Value;

/// One bug a protocol can be run with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Bug {
    /// Its name in `params.bugs` (`"forget_vote"`).
    #[serde(rename = "bug")]
    pub name: &'static str,
    /// The invariants it can break.
    pub breaks: &'static [&'static str],
    /// What the mistake is, and where the literature describes it.
    pub about: &'static str,
    /// What it needs to show at all. Switched on with [`switch_bug`], it
    /// sets these parameters: SWIM's bug needs SWIM.
    #[serde(skip)]
    pub needs: &'static [Need],
}

/// A parameter a bug needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// A mode (a parameter whose value is an object of options) switched
    /// on: set to its defaults (`{}`) unless already on.
    Mode(&'static str),
    /// A number parameter set to this value.
    Value(&'static str, u64),
}

/// Checks `names` (a scenario's `params.bugs`) against the bugs a protocol
/// knows; the error names the first unknown one and lists the known.
pub fn check(known: &[Bug], names: &[String]) -> Result<(), String> {
    for (i, name) in names.iter().enumerate() {
        if !known.iter().any(|b| b.name == name) {
            let list: Vec<String> = known.iter().map(|b| format!("`{}`", b.name)).collect();
            return Err(if list.is_empty() {
                format!("bugs: this protocol has no bugs to switch on, not `{name}` (entry {i})")
            } else {
                format!(
                    "bugs: no bug `{name}` (entry {i}); expected one of {}",
                    list.join(", ")
                )
            });
        }
    }
    Ok(())
}

/// Whether bug `name` is on in `names`.
pub fn on(names: &[String], name: &str) -> bool {
    names.iter().any(|n| n == name)
}

/// The bugs a scenario's `params` switch on, as written.
pub fn switched_on(params: &Value) -> Vec<&str> {
    params
        .get("bugs")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Switches bug `name` on or off in a scenario's `params`; with none left
/// on, `bugs` goes, so the scenario reads as one written before bugs
/// existed.
pub fn switch(params: &mut Value, name: &str, on: bool) {
    let mut names: Vec<String> = switched_on(params)
        .into_iter()
        .filter(|&n| n != name)
        .map(String::from)
        .collect();
    if on {
        names.push(name.to_string());
    }
    if params.is_null() {
        *params = Value::Object(serde_json::Map::new());
    }
    if let Value::Object(map) = params {
        if names.is_empty() {
            // Copied without it rather than `remove`d: the map's removal
            // code would be in a lab page's wasm for this one call.
            let mut kept = serde_json::Map::new();
            for (k, v) in std::mem::take(map) {
                if k != "bugs" {
                    kept.insert(k, v);
                }
            }
            *map = kept;
        } else {
            map.insert("bugs".into(), names.into());
        }
    }
}

/// Switches `bug` on or off in a scenario's `params`, as [`switch`]; on,
/// it also sets each parameter the bug needs ([`Need`]), so the bug has
/// something to act on. Off, they stay: the run is the same run without
/// the bug.
pub fn switch_bug(params: &mut Value, bug: &Bug, on: bool) {
    switch(params, bug.name, on);
    if !on {
        return;
    }
    if let Value::Object(map) = params {
        for &need in bug.needs {
            match need {
                Need::Mode(name) => {
                    if map.get(name).is_none_or(Value::is_null) {
                        map.insert(name.into(), Value::Object(serde_json::Map::new()));
                    }
                }
                Need::Value(name, value) => {
                    map.insert(name.into(), value.into());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switching_a_bug_edits_params_bugs_and_drops_it_when_empty() {
        let mut params = Value::Null;
        switch(&mut params, "forget_vote", true);
        switch(&mut params, "commit_previous_term", true);
        switch(&mut params, "forget_vote", true);
        assert_eq!(
            switched_on(&params),
            ["commit_previous_term", "forget_vote"]
        );
        switch(&mut params, "commit_previous_term", false);
        switch(&mut params, "forget_vote", false);
        assert_eq!(params, serde_json::json!({}));
    }

    const KNOWN: &[Bug] = &[Bug {
        name: "forget_vote",
        breaks: &["Election Safety"],
        about: "",
        needs: &[],
    }];

    /// A bug that needs a mode switches it on, and leaves a mode already
    /// set as it was.
    #[test]
    fn a_bug_switched_on_sets_what_it_needs() {
        let swim_bug = Bug {
            name: "forget_incarnation",
            breaks: &[],
            about: "",
            needs: &[Need::Mode("swim")],
        };
        let mut params = serde_json::json!({ "fanout": 1 });
        switch_bug(&mut params, &swim_bug, true);
        assert_eq!(
            params,
            serde_json::json!({ "fanout": 1, "bugs": ["forget_incarnation"], "swim": {} })
        );
        let mut set = serde_json::json!({ "swim": { "k": 5 } });
        switch_bug(&mut set, &swim_bug, true);
        assert_eq!(set["swim"], serde_json::json!({ "k": 5 }));
        // Off, the mode stays: the run is the same run without the bug.
        switch_bug(&mut params, &swim_bug, false);
        assert_eq!(params, serde_json::json!({ "fanout": 1, "swim": {} }));
    }

    /// A bug that needs a number sets it, over the value written.
    #[test]
    fn a_bug_switched_on_sets_the_value_it_needs() {
        let raft_bug = Bug {
            name: "commit_previous_term",
            breaks: &[],
            about: "",
            needs: &[Need::Value("max_batch", 1)],
        };
        let mut params = serde_json::json!({ "max_batch": 16 });
        switch_bug(&mut params, &raft_bug, true);
        assert_eq!(
            params,
            serde_json::json!({ "max_batch": 1, "bugs": ["commit_previous_term"] })
        );
    }

    #[test]
    fn an_unknown_bug_is_named_with_the_known_ones() {
        assert_eq!(check(KNOWN, &["forget_vote".into()]), Ok(()));
        assert_eq!(
            check(KNOWN, &["forget_vote".into(), "nope".into()]),
            Err("bugs: no bug `nope` (entry 1); expected one of `forget_vote`".into())
        );
        assert!(check(&[], &["x".into()]).unwrap_err().contains("no bugs"));
        assert!(on(&["forget_vote".into()], "forget_vote"));
        assert!(!on(&[], "forget_vote"));
    }
}
