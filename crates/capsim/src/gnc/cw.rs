//! Clohessy–Wiltshire / Hill linearised relative motion about a circular target orbit, for
//! proximity operations (rendezvous, station keeping, docking approaches).
//!
//! Model: the chaser's position ρ relative to a target on a circular orbit of mean motion n,
//! expressed in the target's rotating frame, obeys to first order in |ρ|/a (Vallado,
//! *Fundamentals of Astrodynamics and Applications*, 4th ed., §6.8, Eqs. 6-64 to 6-66; Fehse,
//! *Automated Rendezvous and Docking of Spacecraft*, 2003, §3.2 and App. A):
//!
//! * RSW (Vallado: x radial, y along-track, z orbit normal):
//!   ẍ = 3n²x + 2nẏ + a_x, ÿ = −2nẋ + a_y, z̈ = −n²z + a_z;
//! * LVLH (CCSDS/Fehse: x V-bar, y = −H, z R-bar toward the Earth):
//!   ẍ = 2nż + a_x, ÿ = −n²y + a_y, z̈ = −2nẋ + 3n²z + a_z.
//!
//! The two are the same equations under the constant axis permutation x_L = y_R, y_L = −z_R,
//! z_L = −x_R (both frames rotate with the target, so no transport term appears), so everything
//! is solved once in RSW and the LVLH functions convert in and out. States are the
//! [`RelativeState`] of [`crate::frames::local`] (ρ and ρ̇ seen from the rotating frame), so an
//! inertial chaser/target pair converts with `relative_state_rsw` / `chaser_from_rsw`.
//!
//! Provided: the closed-form 6×6 state-transition matrix Φ(n, t) ([`cw_stm`]), the 6×3 response
//! to a constant acceleration held in the rotating frame ([`cw_forced_matrix`]; Fehse App. A
//! constant-thrust solution), propagation in either frame, and two-impulse targeting (Vallado's
//! `hillsv`, Eq. 6-66: the velocity that reaches a given relative position after time t, plus
//! the braking impulse). Targeting fails near transfer times where the position-from-velocity
//! block of Φ is singular: in-plane at n t = 2πk and at the roots of tan(nt/2) = 3nt/8
//! (n t ≈ 8.8387 rad, …); out-of-plane at n t = kπ unless the requested cross-track position is the
//! one the free oscillation reaches anyway.
//!
//! Accuracy: the linearisation neglects terms of order n²|ρ|²/a; for |ρ| = 1 km in low Earth orbit
//! the error grows to the order of a metre per orbit (measured in the tests against exact
//! two-body motion and reported in docs/models.md). Valid for a circular (or near-circular,
//! e ≲ |ρ|/a) target orbit and no perturbations other than the constant applied acceleration.
//!
//! All matrices are fixed-size (`SMatrix`), nothing allocates.

use crate::frames::local::RelativeState;
use crate::frames::{Lvlh, Rsw, Vec3};
use nalgebra::{Matrix2, Matrix3, SMatrix, Vector2, Vector3, Vector6};

/// 6×6 Clohessy–Wiltshire state-transition matrix, state order (x, y, z, ẋ, ẏ, ż) in m and m/s.
pub type CwStm = SMatrix<f64, 6, 6>;
/// 6×3 response of the state to a constant acceleration (m/s²) held in the rotating frame.
pub type CwForcedMatrix = SMatrix<f64, 6, 3>;

/// Relative threshold on the (dimensionless) determinants of the position-from-velocity block
/// below which a two-impulse transfer time counts as singular.
const SINGULAR_TOL: f64 = 1e-6;

/// Why a Clohessy–Wiltshire computation could not be done.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CwError {
    /// Mean motion not finite or not positive.
    #[error("CW mean motion must be finite and > 0, got n = {n_rad_s} rad/s")]
    BadMeanMotion { n_rad_s: f64 },
    /// A time, position, velocity or acceleration input is not finite.
    #[error("CW input {what} is not finite: {value}")]
    NonFinite { what: &'static str, value: f64 },
    /// Two-impulse transfer time not positive.
    #[error("CW transfer time must be > 0 s, got {t_s} s")]
    NonPositiveTransferTime { t_s: f64 },
    /// Semi-major axis or μ not positive/finite when computing a mean motion.
    #[error(
        "circular mean motion needs finite μ > 0 and a > 0: μ = {mu_m3_s2} m³/s², a = {a_m} m"
    )]
    BadOrbit { mu_m3_s2: f64, a_m: f64 },
    /// The in-plane position cannot be targeted at this transfer time (Φ_rv singular).
    #[error(
        "CW two-impulse transfer singular in-plane at t = {t_s} s (n t = {nt_rad} rad = {orbits} \
         orbits; singular at n t = 2πk and where tan(nt/2) = 3nt/8): choose another transfer time"
    )]
    SingularInPlane { t_s: f64, nt_rad: f64, orbits: f64 },
    /// The cross-track position cannot be reached at n t ≈ kπ (the free oscillation always
    /// arrives at ±z0 there).
    #[error(
        "CW two-impulse transfer cannot reach cross-track z = {z_target_m} m at t = {t_s} s \
         (n t = {nt_rad} rad ≈ kπ, where any start velocity arrives at z = {z_reached_m} m)"
    )]
    SingularOutOfPlane {
        t_s: f64,
        nt_rad: f64,
        z_target_m: f64,
        z_reached_m: f64,
    },
}

