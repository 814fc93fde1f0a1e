//! Capsule aerodynamics at trim: drag coefficient and lift-to-drag ratio against Mach number.
//!
//! A 3-DOF entry needs only the trimmed coefficients; the trim angle of attack itself is not
//! modelled (the lift vector is steered by rolling about the velocity, see [`super::bank`]).
//! Tables are linear in Mach and clamped at both ends. The values are scenario parameters — for
//! Soyuz they are not published (L/D is commonly modelled at 0.25–0.30) — so no capsule table
//! is built into the library.

use super::EntryError;

/// Trim aerodynamics against Mach: `cd[i]`, `lift_to_drag[i]` at `mach[i]`.
#[derive(Clone, Debug, PartialEq)]
pub struct AeroTable {
    pub mach: Vec<f64>,
    pub cd: Vec<f64>,
    pub lift_to_drag: Vec<f64>,
}

impl AeroTable {
    /// A table with constant Cd and L/D (valid at every Mach number).
    pub fn constant(cd: f64, lift_to_drag: f64) -> Self {
        Self {
            mach: vec![0.0],
            cd: vec![cd],
            lift_to_drag: vec![lift_to_drag],
        }
    }

    /// Checks the lengths agree, Mach strictly increases and every value is finite (Cd ≥ 0).
    pub fn validate(&self, what: &str) -> Result<(), EntryError> {
        let bad = |m: String| Err(EntryError::InvalidConfig(format!("{what}: {m}")));
        let n = self.mach.len();
        if n == 0 || self.cd.len() != n || self.lift_to_drag.len() != n {
            return bad(format!(
                "aero table lengths mach {} / cd {} / lift_to_drag {} must be equal and > 0",
                n,
                self.cd.len(),
                self.lift_to_drag.len()
            ));
        }
        for i in 0..n {
            if !self.mach[i].is_finite() || self.mach[i] < 0.0 {
                return bad(format!(
                    "mach[{i}] = {} must be finite and ≥ 0",
                    self.mach[i]
                ));
            }
            if i > 0 && self.mach[i] <= self.mach[i - 1] {
                return bad(format!(
                    "mach must increase strictly: mach[{}] = {} then mach[{i}] = {}",
                    i - 1,
                    self.mach[i - 1],
                    self.mach[i]
                ));
            }
            if !self.cd[i].is_finite() || self.cd[i] < 0.0 {
                return bad(format!("cd[{i}] = {} must be finite and ≥ 0", self.cd[i]));
            }
            if !self.lift_to_drag[i].is_finite() || self.lift_to_drag[i].abs() > 5.0 {
                return bad(format!(
                    "lift_to_drag[{i}] = {} must be finite and in [−5, 5]",
                    self.lift_to_drag[i]
                ));
            }
        }
        Ok(())
    }

    /// (Cd, L/D) at `mach`, linear between nodes, clamped outside.
    #[inline]
    pub fn at(&self, mach: f64) -> (f64, f64) {
        let m = &self.mach;
        let n = m.len();
        if n == 1 || mach <= m[0] || mach.is_nan() {
            return (self.cd[0], self.lift_to_drag[0]);
        }
        if mach >= m[n - 1] {
            return (self.cd[n - 1], self.lift_to_drag[n - 1]);
        }
        // Tables are short (≲ 20 nodes): a linear scan beats a binary search.
        let mut i = 0;
        while i + 2 < n && mach >= m[i + 1] {
            i += 1;
        }
        let w = (mach - m[i]) / (m[i + 1] - m[i]);
        (
            self.cd[i] + w * (self.cd[i + 1] - self.cd[i]),
            self.lift_to_drag[i] + w * (self.lift_to_drag[i + 1] - self.lift_to_drag[i]),
        )
    }
}

/// A mass-independent aerodynamic configuration of the vehicle (e.g. "stack", "descent module",
/// "attached stack, tumbling").
#[derive(Clone, Debug, PartialEq)]
pub struct AeroConfiguration {
    pub name: String,
    pub aero: AeroTable,
    /// Reference area of `aero`, m².
    pub reference_area_m2: f64,
    /// Stagnation-point nose radius for the Sutton–Graves heat flux, m (for a blunt capsule,
    /// the heat-shield radius of curvature; Soyuz ≈ 2.2–2.4 m is an assumption, not published).
    pub nose_radius_m: f64,
}

impl AeroConfiguration {
    pub fn validate(&self) -> Result<(), EntryError> {
        self.aero.validate(&self.name)?;
        if !(self.reference_area_m2.is_finite() && self.reference_area_m2 >= 0.0) {
            return Err(EntryError::InvalidConfig(format!(
                "{}: reference_area_m2 = {} m² must be finite and ≥ 0",
                self.name, self.reference_area_m2
            )));
        }
        if !(self.nose_radius_m.is_finite() && self.nose_radius_m > 0.0) {
            return Err(EntryError::InvalidConfig(format!(
                "{}: nose_radius_m = {} m must be finite and > 0",
                self.name, self.nose_radius_m
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolation_and_validation() {
        let t = AeroTable {
            mach: vec![0.5, 1.0, 2.0],
            cd: vec![1.0, 1.2, 1.4],
            lift_to_drag: vec![0.2, 0.3, 0.3],
        };
        t.validate("t").unwrap();
        assert_eq!(t.at(0.1), (1.0, 0.2));
        assert_eq!(t.at(5.0), (1.4, 0.3));
        let (cd, ld) = t.at(1.5);
        assert!((cd - 1.3).abs() < 1e-15 && (ld - 0.3).abs() < 1e-15);
        let bad = AeroTable {
            mach: vec![1.0, 1.0],
            cd: vec![1.0, 1.0],
            lift_to_drag: vec![0.0, 0.0],
        };
        assert!(bad.validate("bad").is_err());
    }
}
