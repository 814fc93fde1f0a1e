//! Monte-Carlo building blocks: distributions, per-sample random streams, streaming statistics
//! and landing-footprint geometry.
//!
//! Pure computation (no files, no threads): the runner that drives a campaign lives in
//! `capsim-io::mc_run`, the dispersion syntax in `capsim-io::dispersions`. This module is
//! shaped around the one invariant of a campaign: sample *i* is a pure function of
//! (scenario, seed, *i*) — [`rng::sample_rng`] gives each sample its own ChaCha8 stream, so
//! samples can run on any thread, in any order, on any machine, and give the same bits.
//!
//! References: Jain & Chlamtac (1985) for the P² quantile estimator, Welford (1962) for the
//! running moments, Snyder (1987) for the azimuthal equidistant projection, Robert (1995) for
//! truncated-normal sampling; see each file.

pub mod dist;
pub mod footprint;
pub mod rng;
pub mod stats;
