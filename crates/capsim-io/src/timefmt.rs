//! Epoch formatting for output files (ISO 8601, UTC, fixed precision).

use hifitime::Epoch;

/// `YYYY-MM-DDThh:mm:ss.ffffff` in UTC, microsecond precision, as CCSDS and CSV consumers expect.
pub fn iso_utc_micro(epoch: Epoch) -> String {
    // Round to the microsecond first so 59.9999996 s does not print as 60.000000.
    let rounded = epoch.round(hifitime::Unit::Microsecond * 1);
    let (y, mo, d, h, mi, s, ns) = rounded.to_gregorian_utc();
    format!(
        "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:06}",
        ns / 1_000
    )
}

/// Parses an epoch string; a bare ISO date-time without a time scale is taken as UTC.
pub fn parse_epoch(text: &str) -> Result<Epoch, String> {
    let t = text.trim();
    // A bare date is midnight UTC of that day.
    let date_only = t.len() == 10
        && t.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    let owned;
    let t = if date_only {
        owned = format!("{t}T00:00:00");
        owned.as_str()
    } else {
        t
    };
    let with_scale = if t.ends_with(" UTC")
        || t.ends_with(" TAI")
        || t.ends_with(" TT")
        || t.ends_with(" TDB")
        || t.ends_with(" GPST")
        || t.ends_with('Z')
    {
        t.trim_end_matches('Z').to_string() + if t.ends_with('Z') { " UTC" } else { "" }
    } else {
        format!("{t} UTC")
    };
    with_scale.parse::<Epoch>().map_err(|e| {
        format!("'{text}' is not an epoch (expected e.g. 2007-10-10T13:22:39 UTC): {e}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        let e = parse_epoch("2007-10-10T13:22:38.9").unwrap();
        assert_eq!(iso_utc_micro(e), "2007-10-10T13:22:38.900000");
        let z = parse_epoch("2008-04-19T05:06:03Z").unwrap();
        assert_eq!(iso_utc_micro(z), "2008-04-19T05:06:03.000000");
        assert!(parse_epoch("yesterday").is_err());
        let d = parse_epoch("2007-10-09").unwrap();
        assert_eq!(iso_utc_micro(d), "2007-10-09T00:00:00.000000");
    }
}
