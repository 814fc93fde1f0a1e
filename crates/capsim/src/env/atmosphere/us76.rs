//! U.S. Standard Atmosphere 1976 (COESA; NOAA-S/T 76-1562 = NASA-TM-X-74335), from −5 km to
//! 1000 km geometric altitude.
//!
//! **Below 86 km** the standard is closed-form: seven layers linear in molecular-scale
//! temperature `T_M` against geopotential altitude `H = r0·z/(r0 + z)` (r0 = 6356.766 km),
//! hydrostatic pressure per layer, `ρ = p·M0/(R*·T_M)`, speed of sound `√(γ·R*·T_M/M0)`. The
//! kinetic temperature equals `T_M` except from 80 to 86 km, where the standard's Table 8 ratio
//! `M/M0` (0.5 km steps, interpolated linearly) lowers it: `T = T_M·M/M0`.
//!
//! **Above 86 km** the kinetic temperature has the standard's four closed-form segments
//! (isothermal 86–91 km, elliptical 91–110 km, linear 110–120 km, exponential 120–1000 km), but
//! pressure and density have no closed form: the standard obtains them by integrating the
//! diffusion/hydrostatic equations of the number densities of N2, O, O2, Ar, He (from their
//! 86 km values, standard section 1.3, with the eddy coefficient K, the molecular-diffusion
//! coefficients a_i, b_i, thermal diffusion α_i and the flux terms Q_i, U_i, W_i, q_i, u_i, w_i of
//! its Tables 6–7) and of H (from n_H = 8.0e10 m⁻³ at 500 km with the upward flux
//! Φ = 7.2e11 m⁻²s⁻¹). This module does exactly that **once per process** (a
//! lazily built table, ~15 ms optimised: Simpson's rule on 25 m steps with a predictor–corrector for the
//! coupling between species, converged to ~3e-5), keeps `ln p` and `ln ρ` every 250 m, and
//! interpolates log-linearly (interpolation error < 1e-4, checked by a test): an evaluation is
//! O(1), with no allocation. We built the grid ourselves; it
//! is checked against the published Table I values (see the tests and `docs/models.md`).
//!
//! The speed of sound is defined by the standard only below 86 km (`None` above). Outside
//! [−5 km, 1000 km] or for a non-finite altitude the model returns an error, never an
//! extrapolation. The altitude is taken as geometric height (the standard is 1-D; latitude,
//! longitude and time are ignored).

use std::sync::OnceLock;

use super::{AtmosphereError, AtmosphereModel, AtmosphereQuery, AtmosphereSample};

const MODEL: &str = "US76";

/// Lowest altitude the standard defines, m (geometric).
pub const MIN_ALT_M: f64 = -5_000.0;
/// Highest altitude the standard defines, m (geometric).
pub const MAX_ALT_M: f64 = 1_000_000.0;

// ---- Defining constants (standard Table 2 / section 1.2) ----
/// Sea-level gravity, m/s².
const G0: f64 = 9.80665;
/// Universal gas constant of the standard, J/(kmol·K).
const R_STAR: f64 = 8314.32;
/// Sea-level mean molecular weight, kg/kmol.
const M0: f64 = 28.9644;
/// Effective Earth radius for the geopotential, m.
const R0_M: f64 = 6_356_766.0;
/// Sea-level pressure, Pa.
const P0_PA: f64 = 101_325.0;
/// Sea-level temperature, K.
const T0_K: f64 = 288.15;
/// Boltzmann constant, J/K.
const BOLTZMANN: f64 = 1.380622e-23;
/// Avogadro constant, 1/kmol.
const AVOGADRO: f64 = 6.022169e26;
/// Ratio of specific heats of air.
const GAMMA: f64 = 1.40;

// ---- Lower atmosphere (standard Table 4) ----
/// Base geopotential altitudes of the seven layers (and the top, 84.852 km'), m'.
const HB_M: [f64; 8] = [
    0.0, 11_000.0, 20_000.0, 32_000.0, 47_000.0, 51_000.0, 71_000.0, 84_852.0,
];
/// Molecular-scale temperature gradients, K/m'.
const LM_K_M: [f64; 7] = [-0.0065, 0.0, 0.0010, 0.0028, 0.0, -0.0028, -0.0020];
/// `M/M0` from 80 km to 86 km geometric in 0.5 km steps (standard Table 8).
const M_RATIO_80_86: [f64; 13] = [
    1.000000, 0.999996, 0.999989, 0.999971, 0.999941, 0.999909, 0.999870, 0.999829, 0.999786,
    0.999741, 0.999694, 0.999641, 0.999579,
];
const Z_M_RATIO_START_M: f64 = 80_000.0;
const Z_M_RATIO_STEP_M: f64 = 500.0;

