//! NRLMSISE-00 empirical atmosphere (0–1000 km), driven by space weather.
//!
//! Reference: J. M. Picone, A. E. Hedin, D. P. Drob, A. C. Aikin, "NRLMSISE-00 empirical model
//! of the atmosphere: Statistical comparisons and scientific issues", J. Geophys. Res. 107(A12),
//! 1468 (2002), doi:10.1029/2002JA009430. The model is evaluated by the `nrlmsise00` crate
//! (v0.2, MIT, C. Johnstone), a Rust port of the NRL Fortran by way of D. Brodowski's C
//! translation; it carries the model's published coefficient tables, keeps its working state on
//! the stack (no global mutable state, no heap allocation per call) and reproduces the
//! reference's 17 test cases (see the tests below and `docs/models.md`).
//!
//! Why it is shaped so:
//! - [`Nrlmsise00`] is the `AtmosphereModel`: it turns an [`AtmosphereQuery`] (geometric height
//!   above the WGS-84 ellipsoid = NRLMSISE's geodetic altitude, geodetic latitude, longitude,
//!   TT seconds since J2000, space weather) into the model's own inputs, in
//!   [`Nrlmsise00::inputs_for`]: day of year and seconds of day in UTC (UT1 − UTC < 0.9 s
//!   changes the local time by < 1e-5 of a day, far below the model's fidelity, so UTC stands in
//!   for UT), and the local apparent solar time as the model's documentation prescribes,
//!   `lst = sec/3600 + glong/15` h.
//! - [`MsisInputs`] / [`MsisOutputs`] expose the model itself (all species, both temperatures,
//!   both total mass densities) in the model's conventions with units in the field names, so the
//!   published cases — whose local time is deliberately inconsistent with UT and longitude — can
//!   be reproduced exactly, and so the dependency's types do not leak into capsim's API.
//! - Total mass density: `gtd7`'s total omits anomalous (hot) oxygen; `gtd7d`'s includes it and
//!   is what NRL calls the "effective total mass density for drag". The flag
//!   [`Nrlmsise00::include_anomalous_oxygen`] chooses; it defaults to `true` because capsim uses
//!   density for drag. Below ~500 km the difference is < 1e-3 relative (1.7e-4 at 400 km in
//!   the standard case); at 1000 km it is ~19 %.
//! - Geomagnetic input: [`ApMode::History`] (the model's switch 9 = −1, the 7-element ap
//!   array) is the default, because a storm's effect on density lags it by hours and the
//!   space-weather table supplies 3-hourly ap; [`ApMode::Daily`] (switch 9 = 1) uses the daily
//!   Ap alone.
//! - Pressure is `n k T` with `n` the sum of the species' number densities (excluding anomalous
//!   O), which is how the model's own pressure routine `ghp7` relates them. Speed of sound is
//!   not defined by the model (its upper half is not a continuum) and is `None`.
//! - Out of range (below 0 or above 1000 km geometric height) is an error, never an
//!   extrapolation; no space weather is [`AtmosphereError::NoSpaceWeather`].
//!
//! The model's documentation asks for F10.7 = 150, F10.7A = 150, Ap = 4 below 80 km, where
//! solar and magnetic effects are "neither large nor well established"; this wrapper passes
//! the given space weather at every height (the effect there is below 1 %), so the density is
//! continuous at 80 km.

use crate::env::atmosphere::{AtmosphereError, AtmosphereModel, AtmosphereQuery, AtmosphereSample};
use crate::env::space_weather::SpaceWeatherValues;
use crate::time::epoch_from_tt_seconds_j2000;

const MODEL: &str = "NRLMSISE-00";

/// Lowest valid geometric height, m.
pub const MIN_ALT_M: f64 = 0.0;
/// Highest valid geometric height, m.
pub const MAX_ALT_M: f64 = 1_000_000.0;

