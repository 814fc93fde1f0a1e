//! TLE text (two lines, or three with a name line) → [`capsim::state::tle::Tle`], with errors
//! located at the file's line and column.

use crate::error::InputError;
use capsim::state::tle::{Tle, TleError};
use std::path::Path;

/// Parses the first element set in `text`. `first_line` is the 1-based line of `text` within
/// its file (1 for a TLE file; larger when the TLE is embedded in a scenario).
pub fn parse_tle_text_at(path: &Path, text: &str, first_line: usize) -> Result<Tle, InputError> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (first_line + i, l.trim_end()))
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    let (name, l1, l2) = match lines.as_slice() {
        [a, b, ..] if a.1.starts_with("1 ") && b.1.starts_with("2 ") => (None, *a, *b),
        [n, a, b, ..] if a.1.starts_with("1 ") => {
            let name = n.1.strip_prefix("0 ").unwrap_or(n.1).trim();
            (Some(name), *a, *b)
        }
        [] => return Err(InputError::new(path, "no TLE found: the file is empty")),
        _ => {
            let line = lines.first().map_or(first_line, |l| l.0);
            return Err(InputError::new(
                path,
                "expected a two-line element set: a line starting '1 ' followed by a line starting '2 ' (optionally preceded by a name line)",
            )
            .at_line(line));
        }
    };
    Tle::from_lines(name, l1.1, l2.1).map_err(|e| locate(path, e, l1.0, l2.0))
}

/// Why a TLE could not give a GCRF state. The message already contains the cause, so the
/// cause is not also exposed as `source()` (an error chain printed with `{:#}` would repeat it).
#[derive(Debug, thiserror::Error)]
pub enum TleStateError {
    #[error("SGP4: {0}")]
    Sgp4(TleError),
    #[error("Earth orientation at the TLE state epoch: {0}")]
    Eop(capsim::frames::eop::EopError),
}

/// The TLE's SGP4 state at `epoch`, converted TEME → GCRF (Vallado et al. 2006 route, see
/// `capsim::frames::teme`) with the Earth-orientation values of `eop` at that epoch.
pub fn tle_state_gcrf(
    tle: &Tle,
    epoch: hifitime::Epoch,
    eop: &capsim::frames::eop::EopTable,
) -> Result<capsim::state::cartesian::OrbitState, TleStateError> {
    let (r, v) = tle.propagate_teme(epoch).map_err(TleStateError::Sgp4)?;
    let values = eop.at(epoch).map_err(TleStateError::Eop)?;
    let (r, v) = capsim::frames::teme::teme_to_gcrf_state(epoch, &values, &r, &v);
    Ok(capsim::state::cartesian::OrbitState::new(epoch, r, v))
}

/// Parses a TLE file's text.
pub fn parse_tle_text(path: &Path, text: &str) -> Result<Tle, InputError> {
    parse_tle_text_at(path, text, 1)
}

/// Maps a TLE error (which counts TLE lines 1 and 2) onto the file's lines.
fn locate(path: &Path, e: TleError, file_line1: usize, file_line2: usize) -> InputError {
    let file_line = |tle_line: u8| {
        if tle_line == 1 {
            file_line1
        } else {
            file_line2
        }
    };
    let full = e.to_string();
    // Messages start "line N column C: …"; the location goes into the InputError instead.
    let message = match full.split_once(": ") {
        Some((head, rest)) if head.starts_with("line ") => rest.to_string(),
        _ => full.clone(),
    };
    let mut err = InputError::new(path, message);
    match &e {
        TleError::LineLength { line, .. } | TleError::LineNumber { line, .. } => {
            err = err.at_line(file_line(*line));
        }
        TleError::NonAscii { line, column } | TleError::ExpectedBlank { line, column, .. } => {
            err = err.at_line(file_line(*line)).at_column(*column);
        }
        TleError::Checksum { line, .. } => {
            err = err
                .at_line(file_line(*line))
                .at_column(69)
                .with_key("checksum");
        }
        TleError::Field {
            line,
            column,
            field,
            ..
        } => {
            err = err
                .at_line(file_line(*line))
                .at_column(*column)
                .with_key(*field);
        }
        _ => {
            err = err.at_line(file_line1);
        }
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISS: &str = "ISS (ZARYA)\n1 25544U 98067A   07300.90939573  .00014099  00000-0  92667-4 0  2412\n2 25544 051.6371 139.4786 0002573 139.5015 001.9355 15.76020103511717\n";

    #[test]
    fn parses_three_line_set() {
        let t = parse_tle_text(Path::new("iss.tle"), ISS).unwrap();
        assert_eq!(t.name(), Some("ISS (ZARYA)"));
        assert_eq!(t.norad_id(), 25544);
    }

    #[test]
    fn bad_field_is_located_in_the_file() {
        let bad = ISS.replace("0002573", "00a2573");
        let e = parse_tle_text(Path::new("iss.tle"), &bad).unwrap_err();
        let m = e.to_string();
        assert_eq!(e.line, Some(3), "{m}");
        assert!(m.starts_with("iss.tle:3:27:"), "{m}");
        assert!(m.contains("eccentricity"), "{m}");
    }

    #[test]
    fn bad_checksum_is_located() {
        let bad = ISS.replace("511717", "511718");
        let e = parse_tle_text(Path::new("iss.tle"), &bad).unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(69)), "{e}");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for text in ["", "hello\nworld\n", "1 2\n2 3\n", "\u{e9}\u{e9}\n1 x\n2 y"] {
            assert!(parse_tle_text(Path::new("x.tle"), text).is_err());
        }
    }
}
