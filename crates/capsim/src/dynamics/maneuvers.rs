//! Impulsive manoeuvres (a station's reboosts) and propagation through a schedule of them.
//!
//! A reboost of the ISS lasts minutes against a 92-minute orbit, so an impulsive Δv at the
//! burn's mid-time is the usual planning model (Vallado 4th ed. §6.3). The Δv is given in the
//! VNB frame of the state at the burn (x along velocity): `[dv, 0, 0]` is a prograde reboost.

use super::propagator::{OrbitEvent, OrbitPropagator, PropagationError, PropagationResult};
use crate::frames::local::gcrf_to_vnb;
use crate::frames::{Vec3, Vnb};
use crate::propagate::{EventFunction, Stats};
use crate::state::cartesian::OrbitState;
use crate::time::{Duration, Epoch};

/// One impulsive burn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ImpulsiveManeuver {
    pub epoch: Epoch,
    /// Δv in the VNB frame at the burn, m/s.
    pub dv_vnb_m_s: [f64; 3],
}

/// Why a schedule cannot be flown.
#[derive(Debug, thiserror::Error)]
pub enum ManeuverError {
    #[error("manoeuvre at {epoch}: the state has no defined velocity frame ({reason})")]
    Frame { epoch: Epoch, reason: String },
    #[error(transparent)]
    Propagation(#[from] PropagationError),
}

impl ImpulsiveManeuver {
    /// The state just after the burn.
    pub fn apply(&self, s: &OrbitState) -> Result<OrbitState, ManeuverError> {
        let rot = gcrf_to_vnb(&s.r, &s.v).map_err(|e| ManeuverError::Frame {
            epoch: self.epoch,
            reason: e.to_string(),
        })?;
        let [x, y, z] = self.dv_vnb_m_s;
        let dv = rot.inverse().apply(&Vec3::<Vnb>::new(x, y, z));
        Ok(OrbitState::new(s.epoch, s.r, s.v + dv))
    }
}

impl OrbitPropagator {
    /// Propagates through `maneuvers` (applied in time order at their epochs, those outside
    /// `(initial, end]` ignored). Each burn is recorded as an event named `"maneuver"`. The
    /// output grid continues across burns (samples every `output_step` from the start).
    pub fn propagate_with_maneuvers(
        &self,
        initial: &OrbitState,
        end: Epoch,
        output_step: Option<Duration>,
        events: &mut [&mut dyn EventFunction<6>],
        maneuvers: &[ImpulsiveManeuver],
    ) -> Result<PropagationResult, ManeuverError> {
        let mut burns: Vec<ImpulsiveManeuver> = maneuvers
            .iter()
            .copied()
            .filter(|m| m.epoch > initial.epoch && m.epoch <= end)
            .collect();
        burns.sort_by_key(|b| b.epoch);
        if burns.is_empty() {
            return Ok(self.propagate(initial, end, output_step, events)?);
        }
        let mut state = *initial;
        let mut all: Option<PropagationResult> = None;
        let mut segment_ends: Vec<Epoch> = burns.iter().map(|b| b.epoch).collect();
        segment_ends.push(end);
        for (i, seg_end) in segment_ends.iter().enumerate() {
            if *seg_end > state.epoch {
                let r =
                    self.propagate_on_grid(&state, *seg_end, output_step, initial.epoch, events)?;
                let stopped = r.stopped_by.is_some();
                state = r.final_state;
                merge(&mut all, r);
                if stopped {
                    break;
                }
            }
            if let Some(burn) = burns.get(i) {
                let after = burn.apply(&state)?;
                if let Some(acc) = all.as_mut() {
                    acc.events.push(OrbitEvent {
                        name: "maneuver".into(),
                        epoch: burn.epoch,
                        state: after,
                        increasing: true,
                        detector: usize::MAX,
                    });
                    acc.final_state = after;
                }
                state = after;
            }
        }
        all.ok_or_else(|| ManeuverError::Frame {
            epoch: initial.epoch,
            reason: "nothing was propagated".into(),
        })
    }
}

/// Appends a segment: samples after the last kept epoch (the segment's first sample repeats
/// the burn epoch), events, statistics.
fn merge(acc: &mut Option<PropagationResult>, seg: PropagationResult) {
    match acc {
        None => *acc = Some(seg),
        Some(a) => {
            for s in &seg.samples {
                if a.samples.last().is_none_or(|p| p.epoch < s.epoch) {
                    a.samples.push(*s);
                }
            }
            a.events.extend(seg.events);
            a.final_state = seg.final_state;
            a.stats = Stats {
                accepted: a.stats.accepted + seg.stats.accepted,
                rejected: a.stats.rejected + seg.stats.rejected,
                rhs_evals: a.stats.rhs_evals + seg.stats.rhs_evals,
            };
            a.force_evaluations += seg.force_evaluations;
            a.stopped_by = seg.stopped_by;
        }
    }
}
