//! The keyboard and the address bar: keys become actions on the run (the
//! running lab answers the ones that are its own, such as Q and T), and
//! navigation within the page opens what it points to.

use super::{App, Msg, Overlay};
use crate::keys::{self, KeyAction};
use faultline_core::sim::NodeStatus;
use faultline_core::{Command, NodeId};
use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use yew::prelude::*;

fn is_typing(event: &web_sys::KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

impl App {
    /// Acts on a key; true when the page must redraw at once.
    pub(super) fn on_key(&mut self, ctx: &Context<Self>, action: KeyAction) -> bool {
        let link = ctx.link();
        match action {
            KeyAction::PlayPause => link.send_message(Msg::TogglePlay),
            KeyAction::Step => link.send_message(Msg::Step),
            KeyAction::Faster => {
                link.send_message(Msg::Speed(self.speed_exp + std::f64::consts::LOG10_2))
            }
            KeyAction::Slower => {
                link.send_message(Msg::Speed(self.speed_exp - std::f64::consts::LOG10_2))
            }
            KeyAction::Back => link.send_message(Msg::Seek(self.sim.now().as_ms() - 100.0)),
            KeyAction::Forward => link.send_message(Msg::Seek(self.sim.now().as_ms() + 100.0)),
            KeyAction::Start => link.send_message(Msg::Seek(0.0)),
            KeyAction::NewSeed => link.send_message(Msg::Reset { new_seed: true }),
            KeyAction::Help => {
                let next = (self.overlay != Some(Overlay::Help)).then_some(Overlay::Help);
                link.send_message(Msg::Overlay(next));
            }
            KeyAction::Escape => {
                self.overlay = None;
                self.partition = None;
                self.selected = None;
                self.selected_link = None;
                return true;
            }
            KeyAction::Select(i) => {
                let id = NodeId(i);
                if self.status(id).is_some() {
                    link.send_message(Msg::Select(Some(id)));
                }
            }
            KeyAction::NextNode | KeyAction::PrevNode => {
                let ids = self.snapshot.present_ids();
                let next = keys::cycle(&ids, self.selected, action == KeyAction::NextNode);
                link.send_message(Msg::Select(next));
            }
            KeyAction::Heal => link.send_message(Msg::Command(Command::Heal)),
            KeyAction::NextPage | KeyAction::PrevPage => {
                self.page(action == KeyAction::NextPage);
                return true;
            }
            KeyAction::CrashRestart
            | KeyAction::PauseResume
            | KeyAction::TimeoutNow
            | KeyAction::ClientRequest => {
                let Some(node) = self.selected else {
                    self.error = Some("Select a node first (click it, or press 1 – 9).".into());
                    return true;
                };
                let status = self.status(node);
                let command = match action {
                    KeyAction::CrashRestart if status == Some(NodeStatus::Crashed) => {
                        Ok(Command::Restart { node })
                    }
                    KeyAction::CrashRestart => Ok(Command::Crash { node }),
                    KeyAction::PauseResume if status == Some(NodeStatus::Paused) => {
                        Ok(Command::Resume { node })
                    }
                    KeyAction::PauseResume => Ok(Command::Pause { node }),
                    KeyAction::TimeoutNow => self.lab.timeout_now(node),
                    _ => self.lab.request(node),
                };
                match command {
                    Ok(command) => link.send_message(Msg::Command(command)),
                    Err(e) => {
                        self.error = Some(e);
                        return true;
                    }
                }
            }
        }
        false
    }

    /// Listens to keys on the page (not while typing in a field).
    pub(super) fn listen_to_keys(ctx: &Context<Self>) -> EventListener {
        let link = ctx.link().clone();
        EventListener::new_with_options(
            &gloo::utils::document(),
            "keydown",
            EventListenerOptions::enable_prevent_default(),
            move |event| {
                let Some(event) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                let escape = event.key() == "Escape";
                if (is_typing(event) && !escape)
                    || event.ctrl_key()
                    || event.meta_key()
                    || event.alt_key()
                {
                    return;
                }
                if let Some(action) = keys::action(&event.key()) {
                    if matches!(
                        action,
                        KeyAction::PlayPause
                            | KeyAction::Back
                            | KeyAction::Forward
                            | KeyAction::NextPage
                            | KeyAction::PrevPage
                    ) {
                        event.prevent_default();
                    }
                    link.send_message(Msg::Key(action));
                }
            },
        )
    }

    /// Listens to navigation within the page (`#/gossip`, Back).
    pub(super) fn listen_to_routes(ctx: &Context<Self>) -> EventListener {
        let on_route = ctx.link().clone();
        // The URL the navigation went to, not the address bar when the
        // event is handled: the lab may have rewritten that since.
        EventListener::new(&gloo::utils::window(), "hashchange", move |e| {
            let url = e
                .dyn_ref::<web_sys::HashChangeEvent>()
                .map(|e| e.new_url())
                .unwrap_or_else(|| gloo::utils::window().location().hash().unwrap_or_default());
            on_route.send_message(Msg::Route(url));
        })
    }
}
