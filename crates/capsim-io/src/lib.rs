//! File formats for capsim (to be written)
