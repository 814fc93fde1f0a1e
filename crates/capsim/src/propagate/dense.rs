//! Dense output of one accepted step: a polynomial in the step fraction `s = (t − t_start)/h`.
//!
//! All three interpolants share Hairer's nested form (HNW I, §II.6 and §II.10, codes `contd5`,
//! `contd8`):
//!
//! `y(s) = c0 + s (c1 + s' (c2 + s (c3 + s' P))),  P = c4 + s (c5 + s' (c6 + s c7)),  s' = 1 − s`
//!
//! with `c0 = y0`, `c1 = y1 − y0`, `c2 = h f0 − c1`, `c3 = c1 − h f1 − c2` (this much is the cubic
//! Hermite interpolant) and, for DOPRI5, `c4 = h Σ d_i k_i` (order 4), for DOP853 `c4..c7` from
//! the 3 extra stages (order 7). The coefficients live in a fixed array, so a `DenseStep` is a
//! plain `Copy` value with no heap storage.

use nalgebra::SVector;

/// Which interpolant a [`DenseStep`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DenseKind {
    /// Cubic Hermite from end values and derivatives (RK4, or DOP853 with `dense_output = false`).
    Hermite3,
    /// DOPRI5 4th-order continuous extension.
    Dopri5,
    /// DOP853 7th-order dense output.
    Dop853,
}

/// Interpolant over one accepted step, valid on `[t_start, t_end]` (it extrapolates outside).
#[derive(Debug, Clone, Copy)]
pub struct DenseStep<const N: usize> {
    pub(crate) t0: f64,
    /// Full step (signed) the polynomial is scaled with.
    pub(crate) h: f64,
    /// Nominal end of the step (exactly the driver's new time, `≈ t0 + h`).
    pub(crate) t1: f64,
    /// End of validity: `t1`, or an event time when the step was truncated by a Stop event.
    pub(crate) t_stop: f64,
    pub(crate) y1: SVector<f64, N>,
    pub(crate) kind: DenseKind,
    pub(crate) c: [SVector<f64, N>; 8],
}

impl<const N: usize> DenseStep<N> {
    /// Start of the step (s).
    #[inline]
    pub fn t_start(&self) -> f64 {
        self.t0
    }

    /// End of the step (s); the event time if the step was truncated by a Stop event.
    #[inline]
    pub fn t_end(&self) -> f64 {
        self.t_stop
    }

    /// The interpolant's kind (order).
    #[inline]
    pub fn kind(&self) -> DenseKind {
        self.kind
    }

    /// The state at `t` (s). Exact (bit for bit) at the step's two end points.
    #[inline]
    pub fn eval(&self, t: f64) -> SVector<f64, N> {
        if t == self.t1 {
            return self.y1;
        }
        let s = (t - self.t0) / self.h;
        let s1 = 1.0 - s;
        let c = &self.c;
        let inner = match self.kind {
            DenseKind::Hermite3 => c[3],
            DenseKind::Dopri5 => c[3] + c[4] * s1,
            DenseKind::Dop853 => {
                let p = c[4] + (c[5] + (c[6] + c[7] * s) * s1) * s;
                c[3] + p * s1
            }
        };
        c[0] + (c[1] + (c[2] + inner * s) * s1) * s
    }

    /// Builds the cubic Hermite part shared by all kinds; `kind` chooses which further
    /// coefficients `c[4..8]` the caller fills.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn hermite(
        t0: f64,
        t1: f64,
        h: f64,
        y0: &SVector<f64, N>,
        y1: &SVector<f64, N>,
        f0: &SVector<f64, N>,
        f1: &SVector<f64, N>,
        kind: DenseKind,
    ) -> Self {
        let c1 = y1 - y0;
        let c2 = f0 * h - c1;
        let c3 = c1 - f1 * h - c2;
        let z = SVector::<f64, N>::zeros();
        Self {
            t0,
            h,
            t1,
            t_stop: t1,
            y1: *y1,
            kind,
            c: [*y0, c1, c2, c3, z, z, z, z],
        }
    }
}
