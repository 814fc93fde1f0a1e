//! Earth-orientation files supplied by the user: IERS `finals2000A` (Bulletin A/B combined,
//! fixed columns) or IERS EOP 20/14 C04. The format is recognised from the content; the
//! parsing itself is `capsim::frames::eop` (which also parses the table shipped with capsim).

use crate::error::InputError;
use capsim::frames::eop::{EopError, EopTable};
use std::path::Path;

/// Reads and parses an EOP file.
pub fn read_eop_file(path: &Path) -> Result<EopTable, InputError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError::new(path, format!("cannot read EOP file: {e}")))?;
    parse_eop_text(path, &text)
}

/// Parses EOP text, choosing the format from its first non-blank line.
pub fn parse_eop_text(path: &Path, text: &str) -> Result<EopTable, InputError> {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let is_c04 =
        first.starts_with('#') || text.contains("C04") || first.trim_start().starts_with("FORMAT");
    let parsed = if is_c04 {
        EopTable::parse_c04(text)
    } else {
        EopTable::parse_finals2000a(text)
    };
    parsed.map_err(|e| {
        let mut err = InputError::new(path, e.to_string());
        match &e {
            EopError::Parse { line, field, .. } => {
                err = err.at_line(*line).with_key(*field);
            }
            EopError::NotIncreasing { line, .. } | EopError::HoleInTable { line, .. } => {
                err = err.at_line(*line);
            }
            _ => {}
        }
        err
    })
}
