//! Landing-footprint geometry: a local east-north plane in km, dispersion ellipses, CEP, and
//! landing-zone tests.
//!
//! **Projection.** Points are mapped to a local east-north plane by the spherical azimuthal
//! equidistant projection about a reference point (Snyder 1987, *Map Projections — A Working
//! Manual*, USGS Prof. Paper 1395, pp. 191-202, eqs. 22-5, 25-2, 20-14, 20-15) on the sphere of
//! the Gaussian mean radius R = √(MN) of WGS-84 at the reference latitude, then east is scaled
//! by √(N/M) and north by √(M/N), so that at the reference point the plane has the exact
//! ellipsoidal metric (M = meridian, N = prime-vertical radius of curvature). The residual
//! error grows with the distance s from the reference: the azimuthal-equidistant stretch across
//! the radial direction, (s/R)/sin(s/R) − 1 ≈ (s/R)²/6 = 0.10 % at 500 km, and the change of M
//! and N with latitude, measured by a test along a meridian at 47° N: 0.04 % (0.2 km) at 500 km.
//! Both are far below the dispersion of any landing footprint.
//!
//! **Ellipses.** For a 2-D normal with covariance C, the region {x : (x−μ)ᵀC⁻¹(x−μ) ≤ k²}
//! holds probability p = 1 − exp(−k²/2) (the χ² law with 2 degrees of freedom), so
//! k = √(−2 ln(1−p)): 1.1774 for 50 %, 2.1460 for 90 %, 3.0349 for 99 %. Semi-axes are
//! k·√λ for the eigenvalues λ of C; the orientation is the azimuth of the major axis, clockwise
//! from north, in [0°, 180°).
//!
//! **CEP.** The radius of the circle about the mean holding 50 % of a 2-D normal (the Hoyt
//! distribution of the radius; Rayleigh when circular, CEP = σ√(2 ln 2) = 1.1774σ). Computed
//! exactly by integrating the normal over the disc in polar form,
//! P(R) = 1/(2πσ₁σ₂)∫₀^{2π} [1 − exp(−R²q(θ)/2)]/q(θ) dθ with q = cos²θ/σ₁² + sin²θ/σ₂², which is
//! periodic and smooth so the trapezoidal rule converges geometrically, then solving P = ½ by
//! bisection. The empirical CEP of a sample set is the P² median of the miss distances.

use crate::constants::{WGS84_A_M, WGS84_F};
use std::f64::consts::PI;

/// Azimuthal-equidistant local east-north plane about a reference point (km).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LocalPlane {
    lat0_rad: f64,
    lon0_rad: f64,
    sin_lat0: f64,
    cos_lat0: f64,
    radius_km: f64,
    /// √(N/M) and √(M/N): east and north scale corrections from the sphere to WGS-84.
    scale_e: f64,
    scale_n: f64,
}

impl LocalPlane {
    /// Plane about (lat, lon) in degrees.
    pub fn new(lat_deg: f64, lon_deg: f64) -> Self {
        let lat0 = lat_deg.to_radians();
        let e2 = WGS84_F * (2.0 - WGS84_F);
        let w = 1.0 - e2 * lat0.sin().powi(2);
        let m = WGS84_A_M * (1.0 - e2) / w.powf(1.5);
        let n = WGS84_A_M / w.sqrt();
        Self {
            lat0_rad: lat0,
            lon0_rad: lon_deg.to_radians(),
            sin_lat0: lat0.sin(),
            cos_lat0: lat0.cos(),
            radius_km: (m * n).sqrt() / 1000.0,
            scale_e: (n / m).sqrt(),
            scale_n: (m / n).sqrt(),
        }
    }

    /// Radius of the projection sphere, km.
    pub fn radius_km(&self) -> f64 {
        self.radius_km
    }

    /// Reference point (lat, lon), degrees.
    pub fn origin_deg(&self) -> (f64, f64) {
        (self.lat0_rad.to_degrees(), self.lon0_rad.to_degrees())
    }