/// Boltzmann constant, J/K (SI 2019, exact).
const BOLTZMANN_J_K: f64 = 1.380_649e-23;
/// Nucleon mass used by NRLMSISE-00 to sum its mass density, g (the model's own 1.66e-24 g).
const MSIS_NUCLEON_MASS_KG: f64 = 1.66e-27;
/// Largest |TT seconds since J2000| accepted (≈ ±3000 years), so the time conversion cannot
/// overflow.
const MAX_ABS_TT_S: f64 = 1.0e11;

/// How the geomagnetic activity enters the model (NRLMSISE-00's switch 9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ApMode {
    /// Daily Ap only (switch 9 = 1): uses [`SpaceWeatherValues::ap_daily`].
    Daily,
    /// The 7-element ap history (switch 9 = −1): uses [`SpaceWeatherValues::ap_array`].
    #[default]
    History,
}

/// Geomagnetic activity in the model's form.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MsisAp {
    /// Daily Ap (switch 9 = 1).
    Daily(f64),
    /// Daily Ap, 3-h ap now, −3 h, −6 h, −9 h, mean of −12…−33 h, mean of −36…−57 h
    /// (switch 9 = −1).
    History([f64; 7]),
}

/// The model's own inputs (its conventions: km, degrees, hours, UT seconds of day).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MsisInputs {
    /// Day of year, 1…366 (the model ignores the year).
    pub day_of_year: i32,
    /// Seconds of the UT day.
    pub ut_seconds_of_day: f64,
    /// Geodetic altitude, km.
    pub alt_km: f64,
    /// Geodetic latitude, degrees.
    pub glat_deg: f64,
    /// East longitude, degrees.
    pub glong_deg: f64,
    /// Local apparent solar time, hours.
    pub lst_h: f64,
    /// 81-day centred mean of F10.7, sfu.
    pub f107a_sfu: f64,
    /// Previous day's F10.7, sfu.
    pub f107_sfu: f64,
    /// Magnetic activity and mode.
    pub ap: MsisAp,
}

/// The model's outputs in SI: number densities in m⁻³, mass densities in kg/m³.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MsisOutputs {
    pub he_m3: f64,
    pub o_m3: f64,
    pub n2_m3: f64,
    pub o2_m3: f64,
    pub ar_m3: f64,
    pub h_m3: f64,
    pub n_m3: f64,
    /// Anomalous (hot) oxygen.
    pub anomalous_o_m3: f64,
    /// `gtd7` total mass density (without anomalous oxygen), kg/m³.
    pub density_kg_m3: f64,
    /// `gtd7d` total mass density (with anomalous oxygen; "effective for drag"), kg/m³.
    pub density_drag_kg_m3: f64,
    /// Exospheric temperature, K (set to the global average below 120 km by the model).
    pub exospheric_temperature_k: f64,
    /// Temperature at the altitude, K.
    pub temperature_k: f64,
}

impl MsisOutputs {
    /// Total number density of the species `ghp7` uses for pressure (all but anomalous O), m⁻³.
    pub fn total_number_density_m3(&self) -> f64 {
        self.he_m3 + self.o_m3 + self.n2_m3 + self.o2_m3 + self.ar_m3 + self.h_m3 + self.n_m3
    }
}

/// NRLMSISE-00 behind [`AtmosphereModel`].
#[derive(Clone, Debug)]
pub struct Nrlmsise00 {
    /// Total mass density includes anomalous oxygen (`gtd7d`, default `true`) or not (`gtd7`).
    pub include_anomalous_oxygen: bool,
    /// How Ap enters the model; default [`ApMode::History`].
    pub ap_mode: ApMode,
    model: nrlmsise00::Model,
}

impl Default for Nrlmsise00 {
    fn default() -> Self {
        Self::new()
    }
}

impl Nrlmsise00 {
    /// All model switches on, SI outputs, anomalous O in the total, ap history.
    pub fn new() -> Self {
        Self {
            include_anomalous_oxygen: true,
            ap_mode: ApMode::History,
            model: nrlmsise00::Model::new(),
        }
    }

