//! `capsim` — the command-line front of the capsim library.
//!
//! A thin binary (ripgrep-style): parse arguments with clap, validate and build inputs through
//! `capsim-io`, run the library, write outputs atomically. Exit codes: 0 success, 1 a run that
//! failed while computing, 2 bad usage or bad input (clap's own usage errors also exit 2).

/// `println!` that ignores a closed stdout (`capsim … | head`) instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}
pub(crate) use say;

mod commands;
mod failure;
mod setup;

use clap::{Parser, Subcommand};
use failure::Failure;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "capsim", version, about = "Crewed-capsule mission simulator", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Propagate an orbit from a TLE or a state file with a chosen force model.
    Propagate(Box<commands::propagate::Args>),
    /// Evaluate an atmosphere model at one point (US76, NRLMSISE-00, exponential).
    Atmosphere(commands::atmosphere::Args),
    /// In-plane launch opportunities from a site to a target orbit (TLE).
    LaunchWindow(commands::launch_window::Args),
    /// Fly a descent (deorbit burn to touchdown, or a point-mass check case) from a scenario's [entry].
    Entry(commands::entry::Args),
    /// Plan and fly the scenario's [rendezvous]: phasing burns, proximity, docking.
    Rendezvous(commands::rendezvous::Args),
    /// Replay a scenario: orbits, rendezvous, descents; writes the report and all outputs.
    Run(commands::run::Args),
    /// Parse, validate and build a scenario without propagating.
    Check(commands::run::CheckArgs),
    /// Monte-Carlo landing footprint of a scenario's [mc] table (docs/mc.md).
    Mc(Box<commands::mc::Args>),
    /// Merge the folders of a sharded `capsim mc` campaign into one.
    McMerge(commands::mc::MergeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Propagate(a) => commands::propagate::run(&a),
        Command::Atmosphere(a) => commands::atmosphere::run(&a),
        Command::LaunchWindow(a) => commands::launch_window::run(&a),
        Command::Entry(a) => commands::entry::run(&a),
        Command::Rendezvous(a) => commands::rendezvous::run(&a),
        Command::Run(a) => commands::run::run(&a),
        Command::Check(a) => commands::run::check(&a),
        Command::Mc(a) => commands::mc::run(&a),
        Command::McMerge(a) => commands::mc::merge_run(&a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
        Err(Failure::Run(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
