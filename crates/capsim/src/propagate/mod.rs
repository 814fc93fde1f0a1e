//! Integrators, dense output and event location (to be written)
