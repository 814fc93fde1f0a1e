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

/// Daily altitude statistics: heights in km (m resolution).
pub fn write_daily_altitudes_csv(
    w: &mut dyn Write,
    days: &[capsim::dynamics::altitude_report::DailyAltitude],
) -> io::Result<()> {
    writeln!(
        w,
        "date_utc,samples,mean_height_km,mean_sma_km,mean_perigee_alt_km,mean_apogee_alt_km"
    )?;
    for d in days {
        let (y, m, day, ..) = d.day_start.to_gregorian_utc();
        writeln!(
            w,
            "{y:04}-{m:02}-{day:02},{},{:.3},{:.3},{:.3},{:.3}",
            d.samples,
            d.mean_height_m / 1e3,
            d.mean_sma_m / 1e3,
            d.mean_perigee_alt_m / 1e3,
            d.mean_apogee_alt_m / 1e3
        )?;
    }
    Ok(())
}
