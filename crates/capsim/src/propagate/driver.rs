//! The integration driver: step loop, step-size control, dense output, events, errors.
//!
//! * Step control follows Hairer, Nørsett & Wanner, *Solving ODEs I*, 2nd ed., §II.4: RMS error
//!   norm with `sc_i = atol + rtol·max(|y0_i|, |y1_i|)`, controller `h_new = h / fac`,
//!   `fac = clamp(err^α / err_old^β / safe, 1/facmax, 1/facmin)` with safe = 0.9 and the published
//!   constants of `dopri5` (PI controller, β = 0.04, facmin 0.2, facmax 10) and `dop853` (β = 0,
//!   facmin 0.333, facmax 6); no step growth right after a rejection. DOP853 uses Hairer's
//!   combined 5th/3rd-order error estimate (§II.10). Starting step: Hairer's `hinit` (§II.4).
//! * The last step is shortened (when the nominal step would pass within 1 % of `t_end`) so that
//!   it lands exactly on `t_end`; backward integration (`t_end < t0`) uses negative steps.
//! * Every failure ends the run with an [`IntegrationError`]: a non-finite trial step is retried
//!   with a quarter step and gives `NonFinite` once the step would drop below `min_step_s`;
//!   `max_steps` counts attempted steps, so no input can make the loop run forever.
//! * Stages live in a fixed `[SVector<f64, N>; 16]` on the stack; the only heap allocations are
//!   the per-event `g` cache (once per call) and the event records (only when an event is found).

use nalgebra::SVector;

use super::dense::{DenseKind, DenseStep};
use super::events::{brent, Direction, EventAction, EventFunction, EventRecord};
use super::ode::{OdeSystem, RhsError};
use super::tableau::*;
use super::{IntegratorConfig, Method};

/// Step statistics of one integration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Accepted steps.
    pub accepted: u64,
    /// Rejected steps (error too large or non-finite trial).
    pub rejected: u64,
    /// Right-hand-side evaluations, including dense-output stages and the starting-step guess.
    pub rhs_evals: u64,
}

/// Result of a successful integration.
#[derive(Debug, Clone)]
pub struct Outcome<const N: usize> {
    /// Final time (s): `t_end`, or the time of the Stop event.
    pub t: f64,
    /// State at `t`.
    pub y: SVector<f64, N>,
    /// Events found, in time order (in the direction of integration).
    pub events: Vec<EventRecord<N>>,
    pub stats: Stats,
    /// Index (into the events slice) of the event that stopped the run, if any.
    pub stopped_by_event: Option<usize>,
}

/// Why an integration failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum IntegrationError {
    #[error(
        "step size {h} s at t = {t} s fell below the minimum step (min_step_s or round-off limit)"
    )]
    StepSizeUnderflow { t: f64, h: f64 },
    #[error("non-finite state or derivative at t = {t} s")]
    NonFinite { t: f64 },
    #[error("too many steps: {steps} attempted by t = {t} s (max_steps)")]
    TooManySteps { t: f64, steps: u64 },
    #[error("right-hand side failed at t = {t} s")]
    Rhs { t: f64, source: RhsError },
    #[error("invalid integrator configuration: {0}")]
    InvalidConfig(String),
}

/// Counts rhs evaluations and maps the rhs error.
struct Counted<'a, S> {
    sys: &'a mut S,
    evals: u64,
}

impl<S> Counted<'_, S> {
    #[inline(always)]
    fn f<const N: usize>(
        &mut self,
        t: f64,
        y: &SVector<f64, N>,
    ) -> Result<SVector<f64, N>, IntegrationError>
    where
        S: OdeSystem<N>,
    {
        self.evals += 1;
        self.sys
            .rhs(t, y)
            .map_err(|source| IntegrationError::Rhs { t, source })
    }
}

#[inline(always)]
fn finite<const N: usize>(v: &SVector<f64, N>) -> bool {
    v.iter().all(|x| x.is_finite())
}

