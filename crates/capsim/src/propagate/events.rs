//! Event functions and their location on the dense output.
//!
//! An event is a sign change of a scalar `g(t, y)`. The driver evaluates every `g` at each
//! accepted step end; a sign change that matches the event's [`Direction`] is bracketed by the
//! step and its root is found with Brent's method (R. P. Brent, *Algorithms for Minimization
//! without Derivatives*, Prentice-Hall 1973, ch. 4, procedure `zero`) on `g(t, dense(t))`, so no
//! extra right-hand-side evaluations are spent. The reported time is the end of Brent's final
//! bracket that lies on the *far* side of the crossing (within `event_time_tol_s` of the root);
//! restarting there therefore sees `g` already on its new side and never reports the same
//! crossing twice. A step that starts with `g == 0` exactly does not report a crossing, and a
//! root within `event_time_tol_s` of the integration start is ignored (it belongs to the caller's
//! previous run). Limitation, as in every step-end sign test: two roots of the same `g` inside one
//! step cancel out; cap `max_step_s` if `g` can oscillate faster than the step.

use nalgebra::SVector;

/// Which sign changes of `g` count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `g` goes from negative to positive.
    Increasing,
    /// `g` goes from positive to negative.
    Decreasing,
    /// Either.
    Either,
}

/// What the integrator does when the event occurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventAction {
    /// Record the event and go on.
    Continue,
    /// Record the event and end the integration at it.
    Stop,
}

/// A scalar function whose sign changes are events.
pub trait EventFunction<const N: usize> {
    /// Name copied into the [`EventRecord`].
    fn name(&self) -> &str;
    /// The event function; its zeros are the events.
    fn g(&mut self, t: f64, y: &SVector<f64, N>) -> f64;
    /// Which crossings count (default: both).
    fn direction(&self) -> Direction {
        Direction::Either
    }
    /// What to do on a crossing (default: record and continue).
    fn action(&self) -> EventAction {
        EventAction::Continue
    }
}

/// One located event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord<const N: usize> {
    /// Index into the `events` slice given to the integrator.
    pub index: usize,
    /// The event function's name.
    pub name: String,
    /// Event time (s), within `event_time_tol_s` of the true root of `g` on the dense output.
    pub t: f64,
    /// State at `t` (from the dense output).
    pub y: SVector<f64, N>,
    /// `true` if `g` went from negative to positive.
    pub increasing: bool,
}

/// Brent's root finder on a bracket `[a, b]` with `fa`, `fb` of opposite signs (or one zero).
///
/// Returns `(b, c, fb, fc)`: the root lies between `b` and `c`, `|b − c| ≤ xtol + 4 ε |b|`, and `b`
/// is the best estimate (`fb == 0` possible). Terminates after at most 200 iterations.
pub(crate) fn brent<F: FnMut(f64) -> f64>(
    mut f: F,
    mut a: f64,
    mut b: f64,
    mut fa: f64,
    mut fb: f64,
    xtol: f64,
) -> (f64, f64, f64, f64) {
    let mut c = b;
    let mut fc = fb;
    let mut d = b - a;
    let mut e = d;
    for _ in 0..200 {
        if (fb > 0.0 && fc > 0.0) || (fb < 0.0 && fc < 0.0) {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol1 = 2.0 * f64::EPSILON * b.abs() + 0.5 * xtol;
        let xm = 0.5 * (c - b);
        if xm.abs() <= tol1 || fb == 0.0 {
            return (b, c, fb, fc);
        }
        if e.abs() >= tol1 && fa.abs() > fb.abs() {
            // Inverse quadratic interpolation, or secant when only two points are distinct.
            let s = fb / fa;
            let (mut p, mut q);
            if a == c {
                p = 2.0 * xm * s;
                q = 1.0 - s;
            } else {
                let qq = fa / fc;
                let r = fb / fc;
                p = s * (2.0 * xm * qq * (qq - r) - (b - a) * (r - 1.0));
                q = (qq - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if 2.0 * p < (3.0 * xm * q - (tol1 * q).abs()).min((e * q).abs()) {
                e = d;
                d = p / q;
            } else {
                d = xm;
                e = d;
            }
        } else {
            d = xm;
            e = d;
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol1 { d } else { tol1.copysign(xm) };
        fb = f(b);
        if fb.is_nan() {
            // A NaN inside the bracket: stop with the current bracket (still contains the root
            // as far as the sign information goes).
            return (a, c, fa, fc);
        }
    }
    (b, c, fb, fc)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference: the exact roots of elementary functions (cos x = 0 at π/2; x³ − 2 at 2^(1/3)).
    #[test]
    fn brent_finds_roots_within_tolerance() {
        let (b, c, _, _) = brent(f64::cos, 0.0, 3.0, 1.0, 3f64.cos(), 1e-9);
        assert!((b - core::f64::consts::FRAC_PI_2).abs() < 1e-9);
        assert!((b - c).abs() <= 1e-9 + 1e-15);
        let f = |x: f64| x * x * x - 2.0;
        let (b, c, fb, fc) = brent(f, 0.0, 2.0, f(0.0), f(2.0), 1e-12);
        assert!((b - 2f64.cbrt()).abs() < 1e-12);
        assert!(fb == 0.0 || (fb > 0.0) != (fc > 0.0));
        assert!((c - 2f64.cbrt()).abs() < 1e-12);
    }
}