fn check_n(n: f64) -> Result<(), CwError> {
    if n.is_finite() && n > 0.0 {
        Ok(())
    } else {
        Err(CwError::BadMeanMotion { n_rad_s: n })
    }
}

fn check_finite(what: &'static str, value: f64) -> Result<(), CwError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(CwError::NonFinite { what, value })
    }
}

fn check_vec<F: crate::frames::Frame>(what: &'static str, v: &Vec3<F>) -> Result<(), CwError> {
    for c in v.raw().iter() {
        check_finite(what, *c)?;
    }
    Ok(())
}

/// Mean motion n = √(μ/a³) (rad/s) of a circular target orbit of radius `a_m`.
pub fn circular_mean_motion(mu_m3_s2: f64, a_m: f64) -> Result<f64, CwError> {
    if !(mu_m3_s2.is_finite() && a_m.is_finite() && mu_m3_s2 > 0.0 && a_m > 0.0) {
        return Err(CwError::BadOrbit { mu_m3_s2, a_m });
    }
    Ok((mu_m3_s2 / (a_m * a_m * a_m)).sqrt())
}

/// Along-track rate ẏ0 = −2 n x0 (RSW, m/s) that cancels the secular along-track drift of a
/// chaser at radial offset `x0_m` (Vallado §6.8): the motion becomes a closed 2:1 ellipse.
pub fn cw_no_drift_along_track_rate(n_rad_s: f64, x0_m: f64) -> f64 {
    -2.0 * n_rad_s * x0_m
}

/// Closed-form CW state-transition matrix Φ(n, t) in RSW (Vallado Eq. 6-65): x(t) = Φ x(0) for
/// x = (x, y, z, ẋ, ẏ, ż), m and m/s. Any finite `t_s` (negative propagates backward).
pub fn cw_stm(n_rad_s: f64, t_s: f64) -> Result<CwStm, CwError> {
    check_n(n_rad_s)?;
    check_finite("t (s)", t_s)?;
    let n = n_rad_s;
    let nt = n * t_s;
    let (s, c) = nt.sin_cos();
    #[rustfmt::skip]
    let m = CwStm::from_row_slice(&[
        4.0 - 3.0 * c,          0.0, 0.0,     s / n,                 2.0 * (1.0 - c) / n,       0.0,
        6.0 * (s - nt),         1.0, 0.0,     -2.0 * (1.0 - c) / n,  (4.0 * s - 3.0 * nt) / n, 0.0,
        0.0,                    0.0, c,       0.0,                   0.0,                       s / n,
        3.0 * n * s,            0.0, 0.0,     c,                     2.0 * s,                   0.0,
        -6.0 * n * (1.0 - c),   0.0, 0.0,     -2.0 * s,              4.0 * c - 3.0,             0.0,
        0.0,                    0.0, -n * s,  0.0,                   0.0,                       c,
    ]);
    Ok(m)
}

/// Response Γ(n, t) of the RSW state to a constant acceleration a (m/s²) held in the rotating
/// frame from 0 to t: x(t) = Φ(n, t) x(0) + Γ(n, t) a (the convolution ∫₀ᵗ Φ_{·v}(t − τ) dτ;
/// Fehse App. A constant-thrust solution, written here in RSW).
pub fn cw_forced_matrix(n_rad_s: f64, t_s: f64) -> Result<CwForcedMatrix, CwError> {
    check_n(n_rad_s)?;
    check_finite("t (s)", t_s)?;
    let n = n_rad_s;
    let n2 = n * n;
    let nt = n * t_s;
    let (s, c) = nt.sin_cos();
    #[rustfmt::skip]
    let m = CwForcedMatrix::from_row_slice(&[
        (1.0 - c) / n2,              2.0 * (nt - s) / n2,                            0.0,
        -2.0 * (nt - s) / n2,        4.0 * (1.0 - c) / n2 - 1.5 * t_s * t_s,         0.0,
        0.0,                         0.0,                                            (1.0 - c) / n2,
        s / n,                       2.0 * (1.0 - c) / n,                            0.0,
        -2.0 * (1.0 - c) / n,        4.0 * s / n - 3.0 * t_s,                        0.0,
        0.0,                         0.0,                                            s / n,
    ]);
    Ok(m)
}

