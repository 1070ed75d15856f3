//! Shareable links: a lab's whole state in a URL fragment.
//!
//! A link is `#/<protocol>?<options>`, for example
//! `#/raft?v=1&s=…&t=2400` or `#/gossip?embed&preset=gossip-partition`.
//! The scenario travels compressed (raw DEFLATE, then base64url), so a run
//! with its every command fits in a short link, and the seed plus the
//! commands replay it exactly. The format is versioned by `v`: a link made
//! by a later format says so instead of opening something else, and this
//! version keeps reading every format it ever wrote. See the site's `embed.html`
//! for every option.
//!
//! Parsing never panics and never does unbounded work: the fragment, the
//! inflated scenario and every number are bounded, and each error names
//! the option it is about.

mod base64url;
mod deflate;
mod inflate;
mod options;

pub use options::{Controls, Theme, View};

use crate::scenario::{ProtocolName, Scenario, ScenarioError, MAX_SCENARIO_BYTES, MAX_UNTIL_MS};
use crate::time::Time;
use std::fmt;

/// The link format this version writes; it reads this one and every
/// earlier one.
pub const LINK_VERSION: u32 = 1;
/// The longest fragment accepted, in bytes.
pub const MAX_LINK_BYTES: usize = 64 * 1024;
/// The longest preset or tour id accepted.
const MAX_ID_LEN: usize = 64;
/// The highest tour step accepted.
const MAX_STEP: u32 = 1_000;

/// Every option a link may carry, in the order links are written.
pub const OPTIONS: &[&str] = &[
    "v",
    "s",
    "preset",
    "tour",
    "step",
    "t",
    "node",
    "diagram",
    "speed",
    "autoplay",
    "embed",
    "controls",
    "theme",
    "presenter",
];

/// What a link asks for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Link {
    /// The lab its path names (`#/raft`), if any.
    pub protocol: Option<ProtocolName>,
    /// A whole run: seed, network, parameters and every command (`s`).
    pub scenario: Option<Scenario>,
    /// A preset to open, by id (`preset`).
    pub preset: Option<String>,
    /// A guided tour to open, by id (`tour`).
    pub tour: Option<String>,
    /// The tour step to open at, from 0 (`step`).
    pub step: Option<u32>,
    /// The virtual time to open at (`t`, in milliseconds).
    pub at: Option<Time>,
    /// How the lab looks: embedding, controls, theme, selection.
    pub view: View,
}

/// What is wrong with a link, and which option it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkError {
    /// The option (`t`, `s`), or empty for the link as a whole.
    pub option: String,
    /// What is wrong.
    pub message: String,
}

impl LinkError {
    fn at(option: &str, message: impl Into<String>) -> LinkError {
        LinkError {
            option: option.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.option.is_empty() {
            write!(f, "This link cannot be opened: {}", self.message)
        } else {
            write!(
                f,
                "This link cannot be opened: `{}`: {}",
                self.option, self.message
            )
        }
    }
}

impl std::error::Error for LinkError {}

impl Link {
    /// Reads a URL fragment (with or without its `#`) or a whole URL.
    pub fn parse(text: &str) -> Result<Link, LinkError> {
        if text.len() > MAX_LINK_BYTES {
            return Err(LinkError::at(
                "",
                format!(
                    "it is {} bytes long; the limit is {MAX_LINK_BYTES}",
                    text.len()
                ),
            ));
        }
        let fragment = match text.split_once('#') {
            Some((_, f)) => f,
            None => text,
        };
        let (path, query) = fragment.split_once('?').unwrap_or((fragment, ""));
        let mut link = Link {
            protocol: parse_protocol(path)?,
            ..Link::default()
        };
        let mut seen: Vec<&str> = Vec::new();
        let mut version = None;
        let mut payload = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let Some(&key) = OPTIONS.iter().find(|o| **o == key) else {
                return Err(LinkError::at(
                    "",
                    format!(
                        "unknown option `{}` (options: {})",
                        truncate(key, 40),
                        OPTIONS.join(", ")
                    ),
                ));
            };
            if seen.contains(&key) {
                return Err(LinkError::at(key, "given twice"));
            }
            seen.push(key);
            match key {
                "v" => version = Some(parse_version(value)?),
                "s" => payload = Some(value),
                "preset" => link.preset = Some(parse_id(key, value)?),
                "tour" => link.tour = Some(parse_id(key, value)?),
                "step" => link.step = Some(parse_int(key, value, MAX_STEP)?),
                "t" => link.at = Some(parse_time(value)?),
                _ => link.view.set(key, value)?,
            }
        }
        if let Some(payload) = payload {
            if version.is_none() {
                return Err(LinkError::at(
                    "v",
                    "missing: a link with a scenario (`s`) names its format (`v=1`)",
                ));
            }
            let scenario = decode_scenario(payload)?;
            match link.protocol {
                Some(p) if p != scenario.protocol => {
                    return Err(LinkError::at(
                        "s",
                        format!(
                            "the link's path names the {} lab but its scenario runs {}",
                            p.as_str(),
                            scenario.protocol.as_str()
                        ),
                    ))
                }
                _ => link.protocol = Some(scenario.protocol),
            }
            link.scenario = Some(scenario);
        }
        if link.scenario.is_some() && link.preset.is_some() {
            return Err(LinkError::at(
                "preset",
                "a link carries a scenario (`s`) or a preset, not both",
            ));
        }
        if link.step.is_some() && link.tour.is_none() {
            return Err(LinkError::at("step", "a step needs a tour (`tour=…`)"));
        }
        Ok(link)
    }

