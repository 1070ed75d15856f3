//! The header: name, protocol switcher, tour, presets, scenario and help
//! buttons.

use crate::labs;
use faultline_core::ProtocolName;
use yew::prelude::*;

/// Header properties.
pub struct HeaderProps {
    /// The protocol running.
    pub protocol: ProtocolName,
    /// The scenario's title.
    pub scenario: String,
    /// The run's seed.
    pub seed: u64,
    /// The look options every tab keeps (`?theme=dark&presenter=1`), or
    /// empty.
    pub look: String,
    /// Open the share dialog.
    pub on_share: Callback<()>,
    /// Open the scenario dialog.
    pub on_scenario: Callback<()>,
    /// Open the shortcuts.
    pub on_help: Callback<()>,
    /// Start the protocol's guided tour.
    pub on_tour: Callback<()>,
    /// Open the preset gallery.
    pub on_presets: Callback<()>,
}

/// A lab's name, as its tab shows it.
pub fn lab_label(protocol: ProtocolName) -> &'static str {
    labs::label(protocol)
}

/// The header.
pub fn header(p: &HeaderProps) -> Html {
    let on_scenario = p.on_scenario.reform(|_: MouseEvent| ());
    let on_share = p.on_share.reform(|_: MouseEvent| ());
    let on_help = p.on_help.reform(|_: MouseEvent| ());
    let on_tour = p.on_tour.reform(|_: MouseEvent| ());
    let on_presets = p.on_presets.reform(|_: MouseEvent| ());
    html! {
        <header class="top">
            <div class="brand">
                <span class="logo" aria-hidden="true">{ "⚡" }</span>
                <span class="name">{ "faultline" }</span>
            </div>
            <nav class="protocols" aria-label="Protocol">
                { for labs::TABS.iter().map(|tab| {
                    let (id, label) = (tab.name, tab.label);
                    if p.protocol.as_str() == id {
                        html! { <a class="tab active" href={format!("#/{id}{}", p.look)} aria-current="page">{ label }</a> }
                    } else {
                        html! { <a class="tab" href={format!("#/{id}{}", p.look)}>{ label }</a> }
                    }
                }) }
            </nav>
            <div class="scenario-name" title={format!("{} · seed {}", p.scenario, p.seed)}>
                <span>{ p.scenario.clone() }</span>
                <span class="seed">{ format!("seed {}", p.seed) }</span>
            </div>
            <div class="actions">
                <button onclick={on_tour} title="A guided tour of this protocol">{ "Tour" }</button>
                <button onclick={on_presets}>{ "Presets" }</button>
                <button onclick={on_share} title="A link and an embed snippet for this exact run">{ "Share" }</button>
                <button onclick={on_scenario}>{ "Scenario" }</button>
                <button onclick={on_help} aria-label="Keyboard shortcuts">{ "?" }</button>
            </div>
        </header>
    }
}
