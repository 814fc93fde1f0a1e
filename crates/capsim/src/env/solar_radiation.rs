//! Solar radiation pressure (to be written)