    /// The link as a URL fragment, starting with `#`: options in the order
    /// of [`OPTIONS`], defaults left out.
    pub fn to_fragment(&self) -> String {
        let mut out = String::from("#/");
        if let Some(p) = self.protocol.or(self.scenario.as_ref().map(|s| s.protocol)) {
            out.push_str(p.as_str());
        }
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(s) = &self.scenario {
            pairs.push(("v", LINK_VERSION.to_string()));
            pairs.push(("s", encode_scenario(s)));
        }
        if let Some(p) = &self.preset {
            pairs.push(("preset", p.clone()));
        }
        if let Some(t) = &self.tour {
            pairs.push(("tour", t.clone()));
        }
        if let Some(s) = self.step {
            pairs.push(("step", s.to_string()));
        }
        if let Some(t) = self.at {
            pairs.push(("t", format_ms(t)));
        }
        pairs.extend(self.view.pairs());
        for (i, (key, value)) in pairs.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(key);
            if !value.is_empty() {
                out.push('=');
                out.push_str(value);
            }
        }
        out
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

fn parse_protocol(path: &str) -> Result<Option<ProtocolName>, LinkError> {
    let name = path.trim_matches('/');
    if name.is_empty() {
        return Ok(None);
    }
    ProtocolName::parse(name).map(Some).ok_or_else(|| {
        let labs: Vec<&str> = ProtocolName::ALL.iter().map(|p| p.as_str()).collect();
        LinkError::at(
            "",
            format!(
                "there is no `{}` lab (labs: {})",
                truncate(name, 40),
                labs.join(", ")
            ),
        )
    })
}

fn parse_version(value: &str) -> Result<u32, LinkError> {
    match value.parse::<u32>() {
        Ok(v) if (1..=LINK_VERSION).contains(&v) => Ok(v),
        Ok(v) if v > LINK_VERSION => Err(LinkError::at(
            "v",
            format!(
                "the link was made by a newer faultline (link format {v}); this one reads format {LINK_VERSION} and earlier"
            ),
        )),
        _ => Err(LinkError::at(
            "v",
            format!(
                "`{}` is not a link format (this version reads 1 to {LINK_VERSION})",
                truncate(value, 20)
            ),
        )),
    }
}

/// A preset or tour id: lower-case letters, digits and dashes.
fn parse_id(key: &str, value: &str) -> Result<String, LinkError> {
    let ok = !value.is_empty()
        && value.len() <= MAX_ID_LEN
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(value.to_string())
    } else {
        Err(LinkError::at(
            key,
            format!(
                "`{}` is not an id (lower-case letters, digits and dashes, at most {MAX_ID_LEN})",
                truncate(value, 40)
            ),
        ))
    }
}

fn parse_int(key: &str, value: &str, max: u32) -> Result<u32, LinkError> {
    match value.parse::<u32>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(LinkError::at(
            key,
            format!(
                "`{}` is not a whole number from 0 to {max}",
                truncate(value, 20)
            ),
        )),
    }
}

fn parse_time(value: &str) -> Result<Time, LinkError> {
    let bad = || {
        LinkError::at(
            "t",
            format!(
                "`{}` is not a time in milliseconds from 0 to {MAX_UNTIL_MS}",
                truncate(value, 20)
            ),
        )
    };
    let ms = crate::decimal::parse(value).ok_or_else(bad)?;
    if (0.0..=MAX_UNTIL_MS as f64).contains(&ms) {
        Ok(Time::from_ms_f64(ms))
    } else {
        Err(bad())
    }
}

/// Milliseconds with up to three decimals: exact to the simulator's
/// microsecond.
fn format_ms(t: Time) -> String {
    let (ms, us) = (t.0 / 1000, t.0 % 1000);
    if us == 0 {
        ms.to_string()
    } else {
        format!("{ms}.{us:03}").trim_end_matches('0').to_string()
    }
}

/// Compact JSON, raw DEFLATE, base64url.
fn encode_scenario(scenario: &Scenario) -> String {
    let json = serde_json::to_string(scenario).unwrap_or_default();
    base64url::encode(&deflate::compress(json.as_bytes()))
}

fn decode_scenario(payload: &str) -> Result<Scenario, LinkError> {
    let err = |m: String| LinkError::at("s", m);
    let packed =
        base64url::decode(payload).map_err(|e| err(format!("the scenario is damaged: {e}")))?;
    let json = inflate::inflate(&packed, MAX_SCENARIO_BYTES).map_err(|e| {
        err(match e {
            inflate::InflateError::TooLong => {
                format!("the scenario inflates past {MAX_SCENARIO_BYTES} bytes, the limit")
            }
            inflate::InflateError::Damaged => {
                "the scenario is damaged (it does not inflate; was the link cut short?)".into()
            }
        })
    })?;
    let text = String::from_utf8(json).map_err(|_| err("the scenario is not UTF-8 text".into()))?;
    Scenario::from_json(&text).map_err(|e: ScenarioError| err(format!("the scenario: {e}")))
}

#[cfg(test)]
mod tests;