/// `Σ_{j<upto} w_j k_j`, skipping zero weights.
#[inline(always)]
fn wsum<const N: usize, const M: usize>(
    w: &[f64; M],
    k: &[SVector<f64, N>; 16],
    upto: usize,
) -> SVector<f64, N> {
    let mut acc = SVector::<f64, N>::zeros();
    for j in 0..upto {
        let a = w[j];
        if a != 0.0 {
            acc.axpy(a, &k[j], 1.0);
        }
    }
    acc
}

type TrialResult<const N: usize> = Result<Option<(SVector<f64, N>, f64)>, IntegrationError>;

/// An embedded explicit Runge–Kutta pair with dense output.
trait Scheme<const N: usize> {
    /// Index of f(t + h, y1) in the stage array after a trial (FSAL).
    const FSAL: usize;
    /// Order used by `hinit`.
    const ORDER: f64;
    /// Controller exponent α, PI exponent β, 1/facmin, 1/facmax.
    const EXPO1: f64;
    const BETA: f64;
    const FACC1: f64;
    const FACC2: f64;
    /// One trial step from (t, y) with k[0] = f(t, y). Fills the stages including FSAL.
    /// `Ok(None)` when anything came out non-finite.
    #[allow(clippy::too_many_arguments)]
    fn trial<S: OdeSystem<N>>(
        sys: &mut Counted<S>,
        t: f64,
        t1: f64,
        h: f64,
        y: &SVector<f64, N>,
        k: &mut [SVector<f64, N>; 16],
        atol: f64,
        rtol: f64,
    ) -> TrialResult<N>;
    /// Dense output of the accepted step (may evaluate extra stages).
    #[allow(clippy::too_many_arguments)]
    fn dense<S: OdeSystem<N>>(
        sys: &mut Counted<S>,
        t: f64,
        t1: f64,
        h: f64,
        y: &SVector<f64, N>,
        y1: &SVector<f64, N>,
        k: &mut [SVector<f64, N>; 16],
        full: bool,
    ) -> Result<DenseStep<N>, IntegrationError>;
}

const SAFE: f64 = 0.9;

struct Dp54;
struct Dp853;

impl<const N: usize> Scheme<N> for Dp54 {
    const FSAL: usize = 6;
    const ORDER: f64 = 5.0;
    const EXPO1: f64 = 0.2 - 0.04 * 0.75;
    const BETA: f64 = 0.04;
    const FACC1: f64 = 1.0 / 0.2;
    const FACC2: f64 = 1.0 / 10.0;

    #[inline]
    fn trial<S: OdeSystem<N>>(
        sys: &mut Counted<S>,
        t: f64,
        t1: f64,
        h: f64,
        y: &SVector<f64, N>,
        k: &mut [SVector<f64, N>; 16],
        atol: f64,
        rtol: f64,
    ) -> TrialResult<N> {
        for i in 1..6 {
            let yi = y + wsum(&DP54_A[i], k, i) * h;
            k[i] = sys.f(t + DP54_C[i] * h, &yi)?;
        }
        let y1 = y + wsum(&DP54_B, k, 6) * h;
        k[6] = sys.f(t1, &y1)?;
        if !finite(&y1) || !finite(&k[6]) {
            return Ok(None);
        }
        let ev = wsum(&DP54_E, k, 7) * h;
        let mut sum = 0.0;
        for i in 0..N {
            let sc = atol + rtol * y[i].abs().max(y1[i].abs());
            let e = ev[i] / sc;
            sum += e * e;
        }
        let err = (sum / N as f64).sqrt();
        Ok(err.is_finite().then_some((y1, err)))
    }

    #[inline]
    fn dense<S: OdeSystem<N>>(
        _sys: &mut Counted<S>,
        t: f64,
        t1: f64,
        h: f64,
        y: &SVector<f64, N>,
        y1: &SVector<f64, N>,
        k: &mut [SVector<f64, N>; 16],
        _full: bool,
    ) -> Result<DenseStep<N>, IntegrationError> {
        let mut d = DenseStep::hermite(t, t1, h, y, y1, &k[0], &k[6], DenseKind::Dopri5);
        d.c[4] = wsum(&DP54_D, k, 7) * h;
        Ok(d)
    }
}

