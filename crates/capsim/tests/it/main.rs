//! capsim's integration tests: one binary, one module per theme (DESIGN.md §7).

mod architecture;
mod orbit_validation;
