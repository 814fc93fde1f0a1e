//! One module per subcommand.

pub mod propagate;
pub mod run;
