//! Trajectory CSV: one header row, one row per sample, SI units named in the header.

use crate::timefmt::iso_utc_micro;
use capsim::state::cartesian::OrbitState;
use std::io::{self, Write};

/// The header `capsim propagate` promises scripts (issue #2 command-line contract).
pub const TRAJECTORY_HEADER: &str = "epoch_utc,x_m,y_m,z_m,vx_m_s,vy_m_s,vz_m_s";

/// Writes GCRF states, positions in m (mm resolution) and velocities in m/s (µm/s).
pub fn write_trajectory_csv(w: &mut dyn Write, states: &[OrbitState]) -> io::Result<()> {
    writeln!(w, "{TRAJECTORY_HEADER}")?;
    for s in states {
        let (r, v) = (s.r.raw(), s.v.raw());
        writeln!(
            w,
            "{},{:.3},{:.3},{:.3},{:.6},{:.6},{:.6}",
            iso_utc_micro(s.epoch),
            r.x,
            r.y,
            r.z,
            v.x,
            v.y,
            v.z
        )?;
    }
    Ok(())
}
