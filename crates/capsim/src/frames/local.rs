//! Local orbital frames built from an inertial (GCRF) position and velocity, and relative motion
//! expressed in them.
//!
//! * RSW (Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed., §3.3): x along the
//!   position (radial), z along the angular momentum h = r × v, y = z × x (along-track, equal to
//!   the velocity direction for a circular orbit).
//! * LVLH, CCSDS / Fehse convention (W. Fehse, *Automated Rendezvous and Docking of Spacecraft*,
//!   2003, §3.1; CCSDS 500.2-G): z toward −r (nadir, R-bar), y toward −h (V-bar × R-bar), x = y × z
//!   (≈ along the velocity, V-bar). LVLH = RSW axes permuted: x_L = y_R, y_L = −z_R, z_L = −x_R.
//! * VNB: x along v, y along h, z = x × y.
//!
//! The functions take `Vec3<Gcrf>` rather than an orbit-state type because `frames` sits below
//! `state` in the crate's layering. A rotation's rows are the local axes expressed in GCRF.
//!
//! Relative motion (Vallado §6.8): the chaser's position relative to the target, ρ = Q (r_c − r_t),
//! and its velocity seen from the rotating target frame, ρ̇ = Q (v_c − v_t − ω × (r_c − r_t)), where
//! ω = h / r² is the angular velocity of the target's RSW/LVLH frame for Keplerian motion (exact
//! for two-body motion; an out-of-plane force would add a small component along r, neglected here
//! as in Vallado and the Clohessy–Wiltshire/Hill literature).

use super::{Frame, Gcrf, Lvlh, Rotation, Rsw, Vec3, Vnb};
use nalgebra::{Matrix3, Vector3};

/// Why a local frame could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LocalFrameError {
    /// Position and velocity are zero, non-finite or parallel, so the orbit plane is undefined.
    #[error(
        "local orbital frame undefined: |r| = {r_m} m, |v| = {v_m_s} m/s, |r × v| = {h_m2_s} m²/s \
         (need a finite, non-zero position and a velocity not parallel to it)"
    )]
    Degenerate { r_m: f64, v_m_s: f64, h_m2_s: f64 },
}

/// Unit position and unit angular-momentum vectors, checked.
fn r_and_h_hat(
    r: &Vec3<Gcrf>,
    v: &Vec3<Gcrf>,
) -> Result<(Vector3<f64>, Vector3<f64>), LocalFrameError> {
    let rn = r.norm();
    let h = r.raw().cross(v.raw());
    let hn = h.norm();
    // Relative threshold: sin(angle(r, v)) must exceed ~1e-12.
    if !(rn.is_finite() && hn.is_finite()) || rn == 0.0 || hn <= 1e-12 * rn * v.norm() {
        return Err(LocalFrameError::Degenerate {
            r_m: rn,
            v_m_s: v.norm(),
            h_m2_s: hn,
        });
    }
    Ok((r.raw() / rn, h / hn))
}

fn from_rows<B: Frame>(x: Vector3<f64>, y: Vector3<f64>, z: Vector3<f64>) -> Rotation<Gcrf, B> {
    Rotation::from_matrix_unchecked(Matrix3::from_rows(&[
        x.transpose(),
        y.transpose(),
        z.transpose(),
    ]))
}

/// GCRF → RSW (radial, along-track, cross-track) at the state `(r, v)`.
pub fn gcrf_to_rsw(r: &Vec3<Gcrf>, v: &Vec3<Gcrf>) -> Result<Rotation<Gcrf, Rsw>, LocalFrameError> {
    let (rh, wh) = r_and_h_hat(r, v)?;
    let sh = wh.cross(&rh);
    Ok(from_rows(rh, sh, wh))
}

/// GCRF → LVLH (CCSDS/Fehse: x ≈ V-bar, y = −H, z = R-bar toward the Earth) at `(r, v)`.
pub fn gcrf_to_lvlh(
    r: &Vec3<Gcrf>,
    v: &Vec3<Gcrf>,
) -> Result<Rotation<Gcrf, Lvlh>, LocalFrameError> {
    let (rh, wh) = r_and_h_hat(r, v)?;
    let z = -rh;
    let y = -wh;
    let x = y.cross(&z);
    Ok(from_rows(x, y, z))
}

