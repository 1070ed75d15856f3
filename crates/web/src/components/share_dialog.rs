//! Share: a link that reopens this exact run, and an iframe snippet that
//! embeds it in a page.

use super::modal::Modal;
use faultline_core::link::{Controls, Theme};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Share dialog properties.
#[derive(Properties, PartialEq)]
pub struct ShareDialogProps {
    /// The link to the run at this moment.
    pub link: String,
    /// The lab's name, for the iframe's title.
    pub lab: &'static str,
    /// Close the dialog.
    pub on_close: Callback<()>,
}

/// The embed link: `link` with the embed options.
fn embed_url(link: &str, controls: Controls, theme: Option<Theme>) -> String {
    let mut url = link.to_string();
    url.push_str(if url.contains('?') {
        "&embed=1"
    } else {
        "?embed=1"
    });
    if controls != Controls::Full {
        url.push_str(&format!("&controls={}", controls.as_str()));
    }
    if let Some(t) = theme {
        url.push_str(&format!("&theme={}", t.as_str()));
    }
    url
}

/// The iframe snippet for `src`.
fn snippet(src: &str, lab: &str) -> String {
    format!(
        "<iframe src=\"{}\" title=\"faultline: {lab} lab\" width=\"720\" height=\"460\" style=\"border:0\" loading=\"lazy\"></iframe>",
        src.replace('&', "&amp;")
    )
}

/// Copies `text` to the clipboard and reports how it went in `status`.
fn copy(text: String, status: UseStateHandle<Option<String>>) {
    let promise = gloo::utils::window()
        .navigator()
        .clipboard()
        .write_text(&text);
    wasm_bindgen_futures::spawn_local(async move {
        let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
        status.set(Some(if ok {
            "Copied to the clipboard.".into()
        } else {
            "The browser refused the clipboard: select the text and copy it (Ctrl+C).".into()
        }));
    });
}

/// One copyable field.
fn field(id: &str, label: &str, value: &str, on_copy: Callback<MouseEvent>) -> Html {
    html! {
        <div class="share-field">
            <label for={id.to_string()}>{ label }</label>
            <div class="row">
                <input id={id.to_string()} class="mono" readonly=true value={value.to_string()}
                    onfocus={Callback::from(|e: FocusEvent| {
                        if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() { i.select(); }
                    })} />
                <button class="primary" onclick={on_copy}>{ "Copy" }</button>
            </div>
        </div>
    }
}

/// The dialog.
#[function_component(ShareDialog)]
pub fn share_dialog(p: &ShareDialogProps) -> Html {
    let controls = use_state(|| Controls::Full);
    let theme = use_state(|| None::<Theme>);
    let status = use_state(|| None::<String>);
    let src = embed_url(&p.link, *controls, *theme);
    let code = snippet(&src, p.lab);
    let copy_link = {
        let (text, status) = (p.link.clone(), status.clone());
        Callback::from(move |_: MouseEvent| copy(text.clone(), status.clone()))
    };
    let copy_code = {
        let (text, status) = (code.clone(), status.clone());
        Callback::from(move |_: MouseEvent| copy(text.clone(), status.clone()))
    };
    let pick_controls = {
        let controls = controls.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                controls.set(match s.value().as_str() {
                    "minimal" => Controls::Minimal,
                    "none" => Controls::None,
                    _ => Controls::Full,
                });
            }
        })
    };
    let pick_theme = {
        let theme = theme.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                theme.set(match s.value().as_str() {
                    "dark" => Some(Theme::Dark),
                    _ => None,
                });
            }
        })
    };
    let close = p.on_close.reform(|_: MouseEvent| ());
    html! {
        <Modal class="wide share" labelled_by="share-title">
                <h2 id="share-title">{ "Share this run" }</h2>
                <p class="dim small">{ "The link holds the seed, the network, every command so far and the time: opening it replays this exact run (same trace hash) and stops here. " }
                    <code>{ "faultline run 'LINK'" }</code>{ " replays it headless." }</p>
                { field("share-link", "Link", &p.link, copy_link) }
                <h3>{ "Embed in a page" }</h3>
                <div class="row wrap">
                    <label class="inline"><span>{ "Controls" }</span>
                        <select onchange={pick_controls} aria-label="Embedded controls">
                            <option value="full" selected={*controls == Controls::Full}>{ "full" }</option>
                            <option value="minimal" selected={*controls == Controls::Minimal}>{ "minimal" }</option>
                            <option value="none" selected={*controls == Controls::None}>{ "none" }</option>
                        </select>
                    </label>
                    <label class="inline"><span>{ "Theme" }</span>
                        <select onchange={pick_theme} aria-label="Embedded theme">
                            <option value="" selected={theme.is_none()}>{ "light" }</option>
                            <option value="dark" selected={*theme == Some(Theme::Dark)}>{ "dark" }</option>
                        </select>
                    </label>
                    <a href="embed.html" target="_blank" rel="noopener">{ "All embed options ↗" }</a>
                </div>
                { field("share-embed", "HTML", &code, copy_code) }
                <p class="dim small" role="status" aria-live="polite">{ (*status).clone().unwrap_or_default() }</p>
                <div class="row end">
                    <button onclick={close}>{ "Close" }</button>
                </div>
        </Modal>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snippet_embeds_the_run_with_the_chosen_options() {
        let link = "https://example.org/lab/#/raft?preset=raft-split-vote&t=12";
        let src = embed_url(link, Controls::Minimal, Some(Theme::Dark));
        assert_eq!(src, format!("{link}&embed=1&controls=minimal&theme=dark"));
        let parsed = faultline_core::link::Link::parse(&src).unwrap();
        assert!(parsed.view.embed);
        let code = snippet(&src, "Raft");
        assert!(code.starts_with(
            "<iframe src=\"https://example.org/lab/#/raft?preset=raft-split-vote&amp;t=12&amp;embed=1"
        ));
        assert!(code.contains("title=\"faultline: Raft lab\""));
        assert_eq!(embed_url("#/raft", Controls::Full, None), "#/raft?embed=1");
    }
}
