//! What every stage's error has in common: a message (its `Display`, naming the file, table or
//! key at fault) and, separately, what the user can do about it. main prints the two as
//! `error:` and `hint:`; nothing parses message text for a hint.

/// The user's next step for an error, as uv's errors carry theirs: `None` when there is
/// nothing better to say than the message itself.
pub trait Hint: std::error::Error {
    /// Printed after the message as `hint: ...`.
    fn hint(&self) -> Option<String>;
}
