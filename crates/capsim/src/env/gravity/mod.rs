//! Gravity field models (to be written)
