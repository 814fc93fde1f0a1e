//! capsim's integration tests: one binary, one module per theme (DESIGN.md §7).

mod architecture;
mod drag_validation;
mod entry_features;
mod entry_guidance;
mod entry_nesc;
mod entry_physics;
mod orbit_validation;
mod relative_motion_1km;
mod rendezvous_planner;
#[path = "../soyuz_fixture.rs"]
mod soyuz_fixture;
mod support;
