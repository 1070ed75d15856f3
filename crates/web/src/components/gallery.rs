//! The preset gallery: every named preset as a card, the current protocol's
//! first; opening one loads it.

use super::header::lab_label;
use super::modal::Modal;
use crate::app::ROUTES;
use crate::presets;
use faultline_core::ProtocolName;
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

/// The overlay. The first card takes the focus, so Tab and Enter are enough
/// to open one; Tab stays inside the dialog and Esc closes it.
#[function_component(Gallery)]
pub fn gallery(p: &GalleryProps) -> Html {
    let order =
        std::iter::once(p.protocol).chain(ROUTES.iter().copied().filter(|r| *r != p.protocol));
    let close = p.on_close.reform(|_: MouseEvent| ());
    let mut first = true;
    html! {
        <Modal class="gallery" labelled_by="gallery-title">
                <div class="row between">
                    <h2 id="gallery-title">{ "Presets" }</h2>
                    <button class="ghost" onclick={close} aria-label="Close">{ "×" }</button>
                </div>
                { for order.map(|protocol| html! {
                    <section class="gallery-group" aria-label={lab_label(protocol)}>
                        <h3>{ lab_label(protocol) }</h3>
                        <div class="cards">
                            { for presets::of_protocol(protocol).into_iter().map(|(id, s)| {
                                let on_load = p.on_load.clone();
                                let onclick = Callback::from(move |_: MouseEvent| on_load.emit(id.to_string()));
                                let autofocus = std::mem::take(&mut first).then_some("");
                                html! {
                                    <button class="preset-card" data-preset={id} data-autofocus={autofocus} {onclick}>
                                        <strong>{ s.name.clone().unwrap_or_else(|| id.to_string()) }</strong>
                                        <span>{ s.description.clone().unwrap_or_default() }</span>
                                    </button>
                                }
                            }) }
                        </div>
                    </section>
                }) }
        </Modal>
    }
}