    /// (east, north) in km of a point given in degrees.
    pub fn to_en_km(&self, lat_deg: f64, lon_deg: f64) -> (f64, f64) {
        let (sp, cp) = lat_deg.to_radians().sin_cos();
        let (sl, cl) = (lon_deg.to_radians() - self.lon0_rad).sin_cos();
        let cos_c = (self.sin_lat0 * sp + self.cos_lat0 * cp * cl).clamp(-1.0, 1.0);
        let c = cos_c.acos();
        let k = if c < 1e-12 { 1.0 } else { c / c.sin() };
        let e = self.radius_km * k * cp * sl;
        let n = self.radius_km * k * (self.cos_lat0 * sp - self.sin_lat0 * cp * cl);
        (e * self.scale_e, n * self.scale_n)
    }

    /// (lat, lon) in degrees of a point (east, north) km; longitude in (−180°, 180°].
    pub fn to_lat_lon_deg(&self, e_km: f64, n_km: f64) -> (f64, f64) {
        let (e_km, n_km) = (e_km / self.scale_e, n_km / self.scale_n);
        let rho = e_km.hypot(n_km);
        if rho < 1e-12 {
            return self.origin_deg();
        }
        let c = rho / self.radius_km;
        let (sc, cc) = c.sin_cos();
        let lat = (cc * self.sin_lat0 + n_km * sc * self.cos_lat0 / rho)
            .clamp(-1.0, 1.0)
            .asin();
        let lon =
            self.lon0_rad + (e_km * sc).atan2(rho * self.cos_lat0 * cc - n_km * self.sin_lat0 * sc);
        (lat.to_degrees(), wrap_lon_deg(lon.to_degrees()))
    }

    /// Distance (km) from the reference point, as the plane measures it.
    pub fn distance_km(&self, lat_deg: f64, lon_deg: f64) -> f64 {
        let (e, n) = self.to_en_km(lat_deg, lon_deg);
        e.hypot(n)
    }
}

/// Longitude wrapped into (−180°, 180°].
pub fn wrap_lon_deg(lon: f64) -> f64 {
    let mut l = (lon + 180.0).rem_euclid(360.0) - 180.0;
    if l <= -180.0 {
        l += 360.0;
    }
    l
}

/// Scale factor k of the probability-p ellipse of a 2-D normal: √(−2 ln(1−p)).
pub fn ellipse_scale(p: f64) -> f64 {
    (-2.0 * (1.0 - p).ln()).sqrt()
}

/// A dispersion ellipse in the local east-north plane.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ellipse {
    /// Probability content, e.g. 0.9.
    pub probability: f64,
    pub center_e_km: f64,
    pub center_n_km: f64,
    pub semi_major_km: f64,
    pub semi_minor_km: f64,
    /// Azimuth of the major axis, degrees clockwise from north, in [0, 180).
    pub azimuth_deg: f64,
}

/// Eigen-decomposition of a symmetric 2×2 matrix: (λmax, λmin, azimuth of the λmax axis from
/// north in degrees, [0, 180)). Row/column order is (east, north).
pub fn principal_axes(cov: [[f64; 2]; 2]) -> (f64, f64, f64) {
    let (a, b, c) = (cov[0][0], cov[0][1], cov[1][1]);
    let mid = 0.5 * (a + c);
    let rad = (0.25 * (a - c) * (a - c) + b * b).sqrt();
    let (l1, l2) = (mid + rad, (mid - rad).max(0.0));
    // Angle of the major axis from east, counter-clockwise.
    let theta = 0.5 * (2.0 * b).atan2(a - c);
    let az = (90.0 - theta.to_degrees()).rem_euclid(180.0);
    (l1, l2, az)
}

