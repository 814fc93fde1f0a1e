//! TLE files (to be written)
