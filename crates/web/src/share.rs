//! Opening links and keeping the address bar a link to the run.
//!
//! [`opening`] decides, without touching the page, what a URL fragment
//! opens: a shared run, a preset or a lab's default, with the error to show
//! when the link cannot be opened as written (the default lab opens
//! instead). The address bar is kept a link that reopens the run as it
//! stands ([`replace_address`]), so reloading, bookmarking or going back
//! returns to it.

use crate::app::{default_scenario, ROUTES};
use faultline_core::link::{Link, Theme, View};
use faultline_core::{ProtocolName, Scenario, Time};

/// Where a running scenario came from: a bare lab or a preset keep a
/// short address while they play untouched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The lab's default.
    Default,
    /// A preset, by id.
    Preset(String),
    /// A scenario shared in a link or loaded from JSON.
    Shared,
}

/// What a link opens.
#[derive(Debug)]
pub struct Opening {
    /// The run to build.
    pub scenario: Scenario,
    /// Where to run it to before showing it.
    pub at: Option<Time>,
    /// How the lab looks and starts.
    pub view: View,
    /// The guided tour and step asked for, if any.
    pub tour: Option<(String, u32)>,
    /// Where the scenario comes from.
    pub source: Source,
    /// Why the link could not be opened as written, if so.
    pub error: Option<String>,
}

/// The protocol a fragment's path names, whatever follows it (Raft for
/// anything unknown).
pub fn route(hash: &str) -> ProtocolName {
    let path = hash.split_once('#').map_or(hash, |(_, fragment)| fragment);
    let name = path.split('?').next().unwrap_or("").trim_matches('/');
    ROUTES
        .iter()
        .copied()
        .find(|p| p.as_str() == name)
        .unwrap_or(ProtocolName::Raft)
}

/// What `hash` opens. Never fails: a link that cannot be opened gives its
/// lab's default (or Raft's) and the reason.
pub fn opening(hash: &str) -> Opening {
    let fallback = |error: String| Opening {
        scenario: default_scenario(route(hash)),
        at: None,
        view: View::default(),
        tour: None,
        source: Source::Default,
        error: Some(error),
    };
    let link = match Link::parse(hash) {
        Ok(link) => link,
        Err(e) => return fallback(e.to_string()),
    };
    if let Some(p) = link.protocol.filter(|p| !ROUTES.contains(p)) {
        return fallback(format!(
            "This link cannot be opened: the {} lab is not in the browser yet",
            p.as_str()
        ));
    }
    let protocol = link.protocol.unwrap_or(ProtocolName::Raft);
    let (scenario, source) = match (link.scenario, &link.preset) {
        (Some(s), _) => (s, Source::Shared),
        (None, Some(id)) => match preset(id) {
            Ok(s) if link.protocol.is_none_or(|p| p == s.protocol) => (s, Source::Preset(id.clone())),
            Ok(s) => {
                return fallback(format!(
                    "This link cannot be opened: `preset`: {id} is a preset of the {} lab, not of the {} lab",
                    s.protocol.as_str(),
                    protocol.as_str()
                ))
            }
            Err(e) => return fallback(e),
        },
        (None, None) => (default_scenario(protocol), Source::Default),
    };
    Opening {
        scenario,
        at: link.at,
        view: link.view,
        tour: link.tour.map(|t| (t, link.step.unwrap_or(0))),
        source,
        error: None,
    }
}

/// The preset `id`'s scenario.
fn preset(id: &str) -> Result<Scenario, String> {
    crate::presets::scenario(id).map_err(|e| {
        format!(
            "This link cannot be opened: `preset`: {}",
            e.trim_start_matches("preset: ")
        )
    })
}

/// The page's address without its fragment.
pub fn page_url() -> String {
    let href = gloo::utils::window().location().href().unwrap_or_default();
    match href.split_once('#') {
        Some((page, _)) => page.to_string(),
        None => href,
    }
}

/// Puts `fragment` in the address bar without a new history entry (and
/// without a `hashchange`).
pub fn replace_address(fragment: &str) {
    let window = gloo::utils::window();
    if window.location().hash().ok().as_deref() == Some(fragment) {
        return;
    }
    if let Ok(history) = window.history() {
        let url = format!("{}{fragment}", page_url());
        history
            .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
            .ok();
    }
}

/// Sets the page's look (`embed`, `presenter`, `theme-dark` classes on the
/// root element, so the page background follows too).
pub fn apply_look(view: &View) {
    let mut classes = Vec::new();
    if view.embed {
        classes.push("embed");
    }
    if view.presenter {
        classes.push("presenter");
    }
    if view.theme == Some(Theme::Dark) {
        classes.push("theme-dark");
    }
    if let Some(root) = gloo::utils::document().document_element() {
        root.set_class_name(&classes.join(" "));
    }
}

/// Whether the reader asked the system for less motion.
pub fn prefers_reduced_motion() -> bool {
    gloo::utils::window()
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches())
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_core::link::Controls;

    #[test]
    fn a_bare_route_opens_the_labs_default() {
        for p in ROUTES {
            let o = opening(&format!("#/{}", p.as_str()));
            assert_eq!(o.scenario, default_scenario(*p));
            assert!(o.error.is_none());
        }
        assert_eq!(opening("").scenario.protocol, ProtocolName::Raft);
    }

    #[test]
    fn a_preset_link_opens_the_preset_with_its_view() {
        let o = opening("#/raft?preset=raft-split-vote&embed&controls=none&t=900");
        assert!(o.error.is_none(), "{:?}", o.error);
        assert_eq!(
            o.scenario,
            crate::presets::scenario("raft-split-vote").unwrap()
        );
        assert!(o.view.embed);
        assert_eq!(o.view.controls, Controls::None);
        assert_eq!(o.at, Some(Time::from_ms(900)));
        // Without a path, the preset names its lab.
        assert_eq!(
            opening("#?preset=gossip-partition").scenario.protocol,
            ProtocolName::Gossip
        );
    }

    #[test]
    fn a_link_that_cannot_open_says_why_and_opens_the_default() {
        for (hash, lab, needle) in [
            (
                "#/gossip?preset=nope",
                ProtocolName::Gossip,
                "no preset \"nope\"",
            ),
            (
                "#/raft?preset=gossip-partition",
                ProtocolName::Raft,
                "preset of the gossip lab",
            ),
            ("#/ring?t=oops", ProtocolName::Ring, "`t`"),
            (
                "#/quorum?v=7&s=AAAA",
                ProtocolName::Quorum,
                "newer faultline",
            ),
            ("#/paxos", ProtocolName::Raft, "no `paxos` lab"),
        ] {
            let o = opening(hash);
            let e = o.error.unwrap_or_else(|| panic!("{hash} opened"));
            assert!(e.contains(needle), "{hash}: {e}");
            assert_eq!(o.scenario, default_scenario(lab), "{hash}");
        }
    }

    #[test]
    fn routes_ignore_options() {
        assert_eq!(route("#/gossip?embed=1"), ProtocolName::Gossip);
        assert_eq!(route("#/nothing"), ProtocolName::Raft);
        assert_eq!(route("http://h/lab/#/ring?t=x"), ProtocolName::Ring);
        assert_eq!(
            opening("http://h/lab/#/ring?t=x").scenario.protocol,
            ProtocolName::Ring
        );
    }
}