    /// Same model with the anomalous-oxygen choice set.
    pub fn with_anomalous_oxygen(mut self, include: bool) -> Self {
        self.include_anomalous_oxygen = include;
        self
    }

    /// Same model with the Ap mode set.
    pub fn with_ap_mode(mut self, mode: ApMode) -> Self {
        self.ap_mode = mode;
        self
    }

    /// The model's inputs for a query: checks range and values, converts TT to UT day of year
    /// and seconds of day, and derives the local apparent solar time.
    pub fn inputs_for(&self, q: &AtmosphereQuery) -> Result<MsisInputs, AtmosphereError> {
        if !(q.alt_m.is_finite() && (MIN_ALT_M..=MAX_ALT_M).contains(&q.alt_m)) {
            return Err(AtmosphereError::OutOfRange {
                model: MODEL,
                alt_m: q.alt_m,
                min_m: MIN_ALT_M,
                max_m: MAX_ALT_M,
            });
        }
        let half_pi = std::f64::consts::FRAC_PI_2;
        if !(q.lat_rad.is_finite() && q.lat_rad.abs() <= half_pi) {
            return Err(invalid(format!(
                "geodetic latitude {} rad is not in [-pi/2, pi/2]",
                q.lat_rad
            )));
        }
        if !q.lon_rad.is_finite() {
            return Err(invalid(format!(
                "longitude {} rad is not finite",
                q.lon_rad
            )));
        }
        if !(q.tt_s.is_finite() && q.tt_s.abs() <= MAX_ABS_TT_S) {
            return Err(invalid(format!(
                "time {} s TT since J2000 is not finite or beyond ±{MAX_ABS_TT_S:e} s",
                q.tt_s
            )));
        }
        let sw = q
            .space_weather
            .ok_or(AtmosphereError::NoSpaceWeather { model: MODEL })?;
        let ap = self.magnetic(&sw)?;
        for (name, v) in [
            ("F10.7 (previous day)", sw.f107_prev_day_sfu),
            ("F10.7 81-day mean", sw.f107_81day_sfu),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(invalid(format!(
                    "{name} = {v} sfu is not a positive number"
                )));
            }
        }

        let (day_of_year, ut_seconds_of_day) = ut_day_of_year_and_seconds(q.tt_s);
        // East longitude in [-180, 180) degrees.
        let glong_deg = (q.lon_rad.to_degrees() + 180.0).rem_euclid(360.0) - 180.0;
        let lst_h = (ut_seconds_of_day / 3600.0 + glong_deg / 15.0).rem_euclid(24.0);
        Ok(MsisInputs {
            day_of_year,
            ut_seconds_of_day,
            alt_km: q.alt_m / 1000.0,
            glat_deg: q.lat_rad.to_degrees(),
            glong_deg,
            lst_h,
            f107a_sfu: sw.f107_81day_sfu,
            f107_sfu: sw.f107_prev_day_sfu,
            ap,
        })
    }

    fn magnetic(&self, sw: &SpaceWeatherValues) -> Result<MsisAp, AtmosphereError> {
        let check = |name: &str, v: f64| {
            if v.is_finite() && v >= 0.0 {
                Ok(())
            } else {
                Err(invalid(format!(
                    "{name} = {v} is not a non-negative number"
                )))
            }
        };
        match self.ap_mode {
            ApMode::Daily => {
                check("daily Ap", sw.ap_daily)?;
                Ok(MsisAp::Daily(sw.ap_daily))
            }
            ApMode::History => {
                for v in sw.ap_array {
                    check("ap array element", v)?;
                }
                Ok(MsisAp::History(sw.ap_array))
            }
        }
    }

    /// One evaluation of the model (`gtd7`, with the `gtd7d` total alongside). Inputs are used
    /// as given, unchecked (the model is defined for 0–1000 km); use [`Self::inputs_for`] to
    /// build checked ones.
    pub fn evaluate_inputs(&self, i: &MsisInputs) -> MsisOutputs {
        let magnetic = match i.ap {
            MsisAp::Daily(ap) => nrlmsise00::MagneticActivity::Daily { ap },
            MsisAp::History(ap) => nrlmsise00::MagneticActivity::History { ap },
        };
        let input = nrlmsise00::Input {
            day_of_year: i.day_of_year,
            seconds_of_day: i.ut_seconds_of_day,
            altitude_km: i.alt_km,
            latitude_deg: i.glat_deg,
            longitude_deg: i.glong_deg,
            local_solar_time_h: i.lst_h,
            f107_average: i.f107a_sfu,
            f107: i.f107_sfu,
            magnetic,
        };
        // Default switches: all variations on, SI units (the model's switch 0 = 1).
        let o = self.model.gtd7::<f64>(&input);
        MsisOutputs {
            he_m3: o.helium,
            o_m3: o.atomic_oxygen,
            n2_m3: o.molecular_nitrogen,
            o2_m3: o.molecular_oxygen,
            ar_m3: o.argon,
            h_m3: o.hydrogen,
            n_m3: o.atomic_nitrogen,
            anomalous_o_m3: o.anomalous_oxygen,
            density_kg_m3: o.total_mass,
            // gtd7d differs from gtd7 only by adding 16 u of anomalous O per particle to the
            // total (with the model's own nucleon mass), so it is not evaluated twice.
            density_drag_kg_m3: o.total_mass + 16.0 * MSIS_NUCLEON_MASS_KG * o.anomalous_oxygen,
            exospheric_temperature_k: o.exospheric_temperature,
            temperature_k: o.temperature,
        }
    }
}

