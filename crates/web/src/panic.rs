//! A panic hook: logs the panic to the console and shows a banner, so a bug
//! never leaves a silently frozen page.

use wasm_bindgen::JsValue;

/// Installs the hook.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
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