impl<const N: usize> Scheme<N> for Dp853 {
    const FSAL: usize = 12;
    const ORDER: f64 = 8.0;
    const EXPO1: f64 = 1.0 / 8.0;
    const BETA: f64 = 0.0;
    const FACC1: f64 = 1.0 / 0.333;
    const FACC2: f64 = 1.0 / 6.0;

    #[inline]
    fn trial<S: OdeSystem<N>>(
        sys: &mut Counted<S>,
        t: f64,
        t1: f64,
        h: f64,
        y: &SVector<f64, N>,
        k: &mut [SVector<f64, N>; 16],
        atol: f64,
        rtol: f64,
    ) -> TrialResult<N> {
        for i in 1..12 {
            let yi = y + wsum(&DOP853_A[i], k, i) * h;
            let ti = if DOP853_C[i] == 1.0 {
                t1
            } else {
                t + DOP853_C[i] * h
            };
            k[i] = sys.f(ti, &yi)?;
        }
        let bsum = wsum(&DOP853_B, k, 12);
        let y1 = y + bsum * h;
        k[12] = sys.f(t1, &y1)?;
        if !finite(&y1) || !finite(&k[12]) {
            return Ok(None);
        }
        let e5 = wsum(&DOP853_E5, k, 12);
        let e3 = bsum - k[0] * DOP853_BHH[0] - k[8] * DOP853_BHH[1] - k[11] * DOP853_BHH[2];
        let (mut s5, mut s3) = (0.0, 0.0);
        for i in 0..N {
            let sc = atol + rtol * y[i].abs().max(y1[i].abs());
            let a = e5[i] / sc;
            let b = e3[i] / sc;
            s5 += a * a;
            s3 += b * b;
        }
        let deno = s5 + 0.01 * s3;
        let err = if deno > 0.0 {
            h.abs() * s5 / (N as f64 * deno).sqrt()
        } else {
            0.0
        };
        Ok(err.is_finite().then_some((y1, err)))
    }

    #[inline]
    fn dense<S: OdeSystem<N>>(
        sys: &mut Counted<S>,
        t: f64,
        t1: f64,
        h: f64,
        y: &SVector<f64, N>,
        y1: &SVector<f64, N>,
        k: &mut [SVector<f64, N>; 16],
        full: bool,
    ) -> Result<DenseStep<N>, IntegrationError> {
        if !full {
            return Ok(DenseStep::hermite(
                t,
                t1,
                h,
                y,
                y1,
                &k[0],
                &k[12],
                DenseKind::Hermite3,
            ));
        }
        for i in 13..16 {
            let yi = y + wsum(&DOP853_A[i], k, i) * h;
            let ti = t + DOP853_C[i] * h;
            k[i] = sys.f(ti, &yi)?;
            if !finite(&k[i]) {
                return Err(IntegrationError::NonFinite { t: ti });
            }
        }
        let mut d = DenseStep::hermite(t, t1, h, y, y1, &k[0], &k[12], DenseKind::Dop853);
        for (r, row) in DOP853_D.iter().enumerate() {
            d.c[4 + r] = wsum(row, k, 16) * h;
        }
        Ok(d)
    }
}

/// Per-run event bookkeeping.
struct EventTracker<'a, 'b, const N: usize> {
    events: &'a mut [&'b mut dyn EventFunction<N>],
    g_prev: Vec<f64>,
    t_origin: f64,
    tol: f64,
    dir: f64,
}

