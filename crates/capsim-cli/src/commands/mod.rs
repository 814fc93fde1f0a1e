//! One module per subcommand.

pub mod atmosphere;
pub mod force_args;
pub mod propagate;
pub mod run;
