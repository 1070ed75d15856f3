//! Keyboard shortcuts: one table drives both the handler and the help overlay.

/// What a key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyAction {
    /// Play or pause.
    PlayPause,
    /// Process one event.
    Step,
    /// Double the speed.
    Faster,
    /// Halve the speed.
    Slower,
    /// Go back 100 ms of virtual time.
    Back,
    /// Go forward 100 ms of virtual time.
    Forward,
    /// Go back to the start.
    Start,
    /// Reset with a new seed.
    NewSeed,
    /// Show or hide the shortcuts.
    Help,
    /// Close an overlay, leave a mode, clear the selection.
    Escape,
    /// Select node 0 to 8.
    Select(u32),
    /// Select the next node (any id; after the last, the first).
    NextNode,
    /// Select the previous node.
    PrevNode,
    /// Crash or restart the selected node.
    CrashRestart,
    /// Pause or resume the selected node.
    PauseResume,
    /// Make the selected node time out now.
    TimeoutNow,
    /// Send a client request to the selected node.
    ClientRequest,
    /// Heal the network.
    Heal,
    /// The next tour step; outside a tour, one event forward (a
    /// presentation clicker sends PageDown).
    NextPage,
    /// The previous tour step; outside a tour, one event back.
    PrevPage,
}

/// The shortcut table, in the order the help overlay lists it.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Space", "play / pause"),
    ("S or .", "step one event"),
    ("] / [", "faster / slower"),
    ("→ / ←", "forward / back 100 ms"),
    ("Home", "back to the start"),
    (
        "PgDn / PgUp",
        "next / previous tour step; outside a tour, one event forward / back",
    ),
    ("R", "reset with a new seed"),
    ("1 – 9", "select node n0 – n8"),
    (
        "N / Shift+N",
        "select the next / previous node (every node, n9 and up too)",
    ),
    ("C", "crash / restart the selected node"),
    ("P", "pause / resume the selected node"),
    ("T", "selected node times out now (Raft)"),
    (
        "Q",
        "client request (Raft), local event (clocks) or new rumor (gossip) at the selected node",
    ),
    ("H", "heal the network"),
    ("?", "show these shortcuts"),
    ("Esc", "close, cancel, deselect"),
];

/// The action bound to a key (`KeyboardEvent.key`), if any.
pub fn action(key: &str) -> Option<KeyAction> {
    Some(match key {
        " " => KeyAction::PlayPause,
        "s" | "S" | "." => KeyAction::Step,
        "]" | "+" => KeyAction::Faster,
        "[" | "-" => KeyAction::Slower,
        "ArrowLeft" => KeyAction::Back,
        "ArrowRight" => KeyAction::Forward,
        "Home" => KeyAction::Start,
        "PageDown" => KeyAction::NextPage,
        "PageUp" => KeyAction::PrevPage,
        "r" | "R" => KeyAction::NewSeed,
        "?" => KeyAction::Help,
        "Escape" => KeyAction::Escape,
        "c" | "C" => KeyAction::CrashRestart,
        "p" | "P" => KeyAction::PauseResume,
        "t" | "T" => KeyAction::TimeoutNow,
        "q" | "Q" => KeyAction::ClientRequest,
        "h" | "H" => KeyAction::Heal,
        "n" => KeyAction::NextNode,
        "N" => KeyAction::PrevNode,
        k if k.len() == 1 && ('1'..='9').contains(&k.chars().next()?) => {
            KeyAction::Select(k.parse::<u32>().ok()? - 1)
        }
        _ => return None,
    })
}

/// The node after (or before) `selected` among `ids`, wrapping round; the
/// first (or last) when none is selected.
pub fn cycle<T: Copy + PartialEq>(ids: &[T], selected: Option<T>, forward: bool) -> Option<T> {
    let n = ids.len();
    if n == 0 {
        return None;
    }
    let at = selected.and_then(|s| ids.iter().position(|&i| i == s));
    let i = match (at, forward) {
        (Some(i), true) => (i + 1) % n,
        (Some(i), false) => (i + n - 1) % n,
        (None, true) => 0,
        (None, false) => n - 1,
    };
    Some(ids[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_select_nodes_and_unknown_keys_do_nothing() {
        assert_eq!(action("1"), Some(KeyAction::Select(0)));
        assert_eq!(action("9"), Some(KeyAction::Select(8)));
        assert_eq!(action("0"), None);
        assert_eq!(action("z"), None);
        assert_eq!(action(" "), Some(KeyAction::PlayPause));
        assert_eq!(action("PageDown"), Some(KeyAction::NextPage));
        assert_eq!(action("PageUp"), Some(KeyAction::PrevPage));
        assert_eq!(action("n"), Some(KeyAction::NextNode));
        assert_eq!(action("N"), Some(KeyAction::PrevNode));
    }

    #[test]
    fn next_and_previous_wrap_round_every_node() {
        let ids: Vec<u32> = (0..15).collect();
        assert_eq!(cycle(&ids, Some(8), true), Some(9));
        assert_eq!(cycle(&ids, Some(14), true), Some(0));
        assert_eq!(cycle(&ids, Some(0), false), Some(14));
        assert_eq!(cycle(&ids, None, true), Some(0));
        assert_eq!(cycle(&ids, None, false), Some(14));
        assert_eq!(cycle::<u32>(&[], None, true), None);
    }
}
