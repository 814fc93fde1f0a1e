//! The two ways a command can fail, which decide the exit code.

use std::fmt::Display;

/// `Input`: the user's files or flags are wrong (exit 2). `Run`: the inputs were fine but the
/// computation or an output write failed (exit 1).
#[derive(Debug)]
pub enum Failure {
    Input(anyhow::Error),
    Run(anyhow::Error),
}

impl Failure {
    /// Adds context (e.g. the file and entry the failure belongs to), keeping the kind.
    pub fn context(self, c: impl Display + Send + Sync + 'static) -> Self {
        match self {
            Self::Input(e) => Self::Input(e.context(c)),
            Self::Run(e) => Self::Run(e.context(c)),
        }
    }
}

pub type CliResult<T> = Result<T, Failure>;

/// Marks an error as bad input.
pub fn input<E: Into<anyhow::Error>>(e: E) -> Failure {
    Failure::Input(e.into())
}

/// Marks an error as a run failure.
pub fn run<E: Into<anyhow::Error>>(e: E) -> Failure {
    Failure::Run(e.into())
}

/// Bad input from a message.
pub fn input_msg(m: impl Display) -> Failure {
    Failure::Input(anyhow::anyhow!("{m}"))
}