fn to_vec6<F: crate::frames::Frame>(s: &RelativeState<F>) -> Vector6<f64> {
    let (r, v) = (s.rho.raw(), s.rho_dot.raw());
    Vector6::new(r.x, r.y, r.z, v.x, v.y, v.z)
}

fn from_vec6<F: crate::frames::Frame>(x: &Vector6<f64>) -> RelativeState<F> {
    RelativeState {
        rho: Vec3::new(x[0], x[1], x[2]),
        rho_dot: Vec3::new(x[3], x[4], x[5]),
    }
}

fn check_state<F: crate::frames::Frame>(s: &RelativeState<F>) -> Result<(), CwError> {
    check_vec("relative position (m)", &s.rho)?;
    check_vec("relative velocity (m/s)", &s.rho_dot)
}

/// Propagates a relative state in the target's RSW frame by `t_s` seconds of free CW motion.
pub fn cw_propagate_rsw(
    state: &RelativeState<Rsw>,
    n_rad_s: f64,
    t_s: f64,
) -> Result<RelativeState<Rsw>, CwError> {
    check_state(state)?;
    Ok(from_vec6(&(cw_stm(n_rad_s, t_s)? * to_vec6(state))))
}

/// Propagates a relative state in RSW under a constant acceleration `accel` (m/s², held fixed in
/// the rotating RSW frame, e.g. a thruster firing along a local axis).
pub fn cw_propagate_forced_rsw(
    state: &RelativeState<Rsw>,
    accel: &Vec3<Rsw>,
    n_rad_s: f64,
    t_s: f64,
) -> Result<RelativeState<Rsw>, CwError> {
    check_state(state)?;
    check_vec("acceleration (m/s²)", accel)?;
    let x = cw_stm(n_rad_s, t_s)? * to_vec6(state) + cw_forced_matrix(n_rad_s, t_s)? * accel.raw();
    Ok(from_vec6(&x))
}

/// The constant RSW → LVLH axis permutation x_L = y_R, y_L = −z_R, z_L = −x_R (see
/// [`crate::frames::local`]).
pub fn rsw_vec_to_lvlh(v: &Vec3<Rsw>) -> Vec3<Lvlh> {
    Vec3::new(v.y(), -v.z(), -v.x())
}

/// Inverse of [`rsw_vec_to_lvlh`]: x_R = −z_L, y_R = x_L, z_R = −y_L.
pub fn lvlh_vec_to_rsw(v: &Vec3<Lvlh>) -> Vec3<Rsw> {
    Vec3::new(-v.z(), v.x(), -v.y())
}

/// A relative state from the target's RSW frame to its LVLH frame. Both frames rotate together,
/// so position and rotating-frame velocity are both just permuted.
pub fn relative_rsw_to_lvlh(s: &RelativeState<Rsw>) -> RelativeState<Lvlh> {
    RelativeState {
        rho: rsw_vec_to_lvlh(&s.rho),
        rho_dot: rsw_vec_to_lvlh(&s.rho_dot),
    }
}

/// Inverse of [`relative_rsw_to_lvlh`].
pub fn relative_lvlh_to_rsw(s: &RelativeState<Lvlh>) -> RelativeState<Rsw> {
    RelativeState {
        rho: lvlh_vec_to_rsw(&s.rho),
        rho_dot: lvlh_vec_to_rsw(&s.rho_dot),
    }
}

/// Free CW propagation of a relative state in the Fehse/CCSDS LVLH frame.
pub fn cw_propagate_lvlh(
    state: &RelativeState<Lvlh>,
    n_rad_s: f64,
    t_s: f64,
) -> Result<RelativeState<Lvlh>, CwError> {
    let s = cw_propagate_rsw(&relative_lvlh_to_rsw(state), n_rad_s, t_s)?;
    Ok(relative_rsw_to_lvlh(&s))
}

/// CW propagation in the Fehse/CCSDS LVLH frame under a constant acceleration `accel` (m/s²)
/// held in LVLH (Fehse §3.3 / App. A constant-thrust equations).
pub fn cw_propagate_forced_lvlh(
    state: &RelativeState<Lvlh>,
    accel: &Vec3<Lvlh>,
    n_rad_s: f64,
    t_s: f64,
) -> Result<RelativeState<Lvlh>, CwError> {
    let s = cw_propagate_forced_rsw(
        &relative_lvlh_to_rsw(state),
        &lvlh_vec_to_rsw(accel),
        n_rad_s,
        t_s,
    )?;
    Ok(relative_rsw_to_lvlh(&s))
}

/// The two impulses of a CW two-impulse transfer, m/s, in the frame of the inputs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TwoImpulse<F: crate::frames::Frame> {
    /// Impulse at departure: required start velocity minus current velocity.
    pub dv1: Vec3<F>,
    /// Impulse at arrival: desired final velocity minus the velocity the coast arrives with.
    pub dv2: Vec3<F>,
    /// Start velocity after `dv1` (Vallado's `hillsv` output), m/s.
    pub v_depart: Vec3<F>,
    /// Velocity on arrival before `dv2`, m/s.
    pub v_arrive: Vec3<F>,
}

