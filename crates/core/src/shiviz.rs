//! Logs from real systems in ShiViz's format: events with a host and a
//! vector clock, from which the messages between hosts are inferred.
//!
//! Matching the text is the caller's part (the CLI uses the `regex` crate,
//! the page the browser's `RegExp`, the dialect ShiViz itself runs): each
//! match becomes a [`Record`] with the named groups `host`, `clock` and
//! `event`, and any other group as a field. [`build`] checks the clocks the
//! way ShiViz does (each host counts its own events 1, 2, 3, …; a clock
//! names only hosts and events in the log) and more (no clock goes back on
//! a host; an event knows everything the events it heard of knew), and
//! infers the messages: for every event, the latest event of each other
//! host it newly learned of, dropping those it learned through another of
//! them. Program order plus those messages give exactly the happened-before
//! relation of the vector clocks, with no message implied by the others.

use crate::sortedmap::SortedMap;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// ShiViz's default parser: an event's text on one line, then its host and
/// vector clock on the next.
pub const DEFAULT_REGEX: &str = r"(?<event>.*)\n(?<host>\S*) (?<clock>{.*})";

/// The groups a parser must name.
pub const REQUIRED_GROUPS: [&str; 3] = ["host", "clock", "event"];

/// One match of the parser in the log.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// The line the match starts on (1-based).
    pub line: usize,
    /// The `host` group.
    pub host: String,
    /// The `clock` group: a JSON object from host to count.
    pub clock: String,
    /// The `event` group.
    pub text: String,
    /// Every other named group.
    pub fields: BTreeMap<String, String>,
}

/// One event of the log.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    /// Where it happened.
    pub host: String,
    /// Its vector clock, without zero entries.
    pub clock: BTreeMap<String, u64>,
    /// Its text.
    pub text: String,
    /// The parser's other named groups.
    pub fields: BTreeMap<String, String>,
    /// The line it starts on.
    pub line: usize,
}

/// A log, imported.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Log {
    /// Every host, in order of its first event in the text.
    pub hosts: Vec<String>,
    /// Every event, in the order of the text.
    pub events: Vec<Event>,
    /// Messages as `[from, to]` indices into `events`, by receiver, then
    /// sender.
    pub messages: Vec<[usize; 2]>,
    /// Non-blank lines no match covered.
    pub skipped: usize,
}

/// Why a log cannot be read: what, and on which line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// The line it is about (0 when it is about the whole log).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            0 => f.write_str(&self.message),
            n => write!(f, "line {n}: {}", self.message),
        }
    }
}

fn error(line: usize, message: String) -> ImportError {
    ImportError { line, message }
}

/// Checks that a parser names every group [`build`] needs; `names` are the
/// parser's group names.
pub fn check_groups<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<(), ImportError> {
    let names: Vec<&str> = names.into_iter().collect();
    let missing: Vec<&str> = REQUIRED_GROUPS
        .into_iter()
        .filter(|g| !names.contains(g))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(error(
        0,
        format!(
            "the parser has no group named {}: it needs (?<host>…), (?<clock>…) and (?<event>…)",
            missing.join(", ")
        ),
    ))
}

/// If `text` starts the way ShiViz's own log files (and faultline's export)
/// do, with the parser on the first line and a blank second line, that
/// parser and where the log begins.
pub fn embedded_parser(text: &str) -> Option<(&str, usize)> {
    let (first, rest) = text.split_once('\n')?;
    let (second, body) = rest.split_once('\n').unwrap_or((rest, ""));
    let first = first.trim_end_matches('\r');
    let named = REQUIRED_GROUPS
        .iter()
        .all(|g| first.contains(&format!("(?<{g}>")));
    // Where the body starts: after the second line's newline, or at the
    // end when the text stops on the second line.
    (named && second.trim().is_empty()).then_some((first, text.len() - body.len()))
}

/// What to match in `text` and with which parser: `parser` if one is
/// given, else the one the log carries on its first line, else ShiViz's
/// default; with the text after a carried parser, the line it starts on
/// and no byte-order mark.
pub fn parser_and_body<'a>(text: &'a str, parser: Option<&'a str>) -> (&'a str, &'a str, usize) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match (parser, embedded_parser(text)) {
        (Some(p), _) => (p, text, 1),
        (None, Some((p, at))) => (p, &text[at..], 3),
        (None, None) => (DEFAULT_REGEX, text, 1),
    }
}