// ---- Upper atmosphere (standard sections 1.2.5–1.2.7, Tables 5–9) ----
/// Bottom of the upper atmosphere, m (geometric).
const Z7_M: f64 = 86_000.0;
const Z8_M: f64 = 91_000.0;
const Z9_M: f64 = 110_000.0;
const Z10_M: f64 = 120_000.0;
/// Top of the N2 mixing region (M = M0 below), m.
const Z_MIX_TOP_M: f64 = 100_000.0;
/// Bottom of the hydrogen region, m.
const Z_H_BOTTOM_M: f64 = 150_000.0;
/// Hydrogen reference level, m.
const Z11_M: f64 = 500_000.0;
/// Kinetic temperature at 86 km, K.
const T7_K: f64 = 186.8673;
const T9_K: f64 = 240.0;
const T10_K: f64 = 360.0;
const T_INF_K: f64 = 1000.0;
/// Elliptical segment: `T = Tc + A·√(1 − ((z − z8)/a)²)`.
const TC_K: f64 = 263.1905;
const A_ELLIPSE_K: f64 = -76.3232;
const A_ELLIPSE_M: f64 = -19_942.9;
/// Linear segment gradient, K/m.
const LK9_K_M: f64 = 0.012;
/// Exponential segment rate λ = LK9/(T∞ − T10), 1/m.
const LAMBDA_PER_M: f64 = 1.875e-5;

/// Species order: N2, O, O2, Ar, He, H.
const N_SPECIES: usize = 6;
/// Molecular weights, kg/kmol (standard Table 3).
const MW: [f64; N_SPECIES] = [28.0134, 15.9994, 31.9988, 39.948, 4.0026, 1.00797];
/// Number densities at 86 km, 1/m³ (standard Table 9; H is not present below 150 km).
const N7_PER_M3: [f64; 5] = [1.129794e20, 8.6e16, 3.030898e19, 1.351400e18, 7.5817e14];
/// Thermal-diffusion coefficients α_i (standard Table 6).
const ALPHA: [f64; N_SPECIES] = [0.0, 0.0, 0.0, 0.0, -0.40, -0.25];
/// Molecular-diffusion coefficients a_i, 1/(m·s), and exponents b_i (standard Table 6).
const DIFF_A: [f64; N_SPECIES] = [0.0, 6.986e20, 4.863e20, 4.487e20, 1.700e21, 3.305e21];
const DIFF_B: [f64; N_SPECIES] = [0.0, 0.750, 0.750, 0.870, 0.691, 0.500];
/// Flux-term coefficients Q_i (1/m³), U_i (m), W_i (1/m³) (standard Table 7, converted from km).
const FLUX_Q: [f64; 5] = [
    0.0,
    -5.809644e-13,
    1.366212e-13,
    9.434079e-14,
    -2.457369e-13,
];
const FLUX_U: [f64; 5] = [0.0, 56_903.11, 86_000.0, 86_000.0, 86_000.0];
const FLUX_W: [f64; 5] = [0.0, 2.706240e-14, 8.333333e-14, 8.333333e-14, 6.666667e-13];
/// Second flux term of atomic oxygen, below 97 km only.
const O_FLUX_Q2: f64 = -3.416248e-12;
const O_FLUX_U2_M: f64 = 97_000.0;
const O_FLUX_W2: f64 = 5.008765e-13;
/// Eddy-diffusion coefficient at 86–95 km, m²/s; it decays to zero at 115 km.
const K7_M2_S: f64 = 120.0;
const Z_EDDY_DECAY_M: f64 = 95_000.0;
const Z_EDDY_TOP_M: f64 = 115_000.0;
const EDDY_A_M2: f64 = 4.0e8;
/// Hydrogen: number density at 500 km (1/m³) and upward flux (1/(m²·s)).
const N_H_500_PER_M3: f64 = 8.0e10;
const PHI_H: f64 = 7.2e11;

/// Integration step of the number-density equations, m.
const INTEGRATION_STEP_M: f64 = 25.0;
/// Spacing of the stored table, m (a multiple of the integration step).
const TABLE_STEP_M: f64 = 250.0;
const STEPS_PER_NODE: usize = 10;
/// Table nodes from 86 km to 1000 km inclusive.
const N_NODES: usize = 3657;

/// Geopotential altitude (m') of a geometric altitude (m) (standard section 1.2).
pub fn geopotential_altitude_m(z_m: f64) -> f64 {
    R0_M * z_m / (R0_M + z_m)
}

/// Acceleration of gravity at geometric altitude `z_m`, m/s² (inverse-square law of the standard).
fn gravity_m_s2(z_m: f64) -> f64 {
    let s = R0_M / (R0_M + z_m);
    G0 * s * s
}

/// Kinetic temperature (K) and its gradient (K/m) above 86 km (the standard's four segments).
fn upper_temperature(z_m: f64) -> (f64, f64) {
    if z_m < Z8_M {
        (T7_K, 0.0)
    } else if z_m < Z9_M {
        let b = (z_m - Z8_M) / A_ELLIPSE_M;
        let root = (1.0 - b * b).sqrt();
        (
            TC_K + A_ELLIPSE_K * root,
            -A_ELLIPSE_K * b / (A_ELLIPSE_M * root),
        )
    } else if z_m < Z10_M {
        (T9_K + LK9_K_M * (z_m - Z9_M), LK9_K_M)
    } else {
        let ratio = (R0_M + Z10_M) / (R0_M + z_m);
        let xi = (z_m - Z10_M) * ratio;
        let decay = (T_INF_K - T10_K) * (-LAMBDA_PER_M * xi).exp();
        (T_INF_K - decay, LAMBDA_PER_M * ratio * ratio * decay)
    }
}

