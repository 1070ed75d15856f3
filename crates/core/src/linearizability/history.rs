//! A history: the operations clients issued, each with the interval of time
//! between its call (invocation) and its return (response).

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