/// The lines of a text a parser runs over: which line a match starts on,
/// and which lines no match touched (ShiViz counts them as skipped).
/// Offsets are in whatever unit the matcher reports: bytes for Rust's
/// `regex`, UTF-16 code units for the browser's `RegExp`.
#[derive(Clone, Debug)]
pub struct Lines {
    /// Where each line starts.
    starts: Vec<usize>,
    /// The lines some match touched.
    touched: Vec<bool>,
}

impl Lines {
    /// The lines of `text`, offsets in bytes.
    pub fn bytes(text: &str) -> Lines {
        Lines::new(text, str::len)
    }

    /// The lines of `text`, offsets in UTF-16 code units.
    pub fn utf16(text: &str) -> Lines {
        // An ASCII line has as many units as bytes, and is counted at once.
        Lines::new(text, |l| {
            if l.is_ascii() {
                l.len()
            } else {
                l.encode_utf16().count()
            }
        })
    }

    fn new(text: &str, len: impl Fn(&str) -> usize) -> Lines {
        let mut starts = vec![0];
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            at += len(line);
            if line.ends_with('\n') {
                starts.push(at);
            }
        }
        let touched = vec![false; starts.len()];
        Lines { starts, touched }
    }

    /// Marks a non-empty match from offset `start` to `end` (exclusive)
    /// as touching its lines; returns the line it starts on (1-based).
    pub fn touch(&mut self, start: usize, end: usize) -> usize {
        let line_of = |at: usize| self.starts.partition_point(|&s| s <= at);
        let (a, b) = (line_of(start), line_of(end.saturating_sub(1).max(start)));
        for t in self.touched.iter_mut().take(b).skip(a.saturating_sub(1)) {
            *t = true;
        }
        a
    }

    /// The non-blank lines of `text` (the text these lines are of) no
    /// match touched.
    pub fn skipped(&self, text: &str) -> usize {
        text.split('\n')
            .zip(&self.touched)
            .filter(|(l, t)| !**t && !l.trim().is_empty())
            .count()
    }
}

/// The log the records make, or the first thing wrong with it. `skipped`
/// is carried into the result.
pub fn build(records: Vec<Record>, skipped: usize) -> Result<Log, ImportError> {
    let events = records
        .into_iter()
        .map(Event::read)
        .collect::<Result<Vec<_>, _>>()?;
    from_events(events, skipped)
}

impl Event {
    /// The event a record makes: its clock read, and checked to count its
    /// own host.
    pub fn read(r: Record) -> Result<Event, ImportError> {
        let clock = parse_clock(&r.clock, r.line)?;
        if clock.get(&r.host).copied().unwrap_or(0) == 0 {
            return Err(error(
                r.line,
                format!(
                    "the clock {} has no count for its own host \"{}\"",
                    r.clock.trim(),
                    r.host
                ),
            ));
        }
        Ok(Event {
            host: r.host,
            clock,
            text: r.text,
            fields: r.fields,
            line: r.line,
        })
    }
}

/// The log of `events` (each [`Event::read`] from its record), in the
/// order of the text: the checks on the clocks, then the messages
/// inferred. `skipped` is carried into the result.
pub fn from_events(events: Vec<Event>, skipped: usize) -> Result<Log, ImportError> {
    let mut inference = Inference::new(events, skipped)?;
    while !inference.step(usize::MAX)? {}
    Ok(inference.finish())
}

/// A log built from its events a slice at a time, so a page can read
/// 100,000 events without one long task: [`Inference::new`] checks each
/// host's counts, each [`Inference::step`] infers the messages of the next
/// events, [`Inference::finish`] gives the log ([`from_events`] does all
/// three at once).
#[derive(Debug)]
pub struct Inference {
    events: Vec<Event>,
    skipped: usize,
    hosts: Vec<String>,
    /// Each host's events, in the order of its own count.
    by_host: SortedMap<String, Vec<usize>>,
    messages: Vec<[usize; 2]>,
    /// The next event whose messages are to be inferred.
    next: usize,
}

