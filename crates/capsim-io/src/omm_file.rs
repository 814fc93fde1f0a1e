//! CCSDS Orbit Mean-elements Messages in the JSON layout CelesTrak publishes (the keys of
//! CCSDS 502.0-B-3 OMM: `OBJECT_NAME`, `EPOCH`, `MEAN_MOTION`, …), read through the `sgp4`
//! crate's own deserialiser into the same [`Tle`] type a two-line set gives.

use crate::error::InputError;
use capsim::state::tle::{Sgp4Gravity, Tle};
use std::path::Path;

/// Parses an OMM JSON file's text: one object, or an array whose first object is used.
pub fn parse_omm_json(path: &Path, text: &str) -> Result<Tle, InputError> {
    let located = |e: serde_json::Error| {
        let mut err = InputError::new(path, format!("not a valid OMM JSON object: {e}"));
        if e.line() > 0 {
            err = err.at_line(e.line()).at_column(e.column());
        }
        err
    };
    let value: serde_json::Value = serde_json::from_str(text).map_err(located)?;
    let object = match value {
        serde_json::Value::Array(mut items) if !items.is_empty() => items.swap_remove(0),
        serde_json::Value::Array(_) => {
            return Err(InputError::new(path, "the OMM array is empty"));
        }
        other => other,
    };
    let elements: sgp4::Elements = serde_json::from_value(object).map_err(|e| {
        InputError::new(
            path,
            format!("missing or malformed OMM field: {e} (expected CelesTrak OMM JSON keys such as EPOCH, MEAN_MOTION, ECCENTRICITY)"),
        )
    })?;
    Tle::from_elements(elements, Sgp4Gravity::Wgs72)
        .map_err(|e| InputError::new(path, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ISS mean elements of the 27 Oct 2007 TLE, written as CelesTrak OMM JSON, give the
    /// same SGP4 state as the two-line set (same elements, same WGS-72 constants).
    #[test]
    fn omm_matches_the_equivalent_tle() {
        let omm = r#"[{
            "OBJECT_NAME": "ISS (ZARYA)", "OBJECT_ID": "1998-067A",
            "EPOCH": "2007-10-27T21:49:31.791072",
            "MEAN_MOTION": 15.76020103, "ECCENTRICITY": 0.0002573,
            "INCLINATION": 51.6371, "RA_OF_ASC_NODE": 139.4786,
            "ARG_OF_PERICENTER": 139.5015, "MEAN_ANOMALY": 1.9355,
            "EPHEMERIS_TYPE": 0, "CLASSIFICATION_TYPE": "U", "NORAD_CAT_ID": 25544,
            "ELEMENT_SET_NO": 241, "REV_AT_EPOCH": 51171, "BSTAR": 9.2667e-5,
            "MEAN_MOTION_DOT": 0.00014099, "MEAN_MOTION_DDOT": 0
        }]"#;
        let from_omm = parse_omm_json(Path::new("iss.json"), omm).unwrap();
        let tle = crate::tle_file::parse_tle_text(
            Path::new("iss.tle"),
            "1 25544U 98067A   07300.90939573  .00014099  00000-0  92667-4 0  2412\n2 25544 051.6371 139.4786 0002573 139.5015 001.9355 15.76020103511717\n",
        )
        .unwrap();
        let (r1, _) = from_omm.propagate_minutes(90.0).unwrap();
        let (r2, _) = tle.propagate_minutes(90.0).unwrap();
        // The TLE epoch 07300.90939573 is stored to 1e-8 day (0.86 ms): at 7.7 km/s that is
        // up to ~7 mm along track between the two encodings.
        assert!((r1 - r2).norm() < 0.01, "{} m", (r1 - r2).norm());
    }

    #[test]
    fn malformed_omm_is_located() {
        let e = parse_omm_json(Path::new("x.json"), "{\n  \"EPOCH\": ,\n}").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(parse_omm_json(Path::new("x.json"), "[]").is_err());
        assert!(
            parse_omm_json(Path::new("x.json"), "{\"EPOCH\": \"2007-01-01T00:00:00\"}").is_err()
        );
    }
}
