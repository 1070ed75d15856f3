//! The preset gallery: every named preset of every lab as a
//! card, the current protocol's first; opening one loads it. The presets
//! are fetched when the gallery first opens.

use super::header::lab_label;
use super::modal::Modal;
use crate::labs;
use crate::presets;
use faultline_core::{ProtocolName, Scenario};
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

/// Every preset of the site, by lab: the protocol and its presets' ids and
/// scenarios (or why one could not be fetched).
type Catalog = Vec<(ProtocolName, Vec<(&'static str, Result<Scenario, String>)>)>;

/// Fetches every preset of the site, `first`'s lab first.
async fn catalog(first: ProtocolName) -> Catalog {
    let order = labs::tab(first)
        .into_iter()
        .chain(labs::TABS.iter().filter(|t| t.name != first.as_str()));
    let mut out = Vec::new();
    for tab in order {
        let Some(protocol) = tab.protocol() else {
            continue;
        };
        let mut cards = Vec::new();
        for id in tab.presets {
            cards.push((*id, presets::fetch(id).await));
        }
        out.push((protocol, cards));
    }
    out
}

/// The overlay. The first card takes the focus, so Tab and Enter are enough
/// to open one; Tab stays inside the dialog and Esc closes it.
#[function_component(Gallery)]
pub fn gallery(p: &GalleryProps) -> Html {
    let loaded = use_state(|| None::<Catalog>);
    {
        let loaded = loaded.clone();
        let first = p.protocol;
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                loaded.set(Some(catalog(first).await));
            });
        });
    }
    let close = p.on_close.reform(|_: MouseEvent| ());
    let Some(catalog) = loaded.as_ref() else {
        return html! {
            <Modal key="loading" class="gallery" labelled_by="gallery-title">
                <div class="row between">
                    <h2 id="gallery-title">{ "Presets" }</h2>
                    <button class="ghost" onclick={close} aria-label="Close">{ "×" }</button>
                </div>
                <p class="dim" role="status">{ "Loading the presets…" }</p>
            </Modal>
        };
    };
    let mut first = true;
    html! {
        <Modal key="cards" class="gallery" labelled_by="gallery-title">
                <div class="row between">
                    <h2 id="gallery-title">{ "Presets" }</h2>
                    <button class="ghost" onclick={close} aria-label="Close">{ "×" }</button>
                </div>
                { for catalog.iter().map(|(protocol, cards)| html! {
                    <section class="gallery-group" aria-label={lab_label(*protocol)}>
                        <h3>{ lab_label(*protocol) }</h3>
                        <div class="cards">
                            { for cards.iter().map(|(id, s)| {
                                let id = *id;
                                let s = match s {
                                    Ok(s) => s,
                                    Err(e) => return html! { <p class="dim small" role="alert">{ e.clone() }</p> },
                                };
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
