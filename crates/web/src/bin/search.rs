//! The lab's search worker (built with the lab's feature, beside the page):
//! `www/search-worker.js` loads it in a Web Worker and calls
//! [`explore_chunk`] for each slice of the "Break it" search.

use wasm_bindgen::prelude::wasm_bindgen;

/// One slice of the search, JSON in and out (see
/// [`faultline_web::explore::chunk`]).
#[wasm_bindgen]
pub fn explore_chunk(request: &str) -> String {
    faultline_web::explore::chunk(request)
}

fn main() {}
