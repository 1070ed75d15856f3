//! The log viewer page (`viewer/`): open a log from a real system, by file
//! picker, drag and drop or paste. A ShiViz log (events with vector
//! clocks) opens in a space-time diagram; a Jepsen, EDN or faultline
//! history opens as client bars with the linearizability checker's
//! verdict. Nothing leaves the page: it has no server.

mod history_view;
mod log_view;
mod parse;

use crate::text_file::{self, Kind};
use faultline_core::linearizability::{self, FileReport, Format};
use faultline_core::shiviz::{self, Log};
use history_view::HistoryView;
use log_view::LogView;
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::{DragEvent, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

/// A log file: ShiViz logs of 100,000 events run to a few megabytes.
const LOG_FILE: Kind = Kind {
    max_bytes: 64_000_000.0,
    what: "a log is a text file (a ShiViz log or a Jepsen, EDN or JSON history)",
};

/// What a text opened as.
#[derive(Clone)]
pub enum Opened {
    /// A ShiViz log.
    Log(Rc<Log>),
    /// A history, checked.
    History(Rc<FileReport>),
}

/// Each slice of work on a long log ends this long after it starts (ms),
/// so the page draws between slices.
const SLICE_MS: f64 = 40.0;

/// Lets the page draw before the work goes on; then fails (with nothing to
/// say) unless `wanted` still holds: a newer open took over.
async fn yield_now(wanted: &dyn Fn() -> bool) -> Result<(), String> {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = gloo::utils::window().set_timeout_with_callback(&resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    if wanted() {
        Ok(())
    } else {
        Err(String::new())
    }
}

/// Reads `text`: a ShiViz log when a parser is given or carried on its
/// first line, or when it is no history format; else a history. A slice
/// at a time, telling `progress` what it is doing and how far it is (0 to
/// 1) between slices, and stopping there once `wanted` no longer holds.
async fn open(
    text: &str,
    parser: Option<&str>,
    progress: &dyn Fn(&str, f64),
    wanted: &dyn Fn() -> bool,
) -> Result<Opened, String> {
    let shiviz_first = parser.is_some() || shiviz::embedded_parser(text).is_some();
    if !shiviz_first && Format::detect(text).is_ok() {
        progress("checking linearizability", 0.5);
        yield_now(wanted).await?;
        return linearizability::check_file(text).map(|r| Opened::History(Rc::new(r)));
    }
    if text.trim().is_empty() {
        return Err("the log is empty".into());
    }
    // The browser's `.` stops at a carriage return: Windows line ends are
    // read as plain ones, as the CLI's regex reads them.
    let unix;
    let text = if text.contains('\r') {
        unix = text.replace("\r\n", "\n");
        unix.as_str()
    } else {
        text
    };
    let (parser, body, first_line) = shiviz::parser_and_body(text, parser);
    let mut matcher = parse::Matcher::new(body, parser, first_line)?;
    progress("matching the parser", 0.0);
    yield_now(wanted).await?;
    while !matcher.step(js_sys::Date::now() + SLICE_MS) {
        progress("matching the parser", 0.6 * matcher.progress());
        yield_now(wanted).await?;
    }
    let (records, skipped) = matcher.finish(body);
    let total = records.len();
    let mut events = Vec::with_capacity(total);
    let mut records = records.into_iter();
    loop {
        let deadline = js_sys::Date::now() + SLICE_MS;
        for r in records.by_ref() {
            events.push(shiviz::Event::read(r).map_err(|e| e.to_string())?);
            if events.len() % 256 == 0 && js_sys::Date::now() > deadline {
                break;
            }
        }
        if events.len() == total {
            break;
        }
        progress(
            "reading the clocks",
            0.6 + 0.2 * events.len() as f64 / total as f64,
        );
        yield_now(wanted).await?;
    }
    progress("checking the clocks", 0.8);
    yield_now(wanted).await?;
    let mut inference = shiviz::Inference::new(events, skipped).map_err(|e| e.to_string())?;
    loop {
        let deadline = js_sys::Date::now() + SLICE_MS;
        let mut done = false;
        while !done && js_sys::Date::now() < deadline {
            done = inference.step(1024).map_err(|e| e.to_string())?;
        }
        if done {
            break;
        }
        progress("inferring the messages", 0.85 + 0.15 * inference.progress());
        yield_now(wanted).await?;
    }
    let log = inference.finish();
    progress("drawing", 1.0);
    yield_now(wanted).await?;
    Ok(Opened::Log(Rc::new(log)))
}

/// What the page shows.
#[derive(Clone)]
enum Shown {
    /// Nothing opened yet (or the last try failed: why).
    Start(Option<String>),
    /// Reading or checking: what, and how far (0 to 1), if known.
    Busy(String, Option<f64>),
    /// A file opened (its name).
    Opened(String, Opened),
}

/// What one open may show: only the latest open started shows anything,
/// so a file dropped while another is still being read replaces it, and
/// the older one's progress and result are dropped.
#[derive(Clone)]
struct Opener {
    shown: UseStateHandle<Shown>,
    latest: Rc<RefCell<u64>>,
    mine: u64,
}

impl Opener {
    /// A new open, which every older one gives way to.
    fn new(shown: &UseStateHandle<Shown>, latest: &Rc<RefCell<u64>>) -> Opener {
        *latest.borrow_mut() += 1;
        Opener {
            shown: shown.clone(),
            latest: latest.clone(),
            mine: *latest.borrow(),
        }
    }

    /// Whether no newer open has started.
    fn current(&self) -> bool {
        *self.latest.borrow() == self.mine
    }

    /// Shows `s`, unless a newer open has started.
    fn show(&self, s: Shown) {
        if self.current() {
            self.shown.set(s);
        }
    }
}

/// Opens `text` (called `name`), showing how far it is.
async fn open_text(to: Opener, name: String, text: String, parser: Option<String>) {
    let size = text_file::size(text.len() as f64);
    let progress = |what: &str, done: f64| {
        to.show(Shown::Busy(
            format!("Reading {name} ({size}): {what}…"),
            Some(done),
        ));
    };
    progress("starting", 0.0);
    let wanted = || to.current();
    if yield_now(&wanted).await.is_err() {
        return;
    }
    // Once a newer open has started, this one stops at its next slice
    // and shows nothing.
    to.show(
        match open(&text, parser.as_deref(), &progress, &wanted).await {
            Ok(o) => Shown::Opened(name, o),
            Err(e) => Shown::Start(Some(format!("{name}: {e}"))),
        },
    );
}

/// An example bundled with the site (`www/logs/`).
struct Example {
    label: &'static str,
    file: &'static str,
    /// The parser ShiViz's own page gives it, if it is not the default.
    parser: Option<&'static str>,
}

/// The examples, from ShiViz's and Porcupine's own.
const EXAMPLES: &[Example] = &[
    Example {
        label: "ShiViz: a reliable broadcast",
        file: "simple-reliable-broadcast.log",
        parser: Some(
            r"\[\w+\] \[(?<date>([^ ]+ [^ ]+))\] [^ ]+ \[akka://Broadcast/user/(?<host>\w+)\] (?<clock>.*\}) (?<event>.*)",
        ),
    },
    Example {
        label: "ShiViz: a load balancer",
        file: "facebook.log",
        parser: Some(
            r"(?<ip>(\d{1,3}\.){3}\d{1,3}) (?<date>(\d{1,2}/){2}\d{4} (\d{2}:){2}\d{2} (AM|PM)) (?<action>(INFO|GET|POST)) (?<event>.*)\n(?<host>\w*) (?<clock>.*)",
        ),
    },
    Example {
        label: "Jepsen: an etcd register",
        file: "etcd_000.log",
        parser: None,
    },
];

/// The page.
#[function_component(ViewerPage)]
pub fn viewer_page() -> Html {
    let shown = use_state(|| Shown::Start(None));
    let paste = use_state(String::new);
    let parser = use_state(String::new);
    let dragging = use_state(|| false);
    let latest = use_mut_ref(|| 0u64);
    let parser_or_none = {
        let parser = parser.clone();
        move || Some((*parser).clone()).filter(|p| !p.trim().is_empty())
    };

    let open_file = {
        let (shown, latest) = (shown.clone(), latest.clone());
        let parser_or_none = parser_or_none.clone();
        Callback::from(move |file: web_sys::File| {
            let (to, name, parser) = (Opener::new(&shown, &latest), file.name(), parser_or_none());
            to.show(Shown::Busy(format!("Reading {name}…"), None));
            wasm_bindgen_futures::spawn_local(async move {
                match text_file::read(&file, LOG_FILE).await {
                    Ok(text) => open_text(to, name, text, parser).await,
                    Err(e) => to.show(Shown::Start(Some(e))),
                }
            });
        })
    };
    let on_pick = {
        let open_file = open_file.clone();
        Callback::from(move |e: Event| {
            let input = e.target_dyn_into::<HtmlInputElement>();
            if let Some(file) = input
                .as_ref()
                .and_then(|i| i.files())
                .and_then(|f| f.get(0))
            {
                open_file.emit(file);
            }
            // The same file picked again opens again.
            if let Some(i) = input {
                i.set_value("");
            }
        })
    };
    let on_drop = {
        let (open_file, dragging) = (open_file.clone(), dragging.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            if let Some(file) = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            {
                open_file.emit(file);
            }
        })
    };
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let on_paste_edit = {
        let paste = paste.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target_dyn_into::<HtmlTextAreaElement>() {
                paste.set(t.value());
            }
        })
    };
    let on_parser_edit = {
        let parser = parser.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target_dyn_into::<HtmlInputElement>() {
                parser.set(t.value());
            }
        })
    };
    let on_open_paste = {
        let (shown, latest, paste) = (shown.clone(), latest.clone(), paste.clone());
        let parser_or_none = parser_or_none.clone();
        Callback::from(move |_: MouseEvent| {
            let (to, text, parser) = (
                Opener::new(&shown, &latest),
                (*paste).clone(),
                parser_or_none(),
            );
            wasm_bindgen_futures::spawn_local(open_text(
                to,
                "The pasted text".into(),
                text,
                parser,
            ));
        })
    };
    let on_example = {
        let (shown, latest) = (shown.clone(), latest.clone());
        Callback::from(move |example: &'static Example| {
            let (to, file) = (Opener::new(&shown, &latest), example.file);
            // Its own parser, not the field's (which stays the reader's).
            let rx = example.parser.map(String::from);
            to.show(Shown::Busy(format!("Fetching {file}…"), None));
            wasm_bindgen_futures::spawn_local(async move {
                match crate::fetch::text(&format!("../logs/{file}")).await {
                    Ok(text) => open_text(to, file.into(), text, rx).await,
                    Err(e) => to.show(Shown::Start(Some(e))),
                }
            });
        })
    };
    let on_close = {
        let (shown, latest) = (shown.clone(), latest.clone());
        Callback::from(move |_: MouseEvent| Opener::new(&shown, &latest).show(Shown::Start(None)))
    };

    let picker = html! {
        <label class="file-pick">
            <input type="file" accept=".log,.txt,.edn,.json,text/plain,application/json" onchange={on_pick} />
            <span class="button primary">{ "Choose a file…" }</span>
        </label>
    };
    let body = match &*shown {
        Shown::Opened(name, opened) => {
            let what = match opened {
                Opened::Log(_) => "ShiViz log".to_string(),
                Opened::History(r) => r.format.to_string(),
            };
            html! {
                <>
                    <div class="panel viewer-bar row wrap">
                        <strong class="file-name">{ name.clone() }</strong>
                        <span class="dim">{ what }</span>
                        <span class="spacer" />
                        { picker.clone() }
                        <button type="button" onclick={on_close}>{ "Close" }</button>
                    </div>
                    { match opened {
                        // A new log is a new view: no selection, hidden host
                        // or zoom carries over.
                        Opened::Log(log) => html! { <LogView key={Rc::as_ptr(log) as usize} log={log.clone()} /> },
                        Opened::History(report) => html! { <HistoryView report={report.clone()} /> },
                    } }
                </>
            }
        }
        Shown::Busy(what, done) => html! {
            <div class="panel viewer-busy" role="status">
                <p>{ what.clone() }</p>
                if let Some(done) = done {
                    <progress max="1" value={format!("{done:.3}")} aria-label="How far the log is read" />
                } else {
                    <progress aria-label="Reading" />
                }
            </div>
        },
        Shown::Start(error) => html! {
            <div class={classes!("panel", "drop-zone", dragging.then_some("over"))}>
                <h2>{ "Open a log" }</h2>
                <p>{ "A ShiViz log (events with vector clocks, as GoVector and faultline's own export write them) opens in a space-time diagram. A Jepsen, EDN or faultline history opens with the linearizability checker's verdict. Nothing leaves this page." }</p>
                if let Some(e) = error {
                    <p class="error" role="alert">{ e.clone() }</p>
                }
                <div class="row wrap">
                    { picker }
                    <span class="dim">{ "or drop a file anywhere on this page" }</span>
                </div>
                <label class="stacked">
                    <span>{ "Or paste it" }</span>
                    <textarea class="mono" rows="8" spellcheck="false" value={(*paste).clone()} oninput={on_paste_edit} aria-label="Log text" />
                </label>
                <label class="stacked">
                    <span>{ "ShiViz parser (a JavaScript regular expression with the groups host, clock and event; blank: the log's own or ShiViz's default)" }</span>
                    <input class="mono" type="text" spellcheck="false" placeholder={shiviz::DEFAULT_REGEX} value={(*parser).clone()} oninput={on_parser_edit} aria-label="ShiViz parser" />
                </label>
                <div class="row wrap">
                    <button type="button" class="primary" onclick={on_open_paste} disabled={paste.trim().is_empty()}>{ "Open the pasted text" }</button>
                </div>
                <h3>{ "Or try an example" }</h3>
                <div class="row wrap">
                    { for EXAMPLES.iter().map(|example| {
                        let on_example = on_example.clone();
                        html! { <button type="button" onclick={Callback::from(move |_: MouseEvent| on_example.emit(example))}>{ example.label }</button> }
                    }) }
                </div>
            </div>
        },
    };
    html! {
        <div class="viewer" ondrop={on_drop} ondragover={on_drag_over} ondragleave={on_drag_leave}>
            <header class="top">
                <a class="brand" href="../">
                    <span class="logo" aria-hidden="true">{ "⚡" }</span>
                    <span class="name">{ "faultline" }</span>
                </a>
                <span class="viewer-title">{ "Log viewer" }</span>
            </header>
            <main class="viewer-main">{ body }</main>
        </div>
    }
}
