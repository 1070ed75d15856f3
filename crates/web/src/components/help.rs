//! The keyboard shortcuts overlay.

use super::modal::Modal;
use crate::keys::SHORTCUTS;
use yew::prelude::*;

/// The overlay; `on_close` closes it.
pub fn help(on_close: &Callback<()>) -> Html {
    let close = on_close.reform(|_: MouseEvent| ());
    html! {
        <Modal labelled_by="help-title">
                <h2 id="help-title">{ "Keyboard shortcuts" }</h2>
                <table class="keys">
                    { for SHORTCUTS.iter().map(|(k, what)| html! {
                        <tr><td><kbd>{ *k }</kbd></td><td>{ *what }</td></tr>
                    }) }
                </table>
                <p class="hint">{ "Click a node to select it, a link to cut one direction, a message to drop, delay or duplicate it (the Network panel chooses which)." }</p>
                <div class="row end"><button class="primary" onclick={close}>{ "Close" }</button></div>
        </Modal>
    }
}
