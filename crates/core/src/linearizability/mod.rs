//! A linearizability checker, in the manner of Porcupine.
//!
//! A history is *linearizable* (Herlihy & Wing 1990) when each operation
//! can be given a point between its call and its return at which it takes
//! effect, so that taken in that order the operations are a legal run of
//! the object's sequential specification (its [`Model`]). [`check`]
//! searches for such an order.
//!
//! ```
//! use faultline_core::linearizability::{
//!     check, Operation, RegisterInput, RegisterModel, RegisterOutput, Verdict,
//! };
//!
//! let op = |client, input, output, call, ret| Operation {
//!     client, input, output: Some(output), call, ret: Some(ret),
//! };
//! // A write of 1 overlaps a read of 1, which precedes a read of nil.
//! let history = [
//!     op(0, RegisterInput::Write(1), RegisterOutput::Ok, 0, 10),
//!     op(1, RegisterInput::Read, RegisterOutput::Value(Some(1)), 1, 2),
//!     op(2, RegisterInput::Read, RegisterOutput::Value(None), 3, 4),
//! ];
//! // The two reads cannot both be explained, whatever the write did.
//! assert_eq!(check(&RegisterModel, &history), Verdict::NotLinearizable { offending: vec![1, 2] });
//! assert!(check(&RegisterModel, &history[..2]).is_linearizable());
//! ```

mod history;
mod model;
mod search;

pub use history::Operation;
pub use model::{KvInput, KvModel, KvOutput, Model, RegisterInput, RegisterModel, RegisterOutput};
pub use search::{check, Verdict};
