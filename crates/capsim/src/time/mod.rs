//! Time: hifitime [`Epoch`]s in every public signature; bare seconds only inside kernels.
//!
//! Numerical kernels need a cheap, uniform independent variable. We use TT seconds since the
//! J2000.0 epoch (2000-01-01T12:00:00 TT) as an `f64` — the argument every IAU model expects —
//! and convert at the edges with [`tt_seconds_j2000`] and [`epoch_from_tt_seconds_j2000`]. At
//! 3e8 s (2010) an f64 resolves 6e-8 s, far below any model's sensitivity.
//!
//! UTC, TAI, TT and TDB come from hifitime (which carries the leap-second table). UT1 needs
//! Earth-orientation data and is provided by [`crate::frames::eop`].

pub use hifitime::{Duration, Epoch, TimeScale, Unit};

/// Julian date of J2000.0.
pub const J2000_JD: f64 = 2_451_545.0;

/// Modified Julian date of J2000.0 (2000-01-01T12:00).
pub const J2000_MJD: f64 = 51_544.5;

/// TT seconds elapsed since J2000.0 (2000-01-01T12:00:00 TT).
///
/// Computed from hifitime's exact (integer-nanosecond) TT duration, so the only rounding is
/// the final conversion to f64 (6e-8 s in 2008). `Epoch::to_tt_seconds` counts from 1900 and
/// would round to ~0.5 µs, 4 mm of LEO travel.
#[inline]
pub fn tt_seconds_j2000(epoch: Epoch) -> f64 {
    (epoch.to_tt_duration() - j2000_tt_offset()).to_seconds()
}

/// The epoch `tt_s` TT seconds after J2000.0.
#[inline]
pub fn epoch_from_tt_seconds_j2000(tt_s: f64) -> Epoch {
    Epoch::from_tt_duration(Duration::from_seconds(tt_s) + j2000_tt_offset())
}

/// hifitime's TT durations count from 1900-01-01T00:00 TAI, i.e. TT 1900-01-01T00:00:32.184;
/// J2000.0 TT is 36524.5 days after that instant in TT.
#[inline]
fn j2000_tt_offset() -> Duration {
    Duration::from_days(36_524.5)
}

/// `YYYY-MM-DDThh:mm:ss.sss` in UTC, for messages.
pub fn utc_iso(epoch: Epoch) -> String {
    let (y, mo, d, h, mi, s, ns) = epoch.to_gregorian_utc();
    format!(
        "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:03}",
        ns / 1_000_000
    )
}

/// Julian centuries of TT since J2000.0, from TT seconds.
#[inline]
pub fn tt_centuries(tt_s: f64) -> f64 {
    tt_s / (36_525.0 * 86_400.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn j2000_is_zero() {
        let j2000 = Epoch::from_gregorian(2000, 1, 1, 12, 0, 0, 0, TimeScale::TT);
        assert!(tt_seconds_j2000(j2000).abs() < 1e-9);
        // 2000-01-01T11:58:55.816 UTC is J2000.0 TT (TT-UTC = 64.184 s in 2000).
        let utc = Epoch::from_gregorian_utc(2000, 1, 1, 11, 58, 55, 816_000_000);
        assert!(
            tt_seconds_j2000(utc).abs() < 1e-6,
            "{}",
            tt_seconds_j2000(utc)
        );
    }

    /// TT − TAI = 32.184 s exactly (IAU 1991) and TDB − TT stays within the ±1.7 ms annual
    /// term (IERS Conventions 2010 §10.1); hifitime provides both scales.
    #[test]
    fn tt_tai_tdb_relations() {
        let e = Epoch::from_gregorian_utc(2008, 4, 19, 5, 6, 3, 0);
        let tt_minus_tai = e.to_tt_duration() - e.to_tai_duration();
        assert!((tt_minus_tai.to_seconds() - 32.184).abs() < 1e-9);
        // hifitime counts TDB durations from J2000 and TT durations from its 1900 reference.
        let tdb_minus_tt = e.to_tdb_duration() - (e.to_tt_duration() - j2000_tt_offset());
        assert!(tdb_minus_tt.to_seconds().abs() < 1.7e-3, "{tdb_minus_tt}");
    }

    #[test]
    fn roundtrip() {
        let e = Epoch::from_gregorian_utc(2008, 4, 19, 5, 6, 3, 0);
        let s = tt_seconds_j2000(e);
        let back = epoch_from_tt_seconds_j2000(s);
        assert!((back - e).abs().to_seconds() < 1e-6);
    }
}