/// Eddy-diffusion coefficient, m²/s (standard section 1.3: constant to 95 km, zero from 115 km).
fn eddy_m2_s(z_m: f64) -> f64 {
    if z_m < Z_EDDY_DECAY_M {
        K7_M2_S
    } else if z_m < Z_EDDY_TOP_M {
        let d = z_m - Z_EDDY_DECAY_M;
        K7_M2_S * (1.0 - EDDY_A_M2 / (EDDY_A_M2 - d * d)).exp()
    } else {
        0.0
    }
}

/// The flux term `v_i/(D_i + K)` of species `i` in 1..=4, 1/m (standard Table 7 form).
fn flux_term_per_m(i: usize, z_m: f64) -> f64 {
    let d = z_m - FLUX_U[i];
    let mut x = FLUX_Q[i] * d * d * (-FLUX_W[i] * d * d * d).exp();
    if i == 1 && z_m < O_FLUX_U2_M {
        let d2 = O_FLUX_U2_M - z_m;
        x += O_FLUX_Q2 * d2 * d2 * (-O_FLUX_W2 * d2 * d2 * d2).exp();
    }
    x
}

/// Integrand `f_i` (1/m) of `n_i = n_i(86)·(T7/T)·exp(−∫ f_i dz)` for N2..He at `z_m`, given
/// the number densities `n` of N2..He (used for the diffusion coefficients and mean weight).
fn species_integrands(z_m: f64, n: &[f64; 5]) -> [f64; 5] {
    let (t_k, dt_dz) = upper_temperature(z_m);
    let g = gravity_m_s2(z_m);
    let k_eddy = eddy_m2_s(z_m);
    let gm_over_rt = g / (R_STAR * t_k);
    let mut f = [0.0; 5];
    // N2: mixed (M0) up to 100 km, its own weight above.
    let m_n2 = if z_m < Z_MIX_TOP_M { M0 } else { MW[0] };
    f[0] = m_n2 * gm_over_rt;
    // O, O2 diffuse through N2; Ar, He through N2 + O + O2 (the standard's simplification).
    let n_major = n[0] + n[1] + n[2];
    let m_major = if z_m < Z_MIX_TOP_M {
        M0
    } else {
        (n[0] * MW[0] + n[1] * MW[1] + n[2] * MW[2]) / n_major
    };
    for i in 1..5 {
        let (n_carrier, m_carrier) = if i <= 2 {
            (n[0], if z_m < Z_MIX_TOP_M { M0 } else { MW[0] })
        } else {
            (n_major, m_major)
        };
        let d = DIFF_A[i] * (t_k / 273.15).powf(DIFF_B[i]) / n_carrier;
        let bracket = MW[i] + m_carrier * k_eddy / d + ALPHA[i] * R_STAR * dt_dz / g;
        f[i] = gm_over_rt * d / (d + k_eddy) * bracket + flux_term_per_m(i, z_m);
    }
    f
}

/// Integrands of the hydrogen solution at `z_m` (≥ 150 km): the τ integrand `M_H·g/(R*·T)`
/// (1/m) and the flux integrand `Φ/D_H·(T/T11)^(1+α_H)·e^τ` (1/m⁴, integrated over m), given the other
/// species' densities and the running τ.
fn hydrogen_integrands(z_m: f64, n: &[f64; 5], tau: f64, t11_k: f64) -> (f64, f64) {
    let (t_k, _) = upper_temperature(z_m);
    let g = gravity_m_s2(z_m);
    let n_all: f64 = n.iter().sum();
    let d_h = DIFF_A[5] * (t_k / 273.15).powf(DIFF_B[5]) / n_all;
    let tau_rate = MW[5] * g / (R_STAR * t_k);
    let flux = PHI_H / d_h * (t_k / t11_k).powf(1.0 + ALPHA[5]) * tau.exp();
    (tau_rate, flux)
}

/// Precomputed layer bases and the upper-atmosphere table.
struct Tables {
    /// Molecular-scale temperature at each layer base, K.
    tb_k: [f64; 8],
    /// Pressure at each layer base, Pa.
    pb_pa: [f64; 8],
    /// `ln p` (Pa) at the upper-atmosphere nodes.
    ln_p: Box<[f64]>,
    /// `ln ρ` (kg/m³) at the upper-atmosphere nodes.
    ln_rho: Box<[f64]>,
}

static TABLES: OnceLock<Tables> = OnceLock::new();

fn tables() -> &'static Tables {
    TABLES.get_or_init(build_tables)
}

