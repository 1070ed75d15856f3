//! Textbook bugs a run can switch on (`params.bugs`): each is a real
//! mistake from the literature, a switch in the protocol's own code (never
//! in its checker), with the invariants it breaks. With none on, a protocol
//! runs as its paper says; the explorer ([`crate::explore`]) searches for
//! the fault schedule that makes a switched-on bug break a property.

use serde::Serialize;

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

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[Bug] = &[Bug {
        name: "forget_vote",
        breaks: &["Election Safety"],
        about: "",
    }];

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
