//! What every plotters chart shares: its size, its font, its legend, and
//! turning the drawing into an inline SVG (or a message if it fails).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use yew::prelude::*;

/// Chart width in SVG units (the SVG scales to its box).
pub const W: u32 = 380;
/// Chart height in SVG units.
pub const H: u32 = 210;
/// The charts' font family, named by variant: plotters turns a family
/// given as a string into one through `str::to_lowercase`, which brings
/// about 17 kB of Unicode case tables into each page that draws a chart.
pub const FONT: FontFamily<'static> = FontFamily::SansSerif;

/// What a chart's drawing function returns.
pub type Drawn = Result<(), Box<dyn std::error::Error>>;

/// One line of a chart's legend.
pub struct Key<'a> {
    /// What the line stands for.
    pub label: &'a str,
    /// Its color.
    pub color: RGBColor,
    /// Its stroke width.
    pub width: u32,
}

/// Draws a legend box into a corner of a chart's plotting area (upper or
/// lower right). It replaces plotters' series labels, which set a font by
/// name and so carry the case tables `FONT` avoids.
pub fn legend(area: &DrawingArea<SVGBackend<'_>, Shift>, upper: bool, keys: &[Key]) -> Drawn {
    const ROW: i32 = 18;
    const PAD: i32 = 6;
    const LINE: i32 = 16;
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    // Sans-serif at 12 px averages a little under 7 px a character.
    let text = keys
        .iter()
        .map(|k| k.label.chars().count() as i32 * 7)
        .max()
        .unwrap_or(0);
    let box_w = PAD + LINE + PAD + text + PAD;
    let box_h = PAD + ROW * keys.len() as i32 + PAD / 2;
    let x0 = w - box_w - 8;
    let y0 = if upper { 8 } else { h - box_h - 8 };
    area.draw(&Rectangle::new(
        [(x0, y0), (x0 + box_w, y0 + box_h)],
        WHITE.mix(0.9).filled(),
    ))?;
    area.draw(&Rectangle::new(
        [(x0, y0), (x0 + box_w, y0 + box_h)],
        RGBColor(226, 232, 240),
    ))?;
    let style = TextStyle::from((FONT, 12)).pos(Pos::new(HPos::Left, VPos::Center));
    for (i, k) in keys.iter().enumerate() {
        let y = y0 + PAD + ROW * i as i32 + ROW / 2;
        area.draw(&PathElement::new(
            [(x0 + PAD, y), (x0 + PAD + LINE, y)],
            k.color.stroke_width(k.width),
        ))?;
        area.draw(&Text::new(k.label, (x0 + PAD + LINE + PAD, y), &style))?;
    }
    Ok(())
}

/// Runs a plotters drawing into an SVG string and returns it as markup.
pub fn svg(draw: impl FnOnce(&mut String) -> Drawn) -> Html {
    let mut out = String::new();
    match crate::perf::measure("faultline-chart", || draw(&mut out)) {
        Ok(()) => Html::from_html_unchecked(AttrValue::from(out)),
        Err(e) => html! { <p class="dim">{ format!("The chart could not be drawn: {e}") }</p> },
    }
}
