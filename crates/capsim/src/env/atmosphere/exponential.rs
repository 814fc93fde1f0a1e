//! Piecewise-exponential atmosphere: `ρ(h) = ρ0·exp(−(h − h0)/H)` in altitude bands.
//!
//! The default table is Vallado's (D. A. Vallado, *Fundamentals of Astrodynamics and
//! Applications*, 4th ed., 2013, Table 8-4 "Exponential Atmospheric Model"; the same numbers
//! are in earlier editions and in Wertz, *Spacecraft Attitude Determination and Control*,
//! p. 820): 28 bands with base altitude h0, nominal density ρ0 and scale height H, from 0 km to
//! 1000 km. Within a band the model is exact to the table; at band tops it jumps by the
//! table's rounding (≤ 1.4e-3 relative at 25 km, < 1e-4 elsewhere). It defines density only
//! (no temperature, pressure or speed of sound) and ignores latitude, time and solar activity:
//! a fast, smooth-enough model for drag studies and analytic checks.
//!
//! [`Exponential::single`] makes a one-band model (`ρ0`, `h0`, `H`) for analytic tests such as
//! King-Hele decay (e.g. ρ0 = 1.3 kg/m³ at 0 km with H = 8.5 km, the poliastro constants).
//!
//! Shaped as a small static table and a binary search: no allocation per evaluation. Outside
//! the model's altitude range, or for a non-finite altitude, the model returns an error.

use super::{AtmosphereError, AtmosphereModel, AtmosphereQuery, AtmosphereSample};

const MODEL: &str = "exponential";

/// One band of a piecewise-exponential atmosphere.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExponentialBand {
    /// Base altitude h0 of the band, m.
    pub base_alt_m: f64,
    /// Density at the base altitude ρ0, kg/m³.
    pub rho0_kg_m3: f64,
    /// Scale height H, m.
    pub scale_height_m: f64,
}

const fn band(h0_km: f64, rho0_kg_m3: f64, scale_km: f64) -> ExponentialBand {
    ExponentialBand {
        base_alt_m: h0_km * 1e3,
        rho0_kg_m3,
        scale_height_m: scale_km * 1e3,
    }
}

/// Vallado, *Fundamentals of Astrodynamics and Applications* (4th ed.), Table 8-4: base
/// altitude (km), nominal density (kg/m³), scale height (km). The last band (1000 km) is used
/// only at exactly 1000 km here (the model's range ends there).
pub const VALLADO_TABLE_8_4: [ExponentialBand; 28] = [
    band(0.0, 1.225, 7.249),
    band(25.0, 3.899e-2, 6.349),
    band(30.0, 1.774e-2, 6.682),
    band(40.0, 3.972e-3, 7.554),
    band(50.0, 1.057e-3, 8.382),
    band(60.0, 3.206e-4, 7.714),
    band(70.0, 8.770e-5, 6.549),
    band(80.0, 1.905e-5, 5.799),
    band(90.0, 3.396e-6, 5.382),
    band(100.0, 5.297e-7, 5.877),
    band(110.0, 9.661e-8, 7.263),
    band(120.0, 2.438e-8, 9.473),
    band(130.0, 8.484e-9, 12.636),
    band(140.0, 3.845e-9, 16.149),
    band(150.0, 2.070e-9, 22.523),
    band(180.0, 5.464e-10, 29.740),
    band(200.0, 2.789e-10, 37.105),
    band(250.0, 7.248e-11, 45.546),
    band(300.0, 2.418e-11, 53.628),
    band(350.0, 9.518e-12, 53.298),
    band(400.0, 3.725e-12, 58.515),
    band(450.0, 1.585e-12, 60.828),
    band(500.0, 6.967e-13, 63.822),
    band(600.0, 1.454e-13, 71.835),
    band(700.0, 3.614e-14, 88.667),
    band(800.0, 1.170e-14, 124.64),
    band(900.0, 5.245e-15, 181.05),
    band(1000.0, 3.019e-15, 268.00),
];

/// Altitude range of the Vallado table model, m.
pub const VALLADO_RANGE_M: (f64, f64) = (0.0, 1_000_000.0);

#[derive(Clone, Copy, Debug, PartialEq)]
enum Bands {
    Vallado,
    Single(ExponentialBand),
}

/// A piecewise-exponential atmosphere (density only).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Exponential {
    bands: Bands,
    min_alt_m: f64,
    max_alt_m: f64,
}

impl Default for Exponential {
    fn default() -> Self {
        Self::vallado()
    }
}

impl Exponential {
    /// Vallado's Table 8-4 model, valid from 0 km to 1000 km.
    pub fn vallado() -> Self {
        Self {
            bands: Bands::Vallado,
            min_alt_m: VALLADO_RANGE_M.0,
            max_alt_m: VALLADO_RANGE_M.1,
        }
    }