/// GCRF → VNB (x along velocity, y along the orbit normal, z = x × y) at `(r, v)`.
pub fn gcrf_to_vnb(r: &Vec3<Gcrf>, v: &Vec3<Gcrf>) -> Result<Rotation<Gcrf, Vnb>, LocalFrameError> {
    let (_, wh) = r_and_h_hat(r, v)?;
    let x = v.raw() / v.norm();
    let z = x.cross(&wh);
    Ok(from_rows(x, wh, z))
}

/// Angular velocity (rad/s, GCRF) of the target's RSW/LVLH frame: ω = (r × v) / r².
pub fn orbital_frame_rate(r: &Vec3<Gcrf>, v: &Vec3<Gcrf>) -> Vec3<Gcrf> {
    r.cross(v) / r.norm_squared()
}

/// A chaser's state relative to a target, in a local frame `F` of the target.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RelativeState<F: Frame> {
    /// Chaser position minus target position, m, in `F`.
    pub rho: Vec3<F>,
    /// Rate of change of `rho` seen from the rotating frame `F`, m/s.
    pub rho_dot: Vec3<F>,
}

/// Inertial target and chaser states, GCRF, m and m/s.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InertialPair {
    pub target_r: Vec3<Gcrf>,
    pub target_v: Vec3<Gcrf>,
    pub chaser_r: Vec3<Gcrf>,
    pub chaser_v: Vec3<Gcrf>,
}

fn to_relative<F: Frame>(q: &Rotation<Gcrf, F>, pair: &InertialPair) -> RelativeState<F> {
    let omega = orbital_frame_rate(&pair.target_r, &pair.target_v);
    let dr = pair.chaser_r - pair.target_r;
    let dv = pair.chaser_v - pair.target_v - omega.cross(&dr);
    RelativeState {
        rho: q.apply(&dr),
        rho_dot: q.apply(&dv),
    }
}

fn from_relative<F: Frame>(
    q: &Rotation<Gcrf, F>,
    target_r: &Vec3<Gcrf>,
    target_v: &Vec3<Gcrf>,
    rel: &RelativeState<F>,
) -> (Vec3<Gcrf>, Vec3<Gcrf>) {
    let omega = orbital_frame_rate(target_r, target_v);
    let qi = q.inverse();
    let dr = qi.apply(&rel.rho);
    let dv = qi.apply(&rel.rho_dot) + omega.cross(&dr);
    (*target_r + dr, *target_v + dv)
}

/// Chaser position and velocity relative to the target, in the target's RSW frame, including the
/// ω × ρ transport term (Vallado §6.8).
pub fn relative_state_rsw(pair: &InertialPair) -> Result<RelativeState<Rsw>, LocalFrameError> {
    let q = gcrf_to_rsw(&pair.target_r, &pair.target_v)?;
    Ok(to_relative(&q, pair))
}

/// Chaser position and velocity relative to the target, in the target's LVLH frame.
pub fn relative_state_lvlh(pair: &InertialPair) -> Result<RelativeState<Lvlh>, LocalFrameError> {
    let q = gcrf_to_lvlh(&pair.target_r, &pair.target_v)?;
    Ok(to_relative(&q, pair))
}

/// Inverse of [`relative_state_rsw`]: the chaser's inertial position and velocity (GCRF).
pub fn chaser_from_rsw(
    target_r: &Vec3<Gcrf>,
    target_v: &Vec3<Gcrf>,
    rel: &RelativeState<Rsw>,
) -> Result<(Vec3<Gcrf>, Vec3<Gcrf>), LocalFrameError> {
    let q = gcrf_to_rsw(target_r, target_v)?;
    Ok(from_relative(&q, target_r, target_v, rel))
}

