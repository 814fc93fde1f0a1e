//! The orbit propagator: epochs and GCRF states in; samples, events and statistics out.
//!
//! Wraps [`crate::propagate::integrate`] around [`OrbitDynamics`]: converts epochs to the
//! integrator's TT-seconds variable, samples the dense output on a fixed output grid (so the
//! output step is independent of the integration step), and turns event records into epochs.

use super::forces::ForceModel;
use super::orbit::OrbitDynamics;
use crate::frames::earth_orientation::EarthOrientationCache;
use crate::propagate::{
    integrate, DenseStep, EventFunction, IntegrationError, IntegratorConfig, Stats,
};
use crate::state::cartesian::OrbitState;
use crate::time::{epoch_from_tt_seconds_j2000, tt_seconds_j2000, Duration, Epoch};
use std::sync::Arc;

/// Why a propagation could not be done.
#[derive(Debug, thiserror::Error)]
pub enum PropagationError {
    #[error("integration failed at {} UTC", crate::time::utc_iso(*epoch))]
    Integration {
        epoch: Epoch,
        #[source]
        source: IntegrationError,
    },
    #[error("output step {0} must be positive")]
    BadOutputStep(Duration),
    #[error("a force model needs the Earth's orientation: build the propagator with an EOP cache covering the span")]
    NoEarthOrientation,
}

/// An event found during propagation.
#[derive(Clone, Debug)]
pub struct OrbitEvent {
    /// Detector name (`"periapsis"`, `"eclipse entry"`, …).
    pub name: String,
    pub epoch: Epoch,
    pub state: OrbitState,
    /// True when the switching function increased through zero.
    pub increasing: bool,
    /// Index of the detector in the slice passed to [`OrbitPropagator::propagate`].
    pub detector: usize,
}

/// The result of one propagation.
#[derive(Clone, Debug)]
pub struct PropagationResult {
    /// States on the output grid (start, start + step, …, and the final state).
    pub samples: Vec<OrbitState>,
    pub final_state: OrbitState,
    pub events: Vec<OrbitEvent>,
    pub stats: Stats,
    /// Right-hand-side evaluations (equals `stats.rhs_evals`; kept for reports).
    pub force_evaluations: u64,
    /// Set when a detector with the Stop action ended the propagation early.
    pub stopped_by: Option<usize>,
}

/// A configured orbit propagator.
#[derive(Debug)]
pub struct OrbitPropagator {
    pub forces: Vec<Box<dyn ForceModel>>,
    pub integrator: IntegratorConfig,
    pub earth: Option<Arc<EarthOrientationCache>>,
}

impl OrbitPropagator {
    pub fn new(
        forces: Vec<Box<dyn ForceModel>>,
        integrator: IntegratorConfig,
        earth: Option<Arc<EarthOrientationCache>>,
    ) -> Self {
        Self {
            forces,
            integrator,
            earth,
        }
    }

    /// Whether the force set needs an Earth-orientation cache.
    pub fn needs_earth_orientation(&self) -> bool {
        self.forces.iter().any(|f| f.needs_earth_rotation())
    }

    /// Propagates `initial` to `end` (forwards or backwards). With `output_step`, states are
    /// sampled every step from the start, plus the final state; without, only start and end.
    pub fn propagate(
        &self,
        initial: &OrbitState,
        end: Epoch,
        output_step: Option<Duration>,
        events: &mut [&mut dyn EventFunction<6>],
    ) -> Result<PropagationResult, PropagationError> {
        self.propagate_on_grid(initial, end, output_step, initial.epoch, events)
    }