/// The probability-`p` ellipse of N(mean, cov) (east-north, km, km²).
pub fn dispersion_ellipse(mean_en_km: [f64; 2], cov_km2: [[f64; 2]; 2], p: f64) -> Ellipse {
    let (l1, l2, az) = principal_axes(cov_km2);
    let k = ellipse_scale(p);
    Ellipse {
        probability: p,
        center_e_km: mean_en_km[0],
        center_n_km: mean_en_km[1],
        semi_major_km: k * l1.sqrt(),
        semi_minor_km: k * l2.sqrt(),
        azimuth_deg: az,
    }
}

impl Ellipse {
    /// `n` points on the ellipse (east, north km), closed (first point repeated at the end).
    pub fn polygon_en_km(&self, n: usize) -> Vec<(f64, f64)> {
        let n = n.max(8);
        let az = self.azimuth_deg.to_radians();
        // Unit vectors of the major and minor axes in (east, north).
        let (ue, un) = (az.sin(), az.cos());
        (0..=n)
            .map(|i| {
                let t = 2.0 * PI * (i % n) as f64 / n as f64;
                let (a, b) = (self.semi_major_km * t.cos(), self.semi_minor_km * t.sin());
                (
                    self.center_e_km + a * ue + b * un,
                    self.center_n_km + a * un - b * ue,
                )
            })
            .collect()
    }

    /// The polygon mapped back to (lat, lon) degrees.
    pub fn polygon_lat_lon_deg(&self, plane: &LocalPlane, n: usize) -> Vec<(f64, f64)> {
        self.polygon_en_km(n)
            .into_iter()
            .map(|(e, nn)| plane.to_lat_lon_deg(e, nn))
            .collect()
    }
}

/// Squared Mahalanobis distance of `x` from `mean` under `cov` (∞ for a singular covariance
/// unless x is on its support line, NaN-safe).
pub fn mahalanobis2(x: [f64; 2], mean: [f64; 2], cov: [[f64; 2]; 2]) -> f64 {
    let det = cov[0][0] * cov[1][1] - cov[0][1] * cov[1][0];
    let (dx, dy) = (x[0] - mean[0], x[1] - mean[1]);
    if det.is_nan() || det <= 0.0 {
        return f64::INFINITY;
    }
    (cov[1][1] * dx * dx - 2.0 * cov[0][1] * dx * dy + cov[0][0] * dy * dy) / det
}

/// Probability that a zero-mean 2-D normal with principal standard deviations `sd1`, `sd2`
/// lies within radius `r` of its mean (exact polar integral; trapezoid on a periodic smooth
/// integrand, with enough points for the eccentricity).
pub fn prob_within_radius(sd1: f64, sd2: f64, r: f64) -> f64 {
    let (a, b) = (sd1.abs().max(sd2.abs()), sd1.abs().min(sd2.abs()));
    if r <= 0.0 {
        return 0.0;
    }
    if a == 0.0 {
        return 1.0;
    }
    if b <= 1e-9 * a {
        // One-dimensional: P(|x| ≤ r) = erf(r / (a√2)).
        return 1.0 - crate::mc::dist::erfc(r / (a * std::f64::consts::SQRT_2));
    }
    let m = ((64.0 * a / b) as usize).clamp(256, 200_000);
    let mut sum = 0.0;
    for i in 0..m {
        let t = 2.0 * PI * (i as f64 + 0.5) / m as f64;
        let q = (t.cos() / a).powi(2) + (t.sin() / b).powi(2);
        sum += (1.0 - (-0.5 * r * r * q).exp()) / q;
    }
    sum / m as f64 / (a * b)
}