    /// A single exponential `ρ = rho0_kg_m3·exp(−(h − h0_m)/scale_height_m)`, valid by default
    /// from min(0, h0) to max(1000 km, h0) (change with [`Exponential::with_range_m`]).
    /// Errors unless ρ0 > 0 and H > 0 are finite and h0 is finite.
    pub fn single(
        rho0_kg_m3: f64,
        h0_m: f64,
        scale_height_m: f64,
    ) -> Result<Self, AtmosphereError> {
        if !(rho0_kg_m3.is_finite() && rho0_kg_m3 > 0.0) {
            return Err(invalid(format!(
                "reference density {rho0_kg_m3} kg/m³ must be finite and positive"
            )));
        }
        if !(scale_height_m.is_finite() && scale_height_m > 0.0) {
            return Err(invalid(format!(
                "scale height {scale_height_m} m must be finite and positive"
            )));
        }
        if !h0_m.is_finite() {
            return Err(invalid(format!(
                "reference altitude {h0_m} m must be finite"
            )));
        }
        Ok(Self {
            bands: Bands::Single(ExponentialBand {
                base_alt_m: h0_m,
                rho0_kg_m3,
                scale_height_m,
            }),
            min_alt_m: h0_m.min(0.0),
            max_alt_m: h0_m.max(1_000_000.0),
        })
    }

    /// The same model with another valid altitude range `[min_m, max_m]`, m. For the Vallado
    /// table the range must lie within [0, 1000 km].
    pub fn with_range_m(self, min_m: f64, max_m: f64) -> Result<Self, AtmosphereError> {
        if !(min_m.is_finite() && max_m.is_finite() && min_m < max_m) {
            return Err(invalid(format!(
                "altitude range [{min_m}, {max_m}] m must be finite and increasing"
            )));
        }
        if self.bands == Bands::Vallado && (min_m < VALLADO_RANGE_M.0 || max_m > VALLADO_RANGE_M.1)
        {
            return Err(invalid(format!(
                "altitude range [{min_m}, {max_m}] m exceeds the Vallado table's [0, 1000000] m"
            )));
        }
        Ok(Self {
            min_alt_m: min_m,
            max_alt_m: max_m,
            ..self
        })
    }

    /// The bands of this model, lowest first.
    pub fn bands(&self) -> &[ExponentialBand] {
        match &self.bands {
            Bands::Vallado => &VALLADO_TABLE_8_4,
            Bands::Single(b) => std::slice::from_ref(b),
        }
    }

    /// Density at altitude `alt_m` (m), kg/m³.
    pub fn density_kg_m3(&self, alt_m: f64) -> Result<f64, AtmosphereError> {
        if !alt_m.is_finite() {
            return Err(invalid(format!(
                "altitude {alt_m} m is not a finite number"
            )));
        }
        if !(self.min_alt_m..=self.max_alt_m).contains(&alt_m) {
            return Err(AtmosphereError::OutOfRange {
                model: MODEL,
                alt_m,
                min_m: self.min_alt_m,
                max_m: self.max_alt_m,
            });
        }
        let bands = self.bands();
        // The last band whose base is at or below the altitude (the first band also covers
        // what lies below its base, for a single band with h0 > min).
        let i = bands
            .partition_point(|b| b.base_alt_m <= alt_m)
            .saturating_sub(1);
        let b = &bands[i];
        Ok(b.rho0_kg_m3 * (-(alt_m - b.base_alt_m) / b.scale_height_m).exp())
    }
}

fn invalid(message: String) -> AtmosphereError {
    AtmosphereError::Invalid {
        model: MODEL,
        message,
    }
}

