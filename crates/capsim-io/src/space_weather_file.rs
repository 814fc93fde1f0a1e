//! Space-weather files supplied by the user: CelesTrak's space-weather CSV (`SW-All.csv`,
//! `SW-Last5Years.csv`; format: T. S. Kelso, *Space Weather Data Documentation*,
//! <https://celestrak.org/SpaceData/SpaceWx-format.php>). The parsing itself is
//! `capsim::env::space_weather` (which also parses the table shipped with capsim); this module
//! reads the file and places parse errors on the file's line and column name.

use crate::error::InputError;
use capsim::env::space_weather::{SpaceWeatherError, SpaceWeatherTable};
use std::path::Path;

/// Reads and parses a CelesTrak space-weather CSV file.
pub fn read_space_weather_file(path: &Path) -> Result<SpaceWeatherTable, InputError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError::new(path, format!("cannot read space-weather file: {e}")))?;
    parse_space_weather_text(path, &text)
}

/// Parses CelesTrak space-weather CSV text; `path` only labels errors.
pub fn parse_space_weather_text(path: &Path, text: &str) -> Result<SpaceWeatherTable, InputError> {
    SpaceWeatherTable::parse_celestrak_csv(text).map_err(|e| {
        let mut err = InputError::new(path, e.to_string());
        match &e {
            SpaceWeatherError::Parse { line, column, .. } => {
                err = err.at_line(*line).with_key(*column);
            }
            SpaceWeatherError::MissingColumn { line, column } => {
                err = err.at_line(*line).with_key(*column);
            }
            SpaceWeatherError::FieldCount { line, .. }
            | SpaceWeatherError::NotIncreasing { line, .. } => {
                err = err.at_line(*line);
            }
            _ => {}
        }
        err
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use capsim::env::space_weather::CalendarDate;

    const HEADER: &str = "DATE,BSRN,ND,KP1,KP2,KP3,KP4,KP5,KP6,KP7,KP8,KP_SUM,AP1,AP2,AP3,AP4,AP5,AP6,AP7,AP8,AP_AVG,CP,C9,ISN,F10.7_OBS,F10.7_ADJ,F10.7_DATA_TYPE,F10.7_OBS_CENTER81,F10.7_OBS_LAST81,F10.7_ADJ_CENTER81,F10.7_ADJ_LAST81";

    #[test]
    fn reads_shipped_csv_from_disk() {
        let path = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../capsim/data/space_weather/SW_2006-10_2009-03.csv"
        ));
        let t = read_space_weather_file(path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(&t, SpaceWeatherTable::shipped());
        assert_eq!(
            t.first_date(),
            CalendarDate {
                year: 2006,
                month: 10,
                day: 1
            }
        );
    }

    #[test]
    fn parse_error_points_at_line_and_column() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("sw.csv");
        let text = format!(
            "{HEADER}\n\
             2007-10-09,2377,10,7,7,7,0,0,0,7,0,27,2,2,2,0,0,0,2,0,1,0.0,0,0,68.7,68.5,OBS,67.7,68.2,67.5,69.4\n\
             \n\
             2007-10-10,2377,11,0,10,7,0,0,0,0,0,17,0,4,3,0,0,0,0,0,1,0.0,0,0,6a8.1,67.9,OBS,67.7,68.1,67.5,69.3\n"
        );
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        let e = read_space_weather_file(&path);
        let Err(e) = e else {
            panic!("malformed file accepted")
        };
        assert_eq!(e.line, Some(4));
        assert_eq!(e.key.as_deref(), Some("F10.7_OBS"));
        let msg = e.to_string();
        assert!(
            msg.contains("sw.csv:4: F10.7_OBS:") && msg.contains("6a8.1"),
            "{msg}"
        );
    }

    #[test]
    fn missing_file_is_an_input_error() {
        let e = read_space_weather_file(Path::new("/nonexistent/sw.csv"));
        let Err(e) = e else {
            panic!("missing file accepted")
        };
        assert!(
            e.to_string().contains("cannot read space-weather file"),
            "{e}"
        );
    }
}
