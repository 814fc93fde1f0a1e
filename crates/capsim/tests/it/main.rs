//! capsim's integration tests: one binary, one module per theme (DESIGN.md §7).

mod architecture;
mod drag_validation;
mod orbit_validation;
mod rendezvous_planner;
mod support;