impl AtmosphereModel for Nrlmsise00 {
    fn uses_space_weather(&self) -> bool {
        true
    }
    fn name(&self) -> &'static str {
        MODEL
    }

    fn altitude_range_m(&self) -> (f64, f64) {
        (MIN_ALT_M, MAX_ALT_M)
    }

    fn evaluate(&self, q: &AtmosphereQuery) -> Result<AtmosphereSample, AtmosphereError> {
        let out = self.evaluate_inputs(&self.inputs_for(q)?);
        let density_kg_m3 = if self.include_anomalous_oxygen {
            out.density_drag_kg_m3
        } else {
            out.density_kg_m3
        };
        Ok(AtmosphereSample {
            density_kg_m3,
            temperature_k: Some(out.temperature_k),
            pressure_pa: Some(out.total_number_density_m3() * BOLTZMANN_J_K * out.temperature_k),
            speed_of_sound_m_s: None,
        })
    }
}

fn invalid(message: String) -> AtmosphereError {
    AtmosphereError::Invalid {
        model: MODEL,
        message,
    }
}

/// Day of year (1…366) and seconds of the day, in UTC, of `tt_s` TT seconds since J2000.
/// UTC stands in for UT1 (|UT1 − UTC| < 0.9 s).
fn ut_day_of_year_and_seconds(tt_s: f64) -> (i32, f64) {
    let (year, month, day, hour, minute, second, nanos) =
        epoch_from_tt_seconds_j2000(tt_s).to_gregorian_utc();
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    const CUMULATIVE: [i32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let m = usize::from(month.clamp(1, 12)) - 1;
    let day_of_year = CUMULATIVE[m] + i32::from(day) + i32::from(leap && m >= 2);
    let seconds = f64::from(hour) * 3600.0
        + f64::from(minute) * 60.0
        + f64::from(second)
        + f64::from(nanos) * 1e-9;
    (day_of_year, seconds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{tt_seconds_j2000, Epoch};

    /// The published test driver's output (nrlmsise-00_test.c / NRL DOCUMENTATION), see
    /// /work/shared/validation/REFERENCES.md §4. CGS; gtd7; switch 0 = 0, others 1 except
    /// switch 9 = -1 in cases 16/17.
    const CASES: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/validation/nrlmsise00_17_test_cases.csv"
    );

    struct Case {
        id: u32,
        inputs: MsisInputs,
        /// He, O, N2, O2, Ar, rho, H, N, anomalous O (CGS), T_exo, T_alt.
        expected: [f64; 11],
    }

    fn load_cases() -> Option<Vec<Case>> {
        let text = match std::fs::read_to_string(CASES) {
            Ok(t) => t,
            Err(e) => {
                assert!(
                    std::env::var("CI").as_deref() != Ok("true"),
                    "CI=true but reference file {CASES} is missing: {e}"
                );
                println!("SKIP: NRLMSISE-00 reference cases not found at {CASES}: {e}");
                return None;
            }
        };
        let mut cases = Vec::new();
        for line in text.lines() {
            if line.starts_with('#') || line.starts_with("case") || line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(f.len(), 23, "bad line {line}");
            let num = |k: usize| -> f64 {
                f[k].trim()
                    .parse()
                    .unwrap_or_else(|e| panic!("field {k} of {line}: {e}"))
            };
            let ap = if f[11].trim() == "-1" {
                let v: Vec<f64> = f[10]
                    .split(';')
                    .map(|s| s.trim().parse().unwrap_or(f64::NAN))
                    .collect();
                assert_eq!(v.len(), 7);
                MsisAp::History([v[0], v[1], v[2], v[3], v[4], v[5], v[6]])
            } else {
                MsisAp::Daily(num(9))
            };
            let mut expected = [0.0; 11];
            for (k, e) in expected.iter_mut().enumerate() {
                *e = num(12 + k);
            }
            cases.push(Case {
                id: num(0) as u32,
                inputs: MsisInputs {
                    day_of_year: num(1) as i32,
                    ut_seconds_of_day: num(2),
                    alt_km: num(3),
                    glat_deg: num(4),
                    glong_deg: num(5),
                    lst_h: num(6),
                    f107a_sfu: num(7),
                    f107_sfu: num(8),
                    ap,
                },
                expected,
            });
        }
        assert_eq!(cases.len(), 17);
        Some(cases)
    }

    /// Relative error, or absolute (in the reference's units) when the reference is zero or
    /// denormal-small (case 4/17 anomalous O ≈ 1e-42 cm⁻³, zero species below 72.5 km).
    fn rel(got_cgs: f64, want_cgs: f64) -> f64 {
        if want_cgs.abs() < 1e-30 {
            (got_cgs - want_cgs).abs()
        } else {
            ((got_cgs - want_cgs) / want_cgs).abs()
        }
    }

    /// Reference: NRLMSISE-00 test driver output, 17 cases (Picone et al. 2002 model; values as
    /// printed to 7 significant digits, so 5e-7 relative is the print resolution). Issue
    /// criterion: total mass density < 1e-4 relative; we hold every output to 1e-6.
    #[test]
    fn reproduces_the_17_reference_cases() {
        let Some(cases) = load_cases() else { return };
        let model = Nrlmsise00::new();
        let mut worst_rho = 0.0_f64;
        let mut worst_any = 0.0_f64;
        for c in &cases {
            let o = model.evaluate_inputs(&c.inputs);
            // SI → CGS: m⁻³ ×1e-6 → cm⁻³; kg/m³ ×1e-3 → g/cm³.
            let got = [
                o.he_m3 * 1e-6,
                o.o_m3 * 1e-6,
                o.n2_m3 * 1e-6,
                o.o2_m3 * 1e-6,
                o.ar_m3 * 1e-6,
                o.density_kg_m3 * 1e-3,
                o.h_m3 * 1e-6,
                o.n_m3 * 1e-6,
                o.anomalous_o_m3 * 1e-6,
                o.exospheric_temperature_k,
                o.temperature_k,
            ];
            let names = [
                "He", "O", "N2", "O2", "Ar", "rho", "H", "N", "anomO", "Texo", "Talt",
            ];
            for k in 0..11 {
                let e = rel(got[k], c.expected[k]);
                assert!(
                    e < 1e-6,
                    "case {} {}: got {:e}, reference {:e}, rel {e:e}",
                    c.id,
                    names[k],
                    got[k],
                    c.expected[k]
                );
                worst_any = worst_any.max(e);
            }
            let e_rho = rel(got[5], c.expected[5]);
            assert!(e_rho < 1e-4, "case {} total density rel {e_rho:e}", c.id);
            worst_rho = worst_rho.max(e_rho);
        }
        println!(
            "NRLMSISE-00 17 cases: worst rho rel {worst_rho:e}, worst any output {worst_any:e}"
        );
    }

    /// gtd7d total = gtd7 total + 16 u × anomalous O (model's nucleon mass 1.66e-24 g); at 1000 km
    /// (case 3) anomalous O is a large fraction of the mass (reference: 18.6 % of gtd7d total
    /// there from the reference numbers: 16×1.66e-24×2.374394e4 / (2.756772e-18 + that)).
    #[test]
    fn drag_total_adds_anomalous_oxygen() {
        let Some(cases) = load_cases() else { return };
        let c = &cases[2];
        assert_eq!(c.id, 3);
        let o = Nrlmsise00::new().evaluate_inputs(&c.inputs);
        let anom_g_cm3 = 16.0 * 1.66e-24 * c.expected[8];
        let want_kg_m3 = (c.expected[5] + anom_g_cm3) * 1e3;
        let e = (o.density_drag_kg_m3 - want_kg_m3).abs() / want_kg_m3;
        assert!(e < 1e-6, "gtd7d total rel error {e:e}");
        let fraction = anom_g_cm3 / (c.expected[5] + anom_g_cm3);
        assert!((0.18..0.19).contains(&fraction));
    }

    fn sw_standard() -> SpaceWeatherValues {
        SpaceWeatherValues {
            f107_prev_day_sfu: 150.0,
            f107_81day_sfu: 150.0,
            ap_daily: 4.0,
            ap_array: [4.0; 7],
        }
    }

    /// Known epoch: 2007-06-21T08:03:20 UTC is day 172, 29000 s of the UT day (the reference
    /// cases' day and time); at 70° W the local solar time is 29000/3600 − 70/15 = 3.3889 h.
    #[test]
    fn time_and_local_solar_time_conversion() {
        let epoch = Epoch::from_gregorian_utc(2007, 6, 21, 8, 3, 20, 0);
        let q = AtmosphereQuery {
            alt_m: 400e3,
            lat_rad: 60f64.to_radians(),
            lon_rad: (-70f64).to_radians(),
            tt_s: tt_seconds_j2000(epoch),
            space_weather: Some(sw_standard()),
        };
        let i = Nrlmsise00::new().inputs_for(&q).expect("valid query");
        assert_eq!(i.day_of_year, 172);
        assert!(
            (i.ut_seconds_of_day - 29000.0).abs() < 1e-6,
            "{}",
            i.ut_seconds_of_day
        );
        assert!((i.glong_deg + 70.0).abs() < 1e-12);
        assert!(
            (i.lst_h - (29000.0 / 3600.0 - 70.0 / 15.0)).abs() < 1e-9,
            "{}",
            i.lst_h
        );
        assert!((i.alt_km - 400.0).abs() < 1e-12 && (i.glat_deg - 60.0).abs() < 1e-12);
        assert_eq!(i.ap, MsisAp::History([4.0; 7]));

        // Leap year, after February: 2008-12-31T23:00 UTC is day 366; east longitude past
        // 180° wraps; lst wraps into [0, 24).
        let epoch = Epoch::from_gregorian_utc(2008, 12, 31, 23, 0, 0, 0);
        let q = AtmosphereQuery {
            tt_s: tt_seconds_j2000(epoch),
            lon_rad: 210f64.to_radians(),
            ..q
        };
        let i = Nrlmsise00::new()
            .with_ap_mode(ApMode::Daily)
            .inputs_for(&q)
            .expect("valid query");
        assert_eq!(i.day_of_year, 366);
        assert!((i.ut_seconds_of_day - 82800.0).abs() < 1e-6);
        assert!((i.glong_deg + 150.0).abs() < 1e-9);
        assert!((i.lst_h - 13.0).abs() < 1e-9, "{}", i.lst_h);
        assert_eq!(i.ap, MsisAp::Daily(4.0));
        // Just after a UTC midnight (2008-01-01T00:00:30 UTC): day 1, 30 s, lst 23.5 h at 7.5° W.
        let epoch = Epoch::from_gregorian_utc(2008, 1, 1, 0, 0, 30, 0);
        let q = AtmosphereQuery {
            tt_s: tt_seconds_j2000(epoch),
            lon_rad: (-7.5f64).to_radians(),
            ..q
        };
        let i = Nrlmsise00::new().inputs_for(&q).expect("valid query");
        assert_eq!(i.day_of_year, 1);
        assert!((i.ut_seconds_of_day - 30.0).abs() < 1e-6);
        assert!(
            (i.lst_h - (30.0 / 3600.0 + 23.5)).abs() < 1e-9,
            "{}",
            i.lst_h
        );
    }

    /// Through the trait, with inputs made consistent (lst from UT and longitude) the sample
    /// equals the model evaluated on those inputs; pressure is n k T (ideal gas, as ghp7).
    /// Sanity reference: Picone et al. 2002 / the reference case 1 density 4.07e-12 kg/m³ at
    /// 400 km for lst 16 h; with the consistent lst (3.39 h, night side) it is lower.
    #[test]
    fn trait_sample_matches_model_and_flags() {
        let epoch = Epoch::from_gregorian_utc(2007, 6, 21, 8, 3, 20, 0);
        let q = AtmosphereQuery {
            alt_m: 400e3,
            lat_rad: 60f64.to_radians(),
            lon_rad: (-70f64).to_radians(),
            tt_s: tt_seconds_j2000(epoch),
            space_weather: Some(sw_standard()),
        };
        let m = Nrlmsise00::new().with_ap_mode(ApMode::Daily);
        let raw = m.evaluate_inputs(&m.inputs_for(&q).expect("valid"));
        let s = m.evaluate(&q).expect("valid");
        assert_eq!(s.density_kg_m3, raw.density_drag_kg_m3);
        assert_eq!(s.temperature_k, Some(raw.temperature_k));
        let p = s.pressure_pa.expect("pressure");
        let n = raw.total_number_density_m3();
        assert!((p - n * 1.380649e-23 * raw.temperature_k).abs() <= 1e-12 * p);
        assert!(s.speed_of_sound_m_s.is_none());
        let s7 = m
            .clone()
            .with_anomalous_oxygen(false)
            .evaluate(&q)
            .expect("valid");
        assert_eq!(s7.density_kg_m3, raw.density_kg_m3);
        assert!(s7.density_kg_m3 < s.density_kg_m3);
        assert!(s.density_kg_m3 > 1e-12 && s.density_kg_m3 < 4.07e-12);
        // Ground: sea-level-like density (reference case 11: 1.26 kg/m³ at 0 km, 60° N).
        let g = m
            .evaluate(&AtmosphereQuery { alt_m: 0.0, ..q })
            .expect("valid");
        assert!((1.1..1.4).contains(&g.density_kg_m3), "{}", g.density_kg_m3);
        let p0 = g.pressure_pa.expect("pressure");
        assert!((95e3..107e3).contains(&p0), "{p0}");
    }

    #[test]
    fn errors() {
        let m = Nrlmsise00::new();
        let good = AtmosphereQuery {
            alt_m: 300e3,
            lat_rad: 0.3,
            lon_rad: 1.0,
            tt_s: 2.5e8,
            space_weather: Some(sw_standard()),
        };
        assert!(m.evaluate(&good).is_ok());
        for alt_m in [-1.0, 1_000_000.5, f64::NAN, f64::INFINITY] {
            match m.evaluate(&AtmosphereQuery { alt_m, ..good }) {
                Err(AtmosphereError::OutOfRange { min_m, max_m, .. }) => {
                    assert_eq!((min_m, max_m), (0.0, 1.0e6));
                }
                other => panic!("alt {alt_m}: {other:?}"),
            }
        }
        assert!(m
            .evaluate(&AtmosphereQuery {
                alt_m: 1.0e6,
                ..good
            })
            .is_ok());
        assert_eq!(
            m.evaluate(&AtmosphereQuery {
                space_weather: None,
                ..good
            }),
            Err(AtmosphereError::NoSpaceWeather {
                model: "NRLMSISE-00"
            })
        );
        let invalid = |q: AtmosphereQuery, m: &Nrlmsise00| {
            matches!(m.evaluate(&q), Err(AtmosphereError::Invalid { .. }))
        };
        assert!(invalid(
            AtmosphereQuery {
                lat_rad: 1.6,
                ..good
            },
            &m
        ));
        assert!(invalid(
            AtmosphereQuery {
                lon_rad: f64::NAN,
                ..good
            },
            &m
        ));
        assert!(invalid(
            AtmosphereQuery {
                tt_s: f64::NAN,
                ..good
            },
            &m
        ));
        assert!(invalid(
            AtmosphereQuery {
                tt_s: 1e300,
                ..good
            },
            &m
        ));
        let bad_sw = |f: fn(&mut SpaceWeatherValues)| {
            let mut sw = sw_standard();
            f(&mut sw);
            AtmosphereQuery {
                space_weather: Some(sw),
                ..good
            }
        };
        assert!(invalid(bad_sw(|s| s.f107_prev_day_sfu = 0.0), &m));
        assert!(invalid(bad_sw(|s| s.f107_81day_sfu = f64::NAN), &m));
        assert!(invalid(bad_sw(|s| s.ap_array[3] = -1.0), &m));
        // Daily mode ignores the array and checks the daily value.
        let daily = Nrlmsise00::new().with_ap_mode(ApMode::Daily);
        assert!(daily.evaluate(&bad_sw(|s| s.ap_array[3] = -1.0)).is_ok());
        assert!(invalid(bad_sw(|s| s.ap_daily = f64::NAN), &daily));
        // The message carries the value and unit.
        let e = m.evaluate(&bad_sw(|s| s.f107_prev_day_sfu = -3.0));
        assert!(format!("{}", e.expect_err("error")).contains("-3 sfu"));
    }

    /// No state carried between calls (the C reference keeps file-scope statics): the 17
    /// cases evaluated forwards, backwards and from several threads give identical bits.
    #[test]
    fn no_hidden_state_between_calls() {
        let Some(cases) = load_cases() else { return };
        let model = Nrlmsise00::new();
        let forward: Vec<MsisOutputs> = cases
            .iter()
            .map(|c| model.evaluate_inputs(&c.inputs))
            .collect();
        for (k, c) in cases.iter().enumerate().rev() {
            assert_eq!(
                model.evaluate_inputs(&c.inputs),
                forward[k],
                "case {}",
                c.id
            );
        }
        std::thread::scope(|s| {
            for t in 0..3 {
                let (model, cases, forward) = (&model, &cases, &forward);
                s.spawn(move || {
                    for (k, c) in cases.iter().enumerate().skip(t) {
                        assert_eq!(model.evaluate_inputs(&c.inputs), forward[k]);
                    }
                });
            }
        });
    }

    #[test]
    fn send_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Nrlmsise00>();
        let boxed: Box<dyn AtmosphereModel> = Box::new(Nrlmsise00::default());
        assert_eq!(boxed.name(), "NRLMSISE-00");
        assert_eq!(boxed.altitude_range_m(), (0.0, 1.0e6));
    }
}
