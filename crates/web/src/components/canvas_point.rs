//! Where a click landed on a square canvas, in the drawing's own units.

use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// The point of `e` on the canvas it hit, scaled from CSS pixels to a
/// drawing `size` units wide; none if the click was not on a canvas.
pub fn canvas_point(e: &MouseEvent, size: f64) -> Option<(f64, f64)> {
    let el = e
        .target()
        .and_then(|t| t.dyn_into::<HtmlCanvasElement>().ok())?;
    let k = size / f64::from(el.client_width().max(1));
    Some((f64::from(e.offset_x()) * k, f64::from(e.offset_y()) * k))
}
