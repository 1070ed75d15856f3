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
    let (second, _) = rest.split_once('\n').unwrap_or((rest, ""));
    let first = first.trim_end_matches('\r');
    let named = REQUIRED_GROUPS
        .iter()
        .all(|g| first.contains(&format!("(?<{g}>")));
    (named && second.trim().is_empty()).then_some((first, first.len() + second.len() + 2))
}

/// The log the records make, or the first thing wrong with it. `skipped`
/// is carried into the result.
pub fn build(records: Vec<Record>, skipped: usize) -> Result<Log, ImportError> {
    if records.is_empty() {
        return Err(error(0, "the parser matched no event in the log".into()));
    }
    let mut hosts: Vec<String> = Vec::new();
    let mut events = Vec::with_capacity(records.len());
    for r in records {
        if !hosts.contains(&r.host) {
            hosts.push(r.host.clone());
        }
        let clock = parse_clock(&r.clock, r.line)?;
        let own = clock.get(&r.host).copied().unwrap_or(0);
        if own == 0 {
            return Err(error(
                r.line,
                format!(
                    "the clock {} has no count for its own host \"{}\"",
                    r.clock.trim(),
                    r.host
                ),
            ));
        }
        events.push(Event {
            host: r.host,
            clock,
            text: r.text,
            fields: r.fields,
            line: r.line,
        });
    }
    // Each host's events by their own count, which must run 1, 2, 3, …
    let mut by_host: SortedMap<&str, Vec<usize>> = SortedMap::new();
    for (i, e) in events.iter().enumerate() {
        by_host.entry(e.host.as_str()).or_default().push(i);
    }
    for (host, list) in by_host.iter_mut() {
        crate::sorting::sort_by(list, |&a, &b| {
            own(&events[a]).cmp(&own(&events[b])).then(a.cmp(&b))
        });
        for (k, &i) in list.iter().enumerate() {
            let e = &events[i];
            let expected = k as u64 + 1;
            if own(e) != expected {
                let why = if own(e) < expected {
                    format!("{host} counts {} twice", own(e))
                } else {
                    format!(
                        "{host} counts {} where {expected} comes next (each host counts its events 1, 2, 3, …)",
                        own(e)
                    )
                };
                return Err(error(e.line, why));
            }
            if k > 0 {
                let prev = &events[list[k - 1]];
                if let Some((g, was, now)) = went_back(&prev.clock, &e.clock) {
                    return Err(error(
                        e.line,
                        format!(
                            "{host}'s clock for {g} went back from {was} (line {}) to {now}",
                            prev.line
                        ),
                    ));
                }
            }
        }
    }
    let mut messages = Vec::new();
    for (to, e) in events.iter().enumerate() {
        let list = &by_host[e.host.as_str()];
        let k = own(e) as usize - 1;
        let prev = (k > 0).then(|| &events[list[k - 1]].clock);
        // The latest event of each host this one newly learned of.
        let mut heard: Vec<usize> = Vec::new();
        for (g, &t) in &e.clock {
            if g == &e.host || prev.is_some_and(|p| p.get(g).copied().unwrap_or(0) >= t) {
                continue;
            }
            let Some(theirs) = by_host.get(g.as_str()) else {
                return Err(error(
                    e.line,
                    format!("the clock names host \"{g}\", which logs no event"),
                ));
            };
            let Some(&from) = theirs.get(t as usize - 1) else {
                return Err(error(
                    e.line,
                    format!(
                        "the clock counts {t} events of {g}, which logs only {}",
                        theirs.len()
                    ),
                ));
            };
            let f = &events[from];
            if !(le(&f.clock, &e.clock) && f.clock.get(&e.host).copied().unwrap_or(0) < own(e)) {
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
                messages.push([from, to]);
            }
        }
    }
    crate::sorting::sort_by(&mut messages, |a, b| (a[1], a[0]).cmp(&(b[1], b[0])));
    Ok(Log {
        hosts,
        events,
        messages,
        skipped,
    })
}

fn own(e: &Event) -> u64 {
    e.clock.get(&e.host).copied().unwrap_or(0)
}

/// Whether every count of `a` is at most `b`'s.
fn le(a: &BTreeMap<String, u64>, b: &BTreeMap<String, u64>) -> bool {
    a.iter().all(|(g, &t)| b.get(g).copied().unwrap_or(0) >= t)
}

/// A host whose count is lower in `now` than in `was`.
fn went_back(
    was: &BTreeMap<String, u64>,
    now: &BTreeMap<String, u64>,
) -> Option<(String, u64, u64)> {
    was.iter().find_map(|(g, &t)| {
        let n = now.get(g).copied().unwrap_or(0);
        (n < t).then(|| (g.clone(), t, n))
    })
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