impl AtmosphereModel for Exponential {
    fn name(&self) -> &'static str {
        MODEL
    }

    fn altitude_range_m(&self) -> (f64, f64) {
        (self.min_alt_m, self.max_alt_m)
    }

    fn evaluate(&self, q: &AtmosphereQuery) -> Result<AtmosphereSample, AtmosphereError> {
        Ok(AtmosphereSample {
            density_kg_m3: self.density_kg_m3(q.alt_m)?,
            temperature_k: None,
            pressure_pa: None,
            speed_of_sound_m_s: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    /// Reference: Vallado Table 8-4 itself: at each base altitude the model returns the
    /// tabulated ρ0 (to rounding of the km→m conversion).
    #[test]
    fn density_at_base_altitudes_is_the_tabulated_value() {
        let m = Exponential::vallado();
        assert_eq!(m.bands().len(), 28);
        for b in VALLADO_TABLE_8_4 {
            let rho = m.density_kg_m3(b.base_alt_m).expect("in range");
            assert!(rel(rho, b.rho0_kg_m3) < 1e-15, "{b:?}: {rho}");
        }
        // Spot values of the table as printed (Vallado 4th ed. Table 8-4).
        let b = VALLADO_TABLE_8_4[9];
        assert_eq!(
            (b.base_alt_m, b.rho0_kg_m3, b.scale_height_m),
            (100e3, 5.297e-7, 5877.0)
        );
        let b = VALLADO_TABLE_8_4[27];
        assert_eq!(
            (b.base_alt_m, b.rho0_kg_m3, b.scale_height_m),
            (1000e3, 3.019e-15, 268e3)
        );
    }

    /// Continuity: band i extrapolated to the base of band i+1 matches ρ0 of band i+1 to the
    /// table's rounding. Known jumps: −1.36e-3 at 25 km (the 0–25 km band's H = 7.249 km is
    /// a fit), |jump| < 1e-4 at every other boundary.
    #[test]
    fn band_boundaries_show_only_the_known_small_jumps() {
        let t = &VALLADO_TABLE_8_4;
        let mut worst_other: f64 = 0.0;
        for w in t.windows(2) {
            let below = w[0].rho0_kg_m3
                * (-(w[1].base_alt_m - w[0].base_alt_m) / w[0].scale_height_m).exp();
            let jump = below / w[1].rho0_kg_m3 - 1.0;
            if w[1].base_alt_m == 25e3 {
                assert!((jump + 1.36e-3).abs() < 1e-5, "25 km jump {jump:e}");
            } else {
                worst_other = worst_other.max(jump.abs());
            }
            // The model itself: just below and at the boundary.
            let m = Exponential::vallado();
            let a = m.density_kg_m3(w[1].base_alt_m - 1e-6).expect("ok");
            let b = m.density_kg_m3(w[1].base_alt_m).expect("ok");
            assert!(rel(a, b) < 1.5e-3);
        }
        assert!(worst_other < 1e-4, "{worst_other:e}");
    }

    #[test]
    fn density_only_and_range() {
        let m = Exponential::vallado();
        assert_eq!(m.name(), "exponential");
        assert_eq!(m.altitude_range_m(), (0.0, 1_000_000.0));
        let s = m
            .evaluate(&AtmosphereQuery::at_altitude(400e3))
            .expect("ok");
        assert!(s.temperature_k.is_none() && s.pressure_pa.is_none());
        assert!(s.speed_of_sound_m_s.is_none());
        // 400 km: 3.725e-12·exp(0) exactly; 420 km inside the 400–450 band.
        let r = m.density_kg_m3(420e3).expect("ok");
        assert!(rel(r, 3.725e-12 * (-20.0f64 / 58.515).exp()) < 1e-14);
    }

    #[test]
    fn out_of_range_and_non_finite_are_errors() {
        let m = Exponential::vallado();
        assert!(m.density_kg_m3(0.0).is_ok());
        assert!(m.density_kg_m3(1_000_000.0).is_ok());
        for bad in [-0.001, 1_000_000.001, -1e7] {
            let e = m.density_kg_m3(bad).expect_err("out of range");
            assert!(matches!(e, AtmosphereError::OutOfRange { .. }), "{e}");
        }
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(matches!(
                m.evaluate(&AtmosphereQuery::at_altitude(bad)),
                Err(AtmosphereError::Invalid { .. })
            ));
        }
        assert!(m.with_range_m(-1.0, 10.0).is_err());
        assert!(m.with_range_m(10.0, 5.0).is_err());
        assert!(m.with_range_m(f64::NAN, 5.0).is_err());
        let narrow = m.with_range_m(100e3, 200e3).expect("ok");
        assert!(narrow.density_kg_m3(99e3).is_err());
        assert!(narrow.density_kg_m3(150e3).is_ok());
    }

    /// Analytic single exponential (the poliastro constants ρ0 = 1.3 kg/m³ at 0 km,
    /// H = 8.5 km, REFERENCES.md §5.5): ρ(H) = ρ0/e, ρ(k·H) = ρ0·e^−k.
    #[test]
    fn single_exponential_is_analytic() {
        let m = Exponential::single(1.3, 0.0, 8500.0).expect("valid");
        assert_eq!(m.altitude_range_m(), (0.0, 1_000_000.0));
        assert!(rel(m.density_kg_m3(0.0).expect("ok"), 1.3) < 1e-15);
        assert!(
            rel(
                m.density_kg_m3(8500.0).expect("ok"),
                1.3 / std::f64::consts::E
            ) < 1e-15
        );
        let r = m.density_kg_m3(230e3).expect("ok");
        assert!(rel(r, 1.3 * (-230.0f64 / 8.5).exp()) < 1e-13);
        // h0 above 0: valid below h0 too (down to 0), density larger there.
        let m2 = Exponential::single(1e-9, 200e3, 40e3).expect("valid");
        assert!(m2.density_kg_m3(160e3).expect("ok") > 1e-9);
        for (rho0, h0, hs) in [
            (0.0, 0.0, 1.0),
            (-1.0, 0.0, 1.0),
            (1.0, 0.0, 0.0),
            (1.0, f64::NAN, 1.0),
            (f64::INFINITY, 0.0, 1.0),
        ] {
            assert!(Exponential::single(rho0, h0, hs).is_err());
        }
    }
}
