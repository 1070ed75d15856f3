//! Saving text as a file from the page (no server involved).

use wasm_bindgen::JsCast;

/// Offers `text` for download as `filename`; returns why not, if it fails.
pub fn text_file(filename: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/plain;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser refused to make a file".to_string())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the browser refused a download link".to_string())?;
    let anchor = gloo::utils::document()
        .create_element("a")
        .map_err(|_| "cannot create a link".to_string())?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| "cannot create a link".to_string())?;
    anchor.set_href(&url);
    anchor.set_download(filename);
    anchor.click();
    web_sys::Url::revoke_object_url(&url).ok();
    Ok(())
}
