//! "The mission in numbers": the source article's claims beside the published figures and the
//! simulated values, with the difference and a one-line explanation per row.
//!
//! Rows start from the scenario's `[[claim]]` entries (see [`crate::mission_spec::Claim`]), keyed
//! by their `id`; the run fills in the simulated value of each id it computes, and rows whose
//! quantity is not simulated yet say so instead of staying blank. The builder only formats:
//! the simulated numbers and their differences come from the caller, and
//! [`difference`] formats a signed difference with its unit and relative size.

use super::Table;
use crate::mission_spec::Claim;

/// One row of the table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NumberRow {
    /// The claim id ("orbits"), or empty for rows added without a claim.
    pub id: String,
    pub quantity: String,
    pub article: String,
    /// Published value with its source, e.g. "191 d 19 h 07 m (other sources)".
    pub published: String,
    pub simulated: String,
    pub difference: String,
    pub explanation: String,
}

/// The table under construction.
#[derive(Debug, Clone, Default)]
pub struct MissionNumbers {
    pub rows: Vec<NumberRow>,
}

/// Text of a simulated cell for a quantity no phase computes yet.
pub const NOT_SIMULATED: &str = "not simulated yet";

impl MissionNumbers {
    /// One row per claim, in the scenario's order, with the simulated value pending.
    pub fn from_claims(claims: &[Claim]) -> Self {
        let rows = claims
            .iter()
            .map(|c| {
                let published = match (c.published.is_empty(), c.source.is_empty()) {
                    (true, _) => "—".to_string(),
                    (false, true) => c.published.clone(),
                    (false, false) => format!("{} ({})", c.published, c.source),
                };
                NumberRow {
                    id: c.id.clone(),
                    quantity: c.quantity.clone(),
                    article: c.article.clone(),
                    published,
                    simulated: NOT_SIMULATED.into(),
                    difference: "—".into(),
                    explanation: c.note.clone(),
                }
            })
            .collect();
        MissionNumbers { rows }
    }

    /// Sets the simulated value, difference and explanation of the row `id`; an empty
    /// explanation keeps the claim's note. Returns `false` when no row has that id.
    pub fn set(&mut self, id: &str, simulated: &str, difference: &str, explanation: &str) -> bool {
        match self.rows.iter_mut().find(|r| r.id == id) {
            Some(r) => {
                r.simulated = simulated.to_string();
                r.difference = difference.to_string();
                if !explanation.is_empty() {
                    r.explanation = explanation.to_string();
                }
                true
            }
            None => false,
        }
    }

    /// Appends a row (a figure without a claim, e.g. an ISS altitude).
    pub fn push(&mut self, row: NumberRow) {
        self.rows.push(row);
    }

    /// Ids of rows still waiting for a simulated value.
    pub fn pending_ids(&self) -> Vec<&str> {
        self.rows
            .iter()
            .filter(|r| r.simulated == NOT_SIMULATED)
            .map(|r| r.id.as_str())
            .collect()
    }

    /// The report table: quantity, article, published, simulated, difference; explanations
    /// under each row.
    pub fn table(&self, caption: &str) -> Table {
        Table {
            caption: caption.to_string(),
            columns: vec![
                "quantity".into(),
                "article claims".into(),
                "published (source)".into(),
                "simulated".into(),
                "difference".into(),
            ],
            rows: self
                .rows
                .iter()
                .map(|r| {
                    vec![
                        r.quantity.clone(),
                        r.article.clone(),
                        r.published.clone(),
                        r.simulated.clone(),
                        r.difference.clone(),
                    ]
                })
                .collect(),
            difference_column: Some(4),
            explanations: self.rows.iter().map(|r| r.explanation.clone()).collect(),
        }
    }
}

/// `simulated − reference` with its unit and, when the reference is not zero, the relative
/// difference: `"+323 (+12.0 %)"`. `digits` decimals on the absolute value.
pub fn difference(simulated: f64, reference: f64, unit: &str, digits: usize) -> String {
    if !(simulated.is_finite() && reference.is_finite()) {
        return "—".into();
    }
    let d = simulated - reference;
    let unit = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    if reference != 0.0 {
        format!(
            "{d:+.digits$}{unit} ({:+.1} %)",
            100.0 * d / reference.abs()
        )
    } else {
        format!("{d:+.digits$}{unit}")
    }
}

/// A duration in seconds as "191 d 19 h 08 m 06 s".
pub fn dhms(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "—".into();
    }
    let sign = if seconds < 0.0 { "−" } else { "" };
    let s = seconds.abs().round() as u64;
    let (d, h, m, sec) = (s / 86_400, s / 3_600 % 24, s / 60 % 60, s % 60);
    if d > 0 {
        format!("{sign}{d} d {h:02} h {m:02} m {sec:02} s")
    } else if h > 0 {
        format!("{sign}{h} h {m:02} m {sec:02} s")
    } else if m > 0 {
        format!("{sign}{m} m {sec:02} s")
    } else {
        format!("{sign}{sec} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> Vec<Claim> {
        vec![
            Claim {
                id: "orbits".into(),
                quantity: "orbits".into(),
                article: "~2700".into(),
                published: String::new(),
                source: String::new(),
                note: "the article's figure".into(),
            },
            Claim {
                id: "peak_g".into(),
                quantity: "peak load".into(),
                article: "10 G".into(),
                published: "8–9 g".into(),
                source: "other sources".into(),
                note: String::new(),
            },
        ]
    }

    #[test]
    fn builds_rows_and_table() {
        let mut n = MissionNumbers::from_claims(&claims());
        assert!(n.set(
            "orbits",
            "3023",
            &difference(3023.0, 2700.0, "", 0),
            "ISS ascending nodes"
        ));
        assert!(!n.set("nope", "", "", ""));
        assert_eq!(n.pending_ids(), vec!["peak_g"]);
        let t = n.table("in numbers");
        assert_eq!(t.columns.len(), 5);
        assert_eq!(t.rows[0][3], "3023");
        assert_eq!(t.rows[0][4], "+323 (+12.0 %)");
        assert_eq!(t.rows[1][2], "8–9 g (other sources)");
        assert_eq!(t.rows[1][3], NOT_SIMULATED);
        assert_eq!(t.explanations[0], "ISS ascending nodes");
        assert_eq!(t.difference_column, Some(4));
    }

    #[test]
    fn formats() {
        assert_eq!(
            dhms(191.0 * 86_400.0 + 19.0 * 3_600.0 + 8.0 * 60.0 + 6.0),
            "191 d 19 h 08 m 06 s"
        );
        assert_eq!(dhms(65.0), "1 m 05 s");
        assert_eq!(dhms(0.2), "0 s");
        assert_eq!(difference(1.5, 0.0, "km", 1), "+1.5 km");
        assert_eq!(difference(f64::NAN, 1.0, "km", 1), "—");
    }
}