impl<'a, 'b, const N: usize> EventTracker<'a, 'b, N> {
    fn new(
        events: &'a mut [&'b mut dyn EventFunction<N>],
        t0: f64,
        y0: &SVector<f64, N>,
        tol: f64,
        dir: f64,
    ) -> Self {
        let g_prev = events.iter_mut().map(|e| e.g(t0, y0)).collect();
        Self {
            events,
            g_prev,
            t_origin: t0,
            tol,
            dir,
        }
    }

    /// Checks the accepted step for events, appends them in time order, and returns the index
    /// of a Stop event (after truncating `dense` at it).
    fn process(
        &mut self,
        dense: &mut DenseStep<N>,
        records: &mut Vec<EventRecord<N>>,
    ) -> Option<usize> {
        if self.events.is_empty() {
            return None;
        }
        let first = records.len();
        let (ta, tb) = (dense.t0, dense.t1);
        let d = *dense;
        for (i, ev) in self.events.iter_mut().enumerate() {
            let ga = self.g_prev[i];
            let gb = ev.g(tb, &d.y1);
            self.g_prev[i] = gb;
            // Crossing in integration order; `increasing` refers to g as a function of time,
            // so backward integration swaps the two.
            let up = ga < 0.0 && gb >= 0.0;
            let down = ga > 0.0 && gb <= 0.0;
            let (inc, dec) = if self.dir > 0.0 {
                (up, down)
            } else {
                (down, up)
            };
            let wanted = match ev.direction() {
                Direction::Increasing => inc,
                Direction::Decreasing => dec,
                Direction::Either => inc || dec,
            };
            if !wanted {
                continue;
            }
            let t_ev = if gb == 0.0 {
                tb
            } else {
                let (b, c, fb, _) = brent(|t| ev.g(t, &d.eval(t)), ta, tb, ga, gb, self.tol);
                // The bracket end on the far side of the crossing (see module docs).
                if fb == 0.0 || (fb > 0.0) == (gb > 0.0) {
                    b
                } else {
                    c
                }
            };
            if (t_ev - self.t_origin).abs() <= self.tol {
                continue;
            }
            records.push(EventRecord {
                index: i,
                name: ev.name().to_owned(),
                t: t_ev,
                y: d.eval(t_ev),
                increasing: inc,
            });
        }
        let dir = self.dir;
        let new = &mut records[first..];
        new.sort_unstable_by(|a, b| {
            (a.t * dir)
                .total_cmp(&(b.t * dir))
                .then(a.index.cmp(&b.index))
        });
        let events = &self.events;
        let p = new
            .iter()
            .position(|r| events[r.index].action() == EventAction::Stop)?;
        records.truncate(first + p + 1);
        let r = &records[first + p];
        dense.t_stop = r.t;
        Some(r.index)
    }
}

/// Integrates `dy/dt = sys.rhs(t, y)` from `(t0, y0)` to `t_end` (forward or backward).
///
/// After every accepted step `observer` receives that step's dense output (truncated at a Stop
/// event). Events are located as described in [`super::events`].
pub fn integrate<const N: usize, S: OdeSystem<N>>(
    sys: &mut S,
    t0: f64,
    y0: &SVector<f64, N>,
    t_end: f64,
    config: &IntegratorConfig,
    events: &mut [&mut dyn EventFunction<N>],
    observer: &mut dyn FnMut(&DenseStep<N>),
) -> Result<Outcome<N>, IntegrationError> {
    config.validate()?;
    if !t0.is_finite() || !t_end.is_finite() {
        return Err(IntegrationError::InvalidConfig(format!(
            "start time {t0} s and end time {t_end} s must be finite"
        )));
    }
    if !finite(y0) {
        return Err(IntegrationError::NonFinite { t: t0 });
    }
    let mut out = Outcome {
        t: t0,
        y: *y0,
        events: Vec::new(),
        stats: Stats::default(),
        stopped_by_event: None,
    };
    if t_end == t0 {
        return Ok(out);
    }
    let dir = if t_end > t0 { 1.0 } else { -1.0 };
    let full_dense = config.dense_output || !events.is_empty();
    let mut ev = EventTracker::new(events, t0, y0, config.event_time_tol_s, dir);
    let mut sys = Counted { sys, evals: 0 };
    let r = match config.method {
        Method::Rk4 { step_s } => rk4_loop(
            &mut sys,
            t0,
            t_end,
            dir,
            step_s.min(config.max_step_s),
            config.max_steps,
            &mut ev,
            observer,
            &mut out,
        ),
        Method::DormandPrince54 => adaptive_loop::<N, S, Dp54>(
            &mut sys, t_end, dir, config, full_dense, &mut ev, observer, &mut out,
        ),
        Method::Dop853 => adaptive_loop::<N, S, Dp853>(
            &mut sys, t_end, dir, config, full_dense, &mut ev, observer, &mut out,
        ),
    };
    out.stats.rhs_evals = sys.evals;
    r.map(|()| out)
}

