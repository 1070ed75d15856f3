//! The PBS calculator page (`pbs/?n=3&r=1&w=1&latency=5-15`): the
//! probabilistically bounded staleness panel on a page of its own. The
//! quorum lab shows it in a frame with the run's N, R, W and link latency,
//! so the lab's wasm carries neither the Monte Carlo nor the chart; opened
//! alone it is a calculator whose address keeps every setting.

mod panel;

use crate::format::ms;
use faultline_core::net::LinkParams;
use panel::{PbsPanel, Source};
use yew::prelude::*;

/// What the page's address sets, and the panel edits.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// N, R and W as typed (the panel checks them).
    pub texts: [String; 3],
    /// The uniform one-way latency, µs, or why the address's is wrong.
    pub latency_us: Result<(u64, u64), String>,
    /// Where the latencies come from.
    pub source: Source,
    /// Whether the time axis is logarithmic.
    pub log: bool,
}

impl Settings {
    /// The settings in an address's parameters (`get` reads one), each
    /// missing one at its default: N = 3, R = W = 1, the links' default
    /// latency, the links as the source, a linear axis. A latency that
    /// cannot be read is kept as its error, shown where the chart would be.
    pub fn read(get: impl Fn(&str) -> Option<String>) -> Settings {
        let text = |key: &str, default: &str| get(key).unwrap_or_else(|| default.into());
        Settings {
            texts: [text("n", "3"), text("r", "1"), text("w", "1")],
            latency_us: get("latency").map_or(Ok(LinkParams::default().latency), |l| latency(&l)),
            source: get("profile")
                .and_then(|p| Source::parse(&p))
                .unwrap_or(Source::Links),
            log: get("log").is_some_and(|l| l == "1"),
        }
    }

    /// The address's parameters for these settings (what [`Settings::read`]
    /// reads back).
    pub fn query(&self) -> String {
        let mut q = format!(
            "n={}&r={}&w={}",
            escape(&self.texts[0]),
            escape(&self.texts[1]),
            escape(&self.texts[2])
        );
        if let Ok((lo, hi)) = self.latency_us {
            q += &format!("&latency={}-{}", ms(lo), ms(hi));
        }
        if self.source != Source::Links {
            q += &format!("&profile={}", self.source.value());
        }
        if self.log {
            q += "&log=1";
        }
        q
    }
}

/// Reads `lo-hi` in milliseconds (`5-15`, `0.5-2`) into µs.
fn latency(text: &str) -> Result<(u64, u64), String> {
    let bad = || {
        format!(
            "latency must be the lowest and highest one-way delay in ms, like 5-15, not “{text}”"
        )
    };
    let (lo, hi) = text.split_once('-').ok_or_else(bad)?;
    let us = |t: &str| faultline_core::decimal::parse(t).map(|ms| (ms * 1000.0).round() as u64);
    let (Some(lo), Some(hi)) = (us(lo), us(hi)) else {
        return Err(bad());
    };
    if lo > hi {
        return Err(format!(
            "latency: the lowest delay ({} ms) is above the highest ({} ms)",
            ms(lo),
            ms(hi)
        ));
    }
    Ok((lo, hi))
}

/// Percent-escapes everything but letters, digits and `.-_~`.
fn escape(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out += &format!("%{b:02X}");
        }
    }
    out
}

/// The page: the panel, its settings read from the address and written
/// back to it (without a new history entry) after every edit.
#[function_component(PbsPage)]
pub fn pbs_page() -> Html {
    let location = gloo::utils::window().location();
    let settings = use_state(|| {
        let params = location
            .search()
            .ok()
            .and_then(|s| web_sys::UrlSearchParams::new_with_str(&s).ok());
        Settings::read(|key| params.as_ref().and_then(|p| p.get(key)))
    });
    let on_change = {
        let settings = settings.clone();
        Callback::from(move |s: Settings| {
            let url = format!("?{}", s.query());
            if let Ok(history) = gloo::utils::window().history() {
                history
                    .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
                    .ok();
            }
            settings.set(s);
        })
    };
    // In a lab's frame, a link opens the calculator as it stands.
    let framed = gloo::utils::window()
        .frame_element()
        .ok()
        .flatten()
        .is_some();
    let alone = framed.then(|| format!("?{}", settings.query()));
    html! { <PbsPanel settings={(*settings).clone()} {on_change} {alone} /> }
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_core::pbs::ProfileName;

    fn read(query: &[(&str, &str)]) -> Settings {
        Settings::read(|k| {
            query
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn an_empty_address_gives_the_defaults() {
        let s = read(&[]);
        assert_eq!(s.texts, ["3", "1", "1"].map(String::from));
        assert_eq!(s.latency_us, Ok((5_000, 15_000)));
        assert_eq!((s.source, s.log), (Source::Links, false));
        assert_eq!(s.query(), "n=3&r=1&w=1&latency=5-15");
    }

    #[test]
    fn every_setting_reads_back_from_its_query() {
        let s = read(&[
            ("n", "5"),
            ("r", "2 &x"),
            ("w", "2"),
            ("latency", "0.25-20.5"),
            ("profile", "ymmr"),
            ("log", "1"),
        ]);
        assert_eq!(s.latency_us, Ok((250, 20_500)));
        assert_eq!(s.source, Source::Fit(ProfileName::Ymmr));
        let q = s.query();
        assert_eq!(q, "n=5&r=2%20%26x&w=2&latency=0.25-20.5&profile=ymmr&log=1");
        // What a browser's URLSearchParams would hand back.
        let pairs: Vec<(String, String)> = q
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.to_string(), v.replace("%20", " ").replace("%26", "&"))
            })
            .collect();
        let back = Settings::read(|k| pairs.iter().find(|p| p.0 == k).map(|p| p.1.clone()));
        assert_eq!(back, s);
    }

    #[test]
    fn a_bad_latency_says_what_is_wrong() {
        let err = |l| read(&[("latency", l)]).latency_us.unwrap_err();
        assert!(
            err("fast").contains("like 5-15, not “fast”"),
            "{}",
            err("fast")
        );
        assert!(err("5").contains("like 5-15"));
        assert!(err("-5-6").contains("like 5-15"));
        assert_eq!(
            err("20-5"),
            "latency: the lowest delay (20 ms) is above the highest (5 ms)"
        );
        // An unknown profile is the links, as an old address would mean.
        assert_eq!(read(&[("profile", "nope")]).source, Source::Links);
    }

    #[cfg(feature = "quorum")]
    #[test]
    fn the_quorum_lab_addresses_the_page_with_its_run() {
        let address = crate::labs::quorum::pbs_address(5, 2, 3, (250, 20_000));
        let query = address.strip_prefix("pbs/?").unwrap();
        let s = Settings::read(|k| {
            query
                .split('&')
                .find_map(|kv| kv.strip_prefix(k)?.strip_prefix('='))
                .map(String::from)
        });
        assert_eq!(s.texts, ["5", "2", "3"].map(String::from));
        assert_eq!(s.latency_us, Ok((250, 20_000)));
        assert_eq!(s.query(), query);
    }
}