/// CEP (km, about the mean) of a 2-D normal with principal standard deviations `sd1`, `sd2`.
pub fn cep_of_normal(sd1: f64, sd2: f64) -> f64 {
    let (a, b) = (sd1.abs().max(sd2.abs()), sd1.abs().min(sd2.abs()));
    if a == 0.0 {
        return 0.0;
    }
    // CEP lies between 0.6745·a (the 1-D median when b = 0) and 1.1774·a.
    let (mut lo, mut hi) = (0.6 * a, 1.2 * a);
    for _ in 0..80 {
        let mid = 0.5 * (lo + hi);
        if prob_within_radius(a, b, mid) < 0.5 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// A landing zone: a circle about a point or a lat/lon polygon.
#[derive(Clone, Debug, PartialEq)]
pub enum Zone {
    Circle {
        lat_deg: f64,
        lon_deg: f64,
        radius_km: f64,
    },
    /// Vertices (lat, lon) in degrees, in order, not repeated at the end. Edges are straight
    /// in (lat, lon) (plate carrée), which is how such zones are usually drawn; longitudes are
    /// unwrapped relative to the first vertex so a zone may straddle ±180°.
    Polygon { vertices_deg: Vec<(f64, f64)> },
}

impl Zone {
    /// Whether (lat, lon) in degrees is in the zone (boundary counts as inside for a circle).
    pub fn contains(&self, lat_deg: f64, lon_deg: f64) -> bool {
        match self {
            Zone::Circle {
                lat_deg: la,
                lon_deg: lo,
                radius_km,
            } => LocalPlane::new(*la, *lo).distance_km(lat_deg, lon_deg) <= *radius_km,
            Zone::Polygon { vertices_deg } => {
                let Some(&(_, lon_ref)) = vertices_deg.first() else {
                    return false;
                };
                let unwrap = |l: f64| lon_ref + wrap_lon_deg(l - lon_ref);
                let (py, px) = (lat_deg, unwrap(lon_deg));
                let mut inside = false;
                let n = vertices_deg.len();
                for i in 0..n {
                    let (yi, xi) = vertices_deg[i];
                    let (yj, xj) = vertices_deg[(i + n - 1) % n];
                    let (xi, xj) = (unwrap(xi), unwrap(xj));
                    if (yi > py) != (yj > py) && px < (xj - xi) * (py - yi) / (yj - yi) + xi {
                        inside = !inside;
                    }
                }
                inside
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mc::dist::MultiNormal;
    use crate::mc::rng::sample_rng;
    use crate::mc::stats::{P2Quantile, Running2};

    #[test]
    fn projection_round_trips_and_keeps_radial_distance() {
        let plane = LocalPlane::new(47.36, 69.59);
        for (e, n) in [
            (0.0, 0.0),
            (10.0, -3.0),
            (-350.0, 354.0),
            (0.0, 500.0),
            (499.0, 0.0),
        ] {
            let (lat, lon) = plane.to_lat_lon_deg(e, n);
            let (e2, n2) = plane.to_en_km(lat, lon);
            assert!((e - e2).abs() < 1e-8 && (n - n2).abs() < 1e-8, "{e},{n}");
        }
        // At the reference point the plane has the WGS-84 metric: 1° of latitude is M·π/180
        // and 1° of longitude N·cos φ·π/180 (M = 6 367 520 m, N = 6 389 180 m at 47.36° N,
        // from a = 6 378 137 m, f = 1/298.257223563).
        let (e2, f) = (WGS84_F * (2.0 - WGS84_F), 47.36f64.to_radians());
        let w = 1.0 - e2 * f.sin().powi(2);
        let (m, nn) = (WGS84_A_M * (1.0 - e2) / w.powf(1.5), WGS84_A_M / w.sqrt());
        let (_, n1) = plane.to_en_km(47.37, 69.59);
        assert!((n1 - m * 0.01f64.to_radians() / 1e3).abs() < 1e-5, "{n1}");
        let (e1, _) = plane.to_en_km(47.36, 69.60);
        assert!(
            (e1 - nn * f.cos() * 0.01f64.to_radians() / 1e3).abs() < 1e-5,
            "{e1}"
        );
        // 500 km north along the meridian vs the meridian arc ∫M dφ (Simpson, 1000 intervals).
        let (lat, lon) = plane.to_lat_lon_deg(0.0, 500.0);
        assert!((lon - 69.59).abs() < 1e-9);
        let arc_km = {
            let (a, b, k) = (f, lat.to_radians(), 1000);
            let mm = |p: f64| WGS84_A_M * (1.0 - e2) / (1.0 - e2 * p.sin().powi(2)).powf(1.5);
            let h = (b - a) / k as f64;
            let mut s = mm(a) + mm(b);
            for i in 1..k {
                s += mm(a + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
            }
            s * h / 3.0 / 1e3
        };
        assert!((arc_km - 500.0).abs() < 0.25, "meridian arc {arc_km} km");
        assert_eq!(wrap_lon_deg(190.0), -170.0);
        assert_eq!(wrap_lon_deg(-180.0), 180.0);
    }

    #[test]
    fn ellipse_scales_match_chi_square() {
        // χ²(2) quantiles: 1.386294 (50 %), 4.605170 (90 %), 9.210340 (99 %).
        for (p, q) in [(0.5, 1.386_294), (0.9, 4.605_170), (0.99, 9.210_340)] {
            assert!((ellipse_scale(p).powi(2) - q).abs() < 1e-6);
        }
    }

    #[test]
    fn principal_axes_of_rotated_covariance() {
        // Major axis along azimuth 30° (sd 5), minor sd 2.
        let az = 30f64.to_radians();
        let (ue, un) = (az.sin(), az.cos());
        let (a, b) = (25.0, 4.0);
        let cov = [
            [a * ue * ue + b * un * un, (a - b) * ue * un],
            [(a - b) * ue * un, a * un * un + b * ue * ue],
        ];
        let (l1, l2, az_deg) = principal_axes(cov);
        assert!((l1 - 25.0).abs() < 1e-12 && (l2 - 4.0).abs() < 1e-12);
        assert!((az_deg - 30.0).abs() < 1e-9);
    }

    #[test]
    fn cep_of_circular_normal_is_rayleigh_median() {
        // Rayleigh median: σ√(2 ln 2).
        let c = cep_of_normal(3.0, 3.0);
        assert!((c - 3.0 * (2.0 * 2f64.ln()).sqrt()).abs() < 1e-9, "{c}");
        // Degenerate: 1-D normal median of |x| = 0.674490 σ.
        assert!((cep_of_normal(1.0, 0.0) - 0.674_489_75).abs() < 1e-6);
    }

    /// Samples from a known 2-D normal: sample ellipse axes and orientation within 4 standard
    /// errors (se of √λ ≈ √λ/√(2n); se of the orientation ≈ √(λ₁λ₂/n)/(λ₁−λ₂) rad, Anderson
    /// 2003 *An Introduction to Multivariate Statistical Analysis* §13.5), coverage of the
    /// 50/90/99 % ellipses of the *true* law within 4 binomial σ, and the empirical CEP (P²
    /// median of distances from the true mean) vs the exact Hoyt value within 4 se of a sample
    /// median (se = √(p(1−p)/n)/f(CEP)).
    #[test]
    fn known_normal_footprint_statistics() {
        let (sd1, sd2, az) = (12.0f64, 4.0f64, 70f64.to_radians());
        let (ue, un) = (az.sin(), az.cos());
        let (l1, l2) = (sd1 * sd1, sd2 * sd2);
        let cov = [
            [l1 * ue * ue + l2 * un * un, (l1 - l2) * ue * un],
            [(l1 - l2) * ue * un, l1 * un * un + l2 * ue * ue],
        ];
        let mean = [3.0, -7.0];
        let mvn = MultiNormal::new(&mean, &[cov[0].to_vec(), cov[1].to_vec()]).unwrap();
        let n = 40_000usize;
        let mut run = Running2::new();
        let mut med = P2Quantile::new(0.5);
        let mut inside = [0usize; 3];
        let levels = [0.5, 0.9, 0.99];
        let (mut z, mut x) = ([0.0; 2], [0.0; 2]);
        for i in 0..n {
            let mut rng = sample_rng(11, i as u64);
            mvn.sample_into(&mut rng, &mut z, &mut x);
            run.push(x[0], x[1]);
            med.push((x[0] - mean[0]).hypot(x[1] - mean[1]));
            let m2 = mahalanobis2(x, mean, cov);
            for (k, p) in levels.iter().enumerate() {
                if m2 <= ellipse_scale(*p).powi(2) {
                    inside[k] += 1;
                }
            }
        }
        let nf = n as f64;
        let e90 = dispersion_ellipse(run.mean(), run.covariance(), 0.9);
        let k = ellipse_scale(0.9);
        let se_axis = |sd: f64| k * sd / (2.0 * nf).sqrt();
        assert!(
            (e90.semi_major_km - k * sd1).abs() < 4.0 * se_axis(sd1),
            "{e90:?}"
        );
        assert!(
            (e90.semi_minor_km - k * sd2).abs() < 4.0 * se_axis(sd2),
            "{e90:?}"
        );
        let se_az = ((l1 * l2 / nf).sqrt() / (l1 - l2)).to_degrees();
        assert!((e90.azimuth_deg - 70.0).abs() < 4.0 * se_az, "{e90:?}");
        for (k, p) in levels.iter().enumerate() {
            let f = inside[k] as f64 / nf;
            assert!(
                (f - p).abs() < 4.0 * (p * (1.0 - p) / nf).sqrt(),
                "{p}: {f}"
            );
        }
        let cep = cep_of_normal(sd1, sd2);
        // Density of the radius at CEP by a central difference of the exact CDF.
        let h = 1e-3;
        let f = (prob_within_radius(sd1, sd2, cep + h) - prob_within_radius(sd1, sd2, cep - h))
            / (2.0 * h);
        let se = (0.25 / nf).sqrt() / f;
        assert!(
            (med.estimate() - cep).abs() < 4.0 * se,
            "{} vs {cep}",
            med.estimate()
        );
    }

    #[test]
    fn zones() {
        let c = Zone::Circle {
            lat_deg: 47.0,
            lon_deg: 69.0,
            radius_km: 50.0,
        };
        assert!(c.contains(47.3, 69.2));
        assert!(!c.contains(48.0, 69.0));
        let p = Zone::Polygon {
            vertices_deg: vec![(46.0, 68.0), (46.0, 71.0), (48.5, 71.0), (48.5, 68.0)],
        };
        assert!(p.contains(47.0, 69.5));
        assert!(!p.contains(49.0, 69.5));
        assert!(!p.contains(47.0, 72.0));
        let across = Zone::Polygon {
            vertices_deg: vec![(-1.0, 179.0), (-1.0, -179.0), (1.0, -179.0), (1.0, 179.0)],
        };
        assert!(across.contains(0.0, 180.0) && across.contains(0.0, -179.5));
        assert!(!across.contains(0.0, 0.0));
    }

    #[test]
    fn ellipse_polygon_lies_on_the_ellipse() {
        let e = Ellipse {
            probability: 0.9,
            center_e_km: 1.0,
            center_n_km: 2.0,
            semi_major_km: 30.0,
            semi_minor_km: 10.0,
            azimuth_deg: 40.0,
        };
        let k2 = ellipse_scale(0.9).powi(2);
        let (l1, l2) = ((30.0f64).powi(2) / k2, (10.0f64).powi(2) / k2);
        let az = 40f64.to_radians();
        let (ue, un) = (az.sin(), az.cos());
        let cov = [
            [l1 * ue * ue + l2 * un * un, (l1 - l2) * ue * un],
            [(l1 - l2) * ue * un, l1 * un * un + l2 * ue * ue],
        ];
        for (x, y) in e.polygon_en_km(72) {
            assert!((mahalanobis2([x, y], [1.0, 2.0], cov) - k2).abs() < 1e-9);
        }
    }
}
