//! "Save as SVG / PNG" buttons for a drawing or chart. The page's
//! `export.js` does the saving, from the first `<svg>` or `<canvas>` of the
//! figure, drawing or panel the buttons sit in (the DOM is all it needs).

use yew::prelude::*;

/// The buttons, for the drawing called `name` (the file is
/// `<lab>-<name>.svg`); `svg: false` for a canvas, which saves as PNG only.
pub fn save_as(name: &'static str, svg: bool) -> Html {
    html! {
        <span class="save-as" data-export-name={name}>
            if svg {
                <button type="button" data-export="svg" title="Save this picture as SVG">{ "SVG" }</button>
            }
            <button type="button" data-export="png" title="Save this picture as PNG">{ "PNG" }</button>
        </span>
    }
}
