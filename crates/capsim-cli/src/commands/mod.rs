//! One module per subcommand.

pub mod atmosphere;
pub mod entry;
pub mod force_args;
pub mod launch_window;
pub mod mc;
pub mod propagate;
pub mod rendezvous;
pub mod run;
