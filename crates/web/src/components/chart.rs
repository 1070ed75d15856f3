//! What every plotters chart shares: its size, its font, and turning the
//! drawing into an inline SVG (or a message if it fails).

use yew::prelude::*;

/// Chart width in SVG units (the SVG scales to its box).
pub const W: u32 = 380;
/// Chart height in SVG units.
pub const H: u32 = 210;
/// The charts' font family.
pub const FONT: &str = "sans-serif";

/// What a chart's drawing function returns.
pub type Drawn = Result<(), Box<dyn std::error::Error>>;

/// Runs a plotters drawing into an SVG string and returns it as markup.
pub fn svg(draw: impl FnOnce(&mut String) -> Drawn) -> Html {
    let mut out = String::new();
    match crate::perf::measure("faultline-chart", || draw(&mut out)) {
        Ok(()) => Html::from_html_unchecked(AttrValue::from(out)),
        Err(e) => html! { <p class="dim">{ format!("The chart could not be drawn: {e}") }</p> },
    }
}
