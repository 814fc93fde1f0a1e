//! Reference frames as types.
//!
//! A vector that crosses a module boundary is a [`Vec3<F>`], where `F` is a zero-sized frame
//! marker. Adding a `Vec3<Gcrf>` to a `Vec3<Itrf>` does not compile; converting between them
//! needs a [`Rotation<From, To>`], which only the frame modules build. Inside a numerical kernel
//! use `.raw()` and plain nalgebra types.
//!
//! Sub-modules: `earth_orientation` (GCRF ⇄ ITRF, IAU 2006/2000A CIO based, with EOP),
//! `eop` (Earth-orientation parameter tables), `teme` (TEME ⇄ GCRF for SGP4 output),
//! `geodetic` (WGS-84 geodetic ⇄ Cartesian), `local` (LVLH/RSW and VNB orbital frames).

pub mod earth_orientation;
pub mod eop;
pub mod geodetic;
pub mod local;
pub mod teme;

use core::fmt;
use core::marker::PhantomData;
use core::ops::{Add, AddAssign, Div, Mul, Neg, Sub, SubAssign};
use nalgebra::{Matrix3, Vector3};

/// Marker trait for frame types.
pub trait Frame: Copy + Clone + fmt::Debug + Default + Send + Sync + 'static {
    /// Short name used in messages and file headers.
    const NAME: &'static str;
}

macro_rules! frame {
    ($(#[$m:meta])* $t:ident, $name:literal) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub struct $t;
        impl Frame for $t {
            const NAME: &'static str = $name;
        }
    };
}

frame!(
    /// Geocentric Celestial Reference Frame (inertial, IAU 2006/2000A realisation).
    Gcrf,
    "GCRF"
);
frame!(
    /// International Terrestrial Reference Frame (Earth-fixed).
    Itrf,
    "ITRF"
);
frame!(
    /// True Equator, Mean Equinox frame used by SGP4 output.
    Teme,
    "TEME"
);
frame!(
    /// Radial / along-track / cross-track frame (Vallado's RSW): x radial out, z along the orbit
    /// normal, y completes the right-handed triad.
    Rsw,
    "RSW"
);
frame!(
    /// Local-vertical local-horizontal frame, CCSDS/Fehse convention: x along-track (V-bar),
    /// y opposite the orbit normal (−H), z toward Earth's centre (R-bar, nadir).
    Lvlh,
    "LVLH"
);
frame!(
    /// Velocity / normal / binormal frame: x along velocity, y along the orbit normal, z = x × y.
    Vnb,
    "VNB"
);

/// A 3-vector expressed in frame `F`.
#[derive(Clone, Copy, PartialEq)]
pub struct Vec3<F: Frame> {
    v: Vector3<f64>,
    _frame: PhantomData<F>,
}

impl<F: Frame> fmt::Debug for Vec3<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}, {}, {}]", F::NAME, self.v.x, self.v.y, self.v.z)
    }
}

impl<F: Frame> Default for Vec3<F> {
    fn default() -> Self {
        Self::zeros()
    }
}

impl<F: Frame> Vec3<F> {
    /// Builds a vector from components.
    #[inline]
    pub const fn new(x: f64, y: f64, z: f64) -> Self {
        Self {
            v: Vector3::new(x, y, z),
            _frame: PhantomData,
        }
    }
    /// The zero vector.
    #[inline]
    pub fn zeros() -> Self {
        Self::from_raw(Vector3::zeros())
    }
    /// Wraps a raw nalgebra vector, asserting it is expressed in `F`.
    #[inline]
    pub const fn from_raw(v: Vector3<f64>) -> Self {
        Self {
            v,
            _frame: PhantomData,
        }
    }
    /// The raw components, for use inside numerical kernels.
    #[inline]
    pub const fn raw(&self) -> &Vector3<f64> {
        &self.v
    }
    /// Consumes the typed vector, returning the raw components.
    #[inline]
    pub const fn into_raw(self) -> Vector3<f64> {
        self.v
    }
    #[inline]
    pub fn x(&self) -> f64 {
        self.v.x
    }
    #[inline]
    pub fn y(&self) -> f64 {
        self.v.y
    }
    #[inline]
    pub fn z(&self) -> f64 {
        self.v.z
    }
    #[inline]
    pub fn norm(&self) -> f64 {
        self.v.norm()
    }
    #[inline]
    pub fn norm_squared(&self) -> f64 {
        self.v.norm_squared()
    }
    #[inline]
    pub fn dot(&self, o: &Self) -> f64 {
        self.v.dot(&o.v)
    }
    #[inline]
    pub fn cross(&self, o: &Self) -> Self {
        Self::from_raw(self.v.cross(&o.v))
    }
    /// Unit vector; the zero vector stays zero.
    #[inline]
    pub fn normalize(&self) -> Self {
        let n = self.v.norm();
        if n > 0.0 {
            Self::from_raw(self.v / n)
        } else {
            *self
        }
    }
    /// True if every component is finite.
    #[inline]
    pub fn is_finite(&self) -> bool {
        self.v.iter().all(|c| c.is_finite())
    }
}

