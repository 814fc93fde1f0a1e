//! Per-sample random streams: sample *i* of a campaign with seed *s* draws from ChaCha8 keyed by
//! *s* on stream *i*.
//!
//! ChaCha (Bernstein 2008, "ChaCha, a variant of Salsa20") has 2⁶⁴ independent streams per key,
//! so every sample has a stream of its own, independent of how many samples ran before it or on
//! which thread. That is what makes 1 thread and N threads, or one run and N shards, give the
//! same bits (DESIGN.md §5). The 8-round variant is ample for simulation and the fastest.

use rand_chacha::rand_core::SeedableRng;
pub use rand_chacha::ChaCha8Rng as SampleRng;

/// The random stream of sample `index` in a campaign with `seed`.
pub fn sample_rng(seed: u64, index: u64) -> SampleRng {
    let mut rng = SampleRng::seed_from_u64(seed);
    rng.set_stream(index);
    rng
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn streams_are_pure_and_distinct() {
        let a: [u64; 4] = sample_rng(7, 3).random();
        let b: [u64; 4] = sample_rng(7, 3).random();
        let c: [u64; 4] = sample_rng(7, 4).random();
        let d: [u64; 4] = sample_rng(8, 3).random();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
    }
}