/// Finishes an accepted step: events, observer, state update. Returns `true` when a Stop event
/// ended the run.
#[inline]
fn accept_step<const N: usize>(
    mut dense: DenseStep<N>,
    ev: &mut EventTracker<N>,
    observer: &mut dyn FnMut(&DenseStep<N>),
    out: &mut Outcome<N>,
) -> bool {
    out.stats.accepted += 1;
    let stop = ev.process(&mut dense, &mut out.events);
    observer(&dense);
    if let Some(i) = stop {
        out.t = dense.t_stop;
        out.y = out.events.last().map_or(dense.y1, |r| r.y);
        out.stopped_by_event = Some(i);
        true
    } else {
        out.t = dense.t1;
        out.y = dense.y1;
        false
    }
}

#[allow(clippy::too_many_arguments)]
fn rk4_loop<const N: usize, S: OdeSystem<N>>(
    sys: &mut Counted<S>,
    t0: f64,
    t_end: f64,
    dir: f64,
    step_s: f64,
    max_steps: u64,
    ev: &mut EventTracker<N>,
    observer: &mut dyn FnMut(&DenseStep<N>),
    out: &mut Outcome<N>,
) -> Result<(), IntegrationError> {
    let mut t = t0;
    let mut y = out.y;
    let mut f0 = sys.f(t, &y)?;
    if !finite(&f0) {
        return Err(IntegrationError::NonFinite { t });
    }
    loop {
        if out.stats.accepted >= max_steps {
            return Err(IntegrationError::TooManySteps {
                t,
                steps: out.stats.accepted,
            });
        }
        let mut h = dir * step_s;
        let last = (t + h * (1.0 + 1e-9) - t_end) * dir >= 0.0;
        let t1 = if last { t_end } else { t + h };
        if last {
            h = t_end - t;
        }
        let hh = 0.5 * h;
        let k2 = sys.f(t + hh, &(y + f0 * hh))?;
        let k3 = sys.f(t + hh, &(y + k2 * hh))?;
        let k4 = sys.f(t1, &(y + k3 * h))?;
        let y1 = y + (f0 + (k2 + k3) * 2.0 + k4) * (h / 6.0);
        let f1 = sys.f(t1, &y1)?;
        if !finite(&y1) || !finite(&f1) {
            return Err(IntegrationError::NonFinite { t });
        }
        let dense = DenseStep::hermite(t, t1, h, &y, &y1, &f0, &f1, DenseKind::Hermite3);
        if accept_step(dense, ev, observer, out) || last {
            return Ok(());
        }
        t = t1;
        y = y1;
        f0 = f1;
    }
}

/// Hairer's starting step (HNW I, §II.4, "Starting step size"), with RMS norms.
#[allow(clippy::too_many_arguments)]
fn hinit<const N: usize, S: OdeSystem<N>>(
    sys: &mut Counted<S>,
    t: f64,
    y: &SVector<f64, N>,
    f0: &SVector<f64, N>,
    dir: f64,
    hmax: f64,
    order: f64,
    atol: f64,
    rtol: f64,
) -> Result<f64, IntegrationError> {
    let n = N as f64;
    let (mut dnf, mut dny) = (0.0, 0.0);
    for i in 0..N {
        let sk = atol + rtol * y[i].abs();
        dnf += (f0[i] / sk).powi(2);
        dny += (y[i] / sk).powi(2);
    }
    dnf /= n;
    dny /= n;
    let mut h = if dnf <= 1e-10 || dny <= 1e-10 {
        1e-6
    } else {
        (dny / dnf).sqrt() * 0.01
    };
    h = h.min(hmax);
    let y1 = y + f0 * (dir * h);
    let f1 = sys.f(t + dir * h, &y1)?;
    if !finite(&f1) {
        return Ok(h);
    }
    let mut der2 = 0.0;
    for i in 0..N {
        let sk = atol + rtol * y[i].abs();
        der2 += ((f1[i] - f0[i]) / sk).powi(2);
    }
    let der2 = (der2 / n).sqrt() / h;
    let der12 = der2.max(dnf.sqrt());
    let h1 = if der12 <= 1e-15 {
        (h * 1e-3).max(1e-6)
    } else {
        (0.01 / der12).powf(1.0 / order)
    };
    Ok((100.0 * h).min(h1).min(hmax))
}

