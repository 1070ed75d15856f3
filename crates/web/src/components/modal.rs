//! A modal dialog: it takes the focus when it opens (its
//! `[data-autofocus]` element, or its first control) and keeps Tab inside
//! until it closes. Esc closes every overlay (see `keys`).

use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What can take the focus inside a dialog.
const FOCUSABLE: &str = "button, input, select, textarea, a[href]";

/// Modal properties.
#[derive(Properties, PartialEq)]
pub struct ModalProps {
    /// Classes of the dialog box (`dialog` is always there).
    #[prop_or_default]
    pub class: Classes,
    /// The id of the dialog's heading.
    pub labelled_by: AttrValue,
    /// The dialog's content.
    pub children: Html,
}

/// The focusable elements of `dialog`, in document order.
fn focusables(dialog: &web_sys::Element) -> Vec<web_sys::HtmlElement> {
    let Ok(list) = dialog.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.get(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        .collect()
}

/// Keeps Tab inside the dialog: from its last control to its first, and
/// Shift+Tab from its first to its last.
fn trap_tab(e: &KeyboardEvent, dialog: &web_sys::Element) {
    if e.key() != "Tab" {
        return;
    }
    let all = focusables(dialog);
    let (Some(first), Some(last)) = (all.first(), all.last()) else {
        return;
    };
    let active = gloo::utils::document().active_element();
    let at = |el: &web_sys::HtmlElement| active.as_ref() == Some(el.unchecked_ref());
    let to = if e.shift_key() && at(first) {
        last
    } else if !e.shift_key() && at(last) {
        first
    } else {
        return;
    };
    e.prevent_default();
    to.focus().ok();
}

/// The overlay and its dialog box.
#[function_component(Modal)]
pub fn modal(p: &ModalProps) -> Html {
    let dialog = use_node_ref();
    {
        let dialog = dialog.clone();
        use_effect_with((), move |_| {
            if let Some(d) = dialog.cast::<web_sys::Element>() {
                let chosen = d
                    .query_selector("[data-autofocus]")
                    .ok()
                    .flatten()
                    .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
                    .or_else(|| focusables(&d).into_iter().next());
                if let Some(el) = chosen {
                    el.focus().ok();
                }
            }
        });
    }
    let trap = {
        let dialog = dialog.clone();
        Callback::from(move |e: KeyboardEvent| {
            if let Some(d) = dialog.cast::<web_sys::Element>() {
                trap_tab(&e, &d);
            }
        })
    };
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-labelledby={p.labelled_by.clone()}>
            <div class={classes!("dialog", p.class.clone())} ref={dialog} onkeydown={trap}>
                { p.children.clone() }
            </div>
        </div>
    }
}
