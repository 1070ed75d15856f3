//! Fetching the site's own files (presets, tours) by relative URL, so the
//! wasm carries no copy of them.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The text of `url` (relative to the page), or what went wrong.
pub async fn text(url: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| format!("{url}: {}", describe(&e)))?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| format!("{url}: not a response"))?;
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    let body = response
        .text()
        .map_err(|e| format!("{url}: {}", describe(&e)))?;
    let body = JsFuture::from(body)
        .await
        .map_err(|e| format!("{url}: {}", describe(&e)))?;
    body.as_string()
        .ok_or_else(|| format!("{url}: the body is not text"))
}

/// A JavaScript error in words.
fn describe(e: &wasm_bindgen::JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "the request failed".into())
}