#[allow(clippy::too_many_arguments)]
fn adaptive_loop<const N: usize, S: OdeSystem<N>, M: Scheme<N>>(
    sys: &mut Counted<S>,
    t_end: f64,
    dir: f64,
    cfg: &IntegratorConfig,
    full_dense: bool,
    ev: &mut EventTracker<N>,
    observer: &mut dyn FnMut(&DenseStep<N>),
    out: &mut Outcome<N>,
) -> Result<(), IntegrationError> {
    let (atol, rtol) = (cfg.abs_tol, cfg.rel_tol);
    let (hmin, hmax) = (cfg.min_step_s, cfg.max_step_s);
    let mut t = out.t;
    let mut y = out.y;
    let mut k = [SVector::<f64, N>::zeros(); 16];
    k[0] = sys.f(t, &y)?;
    if !finite(&k[0]) {
        return Err(IntegrationError::NonFinite { t });
    }
    let mut h_abs = match cfg.initial_step_s {
        Some(h) => h,
        None => hinit(sys, t, &y, &k[0], dir, hmax, M::ORDER, atol, rtol)?,
    };
    h_abs = h_abs.min(hmax).max(hmin);
    let mut facold: f64 = 1e-4;
    let mut reject_prev = false;
    let mut nonfinite_prev = false;
    loop {
        let steps = out.stats.accepted + out.stats.rejected;
        if steps >= cfg.max_steps {
            return Err(IntegrationError::TooManySteps { t, steps });
        }
        let mut h = dir * h_abs;
        let last = (t + 1.01 * h - t_end) * dir >= 0.0;
        if last {
            h = t_end - t;
        }
        let t1 = if last { t_end } else { t + h };
        // Round-off limit (HNW's `0.1 |h| <= |t| uround`); the final, shortened step is exempt.
        if !last && 0.1 * h.abs() <= t.abs() * f64::EPSILON {
            if nonfinite_prev {
                return Err(IntegrationError::NonFinite { t });
            }
            return Err(IntegrationError::StepSizeUnderflow { t, h });
        }
        match M::trial(sys, t, t1, h, &y, &mut k, atol, rtol)? {
            None => {
                out.stats.rejected += 1;
                reject_prev = true;
                nonfinite_prev = true;
                h_abs = 0.25 * h.abs();
                if h_abs < hmin {
                    return Err(IntegrationError::NonFinite { t });
                }
            }
            Some((y1, err)) => {
                nonfinite_prev = false;
                let fac11 = err.powf(M::EXPO1);
                if err <= 1.0 {
                    let fac = (fac11 / facold.powf(M::BETA) / SAFE).clamp(M::FACC2, M::FACC1);
                    facold = err.max(1e-4);
                    let dense = M::dense(sys, t, t1, h, &y, &y1, &mut k, full_dense)?;
                    if accept_step(dense, ev, observer, out) || last {
                        return Ok(());
                    }
                    t = t1;
                    y = y1;
                    k[0] = k[M::FSAL];
                    let mut h_new = (h.abs() / fac).min(hmax);
                    if reject_prev {
                        h_new = h_new.min(h.abs());
                    }
                    reject_prev = false;
                    if h_new < hmin {
                        return Err(IntegrationError::StepSizeUnderflow { t, h: dir * h_new });
                    }
                    h_abs = h_new;
                } else {
                    out.stats.rejected += 1;
                    reject_prev = true;
                    let h_new = h.abs() / M::FACC1.min(fac11 / SAFE);
                    if h_new < hmin {
                        return Err(IntegrationError::StepSizeUnderflow { t, h: dir * h_new });
                    }
                    h_abs = h_new;
                }
            }
        }
    }
}
