//! Load, edit and export a scenario as JSON; a malformed one shows what is
//! wrong and where, and the running lab is left untouched.

use super::modal::Modal;
use crate::labs::LABS;
use crate::presets;
use faultline_core::Scenario;
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// Scenario dialog properties.
#[derive(Properties, PartialEq)]
pub struct ScenarioDialogProps {
    /// The running scenario (with every command so far) as JSON.
    pub current: String,
    /// Load a checked scenario.
    pub on_load: Callback<Scenario>,
    /// Close the dialog.
    pub on_close: Callback<()>,
}

/// Parses and fully checks `text`; a scenario of a lab on another page is
/// checked there, when it opens.
fn check(text: &str) -> Result<Scenario, String> {
    let scenario = Scenario::from_json(text).map_err(|e| e.to_string())?;
    if crate::labs::compiled(scenario.protocol) {
        crate::running::build(&scenario)?;
    }
    Ok(scenario)
}

/// The dialog.
#[function_component(ScenarioDialog)]
pub fn scenario_dialog(p: &ScenarioDialogProps) -> Html {
    let text = use_state(|| p.current.clone());
    let error = use_state(|| None::<String>);
    let edit = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target_dyn_into::<HtmlTextAreaElement>() {
                text.set(t.value());
            }
        })
    };
    let pick = {
        let text = text.clone();
        let error = error.clone();
        Callback::from(move |e: Event| {
            let Some(s) = e.target_dyn_into::<HtmlSelectElement>() else {
                return;
            };
            let id = s.value();
            if id.is_empty() {
                return;
            }
            let (text, error) = (text.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match presets::fetch_json(&id).await {
                    Ok(json) => {
                        text.set(json);
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let load = {
        let text = text.clone();
        let error = error.clone();
        let on_load = p.on_load.clone();
        Callback::from(move |_: MouseEvent| match check(&text) {
            Ok(s) => on_load.emit(s),
            Err(e) => error.set(Some(e)),
        })
    };
    let export = {
        let (text, error) = (text.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            if let Err(e) = crate::download::text_file("faultline-scenario.json", &text) {
                error.set(Some(e));
            }
        })
    };
    let import = {
        let (text, error) = (text.clone(), error.clone());
        Callback::from(move |e: Event| {
            let Some(file) = e
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .and_then(|i| i.files())
                .and_then(|f| f.get(0))
            else {
                return;
            };
            let (text, error) = (text.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match crate::text_file::read(&file, crate::text_file::SCENARIO).await {
                    Ok(content) => {
                        error.set(check(&content).err());
                        text.set(content);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let close = p.on_close.reform(|_: MouseEvent| ());
    html! {
        <Modal class="wide" labelled_by="scenario-title">
                <h2 id="scenario-title">{ "Scenario" }</h2>
                <p class="dim small">{ "The whole run as JSON: protocol, seed, network, parameters and every command so far. The same format runs headless with " }<code>{ "faultline run" }</code>{ "." }</p>
                <div class="row">
                    <label class="inline"><span>{ "Preset" }</span>
                        <select onchange={pick} aria-label="Preset">
                            <option value="" selected=true>{ "— choose —" }</option>
                            { for LABS.iter().flat_map(|l| l.presets().iter()).map(|id| html! { <option value={*id}>{ *id }</option> }) }
                        </select>
                    </label>
                </div>
                <textarea class="mono" spellcheck="false" value={(*text).clone()} oninput={edit} aria-label="Scenario JSON" rows="18" />
                if let Some(e) = (*error).clone() {
                    <p class="error" role="alert">{ e }</p>
                }
                <div class="row end">
                    <label class="button file">{ "Import file…" }
                        <input type="file" accept=".json,application/json" onchange={import} class="sr-only" />
                    </label>
                    <button onclick={export} title="Download this JSON (the format faultline run reads)">{ "Export .json" }</button>
                    <span class="spacer" />
                    <button onclick={close}>{ "Cancel" }</button>
                    <button class="primary" onclick={load}>{ "Load" }</button>
                </div>
        </Modal>
    }
}