/// Two-impulse CW targeting in RSW (Vallado §6.8, Eq. 6-66, routine `hillsv`): from relative
/// position `r0` with rotating-frame velocity `v0`, the start velocity that reaches `r_target`
/// after `t_s` seconds of free CW motion, and the arrival impulse that leaves the chaser with
/// `v_target`. Errors near singular transfer times (see the module doc).
pub fn cw_two_impulse(
    r0: &Vec3<Rsw>,
    v0: &Vec3<Rsw>,
    r_target: &Vec3<Rsw>,
    v_target: &Vec3<Rsw>,
    n_rad_s: f64,
    t_s: f64,
) -> Result<TwoImpulse<Rsw>, CwError> {
    check_n(n_rad_s)?;
    check_finite("t (s)", t_s)?;
    if t_s <= 0.0 {
        return Err(CwError::NonPositiveTransferTime { t_s });
    }
    check_vec("r0 (m)", r0)?;
    check_vec("v0 (m/s)", v0)?;
    check_vec("r_target (m)", r_target)?;
    check_vec("v_target (m/s)", v_target)?;
    let n = n_rad_s;
    let nt = n * t_s;
    let (s, c) = nt.sin_cos();
    let phi = cw_stm(n, t_s)?;
    let rr: Matrix3<f64> = phi.fixed_view::<3, 3>(0, 0).into_owned();
    // Required change of position from the initial velocity: Φ_rv v = r_target − Φ_rr r0.
    let rhs = r_target.raw() - rr * r0.raw();

    // In-plane block of Φ_rv, scaled by n: det = 8(1 − cos nt) − 3 nt sin nt (dimensionless),
    // ≈ (nt)² for small nt, so the test is relative to min((nt)², 1).
    let a = Matrix2::new(s, 2.0 * (1.0 - c), -2.0 * (1.0 - c), 4.0 * s - 3.0 * nt);
    let det = a.determinant();
    if det.abs() < SINGULAR_TOL * (nt * nt).min(1.0) {
        return Err(CwError::SingularInPlane {
            t_s,
            nt_rad: nt,
            orbits: nt / core::f64::consts::TAU,
        });
    }
    let inv = Matrix2::new(a[(1, 1)], -a[(0, 1)], -a[(1, 0)], a[(0, 0)]) / det;
    let vxy = inv * Vector2::new(rhs.x, rhs.y) * n;

    // Out-of-plane: z(t) = c z0 + (s/n) ż0.
    let vz = if s.abs() < SINGULAR_TOL * nt.min(1.0) {
        let scale = r_target.z().abs().max(r0.z().abs()).max(1.0);
        if rhs.z.abs() > 1e-9 * scale {
            return Err(CwError::SingularOutOfPlane {
                t_s,
                nt_rad: nt,
                z_target_m: r_target.z(),
                z_reached_m: c * r0.z() + s / n * v0.z(),
            });
        }
        // Any ż0 arrives at the target; keep the current one (no cross-track impulse).
        v0.z()
    } else {
        n * rhs.z / s
    };
    let v_depart = Vec3::<Rsw>::new(vxy.x, vxy.y, vz);
    let rv: Matrix3<f64> = phi.fixed_view::<3, 3>(3, 0).into_owned();
    let vv: Matrix3<f64> = phi.fixed_view::<3, 3>(3, 3).into_owned();
    let v_arrive = Vec3::<Rsw>::from_raw(rv * r0.raw() + vv * Vector3::from(*v_depart.raw()));
    Ok(TwoImpulse {
        dv1: v_depart - *v0,
        dv2: *v_target - v_arrive,
        v_depart,
        v_arrive,
    })
}