fn build_tables() -> Tables {
    // Lower-atmosphere layer bases: T_M linear in H, hydrostatic p (isothermal or gradient form).
    let mut tb_k = [0.0; 8];
    let mut pb_pa = [0.0; 8];
    tb_k[0] = T0_K;
    pb_pa[0] = P0_PA;
    let g0m0_r = G0 * M0 / R_STAR;
    for b in 0..7 {
        let dh = HB_M[b + 1] - HB_M[b];
        tb_k[b + 1] = tb_k[b] + LM_K_M[b] * dh;
        pb_pa[b + 1] = if LM_K_M[b] == 0.0 {
            pb_pa[b] * (-g0m0_r * dh / tb_k[b]).exp()
        } else {
            pb_pa[b] * (tb_k[b] / tb_k[b + 1]).powf(g0m0_r / LM_K_M[b])
        };
    }

    // Upper atmosphere: integrate N2..He from 86 km, accumulating the hydrogen integrals.
    let t11_k = upper_temperature(Z11_M).0;
    let mut node_n = vec![[0.0f64; 5]; N_NODES];
    let mut node_tau = vec![0.0f64; N_NODES];
    let mut node_hflux = vec![0.0f64; N_NODES];
    let mut fint = [0.0f64; 5];
    let mut n = N7_PER_M3;
    let mut f_prev = species_integrands(Z7_M, &n);
    let mut tau = 0.0f64;
    let mut hflux = 0.0f64;
    let mut h_prev: Option<(f64, f64)> = None;
    node_n[0] = n;
    let h = INTEGRATION_STEP_M;
    let total_steps = (N_NODES - 1) * STEPS_PER_NODE;
    for step in 1..=total_steps {
        let z_end = Z7_M + step as f64 * h;
        let z_mid = z_end - 0.5 * h;
        let t_mid = upper_temperature(z_mid).0;
        let t_end = upper_temperature(z_end).0;
        // Predictor: the integrands with the densities of the step's start (a one-step lag)
        // give provisional densities at the mid and end points ...
        let f_mid_lag = species_integrands(z_mid, &n);
        let f_end_lag = species_integrands(z_end, &n);
        let mut n_mid = [0.0; 5];
        let mut n_end = [0.0; 5];
        for i in 0..5 {
            let fint_mid = fint[i] + 0.25 * h * (f_prev[i] + f_mid_lag[i]);
            let fint_end = fint[i] + h * (f_prev[i] + 4.0 * f_mid_lag[i] + f_end_lag[i]) / 6.0;
            n_mid[i] = N7_PER_M3[i] * T7_K / t_mid * (-fint_mid).exp();
            n_end[i] = N7_PER_M3[i] * T7_K / t_end * (-fint_end).exp();
        }
        // ... corrector: Simpson's rule with the integrands at those densities.
        let f_mid = species_integrands(z_mid, &n_mid);
        let f_end = species_integrands(z_end, &n_end);
        for i in 0..5 {
            fint[i] += h * (f_prev[i] + 4.0 * f_mid[i] + f_end[i]) / 6.0;
        }
        f_prev = f_end;
        for i in 0..5 {
            n[i] = N7_PER_M3[i] * T7_K / t_end * (-fint[i]).exp();
        }
        // Hydrogen integrals from 150 km (trapezoid): τ = ∫ M_H g/(R* T) dz and the flux
        // integral, frozen above 500 km.
        if z_end >= Z_H_BOTTOM_M - 0.5 * h {
            match h_prev {
                None => {
                    h_prev = Some(hydrogen_integrands(z_end, &n, 0.0, t11_k));
                }
                Some((tau_rate0, flux0)) => {
                    let (tau_rate1, _) = hydrogen_integrands(z_end, &n, tau, t11_k);
                    tau += 0.5 * h * (tau_rate0 + tau_rate1);
                    let (_, flux1) = hydrogen_integrands(z_end, &n, tau, t11_k);
                    if z_end <= Z11_M + 0.5 * h {
                        hflux += 0.5 * h * (flux0 + flux1);
                    }
                    h_prev = Some((tau_rate1, flux1));
                }
            }
        }
        if step % STEPS_PER_NODE == 0 {
            let k = step / STEPS_PER_NODE;
            node_n[k] = n;
            node_tau[k] = tau;
            node_hflux[k] = hflux;
        }
    }
    // τ and the flux integral at 500 km.
    let k500 = ((Z11_M - Z7_M) / TABLE_STEP_M).round() as usize;
    let tau_500 = node_tau[k500];
    let hflux_500 = node_hflux[k500];

    let mut ln_p = vec![0.0f64; N_NODES];
    let mut ln_rho = vec![0.0f64; N_NODES];
    for k in 0..N_NODES {
        let z = Z7_M + k as f64 * TABLE_STEP_M;
        let t_k = upper_temperature(z).0;
        let n_h = if z < Z_H_BOTTOM_M - 1.0 {
            0.0
        } else {
            // Hydrogen (standard section 1.3): n_H(z) = [n_H(500)·e^τ500 + ∫_z^500 …]·(T11/T)^(1+α)·e^(−τ(z)),
            // with τ measured from 150 km.
            let tail = (hflux_500 - node_hflux[k]).max(0.0);
            (N_H_500_PER_M3 * tau_500.exp() + tail)
                * (t11_k / t_k).powf(1.0 + ALPHA[5])
                * (-node_tau[k]).exp()
        };
        let nk = &node_n[k];
        let mut n_sum = n_h;
        let mut nm_sum = n_h * MW[5];
        for i in 0..5 {
            n_sum += nk[i];
            nm_sum += nk[i] * MW[i];
        }
        ln_p[k] = (n_sum * BOLTZMANN * t_k).ln();
        ln_rho[k] = (nm_sum / AVOGADRO).ln();
    }
    Tables {
        tb_k,
        pb_pa,
        ln_p: ln_p.into_boxed_slice(),
        ln_rho: ln_rho.into_boxed_slice(),
    }
}

/// The U.S. Standard Atmosphere 1976. Cheap to copy; all instances share one table, built on
/// first use (~15 ms optimised, ~50 ms unoptimised).
#[derive(Clone, Copy)]
pub struct Us76 {
    tables: &'static Tables,
}

