//! Vehicle properties the force models read.
//!
//! For orbit work a vehicle is a "cannonball": mass, a drag area with its drag coefficient, and
//! a radiation-pressure area with its reflectivity coefficient. Capsule aerodynamic tables,
//! parachutes and engines arrive with the entry issue; they will extend this module.

/// Mass and the areas/coefficients of drag and solar radiation pressure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BallisticProperties {
    pub mass_kg: f64,
    /// Drag reference area, m².
    pub drag_area_m2: f64,
    /// Drag coefficient (free-molecular flow: typically 2.0–2.4 for satellites).
    pub cd: f64,
    /// Area facing the Sun for radiation pressure, m².
    pub srp_area_m2: f64,
    /// Radiation-pressure coefficient (1 = absorbing, 2 = mirror).
    pub cr: f64,
}

/// Why a set of properties is unusable.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("vehicle {field} = {value}: {expected}")]
pub struct VehicleError {
    pub field: &'static str,
    pub value: f64,
    pub expected: &'static str,
}

impl BallisticProperties {
    /// Checks every value is physical.
    pub fn validate(&self) -> Result<(), VehicleError> {
        let check = |field, value: f64, ok: bool, expected| {
            if ok && value.is_finite() {
                Ok(())
            } else {
                Err(VehicleError {
                    field,
                    value,
                    expected,
                })
            }
        };
        check(
            "mass_kg",
            self.mass_kg,
            self.mass_kg > 0.0,
            "must be positive",
        )?;
        check(
            "drag_area_m2",
            self.drag_area_m2,
            self.drag_area_m2 >= 0.0,
            "must be ≥ 0",
        )?;
        check(
            "cd",
            self.cd,
            self.cd >= 0.0 && self.cd < 10.0,
            "must be in [0, 10)",
        )?;
        check(
            "srp_area_m2",
            self.srp_area_m2,
            self.srp_area_m2 >= 0.0,
            "must be ≥ 0",
        )?;
        check(
            "cr",
            self.cr,
            (0.0..=2.5).contains(&self.cr),
            "must be in [0, 2.5]",
        )
    }

    /// Ballistic coefficient in the m/(Cd·A) convention, kg/m² (larger = less drag).
    pub fn ballistic_coefficient_kg_m2(&self) -> f64 {
        self.mass_kg / (self.cd * self.drag_area_m2)
    }

    /// Cd·A/m, m²/kg — the factor the drag acceleration uses.
    pub fn drag_factor_m2_kg(&self) -> f64 {
        self.cd * self.drag_area_m2 / self.mass_kg
    }
}
