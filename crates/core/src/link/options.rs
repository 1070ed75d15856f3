//! A link's view options: how the lab looks and starts, not what it runs.

use super::{parse_int, truncate, LinkError};
use crate::id::NodeId;

/// The lab's controls in a link (`controls=`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Controls {
    /// Everything: play, step, speed, timeline, reset.
    #[default]
    Full,
    /// Play / pause and restart only.
    Minimal,
    /// None: the drawing alone (keyboard shortcuts still work).
    None,
}

impl Controls {
    /// The name used in links.
    pub fn as_str(self) -> &'static str {
        match self {
            Controls::Full => "full",
            Controls::Minimal => "minimal",
            Controls::None => "none",
        }
    }
}

/// The color theme in a link (`theme=`); without one, the reader's system
/// setting decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// Dark text on light.
    Light,
    /// Light text on dark.
    Dark,
}

impl Theme {
    /// The name used in links.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// The slowest and fastest speeds a link may ask for (× real time).
pub const SPEED_RANGE: (f64, f64) = (0.001, 10.0);
/// The highest node id a link may select.
const MAX_NODE: u32 = 100_000;

/// How the lab looks and starts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct View {
    /// Embed mode: no header or side panels; the lab fits its frame (`embed`).
    pub embed: bool,
    /// Which controls show (`controls`).
    pub controls: Controls,
    /// Whether the lab plays on open (`autoplay`); the lab decides if unset.
    pub autoplay: Option<bool>,
    /// Speed in × real time (`speed`), within [`SPEED_RANGE`].
    pub speed: Option<f64>,
    /// Light or dark (`theme`).
    pub theme: Option<Theme>,
    /// Large type and high contrast for projecting (`presenter`).
    pub presenter: bool,
    /// The selected node (`node`).
    pub node: Option<NodeId>,
    /// Whether the space-time diagram shows (`diagram`).
    pub diagram: Option<bool>,
}

fn parse_flag(key: &str, value: &str) -> Result<bool, LinkError> {
    match value {
        "" | "1" | "true" | "on" => Ok(true),
        "0" | "false" | "off" => Ok(false),
        _ => Err(LinkError::at(
            key,
            format!("`{}` is not 1 or 0", truncate(value, 20)),
        )),
    }
}

impl View {
    /// Sets the option `key` (one of the view's) from its text.
    pub(super) fn set(&mut self, key: &str, value: &str) -> Result<(), LinkError> {
        match key {
            "embed" => self.embed = parse_flag(key, value)?,
            "presenter" => self.presenter = parse_flag(key, value)?,
            "autoplay" => self.autoplay = Some(parse_flag(key, value)?),
            "diagram" => self.diagram = Some(parse_flag(key, value)?),
            "node" => self.node = Some(NodeId(parse_int(key, value, MAX_NODE)?)),
            "controls" => {
                self.controls = match value {
                    "full" => Controls::Full,
                    "minimal" => Controls::Minimal,
                    "none" => Controls::None,
                    _ => {
                        return Err(LinkError::at(
                            key,
                            format!("`{}` is not full, minimal or none", truncate(value, 20)),
                        ))
                    }
                }
            }
            "theme" => {
                self.theme = Some(match value {
                    "light" => Theme::Light,
                    "dark" => Theme::Dark,
                    _ => {
                        return Err(LinkError::at(
                            key,
                            format!("`{}` is not light or dark", truncate(value, 20)),
                        ))
                    }
                })
            }
            "speed" => match crate::decimal::parse(value) {
                Some(x) if (SPEED_RANGE.0..=SPEED_RANGE.1).contains(&x) => self.speed = Some(x),
                _ => {
                    return Err(LinkError::at(
                        key,
                        format!(
                            "`{}` is not a speed from {} to {} (× real time)",
                            truncate(value, 20),
                            SPEED_RANGE.0,
                            SPEED_RANGE.1
                        ),
                    ))
                }
            },
            _ => return Err(LinkError::at(key, "not a view option")),
        }
        Ok(())
    }

    /// The options that differ from the defaults, in link order.
    pub(super) fn pairs(&self) -> Vec<(&'static str, String)> {
        let flag = |b: bool| if b { "1" } else { "0" }.to_string();
        let mut out = Vec::new();
        if let Some(n) = self.node {
            out.push(("node", n.0.to_string()));
        }
        if let Some(d) = self.diagram {
            out.push(("diagram", flag(d)));
        }
        if let Some(s) = self.speed {
            out.push(("speed", format_speed(s)));
        }
        if let Some(a) = self.autoplay {
            out.push(("autoplay", flag(a)));
        }
        if self.embed {
            out.push(("embed", "1".into()));
        }
        if self.controls != Controls::Full {
            out.push(("controls", self.controls.as_str().into()));
        }
        if let Some(t) = self.theme {
            out.push(("theme", t.as_str().into()));
        }
        if self.presenter {
            out.push(("presenter", "1".into()));
        }
        out
    }
}

/// A speed with at most four significant decimals, no exponent.
fn format_speed(s: f64) -> String {
    let text = format!("{:.4}", s.clamp(SPEED_RANGE.0, SPEED_RANGE.1));
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}