impl std::fmt::Debug for Us76 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Us76")
            .field("upper_table_nodes", &self.tables.ln_p.len())
            .finish()
    }
}

impl Default for Us76 {
    fn default() -> Self {
        Self::new()
    }
}

impl Us76 {
    /// The model (builds the shared upper-atmosphere table on the first call in the process).
    pub fn new() -> Self {
        Self { tables: tables() }
    }

    /// The air at geometric altitude `alt_m` (m), in [−5 km, 1000 km].
    pub fn at_altitude(&self, alt_m: f64) -> Result<AtmosphereSample, AtmosphereError> {
        if !alt_m.is_finite() {
            return Err(AtmosphereError::Invalid {
                model: MODEL,
                message: format!("altitude {alt_m} m is not a finite number"),
            });
        }
        if !(MIN_ALT_M..=MAX_ALT_M).contains(&alt_m) {
            return Err(AtmosphereError::OutOfRange {
                model: MODEL,
                alt_m,
                min_m: MIN_ALT_M,
                max_m: MAX_ALT_M,
            });
        }
        if alt_m < Z7_M {
            Ok(self.lower(alt_m))
        } else {
            Ok(self.upper(alt_m))
        }
    }

    fn lower(&self, z_m: f64) -> AtmosphereSample {
        let t = self.tables;
        let h_m = geopotential_altitude_m(z_m);
        // Layer b: the last base at or below H (layer 0 extends down to −5 km).
        let mut b = 0;
        while b < 6 && h_m >= HB_M[b + 1] {
            b += 1;
        }
        let dh = h_m - HB_M[b];
        let lm = LM_K_M[b];
        let tm_k = t.tb_k[b] + lm * dh;
        let g0m0_r = G0 * M0 / R_STAR;
        let p_pa = if lm == 0.0 {
            t.pb_pa[b] * (-g0m0_r * dh / t.tb_k[b]).exp()
        } else {
            t.pb_pa[b] * (t.tb_k[b] / tm_k).powf(g0m0_r / lm)
        };
        let rho = p_pa * M0 / (R_STAR * tm_k);
        let m_ratio = if z_m <= Z_M_RATIO_START_M {
            1.0
        } else {
            let x = (z_m - Z_M_RATIO_START_M) / Z_M_RATIO_STEP_M;
            let i = (x.floor() as usize).min(M_RATIO_80_86.len() - 2);
            let frac = x - i as f64;
            M_RATIO_80_86[i] + (M_RATIO_80_86[i + 1] - M_RATIO_80_86[i]) * frac
        };
        AtmosphereSample {
            density_kg_m3: rho,
            temperature_k: Some(tm_k * m_ratio),
            pressure_pa: Some(p_pa),
            speed_of_sound_m_s: Some((GAMMA * R_STAR * tm_k / M0).sqrt()),
        }
    }

    fn upper(&self, z_m: f64) -> AtmosphereSample {
        let t = self.tables;
        let x = (z_m - Z7_M) / TABLE_STEP_M;
        let i = (x.floor() as usize).min(t.ln_p.len() - 2);
        let frac = x - i as f64;
        let ln_p = t.ln_p[i] + (t.ln_p[i + 1] - t.ln_p[i]) * frac;
        let ln_rho = t.ln_rho[i] + (t.ln_rho[i + 1] - t.ln_rho[i]) * frac;
        AtmosphereSample {
            density_kg_m3: ln_rho.exp(),
            temperature_k: Some(upper_temperature(z_m).0),
            pressure_pa: Some(ln_p.exp()),
            speed_of_sound_m_s: None,
        }
    }
}