impl Inference {
    /// Checks that each host counts its events 1, 2, 3, … (that no clock
    /// goes back on a host is checked event by event, in the steps).
    pub fn new(events: Vec<Event>, skipped: usize) -> Result<Inference, ImportError> {
        if events.is_empty() {
            return Err(error(0, "the parser matched no event in the log".into()));
        }
        let mut hosts: Vec<String> = Vec::new();
        // Each event's count of its own host, looked up once.
        let owns: Vec<u64> = events.iter().map(own).collect();
        let mut by_host: SortedMap<String, Vec<usize>> = SortedMap::new();
        for (i, e) in events.iter().enumerate() {
            match by_host.get_mut(e.host.as_str()) {
                Some(list) => list.push(i),
                None => {
                    hosts.push(e.host.clone());
                    by_host.insert(e.host.clone(), vec![i]);
                }
            }
        }
        for (host, list) in by_host.iter_mut() {
            crate::sorting::sort_by(list, |&a, &b| owns[a].cmp(&owns[b]).then(a.cmp(&b)));
            for (k, &i) in list.iter().enumerate() {
                let e = &events[i];
                let expected = k as u64 + 1;
                if owns[i] != expected {
                    let why = if owns[i] < expected {
                        format!("{host} counts {} twice", owns[i])
                    } else {
                        format!(
                            "{host} counts {} where {expected} comes next (each host counts its events 1, 2, 3, …)",
                            owns[i]
                        )
                    };
                    return Err(error(e.line, why));
                }
            }
        }
        Ok(Inference {
            events,
            skipped,
            hosts,
            by_host,
            messages: Vec::new(),
            next: 0,
        })
    }

    /// Checks the next `count` events (at most) and infers their messages;
    /// whether every event's are. For every event: the latest event of each other
    /// host it newly learned of, dropping those it learned through another
    /// of them.
    pub fn step(&mut self, count: usize) -> Result<bool, ImportError> {
        let events = &self.events;
        let end = self.next.saturating_add(count).min(events.len());
        let none = BTreeMap::new();
        for (to, e) in events.iter().enumerate().take(end).skip(self.next) {
            let list = &self.by_host[e.host.as_str()];
            let k = own(e) as usize - 1;
            let prev = if k > 0 {
                let p = &events[list[k - 1]];
                if let Some((g, was, now)) = went_back(&p.clock, &e.clock) {
                    return Err(error(
                        e.line,
                        format!(
                            "{}'s clock for {g} went back from {was} (line {}) to {now}",
                            e.host, p.line
                        ),
                    ));
                }
                &p.clock
            } else {
                &none
            };
            // The latest event of each host this one newly learned of.
            let mut heard: Vec<usize> = Vec::new();
            for (g, t, before) in paired(&e.clock, prev) {
                if g == &e.host || before >= t {
                    continue;
                }
                let Some(theirs) = self.by_host.get(g.as_str()) else {
                    return Err(error(
                        e.line,
                        format!("the clock names host \"{g}\", which logs no event"),
                    ));
                };
                // A count beyond the address space is beyond any log.
                let k = usize::try_from(t).unwrap_or(usize::MAX);
                let Some(&from) = theirs.get(k - 1) else {
                    return Err(error(
                        e.line,
                        format!(
                            "the clock counts {t} events of {g}, which logs only {}",
                            theirs.len()
                        ),
                    ));
                };
                let f = &events[from];
                if !(le(&f.clock, &e.clock) && f.clock.get(&e.host).copied().unwrap_or(0) < own(e))
                {
                    return Err(error(
                        e.line,
                        format!(
                            "this event knows {g}'s event {t} (line {}) but not everything that event knew",
                            f.line
                        ),
                    ));
                }
                heard.push(from);
            }
            // Drop what it learned through another of them.
            for &from in &heard {
                let f = &events[from];
                let through_other = heard.iter().any(|&o| {
                    o != from && events[o].clock.get(&f.host).copied().unwrap_or(0) >= own(f)
                });
                if !through_other {
                    self.messages.push([from, to]);
                }
            }
        }
        self.next = end;
        Ok(end == events.len())
    }

    /// How far it is, from 0 to 1.
    pub fn progress(&self) -> f64 {
        self.next as f64 / self.events.len().max(1) as f64
    }

    /// The log (its messages as far as [`Inference::step`] got).
    pub fn finish(mut self) -> Log {
        crate::sorting::sort_by(&mut self.messages, |a, b| (a[1], a[0]).cmp(&(b[1], b[0])));
        Log {
            hosts: self.hosts,
            events: self.events,
            messages: self.messages,
            skipped: self.skipped,
        }
    }
}

impl Log {
    /// The log without the `hidden` hosts, as ShiViz hides one: their
    /// events go, and every clock forgets them, so the messages inferred
    /// anew join the remaining hosts wherever one learned of another
    /// through a hidden host (happened-before among the rest is kept).
    pub fn without(&self, hidden: &[String]) -> Result<Log, ImportError> {
        let shown = |h: &String| !hidden.contains(h);
        let events = self
            .events
            .iter()
            .filter(|e| shown(&e.host))
            .map(|e| Event {
                clock: e
                    .clock
                    .iter()
                    .filter(|(h, _)| shown(h))
                    .map(|(h, &n)| (h.clone(), n))
                    .collect(),
                ..e.clone()
            })
            .collect();
        from_events(events, self.skipped)
    }