impl<F: Frame> Add for Vec3<F> {
    type Output = Self;
    #[inline]
    fn add(self, o: Self) -> Self {
        Self::from_raw(self.v + o.v)
    }
}
impl<F: Frame> AddAssign for Vec3<F> {
    #[inline]
    fn add_assign(&mut self, o: Self) {
        self.v += o.v;
    }
}
impl<F: Frame> Sub for Vec3<F> {
    type Output = Self;
    #[inline]
    fn sub(self, o: Self) -> Self {
        Self::from_raw(self.v - o.v)
    }
}
impl<F: Frame> SubAssign for Vec3<F> {
    #[inline]
    fn sub_assign(&mut self, o: Self) {
        self.v -= o.v;
    }
}
impl<F: Frame> Neg for Vec3<F> {
    type Output = Self;
    #[inline]
    fn neg(self) -> Self {
        Self::from_raw(-self.v)
    }
}
impl<F: Frame> Mul<f64> for Vec3<F> {
    type Output = Self;
    #[inline]
    fn mul(self, s: f64) -> Self {
        Self::from_raw(self.v * s)
    }
}
impl<F: Frame> Mul<Vec3<F>> for f64 {
    type Output = Vec3<F>;
    #[inline]
    fn mul(self, v: Vec3<F>) -> Vec3<F> {
        Vec3::from_raw(v.v * self)
    }
}
impl<F: Frame> Div<f64> for Vec3<F> {
    type Output = Self;
    #[inline]
    fn div(self, s: f64) -> Self {
        Self::from_raw(self.v / s)
    }
}

/// A proper rotation taking components in frame `A` to components in frame `B`.
#[derive(Clone, Copy, PartialEq)]
pub struct Rotation<A: Frame, B: Frame> {
    m: Matrix3<f64>,
    _frames: PhantomData<(A, B)>,
}

impl<A: Frame, B: Frame> fmt::Debug for Rotation<A, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rotation<{}→{}>{:?}", A::NAME, B::NAME, self.m)
    }
}

impl<A: Frame, B: Frame> Rotation<A, B> {
    /// Wraps a matrix whose rows are the axes of `B` expressed in `A` (so that `b = M a`).
    /// The caller guarantees it is orthonormal with determinant +1.
    #[inline]
    pub const fn from_matrix_unchecked(m: Matrix3<f64>) -> Self {
        Self {
            m,
            _frames: PhantomData,
        }
    }
    /// The matrix `M` with `b = M a`.
    #[inline]
    pub const fn matrix(&self) -> &Matrix3<f64> {
        &self.m
    }
    /// Applies the rotation to a vector of frame `A`.
    #[inline]
    pub fn apply(&self, a: &Vec3<A>) -> Vec3<B> {
        Vec3::from_raw(self.m * a.v)
    }
    /// The inverse rotation (`B` → `A`).
    #[inline]
    pub fn inverse(&self) -> Rotation<B, A> {
        Rotation::from_matrix_unchecked(self.m.transpose())
    }
    /// Composes `self` (A → B) with `next` (B → C) into A → C.
    #[inline]
    pub fn then<C: Frame>(&self, next: &Rotation<B, C>) -> Rotation<A, C> {
        Rotation::from_matrix_unchecked(next.m * self.m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_roundtrip_and_composition() {
        let c = 0.3f64.cos();
        let s = 0.3f64.sin();
        let r: Rotation<Gcrf, Itrf> =
            Rotation::from_matrix_unchecked(Matrix3::new(c, s, 0.0, -s, c, 0.0, 0.0, 0.0, 1.0));
        let a = Vec3::<Gcrf>::new(1.0, 2.0, 3.0);
        let b = r.apply(&a);
        let back = r.inverse().apply(&b);
        assert!((back - a).norm() < 1e-15);
        let id = r.then(&r.inverse());
        assert!((id.matrix() - Matrix3::identity()).norm() < 1e-15);
    }
}
