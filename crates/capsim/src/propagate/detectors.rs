//! Generic inertial event detectors for 6-element orbit states `[x, y, z, vx, vy, vz]`
//! (GCRF, m and m/s).
//!
//! * [`Apsis`]: `g = r · v` (m²/s), which is `r ṙ`; it increases through zero at periapsis and
//!   decreases through zero at apoapsis (two-body motion: `d(r·v)/dt = v² − μ/r`, positive at
//!   periapsis, negative at apoapsis; e.g. Vallado, *Fundamentals of Astrodynamics*, 4th ed.,
//!   §2.3). With perturbations it finds the osculating radius extrema.
//! * [`NodeCrossing`]: `g = z` (m); increasing = ascending node, decreasing = descending node
//!   (equatorial plane of the inertial frame).

use nalgebra::SVector;

use super::events::{Direction, EventAction, EventFunction};

/// Which apsides an [`Apsis`] detector reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApsisKind {
    Periapsis,
    Apoapsis,
    Both,
}

/// Periapsis/apoapsis detector, `g = r · v`. Record `increasing == true` means periapsis.
#[derive(Debug, Clone)]
pub struct Apsis {
    pub kind: ApsisKind,
    pub action: EventAction,
}

impl Apsis {
    pub fn new(kind: ApsisKind) -> Self {
        Self {
            kind,
            action: EventAction::Continue,
        }
    }

    /// Same detector, ending the integration at the event.
    pub fn stopping(mut self) -> Self {
        self.action = EventAction::Stop;
        self
    }
}

impl EventFunction<6> for Apsis {
    fn name(&self) -> &str {
        match self.kind {
            ApsisKind::Periapsis => "periapsis",
            ApsisKind::Apoapsis => "apoapsis",
            ApsisKind::Both => "apsis",
        }
    }

    #[inline]
    fn g(&mut self, _t: f64, y: &SVector<f64, 6>) -> f64 {
        y[0] * y[3] + y[1] * y[4] + y[2] * y[5]
    }

    fn direction(&self) -> Direction {
        match self.kind {
            ApsisKind::Periapsis => Direction::Increasing,
            ApsisKind::Apoapsis => Direction::Decreasing,
            ApsisKind::Both => Direction::Either,
        }
    }

    fn action(&self) -> EventAction {
        self.action
    }
}

/// Which equator crossings a [`NodeCrossing`] detector reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Ascending,
    Descending,
    Either,
}

/// Equatorial-plane crossing detector, `g = z`. Record `increasing == true` means ascending.
#[derive(Debug, Clone)]
pub struct NodeCrossing {
    pub kind: NodeKind,
    pub action: EventAction,
}

impl NodeCrossing {
    pub fn new(kind: NodeKind) -> Self {
        Self {
            kind,
            action: EventAction::Continue,
        }
    }

    /// Same detector, ending the integration at the event.
    pub fn stopping(mut self) -> Self {
        self.action = EventAction::Stop;
        self
    }
}

impl EventFunction<6> for NodeCrossing {
    fn name(&self) -> &str {
        match self.kind {
            NodeKind::Ascending => "ascending_node",
            NodeKind::Descending => "descending_node",
            NodeKind::Either => "node",
        }
    }

    #[inline]
    fn g(&mut self, _t: f64, y: &SVector<f64, 6>) -> f64 {
        y[2]
    }

    fn direction(&self) -> Direction {
        match self.kind {
            NodeKind::Ascending => Direction::Increasing,
            NodeKind::Descending => Direction::Decreasing,
            NodeKind::Either => Direction::Either,
        }
    }

    fn action(&self) -> EventAction {
        self.action
    }
}