impl AtmosphereModel for Us76 {
    fn name(&self) -> &'static str {
        MODEL
    }

    fn altitude_range_m(&self) -> (f64, f64) {
        (MIN_ALT_M, MAX_ALT_M)
    }

    fn evaluate(&self, q: &AtmosphereQuery) -> Result<AtmosphereSample, AtmosphereError> {
        self.at_altitude(q.alt_m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::read_validation;

    /// Data rows of a validation CSV (skips `# ` comment lines and the header), split on commas.
    fn rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
        let mut lines = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty());
        let header = lines
            .next()
            .map(|h| h.split(',').map(|s| s.trim().to_string()).collect())
            .unwrap_or_default();
        let data = lines
            .map(|l| l.split(',').map(|s| s.trim().to_string()).collect())
            .collect();
        (header, data)
    }

    fn col(header: &[String], name: &str) -> usize {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("column {name} missing"))
    }

    fn num(row: &[String], i: usize) -> Option<f64> {
        row.get(i).and_then(|s| s.parse::<f64>().ok())
    }

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    /// Reference: U.S. Standard Atmosphere 1976 Table I values (us1976_published_table.csv,
    /// sources P/U/S/T quoted there). Issue #3 limits: < 0.5 % below 86 km, < 2 % above.
    #[test]
    fn published_table_i() {
        let Some(text) = read_validation("us1976_published_table.csv") else {
            return;
        };
        assert!(text.contains("# units: z_km = GEOMETRIC altitude (km)"));
        let (h, data) = rows(&text);
        let (iz, it, ip, ir, ia) = (
            col(&h, "z_km"),
            col(&h, "T_K"),
            col(&h, "p_Pa"),
            col(&h, "rho_kg_m3"),
            col(&h, "a_m_s"),
        );
        let atm = Us76::new();
        // max errors [T, p, rho, a] below and above 86 km
        let mut low = [0.0f64; 4];
        let mut high = [0.0f64; 4];
        let mut n_checked = 0;
        for r in &data {
            let z_km = num(r, iz).expect("z_km");
            let s = atm.at_altitude(z_km * 1e3).expect("in range");
            let band = if z_km < 86.0 { &mut low } else { &mut high };
            let pairs = [
                (num(r, it), s.temperature_k),
                (num(r, ip), s.pressure_pa),
                (num(r, ir), Some(s.density_kg_m3)),
                (num(r, ia), s.speed_of_sound_m_s),
            ];
            for (k, (reference, ours)) in pairs.into_iter().enumerate() {
                if let Some(reference) = reference {
                    let ours = ours.expect("value defined where the table gives one");
                    let e = rel(ours, reference);
                    eprintln!(
                        "z={z_km} km col{k}: ours {ours:.6e} table {reference:.6e} rel {e:.2e}"
                    );
                    band[k] = band[k].max(e);
                    n_checked += 1;
                }
            }
        }
        eprintln!("max rel err below 86 km [T,p,rho,a] = {low:?}; 86-1000 km = {high:?}");
        assert!(n_checked >= 60, "only {n_checked} values checked");
        // Issue #3 acceptance limits.
        for e in low {
            assert!(e < 5e-3, "below 86 km: {e:e}");
        }
        for e in high {
            assert!(e < 2e-2, "above 86 km: {e:e}");
        }
        // Tighter: above 86 km the table gives 4–5 significant figures and our integration
        // of the standard's equations is converged to ~3e-5 (achieved 2.9e-4).
        for e in high {
            assert!(e < 5e-4, "above 86 km vs 4-5 s.f. table: {e:e}");
        }
    }

    /// Every published value (−5 … 1000 km) must agree to the precision it is printed with
    /// (half a unit in its last digit), plus 2e-5 relative below 86 km for the standard's own
    /// rounding and 1e-4 above (two numerical integrations of the same equations).
    #[test]
    fn published_table_to_printed_precision() {
        let Some(text) = read_validation("us1976_published_table.csv") else {
            return;
        };
        let (h, data) = rows(&text);
        let cols = ["T_K", "p_Pa", "rho_kg_m3", "a_m_s"].map(|c| col(&h, c));
        let iz = col(&h, "z_km");
        let atm = Us76::new();
        for r in &data {
            let z_km = num(r, iz).expect("z_km");
            let s = atm.at_altitude(z_km * 1e3).expect("in range");
            let ours = [
                s.temperature_k,
                s.pressure_pa,
                Some(s.density_kg_m3),
                s.speed_of_sound_m_s,
            ];
            for (k, &c) in cols.iter().enumerate() {
                let Some(text_value) = r.get(c).filter(|t| !t.is_empty()) else {
                    continue;
                };
                let reference: f64 = text_value.parse().expect("number");
                let half_ulp = 0.5 * printed_unit(text_value);
                let ours = ours[k].expect("defined where the table gives a value");
                // Above 86 km both the table and we integrate the species equations numerically
                // (different schemes); ours is step-converged to ~3e-5 and differs from the
                // table's 5-figure pressures by up to 4.8e-5 (1000 km): slack 1e-4 there.
                let slack = if z_km < 86.0 { 2e-5 } else { 1e-4 };
                let tol = half_ulp + slack * reference.abs();
                assert!(
                    (ours - reference).abs() <= tol,
                    "z = {z_km} km, column {k}: ours {ours}, table {text_value} (tol {tol:e})"
                );
            }
        }
    }

    /// The value of one unit in the last printed digit of a decimal like `0.41351`, `1.7286`,
    /// `2.9448e-5`, `101325`.
    fn printed_unit(t: &str) -> f64 {
        let (mantissa, exp) = match t.find(['e', 'E']) {
            Some(i) => (&t[..i], t[i + 1..].parse::<i32>().unwrap_or(0)),
            None => (t, 0),
        };
        let decimals = mantissa.find('.').map_or(0, |i| mantissa.len() - i - 1) as i32;
        10f64.powi(exp - decimals)
    }

    /// Reference: us1976_derived_from_defining_equations.csv (DERIVED by the verification
    /// engineer from the standard's defining constants; 6–7 significant figures). Below 86 km:
    /// T, p, ρ, a to 1e-5 relative (the file's printed precision is ~1e-6 … 1e-7). Above 86 km the
    /// file gives the kinetic temperature only.
    #[test]
    fn derived_defining_equations() {
        let Some(text) = read_validation("us1976_derived_from_defining_equations.csv") else {
            return;
        };
        assert!(text.contains("# units: z_km geometric km"));
        let (h, data) = rows(&text);
        let (iz, ih, it, ip, ir, ia) = (
            col(&h, "z_km"),
            col(&h, "H_km"),
            col(&h, "T_K"),
            col(&h, "p_Pa"),
            col(&h, "rho_kg_m3"),
            col(&h, "a_m_s"),
        );
        let atm = Us76::new();
        let mut max_low: f64 = 0.0;
        let mut max_t_high: f64 = 0.0;
        let mut n_low = 0;
        for r in &data {
            let z_km = num(r, iz).expect("z_km");
            let s = atm.at_altitude(z_km * 1e3).expect("in range");
            if let Some(h_km) = num(r, ih) {
                let e = (geopotential_altitude_m(z_km * 1e3) / 1e3 - h_km).abs();
                assert!(e < 2e-6, "H at {z_km} km: {e} km");
            }
            if z_km < 86.0 {
                let pairs = [
                    (num(r, it), s.temperature_k),
                    (num(r, ip), s.pressure_pa),
                    (num(r, ir), Some(s.density_kg_m3)),
                    (num(r, ia), s.speed_of_sound_m_s),
                ];
                for (reference, ours) in pairs {
                    let reference = reference.expect("all columns given below 86 km");
                    let e = rel(ours.expect("defined"), reference);
                    max_low = max_low.max(e);
                    n_low += 1;
                }
            } else {
                // At 86 km the file's T is the molecular-scale T_M (its units line says so);
                // ours is the kinetic temperature, T_M·M/M0 = 186.8673 K.
                let t_ref = num(r, it).expect("T");
                let t_ref = if z_km == 86.0 {
                    t_ref * 0.999579
                } else {
                    t_ref
                };
                let e = rel(s.temperature_k.expect("T"), t_ref);
                max_t_high = max_t_high.max(e);
                if let (Some(p), Some(rho)) = (num(r, ip), num(r, ir)) {
                    // 86 km: our upper table starts from the standard's number densities.
                    assert!(rel(s.pressure_pa.expect("p"), p) < 5e-5, "p at {z_km} km");
                    assert!(rel(s.density_kg_m3, rho) < 5e-5, "rho at {z_km} km");
                }
            }
        }
        eprintln!("derived: max rel err below 86 km {max_low:.2e} ({n_low} values); T above {max_t_high:.2e}");
        assert!(n_low >= 60);
        assert!(max_low < 1e-5, "below 86 km: {max_low:e}");
        assert!(max_t_high < 1e-5, "T above 86 km: {max_t_high:e}");
    }

    /// Reference: NASA NESC 6-DOF check cases (NASA/TM-2015-218675), atmospheric cases, SIM 05
    /// columns airDensity, ambientPressure, ambientTemperature, speedOfSound (US76 at the
    /// geometric altitude above the ellipsoid; English units, REFERENCES.md §1.2). SIM 05 solves
    /// the US76 equations; agreement expected ~1e-5 relative.
    #[test]
    fn nesc_check_cases_atmosphere_columns() {
        const FT_M: f64 = 0.3048;
        const SLUG_FT3_KG_M3: f64 = 14.593_902_937_206_364 / (0.3048 * 0.3048 * 0.3048);
        const LBF_FT2_PA: f64 = 4.448_221_615_260_5 / (0.3048 * 0.3048);
        const RANKINE_K: f64 = 5.0 / 9.0;
        let atm = Us76::new();
        let mut worst = [0.0f64; 4];
        let mut n = 0;
        for case in 1..=10 {
            let Some(text) = read_validation(&format!("nesc_atmos_{case:02}_sim05.csv")) else {
                return;
            };
            assert!(text.contains("slug/ft3, lbf/ft2, degR"));
            let (h, data) = rows(&text);
            let names = [
                "altitudeMsl_ft",
                "airDensity_slug_ft3",
                "ambientPressure_lbf_ft2",
                "ambientTemperature_degR",
                "speedOfSound_ft_s",
            ];
            let Some(idx) = names
                .iter()
                .map(|c| h.iter().position(|x| x == c))
                .collect::<Option<Vec<_>>>()
            else {
                continue;
            };
            for r in &data {
                let vals: Option<Vec<f64>> = idx.iter().map(|&i| num(r, i)).collect();
                let Some(v) = vals else { continue };
                let s = atm.at_altitude(v[0] * FT_M).expect("in range");
                let ours = [
                    s.density_kg_m3,
                    s.pressure_pa.expect("p"),
                    s.temperature_k.expect("T"),
                    s.speed_of_sound_m_s.expect("a"),
                ];
                let theirs = [
                    v[1] * SLUG_FT3_KG_M3,
                    v[2] * LBF_FT2_PA,
                    v[3] * RANKINE_K,
                    v[4] * FT_M,
                ];
                for k in 0..4 {
                    worst[k] = worst[k].max(rel(ours[k], theirs[k]));
                }
                n += 1;
            }
        }
        eprintln!("NESC SIM05 ({n} samples): max rel err [rho, p, T, a] = {worst:?}");
        assert!(n >= 30, "only {n} NESC samples");
        for e in worst {
            assert!(e < 1e-5, "NESC: {e:e}");
        }
    }

    #[test]
    fn out_of_range_and_non_finite_are_errors() {
        let atm = Us76::new();
        assert!(atm.at_altitude(MIN_ALT_M).is_ok());
        assert!(atm.at_altitude(MAX_ALT_M).is_ok());
        for bad in [-5_000.001, 1_000_000.001, -1e9, 1e12] {
            match atm.at_altitude(bad) {
                Err(AtmosphereError::OutOfRange { alt_m, .. }) => assert_eq!(alt_m, bad),
                other => panic!("{bad} m: {other:?}"),
            }
        }
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(matches!(
                atm.at_altitude(bad),
                Err(AtmosphereError::Invalid { .. })
            ));
        }
        let q = AtmosphereQuery::at_altitude(2_000_000.0);
        let e = atm.evaluate(&q).expect_err("above 1000 km");
        assert!(e.to_string().contains("2000000.0 m"), "{e}");
        assert_eq!(atm.altitude_range_m(), (-5_000.0, 1_000_000.0));
    }

    /// −5 km is the standard's bottom: layer 0 extends below sea level. Reference: the
    /// standard's layer-0 relations written out here, T_M = 288.15 K − 6.5 K/km'·H and
    /// p = p0·(T0/T_M)^(g0·M0/(R*·L)), L = −6.5e-3 K/m', H = r0·z/(r0 + z) = −5.003936 km'.
    #[test]
    fn minus_five_km() {
        let s = Us76::new().at_altitude(-5_000.0).expect("defined");
        let h_km: f64 = 6356.766 * -5.0 / (6356.766 - 5.0);
        let t = 288.15 - 6.5 * h_km;
        let p = 101_325.0 * (288.15 / t).powf(9.80665 * 28.9644 / (8314.32 * -6.5e-3));
        assert!((s.temperature_k.expect("T") - 320.6756).abs() < 1e-3);
        assert!(rel(s.pressure_pa.expect("p"), p) < 1e-10);
        assert!(rel(s.density_kg_m3, p * 28.9644 / (8314.32 * t)) < 1e-10);
    }

    /// The two halves of the model meet at 86 km (the standard's number densities at 86 km
    /// reproduce its hydrostatic p and ρ), and every profile is continuous across layer bounds.
    #[test]
    fn continuous_across_86_km_and_layer_boundaries() {
        let atm = Us76::new();
        let below = atm.at_altitude(86_000.0 - 1e-6).expect("ok");
        let above = atm.at_altitude(86_000.0).expect("ok");
        assert!(rel(below.pressure_pa.expect("p"), above.pressure_pa.expect("p")) < 2e-5);
        assert!(rel(below.density_kg_m3, above.density_kg_m3) < 2e-5);
        assert!(
            rel(
                below.temperature_k.expect("T"),
                above.temperature_k.expect("T")
            ) < 1e-6
        );
        assert!(above.speed_of_sound_m_s.is_none());
        for z_km in [
            11.019, 20.063, 32.162, 47.350, 51.413, 71.802, 91.0, 100.0, 110.0, 115.0, 120.0,
            150.0, 500.0,
        ] {
            let z = z_km * 1e3;
            let a = atm.at_altitude(z - 0.01).expect("ok");
            let b = atm.at_altitude(z + 0.01).expect("ok");
            assert!(
                rel(a.density_kg_m3, b.density_kg_m3) < 1e-5,
                "rho at {z_km}"
            );
            assert!(
                rel(a.pressure_pa.expect("p"), b.pressure_pa.expect("p")) < 1e-5,
                "p at {z_km}"
            );
            assert!(
                rel(a.temperature_k.expect("T"), b.temperature_k.expect("T")) < 1e-5,
                "T at {z_km}"
            );
        }
    }

    const KINKS_M: [f64; 7] = [
        Z8_M,
        Z_MIX_TOP_M,
        Z9_M,
        Z_EDDY_TOP_M,
        Z10_M,
        Z_H_BOTTOM_M,
        Z11_M,
    ];

    /// Log-linear interpolation on the 250 m table: its error at a mid-point is bounded by an
    /// eighth of the second difference of the logarithm; that bound must stay below 1e-4.
    #[test]
    fn upper_table_interpolation_error_bound() {
        let t = tables();
        let mut worst: f64 = 0.0;
        let mut at_km = 0.0;
        for series in [&t.ln_p, &t.ln_rho] {
            for (k, w) in series.windows(3).enumerate() {
                // The standard's profile has kinks (91, 100, 110, 115, 120, 150, 500 km); they
                // fall on nodes, so no cell straddles one: skip the node itself.
                let z_mid_m = Z7_M + (k + 1) as f64 * TABLE_STEP_M;
                if KINKS_M.contains(&z_mid_m) {
                    continue;
                }
                let b = (w[2] - 2.0 * w[1] + w[0]).abs() / 8.0;
                if b > worst {
                    worst = b;
                    at_km = 86.0 + (k + 1) as f64 * TABLE_STEP_M / 1e3;
                }
            }
        }
        eprintln!("upper-table interpolation bound {worst:.2e} at {at_km} km");
        assert!(worst < 1e-4, "{worst:e}");
    }

    /// Monotonic: density and pressure fall with altitude over the whole range.
    #[test]
    fn density_and_pressure_decrease_with_altitude() {
        let atm = Us76::new();
        let mut prev = atm.at_altitude(MIN_ALT_M).expect("ok");
        let mut z = MIN_ALT_M;
        while z < MAX_ALT_M {
            z = (z + 730.0).min(MAX_ALT_M);
            let s = atm.at_altitude(z).expect("ok");
            assert!(s.density_kg_m3 < prev.density_kg_m3, "rho at {z} m");
            assert!(s.pressure_pa < prev.pressure_pa, "p at {z} m");
            prev = s;
        }
    }
}
