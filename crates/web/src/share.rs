//! Opening links and keeping the address bar a link to the run.
//!
//! [`opening`] decides, without touching the page, what a URL fragment
//! opens: a shared run, a preset or a lab's default, with the error to show
//! when the link cannot be opened as written (the default lab opens
//! instead). The address bar is kept a link that reopens the run as it
//! stands ([`replace_address`]), so reloading, bookmarking or going back
//! returns to it.

use crate::labs;
use crate::presets;
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

/// What a link starts from.
#[derive(Clone, Debug, PartialEq)]
pub enum Start {
    /// A scenario carried by the link.
    Run(Scenario),
    /// A preset (a lab's default is its `<protocol>-default` preset), to
    /// fetch first.
    Preset(String),
}

/// What a link opens.
#[derive(Debug)]
pub struct Opening {
    /// The lab it opens.
    pub protocol: ProtocolName,
    /// The run to build.
    pub start: Start,
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

/// The protocol a fragment's path names, whatever follows it (the first
/// lab of the page for anything unknown or not on this page).
pub fn route(hash: &str) -> ProtocolName {
    let path = hash.split_once('#').map_or(hash, |(_, fragment)| fragment);
    let name = path.split('?').next().unwrap_or("").trim_matches('/');
    labs::LABS
        .iter()
        .map(|e| e.protocol)
        .find(|p| p.as_str() == name)
        .unwrap_or(labs::first().protocol)
}

/// Whether `hash` routes to a lab of the site that this page does not
/// carry: the page's loader then starts that lab's page, and this one
/// should leave the address alone.
pub fn elsewhere(hash: &str) -> bool {
    let path = hash.split_once('#').map_or(hash, |(_, fragment)| fragment);
    let name = path.split('?').next().unwrap_or("").trim_matches('/');
    ProtocolName::parse(name).is_some_and(|p| !labs::compiled(p))
}

/// What `hash` opens. Never fails: a link that cannot be opened gives its
/// lab's default (or the page's first lab's) and the reason.
pub fn opening(hash: &str) -> Opening {
    let fallback = |error: String| {
        let protocol = route(hash);
        Opening {
            protocol,
            start: Start::Preset(presets::default_id(protocol)),
            at: None,
            view: View::default(),
            tour: None,
            source: Source::Default,
            error: Some(error),
        }
    };
    let link = match Link::parse(hash) {
        Ok(link) => link,
        Err(e) => return fallback(e.to_string()),
    };
    if let Some(p) = link.protocol.filter(|p| !labs::compiled(*p)) {
        return fallback(format!(
            "This link cannot be opened here: {}",
            crate::running::elsewhere(p)
        ));
    }
    let protocol = link.protocol.unwrap_or(labs::first().protocol);
    let (protocol, start, source) = match (link.scenario, &link.preset) {
        (Some(s), _) => (s.protocol, Start::Run(s), Source::Shared),
        (None, Some(id)) => match presets::lab_of(id).and_then(|t| t.protocol()) {
            Some(lab) if link.protocol.is_none_or(|p| p == lab) && labs::compiled(lab) => {
                (lab, Start::Preset(id.clone()), Source::Preset(id.clone()))
            }
            Some(lab) => {
                return fallback(format!(
                    "This link cannot be opened: `preset`: {id} is a preset of the {} lab, not of the {} lab",
                    lab.as_str(),
                    protocol.as_str()
                ))
            }
            None => {
                return fallback(format!(
                    "This link cannot be opened: `preset`: there is no preset \"{id}\""
                ))
            }
        },
        (None, None) => (
            protocol,
            Start::Preset(presets::default_id(protocol)),
            Source::Default,
        ),
    };
    Opening {
        protocol,
        start,
        at: link.at,
        view: link.view,
        tour: link.tour.map(|t| (t, link.step.unwrap_or(0))),
        source,
        error: None,
    }
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
    let current = window.location().hash().unwrap_or_default();
    // The address already names a lab on another page: it is on its way.
    if LEAVING.with(|l| l.get()) || elsewhere(&current) {
        return;
    }
    if current == fragment {
        return;
    }
    if let Ok(history) = window.history() {
        let url = format!("{}{fragment}", page_url());
        history
            .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
            .ok();
    }
}

thread_local! {
    /// Set once the page navigates to a lab on another page: from then on
    /// nothing rewrites the address, so the loader sees where it goes.
    static LEAVING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Goes to `fragment` with a new history entry: a route to a lab that
/// lives on another page makes the page's loader start that lab.
pub fn navigate(fragment: &str) {
    LEAVING.with(|l| l.set(true));
    gloo::utils::window().location().set_hash(fragment).ok();
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

    fn preset(id: &str) -> Start {
        Start::Preset(id.into())
    }

    #[test]
    fn a_bare_route_opens_the_labs_default() {
        for lab in labs::LABS {
            let p = lab.protocol;
            let o = opening(&format!("#/{}", p.as_str()));
            assert_eq!(o.start, preset(&presets::default_id(p)));
            assert_eq!(o.protocol, p);
            assert!(o.error.is_none());
        }
        assert_eq!(opening("").protocol, labs::first().protocol);
    }

    #[cfg(all(feature = "raft", feature = "gossip"))]
    #[test]
    fn a_preset_link_opens_the_preset_with_its_view() {
        use faultline_core::link::Controls;
        let o = opening("#/raft?preset=raft-split-vote&embed&controls=none&t=900");
        assert!(o.error.is_none(), "{:?}", o.error);
        assert_eq!(o.start, preset("raft-split-vote"));
        assert!(o.view.embed);
        assert_eq!(o.view.controls, Controls::None);
        assert_eq!(o.at, Some(Time::from_ms(900)));
        // Without a path, the preset names its lab.
        assert_eq!(
            opening("#?preset=gossip-partition").protocol,
            ProtocolName::Gossip
        );
    }

    #[cfg(all(
        feature = "raft",
        feature = "gossip",
        feature = "ring",
        feature = "quorum"
    ))]
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
            ("#/zab", ProtocolName::Raft, "no `zab` lab"),
        ] {
            let o = opening(hash);
            let e = o.error.unwrap_or_else(|| panic!("{hash} opened"));
            assert!(e.contains(needle), "{hash}: {e}");
            assert_eq!(o.start, preset(&presets::default_id(lab)), "{hash}");
        }
    }

    #[test]
    fn a_lab_not_on_this_page_says_where_it_lives() {
        for &p in ProtocolName::ALL.iter().filter(|p| !labs::compiled(**p)) {
            let o = opening(&format!("#/{}", p.as_str()));
            let e = o.error.expect("an error");
            assert!(e.contains("lives on another page"), "{e}");
            assert_eq!(o.protocol, labs::first().protocol);
        }
    }

    #[cfg(all(feature = "raft", feature = "gossip", feature = "ring"))]
    #[test]
    fn routes_ignore_options() {
        assert_eq!(route("#/gossip?embed=1"), ProtocolName::Gossip);
        assert_eq!(route("#/nothing"), ProtocolName::Raft);
        assert_eq!(route("http://h/lab/#/ring?t=x"), ProtocolName::Ring);
        assert_eq!(
            opening("http://h/lab/#/ring?t=x").protocol,
            ProtocolName::Ring
        );
    }
}
