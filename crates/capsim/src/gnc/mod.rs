//! Guidance, navigation and control: launch windows, Lambert targeting, rendezvous.
pub mod lambert;
