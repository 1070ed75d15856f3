//! The preset gallery: every named preset as a card, the current protocol's
//! first; opening one loads it.

use crate::app::ROUTES;
use crate::presets;
use faultline_core::ProtocolName;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Gallery properties.
#[derive(Properties, PartialEq)]
pub struct GalleryProps {
    /// The protocol running (its presets come first).
    pub protocol: ProtocolName,
    /// Load the preset with this id.
    pub on_load: Callback<String>,
    /// Close the gallery.
    pub on_close: Callback<()>,
}

/// A protocol's name as the header shows it.
fn label(p: ProtocolName) -> &'static str {
    match p {
        ProtocolName::Raft => "Raft",
        ProtocolName::Clocks => "Logical clocks",
        ProtocolName::Gossip => "Gossip",
        ProtocolName::Quorum => "Quorum",
        ProtocolName::Ring => "Hash ring",
    }
}

/// Keeps Tab inside the dialog: from its last button to its first, and
/// Shift+Tab from its first to its last.
fn trap_tab(e: &KeyboardEvent, dialog: Option<web_sys::Element>) {
    let Some(dialog) = dialog.filter(|_| e.key() == "Tab") else {
        return;
    };
    let Ok(buttons) = dialog.query_selector_all("button") else {
        return;
    };
    let button = |i: u32| {
        buttons
            .get(i)
            .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
    };
    let (Some(first), Some(last)) = (button(0), button(buttons.length().saturating_sub(1))) else {
        return;
    };
    let active = gloo::utils::document().active_element();
    let at = |el: &web_sys::HtmlElement| active.as_ref() == Some(el.unchecked_ref());
    let to = if e.shift_key() && at(&first) {
        last
    } else if !e.shift_key() && at(&last) {
        first
    } else {
        return;
    };
    e.prevent_default();
    to.focus().ok();
}

/// The overlay. The first card takes the focus, so Tab and Enter are enough
/// to open one; Tab stays inside the dialog and Esc closes it.
#[function_component(Gallery)]
pub fn gallery(p: &GalleryProps) -> Html {
    let first = use_node_ref();
    let dialog = use_node_ref();
    let trap = {
        let dialog = dialog.clone();
        Callback::from(move |e: KeyboardEvent| trap_tab(&e, dialog.cast::<web_sys::Element>()))
    };
    {
        let first = first.clone();
        use_effect_with((), move |_| {
            if let Some(el) = first.cast::<web_sys::HtmlElement>() {
                el.focus().ok();
            }
        });
    }
    let order =
        std::iter::once(p.protocol).chain(ROUTES.iter().copied().filter(|r| *r != p.protocol));
    let close = p.on_close.reform(|_: MouseEvent| ());
    let mut first_ref = Some(first);
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="gallery-title">
            <div class="dialog gallery" ref={dialog} onkeydown={trap}>
                <div class="row between">
                    <h2 id="gallery-title">{ "Presets" }</h2>
                    <button class="ghost" onclick={close} aria-label="Close">{ "×" }</button>
                </div>
                { for order.map(|protocol| html! {
                    <section class="gallery-group" aria-label={label(protocol)}>
                        <h3>{ label(protocol) }</h3>
                        <div class="cards">
                            { for presets::of_protocol(protocol).into_iter().map(|(id, s)| {
                                let on_load = p.on_load.clone();
                                let onclick = Callback::from(move |_: MouseEvent| on_load.emit(id.to_string()));
                                let node_ref = first_ref.take().unwrap_or_default();
                                html! {
                                    <button class="preset-card" data-preset={id} ref={node_ref} {onclick}>
                                        <strong>{ s.name.clone().unwrap_or_else(|| id.to_string()) }</strong>
                                        <span>{ s.description.clone().unwrap_or_default() }</span>
                                    </button>
                                }
                            }) }
                        </div>
                    </section>
                }) }
            </div>
        </div>
    }
}