/// Inverse of [`relative_state_lvlh`]: the chaser's inertial position and velocity (GCRF).
pub fn chaser_from_lvlh(
    target_r: &Vec3<Gcrf>,
    target_v: &Vec3<Gcrf>,
    rel: &RelativeState<Lvlh>,
) -> Result<(Vec3<Gcrf>, Vec3<Gcrf>), LocalFrameError> {
    let q = gcrf_to_lvlh(target_r, target_v)?;
    Ok(from_relative(&q, target_r, target_v, rel))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MU: f64 = 3.986_004_418e14;

    fn check_orthonormal(m: &Matrix3<f64>) {
        assert!(
            (m * m.transpose() - Matrix3::identity()).norm() < 1e-15,
            "{m}"
        );
        assert!((m.determinant() - 1.0).abs() < 1e-15, "{m}");
    }

    #[test]
    fn orthonormal_for_generic_states() {
        let states = [
            (
                Vec3::<Gcrf>::new(6.7e6, 1.2e5, -3.0e5),
                Vec3::<Gcrf>::new(-100.0, 7600.0, 1200.0),
            ),
            (
                Vec3::new(-2.0e7, 3.0e7, 1.0e7),
                Vec3::new(1000.0, 500.0, -2000.0),
            ),
            (Vec3::new(1.0, 0.0, 0.0), Vec3::new(0.0, 0.0, 1.0)),
        ];
        for (r, v) in states {
            check_orthonormal(gcrf_to_rsw(&r, &v).unwrap().matrix());
            check_orthonormal(gcrf_to_lvlh(&r, &v).unwrap().matrix());
            check_orthonormal(gcrf_to_vnb(&r, &v).unwrap().matrix());
        }
    }

    #[test]
    fn degenerate_states_are_errors() {
        let r = Vec3::<Gcrf>::new(7.0e6, 0.0, 0.0);
        assert!(gcrf_to_rsw(&r, &Vec3::new(10.0, 0.0, 0.0)).is_err());
        assert!(gcrf_to_lvlh(&Vec3::zeros(), &Vec3::new(0.0, 7.0e3, 0.0)).is_err());
        assert!(gcrf_to_vnb(&r, &Vec3::zeros()).is_err());
        assert!(gcrf_to_rsw(&Vec3::new(f64::NAN, 0.0, 0.0), &Vec3::new(0.0, 1.0, 0.0)).is_err());
        let msg = gcrf_to_rsw(&r, &Vec3::zeros()).unwrap_err().to_string();
        assert!(msg.contains("7000000 m"), "{msg}");
    }

    /// Circular equatorial orbit at (7000 km, 0, 0) moving +y: RSW = GCRF axes; LVLH x = +y,
    /// y = −z, z = −x (Fehse Fig. 3.1); VNB x = +y, y = +z, z = +x.
    #[test]
    fn simple_case_axes() {
        let r = Vec3::<Gcrf>::new(7.0e6, 0.0, 0.0);
        let v = Vec3::<Gcrf>::new(0.0, (MU / 7.0e6).sqrt(), 0.0);
        let rsw = gcrf_to_rsw(&r, &v).unwrap();
        assert!((rsw.matrix() - Matrix3::identity()).norm() < 1e-15);
        let lvlh = gcrf_to_lvlh(&r, &v).unwrap();
        let expect = Matrix3::new(0.0, 1.0, 0.0, 0.0, 0.0, -1.0, -1.0, 0.0, 0.0);
        assert!((lvlh.matrix() - expect).norm() < 1e-15, "{lvlh:?}");
        let vnb = gcrf_to_vnb(&r, &v).unwrap();
        let expect = Matrix3::new(0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0);
        assert!((vnb.matrix() - expect).norm() < 1e-15, "{vnb:?}");
    }

    /// Vallado §3.3 RSW convention on an inclined eccentric state: R̂ ∥ r, Ŵ ∥ r × v, Ŝ has a
    /// positive component along v (the satellite moves toward +S), and LVLH is the stated
    /// permutation of RSW.
    #[test]
    fn vallado_rsw_convention() {
        let r = Vec3::<Gcrf>::new(6_524_834.0, 6_862_875.0, 6_448_296.0);
        let v = Vec3::<Gcrf>::new(4_901.327, 5_533.756, -1_976.341);
        let q = gcrf_to_rsw(&r, &v).unwrap();
        let r_rsw = q.apply(&r);
        assert!(
            (r_rsw.x() - r.norm()).abs() < 1e-8 && r_rsw.y().abs() < 1e-8 && r_rsw.z().abs() < 1e-8
        );
        let v_rsw = q.apply(&v);
        assert!(v_rsw.y() > 0.0 && v_rsw.z().abs() < 1e-9);
        // Radial velocity component equals r·v / |r|.
        assert!((v_rsw.x() - r.dot(&v) / r.norm()).abs() < 1e-9);
        let l = gcrf_to_lvlh(&r, &v).unwrap();
        let (mr, ml) = (q.matrix(), l.matrix());
        for j in 0..3 {
            assert!((ml[(0, j)] - mr[(1, j)]).abs() < 1e-15);
            assert!((ml[(1, j)] + mr[(2, j)]).abs() < 1e-15);
            assert!((ml[(2, j)] + mr[(0, j)]).abs() < 1e-15);
        }
        // VNB: x ∥ v.
        let vnb = gcrf_to_vnb(&r, &v).unwrap().apply(&v);
        assert!((vnb.x() - v.norm()).abs() < 1e-9 && vnb.y().abs() < 1e-9);
    }

    /// Two points on the same circular orbit rotate rigidly with the target's RSW frame, so the
    /// relative velocity seen from that frame (with the ω × ρ term) is exactly zero, and the
    /// relative position is the chord: R = −a (1 − cos θ), S = a sin θ.
    #[test]
    fn co_orbiting_chaser_is_at_rest_in_rsw() {
        let a = 6.778e6;
        let n = (MU / (a * a * a)).sqrt();
        let inc = 0.9_f64;
        let point = |u: f64| {
            let (su, cu) = u.sin_cos();
            let (si, ci) = inc.sin_cos();
            (
                Vec3::<Gcrf>::new(a * cu, a * su * ci, a * su * si),
                Vec3::<Gcrf>::new(-a * n * su, a * n * cu * ci, a * n * cu * si),
            )
        };
        let theta = 0.01;
        let (tr, tv) = point(0.3);
        let (cr, cv) = point(0.3 - theta); // chaser behind
        let pair = InertialPair {
            target_r: tr,
            target_v: tv,
            chaser_r: cr,
            chaser_v: cv,
        };
        let rel = relative_state_rsw(&pair).unwrap();
        assert!(rel.rho_dot.norm() < 1e-9, "{:?}", rel.rho_dot);
        assert!((rel.rho.x() + a * (1.0 - theta.cos())).abs() < 1e-6);
        assert!((rel.rho.y() + a * theta.sin()).abs() < 1e-6);
        assert!(rel.rho.z().abs() < 1e-6);
        // In LVLH the chaser behind is at −x (V-bar) and above (z < 0 since z points down).
        let rel_l = relative_state_lvlh(&pair).unwrap();
        assert!(rel_l.rho.x() < 0.0 && rel_l.rho.z() > 0.0 && rel_l.rho_dot.norm() < 1e-9);
        // Without the transport term the inertial velocity difference would be a n θ ≈ 76 m/s.
        assert!(((cv - tv).norm() - a * n * theta).abs() < 0.1);
        // Inverse maps back to the inertial chaser state.
        let (r2, v2) = chaser_from_rsw(&tr, &tv, &rel).unwrap();
        assert!((r2 - cr).norm() < 1e-8 && (v2 - cv).norm() < 1e-11);
        let (r3, v3) = chaser_from_lvlh(&tr, &tv, &rel_l).unwrap();
        assert!((r3 - cr).norm() < 1e-8 && (v3 - cv).norm() < 1e-11);
    }

    /// A chaser 1 km directly above a circular target with the same inertial velocity drifts
    /// backward in the rotating frame at ω ρ = n × 1 km (Vallado §6.8: ρ̇ = Δv − ω × ρ).
    #[test]
    fn transport_term_sign() {
        let a = 7.0e6;
        let n = (MU / (a * a * a)).sqrt();
        let tr = Vec3::<Gcrf>::new(a, 0.0, 0.0);
        let tv = Vec3::<Gcrf>::new(0.0, a * n, 0.0);
        let pair = InertialPair {
            target_r: tr,
            target_v: tv,
            chaser_r: tr + Vec3::new(1000.0, 0.0, 0.0),
            chaser_v: tv,
        };
        let rel = relative_state_rsw(&pair).unwrap();
        assert!((rel.rho_dot.y() + n * 1000.0).abs() < 1e-12);
        assert!(rel.rho_dot.x().abs() < 1e-15 && rel.rho_dot.z().abs() < 1e-15);
    }
}
