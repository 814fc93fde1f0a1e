//! CCSDS Orbit Ephemeris Message, KVN encoding (CCSDS 502.0-B-3, "Orbit Data Messages",
//! 2023; version 3.0 header keyword, readable by version-2 consumers as the KVN body is the same).
//!
//! Positions in km and velocities in km/s, as the standard requires; epochs in UTC.

use crate::timefmt::iso_utc_micro;
use capsim::state::cartesian::OrbitState;
use std::io::{self, Write};

/// The metadata block of one OEM segment.
#[derive(Clone, Debug)]
pub struct OemMeta {
    pub object_name: String,
    pub object_id: String,
    pub originator: String,
    /// Free-text comment lines (force models, tolerances, source of the initial state).
    pub comments: Vec<String>,
}

/// Writes a single-segment OEM for `states` (GCRF, UTC).
pub fn write_oem(w: &mut dyn Write, meta: &OemMeta, states: &[OrbitState]) -> io::Result<()> {
    write_oem_segments(w, meta, &[states])
}

/// Writes an OEM with one segment per slice — e.g. the pieces of a trajectory between impulsive
/// manoeuvres, so that no reader interpolates across a velocity jump (CCSDS 502.0-B-3: data are
/// not interpolated across segment boundaries).
pub fn write_oem_segments(
    w: &mut dyn Write,
    meta: &OemMeta,
    segments: &[&[OrbitState]],
) -> io::Result<()> {
    let Some(first) = segments.iter().find_map(|s| s.first()) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "an OEM needs at least one state",
        ));
    };
    writeln!(w, "CCSDS_OEM_VERS = 3.0")?;
    // CREATION_DATE is the first epoch, not the wall clock, so the same inputs give the same
    // bytes (determinism is a project invariant); ORIGINATOR says which tool wrote it.
    writeln!(w, "CREATION_DATE = {}", iso_utc_micro(first.epoch))?;
    writeln!(w, "ORIGINATOR = {}", meta.originator)?;
    for (k, states) in segments.iter().enumerate() {
        let (Some(start), Some(stop)) = (states.first(), states.last()) else {
            continue;
        };
        writeln!(w)?;
        writeln!(w, "META_START")?;
        writeln!(w, "OBJECT_NAME = {}", meta.object_name)?;
        writeln!(w, "OBJECT_ID = {}", meta.object_id)?;
        writeln!(w, "CENTER_NAME = EARTH")?;
        writeln!(w, "REF_FRAME = GCRF")?;
        writeln!(w, "TIME_SYSTEM = UTC")?;
        writeln!(w, "START_TIME = {}", iso_utc_micro(start.epoch))?;
        writeln!(w, "STOP_TIME = {}", iso_utc_micro(stop.epoch))?;
        writeln!(w, "META_STOP")?;
        writeln!(w)?;
        if k == 0 {
            for c in &meta.comments {
                writeln!(w, "COMMENT {c}")?;
            }
        } else {
            writeln!(
                w,
                "COMMENT segment {} begins after an impulsive manoeuvre",
                k + 1
            )?;
        }
        for s in states.iter() {
            let r = s.r.raw() / 1e3;
            let v = s.v.raw() / 1e3;
            writeln!(
                w,
                "{} {:.6} {:.6} {:.6} {:.9} {:.9} {:.9}",
                iso_utc_micro(s.epoch),
                r.x,
                r.y,
                r.z,
                v.x,
                v.y,
                v.z
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use capsim::frames::Vec3;
    use hifitime::Epoch;

    #[test]
    fn writes_kvn() {
        let e = Epoch::from_gregorian_utc(2007, 10, 10, 13, 31, 27, 0);
        let s = OrbitState::new(e, Vec3::new(6.7e6, 1.0, 2.0), Vec3::new(3.0, 7.7e3, 0.5));
        let mut buf = Vec::new();
        let meta = OemMeta {
            object_name: "SOYUZ TMA-11".into(),
            object_id: "2007-045A".into(),
            originator: "capsim".into(),
            comments: vec!["forces: j2".into()],
        };
        write_oem(&mut buf, &meta, &[s]).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(text.contains("REF_FRAME = GCRF"));
        assert!(text.contains(
            "2007-10-10T13:31:27.000000 6700.000000 0.001000 0.002000 0.003000000 7.700000000 0.000500000"
        ));
    }
}
