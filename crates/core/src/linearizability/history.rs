//! A history: the operations clients issued, each with the interval of time
//! between its call (invocation) and its return (response).

use crate::sortedmap::SortedMap;

/// One operation of a history, as its client saw it.
///
/// An operation's interval is `[call, ret]`. Two operations are ordered in
/// real time when one returns strictly before the other is called; when a
/// return and a call fall on the same instant they count as concurrent (see
/// [`check`](super::check)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation<I, O> {
    /// The client (process) that issued it. Only reports use it: the checker
    /// orders operations by their times alone.
    pub client: u64,
    /// What was asked.
    pub input: I,
    /// What was returned; `None` when the result is unknown (a Jepsen `:info`,
    /// a timed-out request): the model then accepts any result.
    pub output: Option<O>,
    /// When it was called.
    pub call: u64,
    /// When it returned; `None` when it never did. Such a *pending* operation
    /// may take effect at any point after its call, or never. A return earlier
    /// than the call is read as a return at the call's time.
    pub ret: Option<u64>,
}

impl<I, O> Operation<I, O> {
    /// Whether it never returned (and so may or may not have taken effect).
    pub fn is_pending(&self) -> bool {
        self.ret.is_none()
    }
}

/// Pairs each client's invocation with its completion while a log is read,
/// one line at a time. Errors are plain messages; the parsers add the line.
pub(crate) struct Recorder<I, O> {
    /// Operations in invocation order; `None` once dropped (a `:fail`).
    slots: Vec<Option<Operation<I, O>>>,
    /// The slot of each client's open operation.
    open: SortedMap<u64, usize>,
}

impl<I, O> Recorder<I, O> {
    /// An empty history.
    pub(crate) fn new() -> Self {
        Recorder {
            slots: Vec::new(),
            open: SortedMap::new(),
        }
    }

    /// Records that `client` called `input` at `time`.
    pub(crate) fn invoke(&mut self, client: u64, input: I, time: u64) -> Result<(), String> {
        if self.open.contains_key(&client) {
            return Err(format!(
                "process {client} invokes an operation while its previous one is still open"
            ));
        }
        self.open.insert(client, self.slots.len());
        self.slots.push(Some(Operation {
            client,
            input,
            output: None,
            call: time,
            ret: None,
        }));
        Ok(())
    }

    /// The input of `client`'s open operation.
    pub(crate) fn open_input(&self, client: u64) -> Result<&I, String> {
        let slot = self.open_slot(client)?;
        self.slots[slot]
            .as_ref()
            .map(|op| &op.input)
            .ok_or_else(|| not_invoked(client))
    }

    /// Closes `client`'s open operation: it returned `output` at `time`.
    pub(crate) fn complete(&mut self, client: u64, output: O, time: u64) -> Result<(), String> {
        let slot = self.close(client)?;
        if let Some(op) = self.slots[slot].as_mut() {
            op.output = Some(output);
            op.ret = Some(time);
        }
        Ok(())
    }

    /// Closes `client`'s open operation as one that did not happen: it is
    /// left out of the history.
    pub(crate) fn fail(&mut self, client: u64) -> Result<(), String> {
        let slot = self.close(client)?;
        self.slots[slot] = None;
        Ok(())
    }

    /// Closes `client`'s open operation with an unknown outcome: it stays
    /// pending forever.
    pub(crate) fn info(&mut self, client: u64) -> Result<(), String> {
        self.close(client).map(|_| ())
    }

    fn open_slot(&self, client: u64) -> Result<usize, String> {
        self.open
            .get(&client)
            .copied()
            .ok_or_else(|| not_invoked(client))
    }

    fn close(&mut self, client: u64) -> Result<usize, String> {
        self.open.remove(&client).ok_or_else(|| not_invoked(client))
    }

    /// The history, in invocation order. Operations still open stay pending.
    pub(crate) fn finish(self) -> Vec<Operation<I, O>> {
        self.slots.into_iter().flatten().collect()
    }
}

fn not_invoked(client: u64) -> String {
    format!("process {client} completes an operation it never invoked")
}
