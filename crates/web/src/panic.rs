//! A panic hook: logs the panic to the console and shows a banner, so a bug
//! never leaves a silently frozen page. It is installed through Yew, which
//! would otherwise replace any hook set before it renders.

use wasm_bindgen::JsValue;

/// Installs the hook.
pub fn install() {
    yew::set_custom_panic_hook(Box::new(|info| {
        let text = format!("faultline stopped on an internal error: {info}");
        web_sys::console::error_1(&JsValue::from_str(&text));
        show_banner();
    }));
}

fn show_banner() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else {
        return;
    };
    if let Ok(div) = document.create_element("div") {
        div.set_class_name("fatal");
        div.set_attribute("role", "alert").ok();
        div.set_text_content(Some(
            "Something went wrong inside faultline. Reload the page to start again; the console has details.",
        ));
        body.append_child(&div).ok();
    }
}

/// Panics on purpose, so the end-to-end tests can check that the banner
/// shows. Only a script can call it (`wasmBindings.faultline_test_panic()`);
/// nothing in the lab's UI does.
#[wasm_bindgen::prelude::wasm_bindgen]
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub fn faultline_test_panic() {
    panic!("faultline_test_panic: a panic asked for by a test");
}