/// [`cw_two_impulse`] with inputs and outputs in the Fehse/CCSDS LVLH frame.
pub fn cw_two_impulse_lvlh(
    r0: &Vec3<Lvlh>,
    v0: &Vec3<Lvlh>,
    r_target: &Vec3<Lvlh>,
    v_target: &Vec3<Lvlh>,
    n_rad_s: f64,
    t_s: f64,
) -> Result<TwoImpulse<Lvlh>, CwError> {
    let m = cw_two_impulse(
        &lvlh_vec_to_rsw(r0),
        &lvlh_vec_to_rsw(v0),
        &lvlh_vec_to_rsw(r_target),
        &lvlh_vec_to_rsw(v_target),
        n_rad_s,
        t_s,
    )?;
    Ok(TwoImpulse {
        dv1: rsw_vec_to_lvlh(&m.dv1),
        dv2: rsw_vec_to_lvlh(&m.dv2),
        v_depart: rsw_vec_to_lvlh(&m.v_depart),
        v_arrive: rsw_vec_to_lvlh(&m.v_arrive),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constants::GM_EARTH_M3_S2;
    use crate::frames::local::{chaser_from_rsw, relative_state_rsw, InertialPair};
    use crate::frames::Gcrf;
    use crate::state::cartesian::OrbitState;
    use crate::state::keplerian::propagate_two_body;
    use crate::time::Epoch;

    struct Row {
        case: String,
        frame: String,
        n: f64,
        dt: f64,
        acc: [f64; 3],
        r0: [f64; 3],
        v0: [f64; 3],
        r1: [f64; 3],
        v1: [Option<f64>; 3],
    }

    fn rows() -> Option<Vec<Row>> {
        let text = crate::test_support::read_validation("cw_hill_cases.csv")?;
        let mut out = Vec::new();
        for line in text.lines() {
            if line.starts_with('#') || line.starts_with("case,") || line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(f.len(), 20, "{line}");
            let num = |i: usize| f[i].trim().parse::<f64>().unwrap();
            let opt = |i: usize| f[i].trim().parse::<f64>().ok();
            out.push(Row {
                case: f[0].to_string(),
                frame: f[2].to_string(),
                n: num(3),
                dt: num(4),
                acc: [num(5), num(6), num(7)],
                r0: [num(8), num(9), num(10)],
                v0: [num(11), num(12), num(13)],
                r1: [num(14), num(15), num(16)],
                v1: [opt(17), opt(18), opt(19)],
            });
        }
        assert_eq!(out.len(), 4, "cw_hill_cases.csv should hold 4 cases");
        Some(out)
    }

    /// Relative + absolute tolerance check, printing the achieved error.
    fn close(what: &str, got: f64, want: f64, abs: f64, rel: f64) {
        let err = (got - want).abs();
        println!("{what}: got {got:.15e} want {want:.15e} err {err:.2e}");
        assert!(
            err <= abs + rel * want.abs(),
            "{what}: {got} vs {want} (err {err:e})"
        );
    }

    /// All four rows of cw_hill_cases.csv:
    /// * Vallado Ex 6-14 via valladopy `hillsr` (Vallado 4th ed. §6.8, Alg. 48), RSW;
    /// * valladopy `hillsv` (Vallado Eq. 6-66): the start velocity that reaches the origin;
    /// * Fehse-frame free and constant-thrust cases (kartikkumar/astro, Fehse 2003 ch. 3).
    ///
    /// Tolerances: the reference values are printed with 15-17 significant digits (doubles from
    /// closed-form code; the verifier's RK4 check agreed to ≤ 1e-9), so 1e-11 relative +
    /// 1e-12 absolute covers rounding of the printed digits and of sin/cos at n t ≈ 0.1-0.3.
    /// The hillsv velocity is printed to 12 decimals → 1e-12 m/s absolute.
    #[test]
    fn validation_cases() {
        let Some(rows) = rows() else { return };
        for r in &rows {
            let v3 = |a: [f64; 3]| (a[0], a[1], a[2]);
            match (r.case.as_str(), r.frame.as_str()) {
                ("vallado_hillsv_300s", "VALLADO_RSW") => {
                    let (x, y, z) = v3(r.r0);
                    let (tx, ty, tz) = v3(r.r1);
                    let m = cw_two_impulse(
                        &Vec3::new(x, y, z),
                        &Vec3::zeros(),
                        &Vec3::new(tx, ty, tz),
                        &Vec3::zeros(),
                        r.n,
                        r.dt,
                    )
                    .unwrap();
                    for i in 0..3 {
                        close(&r.case, m.v_depart.raw()[i], r.v0[i], 1e-12, 0.0);
                    }
                }
                (_, "VALLADO_RSW") => {
                    let s0 = RelativeState::<Rsw> {
                        rho: Vec3::new(r.r0[0], r.r0[1], r.r0[2]),
                        rho_dot: Vec3::new(r.v0[0], r.v0[1], r.v0[2]),
                    };
                    let acc = Vec3::<Rsw>::new(r.acc[0], r.acc[1], r.acc[2]);
                    let s1 = cw_propagate_forced_rsw(&s0, &acc, r.n, r.dt).unwrap();
                    for i in 0..3 {
                        close(&r.case, s1.rho.raw()[i], r.r1[i], 1e-12, 1e-11);
                        close(&r.case, s1.rho_dot.raw()[i], r.v1[i].unwrap(), 1e-12, 1e-11);
                    }
                }
                (_, "FEHSE_LVLH") => {
                    let s0 = RelativeState::<Lvlh> {
                        rho: Vec3::new(r.r0[0], r.r0[1], r.r0[2]),
                        rho_dot: Vec3::new(r.v0[0], r.v0[1], r.v0[2]),
                    };
                    let acc = Vec3::<Lvlh>::new(r.acc[0], r.acc[1], r.acc[2]);
                    let s1 = if r.acc == [0.0; 3] {
                        cw_propagate_lvlh(&s0, r.n, r.dt).unwrap()
                    } else {
                        cw_propagate_forced_lvlh(&s0, &acc, r.n, r.dt).unwrap()
                    };
                    for i in 0..3 {
                        close(&r.case, s1.rho.raw()[i], r.r1[i], 1e-12, 1e-11);
                        close(&r.case, s1.rho_dot.raw()[i], r.v1[i].unwrap(), 1e-12, 1e-11);
                    }
                }
                other => panic!("unknown case/frame {other:?}"),
            }
        }
    }

    /// Φ is a group in t: Φ(t1 + t2) = Φ(t2) Φ(t1), Φ(0) = I, and Φ(−t) Φ(t) = I.
    #[test]
    fn stm_group_properties() {
        let n = 1.1e-3;
        let i6 = CwStm::identity();
        assert!((cw_stm(n, 0.0).unwrap() - i6).norm() < 1e-15);
        let a = cw_stm(n, 700.0).unwrap();
        let b = cw_stm(n, 1900.0).unwrap();
        let ab = cw_stm(n, 2600.0).unwrap();
        assert!((b * a - ab).norm() < 1e-9 * ab.norm());
        assert!((cw_stm(n, -700.0).unwrap() * a - i6).norm() < 1e-9 * a.norm());
        // The forced response composes as Γ(t1+t2) = Φ_{·}(t2) Γ(t1) + Γ(t2).
        let g = |t| cw_forced_matrix(n, t).unwrap();
        let lhs = g(2600.0);
        let rhs = b * g(700.0) + g(1900.0);
        assert!((lhs - rhs).norm() < 1e-9 * lhs.norm());
    }

    /// The forced solution satisfies the CW equations (Vallado Eq. 6-64) with the constant
    /// acceleration: central differences of the closed form reproduce ẍ = 3n²x + 2nẏ + a_x, …
    #[test]
    fn forced_solution_satisfies_equations() {
        let n = 1.13e-3;
        let s0 = RelativeState::<Rsw> {
            rho: Vec3::new(120.0, -800.0, 40.0),
            rho_dot: Vec3::new(0.3, -0.1, 0.05),
        };
        let acc = Vec3::<Rsw>::new(2e-3, -1e-3, 5e-4);
        let at = |t| cw_propagate_forced_rsw(&s0, &acc, n, t).unwrap();
        let (t, h) = (1234.0, 0.5);
        let (sm, s, sp) = (at(t - h), at(t), at(t + h));
        let acc_fd = (sp.rho_dot - sm.rho_dot) / (2.0 * h);
        let pos_rate = (sp.rho - sm.rho) / (2.0 * h);
        let r = s.rho;
        let v = s.rho_dot;
        let want = Vec3::<Rsw>::new(
            3.0 * n * n * r.x() + 2.0 * n * v.y() + acc.x(),
            -2.0 * n * v.x() + acc.y(),
            -n * n * r.z() + acc.z(),
        );
        assert!((acc_fd - want).norm() < 1e-9, "{acc_fd:?} vs {want:?}");
        assert!((pos_rate - v).norm() < 1e-6, "{pos_rate:?} vs {v:?}");
    }

    /// Two-impulse targeting closes: applying dv1 and CW-propagating t lands on the target to
    /// 1e-9 m, and dv2 leaves the requested velocity; in RSW and LVLH, for several transfer times
    /// including the classic half-orbit in-plane transfer (n t = π, out-of-plane already consistent).
    #[test]
    fn two_impulse_closes() {
        let n = circular_mean_motion(GM_EARTH_M3_S2, 6_778_000.0).unwrap();
        let r0 = Vec3::<Rsw>::new(-250.0, -3000.0, 120.0);
        let v0 = Vec3::<Rsw>::new(0.1, 0.5, -0.02);
        let rt = Vec3::<Rsw>::new(0.0, -200.0, 0.0);
        let vt = Vec3::<Rsw>::new(0.0, 0.0, 0.0);
        for t in [
            60.0,
            900.0,
            0.3 * core::f64::consts::TAU / n,
            4000.0,
            7000.0,
        ] {
            let m = cw_two_impulse(&r0, &v0, &rt, &vt, n, t).unwrap();
            let s1 = cw_propagate_rsw(
                &RelativeState {
                    rho: r0,
                    rho_dot: v0 + m.dv1,
                },
                n,
                t,
            )
            .unwrap();
            let miss = (s1.rho - rt).norm();
            assert!(miss < 1e-9, "t = {t}: miss {miss} m");
            assert!((s1.rho_dot + m.dv2 - vt).norm() < 1e-12);
            // Same through the LVLH wrapper.
            let ml = cw_two_impulse_lvlh(
                &rsw_vec_to_lvlh(&r0),
                &rsw_vec_to_lvlh(&v0),
                &rsw_vec_to_lvlh(&rt),
                &rsw_vec_to_lvlh(&vt),
                n,
                t,
            )
            .unwrap();
            assert!((lvlh_vec_to_rsw(&ml.dv1) - m.dv1).norm() < 1e-15);
            assert!((lvlh_vec_to_rsw(&ml.dv2) - m.dv2).norm() < 1e-15);
        }
        // Half orbit, in-plane only: reachable, no cross-track impulse.
        let half = core::f64::consts::PI / n;
        let r0p = Vec3::<Rsw>::new(-250.0, -3000.0, 0.0);
        let m = cw_two_impulse(&r0p, &Vec3::zeros(), &rt, &vt, n, half).unwrap();
        assert_eq!(m.dv1.z(), 0.0);
        let s1 = cw_propagate_rsw(
            &RelativeState {
                rho: r0p,
                rho_dot: m.dv1,
            },
            n,
            half,
        )
        .unwrap();
        assert!((s1.rho - rt).norm() < 1e-9);
    }

    #[test]
    fn two_impulse_singular_times_are_errors() {
        let n = 1.1e-3;
        let r0 = Vec3::<Rsw>::new(-250.0, -3000.0, 120.0);
        let z = Vec3::<Rsw>::zeros();
        let rt = Vec3::<Rsw>::new(0.0, -200.0, 0.0);
        let full = core::f64::consts::TAU / n;
        let e = cw_two_impulse(&r0, &z, &rt, &z, n, full).unwrap_err();
        assert!(matches!(e, CwError::SingularInPlane { .. }), "{e}");
        assert!(e.to_string().contains("orbits"), "{e}");
        // The non-trivial in-plane root tan(nt/2) = 3nt/8, nt ≈ 8.838742844 rad.
        let e = cw_two_impulse(&r0, &z, &rt, &z, n, 8.838_742_844_152_037 / n).unwrap_err();
        assert!(matches!(e, CwError::SingularInPlane { .. }), "{e}");
        // Half orbit with an out-of-plane change requested.
        let e = cw_two_impulse(&r0, &z, &rt, &z, n, core::f64::consts::PI / n).unwrap_err();
        assert!(matches!(e, CwError::SingularOutOfPlane { .. }), "{e}");
        assert!(matches!(
            cw_two_impulse(&r0, &z, &rt, &z, n, -5.0),
            Err(CwError::NonPositiveTransferTime { .. })
        ));
        assert!(matches!(
            cw_stm(0.0, 10.0),
            Err(CwError::BadMeanMotion { .. })
        ));
        assert!(matches!(
            cw_stm(n, f64::NAN),
            Err(CwError::NonFinite { .. })
        ));
        assert!(circular_mean_motion(GM_EARTH_M3_S2, -1.0).is_err());
    }

    /// RSW ⇄ LVLH permutation matches the rotations of `frames::local` (Fehse §3.1).
    #[test]
    fn lvlh_permutation_matches_frames_local() {
        use crate::frames::local::relative_state_lvlh;
        let a = 6_778_000.0;
        let n = circular_mean_motion(GM_EARTH_M3_S2, a).unwrap();
        let (tr, tv) = target_state(a, n, 0.9, 0.4);
        let pair = InertialPair {
            target_r: tr,
            target_v: tv,
            chaser_r: tr + Vec3::new(300.0, -700.0, 250.0),
            chaser_v: tv + Vec3::new(0.2, 0.1, -0.3),
        };
        let rsw = relative_state_rsw(&pair).unwrap();
        let lvlh = relative_state_lvlh(&pair).unwrap();
        let conv = relative_rsw_to_lvlh(&rsw);
        assert!((conv.rho - lvlh.rho).norm() < 1e-9);
        assert!((conv.rho_dot - lvlh.rho_dot).norm() < 1e-12);
        let back = relative_lvlh_to_rsw(&lvlh);
        assert!((back.rho - rsw.rho).norm() < 1e-9);
    }

    /// Circular target at argument of latitude `u`, inclination `inc`.
    fn target_state(a: f64, n: f64, inc: f64, u: f64) -> (Vec3<Gcrf>, Vec3<Gcrf>) {
        let (su, cu) = u.sin_cos();
        let (si, ci) = inc.sin_cos();
        (
            Vec3::new(a * cu, a * su * ci, a * su * si),
            Vec3::new(-a * n * su, a * n * cu * ci, a * n * cu * si),
        )
    }

    /// Maximum |ρ_CW − ρ_true| over one target orbit, sampled every 30 s, where ρ_true comes from
    /// exact two-body propagation (universal-variable Kepler) of both inertial orbits, converted
    /// to the target's RSW frame with `frames::local`.
    fn max_cw_error_one_orbit(rel0: &RelativeState<Rsw>) -> (f64, f64) {
        let a = 6_778_000.0;
        let n = circular_mean_motion(GM_EARTH_M3_S2, a).unwrap();
        let (tr, tv) = target_state(a, n, 51.6_f64.to_radians(), 0.3);
        let (cr, cv) = chaser_from_rsw(&tr, &tv, rel0).unwrap();
        let epoch = Epoch::from_gregorian_utc(2008, 4, 19, 0, 0, 0, 0);
        let target = OrbitState::new(epoch, tr, tv);
        let chaser = OrbitState::new(epoch, cr, cv);
        let period = core::f64::consts::TAU / n;
        let steps = (period / 30.0).ceil() as usize;
        let (mut max_pos, mut max_vel) = (0.0_f64, 0.0_f64);
        for k in 0..=steps {
            let t = period * k as f64 / steps as f64;
            let ts = propagate_two_body(&target, t, GM_EARTH_M3_S2).unwrap();
            let cs = propagate_two_body(&chaser, t, GM_EARTH_M3_S2).unwrap();
            let truth = relative_state_rsw(&InertialPair {
                target_r: ts.r,
                target_v: ts.v,
                chaser_r: cs.r,
                chaser_v: cs.v,
            })
            .unwrap();
            let cw = cw_propagate_rsw(rel0, n, t).unwrap();
            max_pos = max_pos.max((cw.rho - truth.rho).norm());
            max_vel = max_vel.max((cw.rho_dot - truth.rho_dot).norm());
        }
        (max_pos, max_vel)
    }

    /// Issue criterion: CW agrees with nonlinear two-body relative motion over one orbit for a
    /// 1 km separation, ISS-like circular target (a = 6778 km, i = 51.6°).
    ///
    /// The neglected terms are second order, ~ (3/2) n² |ρ|²/a ≈ 0.15 n² m for |ρ| = 1 km; a
    /// constant radial acceleration of that size drifts the along-track position by
    /// 4π/n² × (3/2) n² ρ²/a = 6π ρ²/a ≈ 2.78 m per orbit (Γ_yx(T) = −4π/n²). That is the a-priori
    /// bound used. A Cartesian V-bar hold point 1 km behind is ρ²/(2a) = 7.4 cm above the orbit
    /// and drifts exactly this 6π ρ²/a; so the "< 1 m at 1 km" wish is not physically met by
    /// Cartesian CW for secular cases, and is met at 100 m (errors scale as ρ²).
    #[test]
    fn matches_nonlinear_two_body_over_one_orbit() {
        let a = 6_778_000.0;
        let n = circular_mean_motion(GM_EARTH_M3_S2, a).unwrap();
        // A-priori second-order bound (see above): 4π · (3/2) ρ²/a.
        let bound = |rho: f64| 4.0 * core::f64::consts::PI * 1.5 * rho * rho / a;
        let radial = |rho: f64| RelativeState::<Rsw> {
            rho: Vec3::new(rho, 0.0, 0.0),
            rho_dot: Vec3::new(0.0, cw_no_drift_along_track_rate(n, rho), 0.0),
        };
        let vbar = |rho: f64| RelativeState::<Rsw> {
            rho: Vec3::new(0.0, -rho, 0.0),
            rho_dot: Vec3::zeros(),
        };
        let cross = |rho: f64| RelativeState::<Rsw> {
            rho: Vec3::new(0.0, 0.0, rho),
            rho_dot: Vec3::zeros(),
        };
        for (name, case) in [
            (
                "radial offset, no-drift 2:1 ellipse",
                &radial as &dyn Fn(f64) -> RelativeState<Rsw>,
            ),
            ("V-bar hold behind", &vbar),
            ("cross-track offset", &cross),
        ] {
            let (e1k, v1k) = max_cw_error_one_orbit(&case(1000.0));
            let (e100, v100) = max_cw_error_one_orbit(&case(100.0));
            println!(
                "{name}: max CW error over one orbit: 1 km -> {e1k:.4} m ({v1k:.2e} m/s); \
                 100 m -> {e100:.5} m ({v100:.2e} m/s); bound(1 km) {:.3} m",
                bound(1000.0)
            );
            if name.starts_with("V-bar") {
                // Predicted exactly: the straight-line point sits ρ²/(2a) above the orbit with
                // the rotating-frame velocity of the circle, so it drifts 6π ρ²/a per orbit.
                assert!((e1k / bound(1000.0) - 1.0).abs() < 0.01, "{name}: {e1k} m");
            } else {
                assert!(e1k < bound(1000.0), "{name}: {e1k} m at 1 km");
            }
            // 100 m separation: within the second-order bound, well under the 1 m criterion.
            assert!(e100 < 1.01 * bound(100.0), "{name}: {e100} m at 100 m");
            // The discrepancy is the neglected second-order term: it scales as ρ² (ratio 100
            // for 10× the separation, within 5 % for the third-order remainder).
            let ratio = e1k / e100;
            assert!((ratio / 100.0 - 1.0).abs() < 0.05, "{name}: ratio {ratio}");
        }
    }
}