    /// Whether event `a` happened before event `b` (by their clocks).
    pub fn before(&self, a: usize, b: usize) -> bool {
        let (Some(ea), Some(eb)) = (self.events.get(a), self.events.get(b)) else {
            return false;
        };
        a != b && eb.clock.get(&ea.host).copied().unwrap_or(0) >= own(ea)
    }

    /// A column for every event, as ShiViz lays a log out: each event one
    /// column right of the latest of its host's previous event and the
    /// sends it receives, so every message points right and each host's
    /// events keep their order.
    pub fn columns(&self) -> Vec<usize> {
        let n = self.events.len();
        let lane: SortedMap<&str, usize> = self
            .hosts
            .iter()
            .enumerate()
            .map(|(i, h)| (h.as_str(), i))
            .collect();
        let host: Vec<usize> = self
            .events
            .iter()
            .map(|e| lane.get(e.host.as_str()).copied().unwrap_or(0))
            .collect();
        // Sorted by the sum of its clock, an event comes after everything
        // that happened before it.
        let weight: Vec<u64> = self.events.iter().map(|e| e.clock.values().sum()).collect();
        let mut order: Vec<usize> = (0..n).collect();
        crate::sorting::sort_by_key(&mut order, |&i| (weight[i], i));
        // The messages are by receiver: each event's senders are one run.
        let mut first = vec![0usize; n + 1];
        for &[_, to] in &self.messages {
            first[to + 1] += 1;
        }
        for i in 0..n {
            first[i + 1] += first[i];
        }
        let mut last: Vec<Option<usize>> = vec![None; self.hosts.len()];
        let mut column = vec![0; n];
        for i in order {
            let after = self.messages[first[i]..first[i + 1]]
                .iter()
                .map(|&[a, _]| column[a] + 1)
                .chain(last[host[i]].map(|p| column[p] + 1))
                .max()
                .unwrap_or(0);
            column[i] = after;
            last[host[i]] = Some(i);
        }
        column
    }
}

fn own(e: &Event) -> u64 {
    e.clock.get(&e.host).copied().unwrap_or(0)
}

/// Every host `a` counts, with its count in `a` and in `b` (0 when `b`
/// has none). Both clocks are sorted by host, so this is one walk, not a
/// lookup per host.
fn paired<'a>(
    a: &'a BTreeMap<String, u64>,
    b: &'a BTreeMap<String, u64>,
) -> impl Iterator<Item = (&'a String, u64, u64)> {
    let mut theirs = b.iter().peekable();
    a.iter().map(move |(g, &t)| {
        while theirs.peek().is_some_and(|(h, _)| *h < g) {
            theirs.next();
        }
        let n = match theirs.peek() {
            Some((h, &n)) if *h == g => n,
            _ => 0,
        };
        (g, t, n)
    })
}

/// Whether every count of `a` is at most `b`'s.
fn le(a: &BTreeMap<String, u64>, b: &BTreeMap<String, u64>) -> bool {
    paired(a, b).all(|(_, t, n)| n >= t)
}

/// A host whose count is lower in `now` than in `was`.
fn went_back(
    was: &BTreeMap<String, u64>,
    now: &BTreeMap<String, u64>,
) -> Option<(String, u64, u64)> {
    paired(was, now)
        .find(|&(_, t, n)| n < t)
        .map(|(g, t, n)| (g.clone(), t, n))
}

/// A clock: a JSON object from host to a whole count (ShiViz also reads one
/// whose quotes are escaped, as TLA+ writes them). Zero counts are dropped.
fn parse_clock(text: &str, line: usize) -> Result<BTreeMap<String, u64>, ImportError> {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(first) => serde_json::from_str(&text.replace("\\\"", "\"")).map_err(|_| {
            error(
                line,
                format!("the clock {} is not JSON: {first}", text.trim()),
            )
        })?,
    };
    let serde_json::Value::Object(map) = value else {
        return Err(error(
            line,
            format!(
                "the clock {} is not a JSON object of host → count",
                text.trim()
            ),
        ));
    };
    let mut clock = BTreeMap::new();
    for (host, v) in map {
        let Some(n) = v.as_u64() else {
            return Err(error(
                line,
                format!("the clock's count for \"{host}\" is {v}, not a whole number"),
            ));
        };
        if n > 0 {
            clock.insert(host, n);
        }
    }
    Ok(clock)
}

#[cfg(test)]
mod tests;