    /// As [`OrbitPropagator::propagate`], with output samples at `grid_origin + n·step`
    /// (the initial state is always the first sample). Segments of one propagation cut by
    /// manoeuvres share the grid of the whole.
    pub fn propagate_on_grid(
        &self,
        initial: &OrbitState,
        end: Epoch,
        output_step: Option<Duration>,
        grid_origin: Epoch,
        events: &mut [&mut dyn EventFunction<6>],
    ) -> Result<PropagationResult, PropagationError> {
        if let Some(step) = output_step {
            if step <= Duration::ZERO {
                return Err(PropagationError::BadOutputStep(step));
            }
        }
        if self.needs_earth_orientation() && self.earth.is_none() {
            return Err(PropagationError::NoEarthOrientation);
        }
        for f in &self.forces {
            f.begin_propagation();
        }
        let mut dynamics = OrbitDynamics::new(&self.forces, self.earth.as_deref());
        // Without output sampling or events nobody reads the interpolant between step ends:
        // DOP853 can then skip its three dense-output stages (12 instead of 15 evaluations).
        let mut config = self.integrator;
        if output_step.is_none() && events.is_empty() {
            config.dense_output = false;
        }
        let t0 = tt_seconds_j2000(initial.epoch);
        let t1 = tt_seconds_j2000(end);
        let y0 = initial.to_vector();
        let forward = t1 >= t0;
        let step_s = output_step.map(|d| d.to_seconds());

        let mut samples = vec![*initial];
        // Grid index of the first sample after the start (in the direction of propagation).
        let step_d = output_step.unwrap_or_default();
        let mut next_index: i64 = match step_s {
            Some(step) => {
                let k = (initial.epoch - grid_origin).to_seconds() / step;
                let mut n = if forward {
                    k.floor() as i64 + 1
                } else {
                    k.ceil() as i64 - 1
                };
                // Guard against rounding: the first sample must lie strictly past the start.
                let past = |n: i64| {
                    let e = grid_origin + step_d * n;
                    if forward {
                        e > initial.epoch
                    } else {
                        e < initial.epoch
                    }
                };
                while !past(n) {
                    n += if forward { 1 } else { -1 };
                }
                n
            }
            None => 0,
        };
        let mut observer = |dense: &DenseStep<6>| {
            if step_s.is_none() {
                return;
            }
            let b = dense.t_end();
            loop {
                // Epoch from the grid origin plus an exact multiple of the step keeps the grid
                // free of floating-point drift in its time stamps.
                let epoch = grid_origin + step_d * next_index;
                let t = tt_seconds_j2000(epoch);
                let inside = if forward { t <= b } else { t >= b };
                if !inside || (forward && t > t1) || (!forward && t < t1) {
                    break;
                }
                let y = dense.eval(t);
                samples.push(OrbitState::from_vector(epoch, &y));
                next_index += if forward { 1 } else { -1 };
            }
        };
        // Integrate piecewise between the force models' discontinuities (3-hourly space-weather
        // steps, …) so that no step straddles one.
        let (lo, hi) = if forward { (t0, t1) } else { (t1, t0) };
        let mut cuts: Vec<f64> = self
            .forces
            .iter()
            .flat_map(|f| f.discontinuities_between(lo, hi))
            .filter(|t| *t > lo && *t < hi)
            .collect();
        cuts.sort_by(|a, b| a.total_cmp(b));
        cuts.dedup();
        if !forward {
            cuts.reverse();
        }
        cuts.push(t1);
        let to_error = |source: IntegrationError| {
            let t = match &source {
                IntegrationError::StepSizeUnderflow { t, .. }
                | IntegrationError::NonFinite { t }
                | IntegrationError::TooManySteps { t, .. }
                | IntegrationError::Rhs { t, .. } => *t,
                IntegrationError::InvalidConfig(_) => t0,
            };
            PropagationError::Integration {
                epoch: epoch_from_tt_seconds_j2000(t),
                source,
            }
        };
        let (mut t_seg, mut y_seg) = (t0, y0);
        let mut outcome = None::<crate::propagate::Outcome<6>>;
        for &t_cut in &cuts {
            // Models that sample along the trajectory start afresh on each side of a jump.
            for f in &self.forces {
                f.begin_propagation();
            }
            let seg = integrate(
                &mut dynamics,
                t_seg,
                &y_seg,
                t_cut,
                &config,
                events,
                &mut observer,
            )
            .map_err(to_error)?;
            t_seg = seg.t;
            y_seg = seg.y;
            let stopped = seg.stopped_by_event.is_some();
            outcome = Some(match outcome {
                None => seg,
                Some(mut acc) => {
                    acc.t = seg.t;
                    acc.y = seg.y;
                    acc.events.extend(seg.events);
                    acc.stats = Stats {
                        accepted: acc.stats.accepted + seg.stats.accepted,
                        rejected: acc.stats.rejected + seg.stats.rejected,
                        rhs_evals: acc.stats.rhs_evals + seg.stats.rhs_evals,
                    };
                    acc.stopped_by_event = seg.stopped_by_event;
                    acc
                }
            });
            if stopped {
                break;
            }
        }
        let Some(outcome) = outcome else {
            return Err(to_error(IntegrationError::InvalidConfig(
                "empty propagation span".into(),
            )));
        };
        let final_epoch = if outcome.stopped_by_event.is_some() {
            epoch_from_tt_seconds_j2000(outcome.t)
        } else {
            end
        };
        let final_state = OrbitState::from_vector(final_epoch, &outcome.y);
        if samples.last().map(|s| s.epoch) != Some(final_epoch) {
            samples.push(final_state);
        }
        let events = outcome
            .events
            .iter()
            .map(|e| {
                let epoch = epoch_from_tt_seconds_j2000(e.t);
                OrbitEvent {
                    name: e.name.clone(),
                    epoch,
                    state: OrbitState::from_vector(epoch, &e.y),
                    increasing: e.increasing,
                    detector: e.index,
                }
            })
            .collect();
        Ok(PropagationResult {
            samples,
            final_state,
            events,
            force_evaluations: dynamics.evaluations,
            stats: outcome.stats,
            stopped_by: outcome.stopped_by_event,
        })
    }
}
