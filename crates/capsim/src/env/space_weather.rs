//! Solar and geomagnetic activity (F10.7, Ap) for the atmosphere models.
//!
//! Thermospheric density depends on solar EUV heating (measured by proxy as the 10.7-cm solar
//! radio flux, F10.7, in solar flux units, 1 sfu = 10⁻²² W m⁻² Hz⁻¹) and on geomagnetic
//! heating (the ap/Ap indices). This module turns a table of daily observed indices into the
//! inputs NRLMSISE-00 expects, exactly as defined by Picone, Hedin, Drob & Aikin, *NRLMSISE-00
//! empirical model of the atmosphere*, J. Geophys. Res. 107(A12), 1468 (2002), and by the
//! input comments of the reference C port `nrlmsise-00.c` (D. Brodowski):
//!
//! * `f107`  — observed F10.7 of the **previous** day;
//! * `f107A` — 81-day average of observed F10.7 centred on the day (the file's
//!   `F10.7_OBS_CENTER81` column, checked against our own 81-day mean in the tests);
//! * `ap`    — daily Ap of the day;
//! * `ap_a[7]` — daily Ap; 3-h ap for the current time; 3, 6 and 9 h before; the mean of the
//!   eight 3-h values 12..33 h before; the mean of the eight 3-h values 36..57 h before.
//!
//! The table format is CelesTrak's space-weather CSV (T. S. Kelso, *Space Weather Data
//! Documentation*, <https://celestrak.org/SpaceData/SpaceWx-format.php>): one row per UTC day,
//! 3-hourly Kp/ap and daily Ap from GFZ Potsdam, F10.7 observed/adjusted from NRCan (DRAO
//! Penticton) via NOAA SWPC. Columns are found by header name, so reordering is harmless.
//!
//! Shape of the API:
//! * [`SpaceWeatherTable`] stores one slot per day, indexed by day number, so
//!   [`SpaceWeatherTable::at`] is O(1) and allocates nothing.
//! * Dates outside the table are an error ([`SpaceWeatherError::OutOfRange`]) naming the date
//!   and the span — never a silent guess. Predicted rows (CelesTrak `PRD`, `PRM`) are loaded
//!   but refused by `at` unless the user opts in with
//!   [`SpaceWeatherTable::with_predictions_allowed`]. Monthly predicted rows leave Kp/ap blank;
//!   such blanks are stored as `None` and asking for them is
//!   [`SpaceWeatherError::BlankValue`].
//! * [`SpaceWeatherSource`] is what a simulation holds: a table, or an explicit user-chosen
//!   constant ([`SpaceWeatherValues::constant`]).
//!
//! The compiled-in table ([`SpaceWeatherTable::shipped`]) holds CelesTrak rows 2006-10-01 ..
//! 2009-03-31 (see `data/space_weather/PROVENANCE.md`).

use hifitime::Epoch;
use std::fmt;
use std::sync::{Arc, OnceLock};
use thiserror::Error;

/// The compiled-in CelesTrak rows 2006-10-01 .. 2009-03-31.
const SHIPPED_CSV: &str = include_str!("../../data/space_weather/SW_2006-10_2009-03.csv");

/// The activity values an atmosphere model needs at one instant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpaceWeatherValues {
    /// Observed F10.7 of the previous day, sfu (NRLMSISE-00's `f107`).
    pub f107_prev_day_sfu: f64,
    /// 81-day centred mean of observed F10.7, sfu (NRLMSISE-00's `f107A`).
    pub f107_81day_sfu: f64,
    /// Daily Ap.
    pub ap_daily: f64,
    /// NRLMSISE-00's magnetic array: daily Ap, 3-h ap now, −3 h, −6 h, −9 h, mean of −12…−33 h,
    /// mean of −36…−57 h.
    pub ap_array: [f64; 7],
}

impl SpaceWeatherValues {
    /// An explicit constant activity level: F10.7 of the previous day and its 81-day mean (sfu),
    /// and one ap value used for the daily Ap and all seven entries of the ap array (a steady
    /// geomagnetic state, as in the NRLMSISE-00 reference test cases).
    pub fn constant(f107_sfu: f64, f107a_sfu: f64, ap: f64) -> Self {
        Self {
            f107_prev_day_sfu: f107_sfu,
            f107_81day_sfu: f107a_sfu,
            ap_daily: ap,
            ap_array: [ap; 7],
        }
    }

    /// Checks that every value is finite, F10.7 values positive and ap values non-negative.
    pub fn validate(&self) -> Result<(), SpaceWeatherError> {
        let check = |name: &'static str, value: f64, min_exclusive: bool| {
            let ok = value.is_finite()
                && if min_exclusive {
                    value > 0.0
                } else {
                    value >= 0.0
                };
            if ok {
                Ok(())
            } else {
                Err(SpaceWeatherError::InvalidValue { name, value })
            }
        };
        check("f107_prev_day_sfu", self.f107_prev_day_sfu, true)?;
        check("f107_81day_sfu", self.f107_81day_sfu, true)?;
        check("ap_daily", self.ap_daily, false)?;
        for &ap in &self.ap_array {
            check("ap_array", ap, false)?;
        }
        Ok(())
    }
}

/// A UTC calendar date (proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CalendarDate {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl CalendarDate {
    /// A date, if it exists in the Gregorian calendar.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        let date = Self { year, month, day };
        if !(1..=12).contains(&month) || day == 0 || !(-1_000_000..=1_000_000).contains(&year) {
            return None;
        }
        // Round trip through the day number rejects 31 April, 29 February 2007, …
        (Self::from_mjd(date.mjd()) == date).then_some(date)
    }

    /// Modified Julian Day number of this date (0h UTC of the date is MJD `mjd()`.0).
    pub fn mjd(&self) -> i64 {
        // Count from 1 March of year 0 so the leap day is the last day of the counting year.
        let (y, m) = if self.month <= 2 {
            (i64::from(self.year) - 1, i64::from(self.month) + 9)
        } else {
            (i64::from(self.year), i64::from(self.month) - 3)
        };
        let cycle = y.div_euclid(400); // 400-year Gregorian cycles of 146 097 days
        let year_of_cycle = y - cycle * 400;
        let day_of_year = (153 * m + 2) / 5 + i64::from(self.day) - 1;
        let day_of_cycle =
            year_of_cycle * 365 + year_of_cycle / 4 - year_of_cycle / 100 + day_of_year;
        // Day 0 of this count is 0000-03-01, which is MJD −678 881.
        cycle * 146_097 + day_of_cycle - 678_881
    }

    /// The date of Modified Julian Day `mjd`.
    pub fn from_mjd(mjd: i64) -> Self {
        let z = mjd + 678_881;
        let cycle = z.div_euclid(146_097);
        let day_of_cycle = z - cycle * 146_097;
        let year_of_cycle = (day_of_cycle - day_of_cycle / 1460 + day_of_cycle / 36_524
            - day_of_cycle / 146_096)
            / 365;
        let day_of_year =
            day_of_cycle - (365 * year_of_cycle + year_of_cycle / 4 - year_of_cycle / 100);
        let mp = (5 * day_of_year + 2) / 153; // month counted from March = 0
        let day = day_of_year - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = year_of_cycle + cycle * 400 + i64::from(month <= 2);
        Self {
            // Years beyond i32 would need |mjd| > 7e11; clamp instead of wrapping.
            year: year.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32,
            month: month as u8,
            day: day as u8,
        }
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse_iso(text: &str) -> Option<Self> {
        let mut parts = text.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if !(all_digits(y) && all_digits(m) && all_digits(d)) {
            return None;
        }
        Self::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// 0h UTC of this date.
    pub fn midnight_utc(&self) -> Epoch {
        Epoch::from_mjd_utc(self.mjd() as f64)
    }
}

impl fmt::Display for CalendarDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// CelesTrak's `F10.7_DATA_TYPE`: where a row's values come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DataKind {
    /// `OBS`: observed.
    Observed,
    /// `INT`: observed geomagnetic data, F10.7 interpolated over a missing measurement.
    Interpolated,
    /// `PRD`: daily prediction (NOAA SWPC 45-day forecast).
    PredictedDaily,
    /// `PRM`: monthly prediction (Kp/ap left blank).
    PredictedMonthly,
}

impl DataKind {
    fn from_code(code: &str) -> Option<Self> {
        match code {
            "OBS" => Some(Self::Observed),
            "INT" => Some(Self::Interpolated),
            "PRD" => Some(Self::PredictedDaily),
            "PRM" => Some(Self::PredictedMonthly),
            _ => None,
        }
    }

    /// The CelesTrak code (`OBS`, `INT`, `PRD`, `PRM`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Observed => "OBS",
            Self::Interpolated => "INT",
            Self::PredictedDaily => "PRD",
            Self::PredictedMonthly => "PRM",
        }
    }

    /// `PRD` or `PRM`.
    pub fn is_predicted(&self) -> bool {
        matches!(self, Self::PredictedDaily | Self::PredictedMonthly)
    }
}

impl fmt::Display for DataKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One day of the table, as read (blank fields are `None`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DailySpaceWeather {
    pub date: CalendarDate,
    pub kind: DataKind,
    /// The eight 3-hourly ap values, 00–03 UT … 21–24 UT (`AP1`..`AP8`).
    pub ap_3h: Option<[f64; 8]>,
    /// Daily Ap (`AP_AVG`).
    pub ap_daily: Option<f64>,
    /// Observed (not distance-adjusted) F10.7, sfu (`F10.7_OBS`).
    pub f107_obs_sfu: Option<f64>,
    /// 81-day centred mean of observed F10.7, sfu (`F10.7_OBS_CENTER81`).
    pub f107_obs_center81_sfu: Option<f64>,
    /// F10.7 adjusted to 1 AU, sfu (`F10.7_ADJ`); not used by NRLMSISE-00, kept for reference.
    pub f107_adj_sfu: Option<f64>,
}

/// Errors from reading a space-weather table and looking values up in it.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum SpaceWeatherError {
    /// The text has no header line.
    #[error("space-weather CSV: empty input, expected a header line starting with `DATE`")]
    MissingHeader,
    /// A needed column is absent from the header.
    #[error("space-weather CSV line {line}: header has no column `{column}`")]
    MissingColumn { line: usize, column: &'static str },
    /// A data line has more fields than the header.
    #[error("space-weather CSV line {line}: {found} fields, but the header has {expected}")]
    FieldCount {
        line: usize,
        found: usize,
        expected: usize,
    },
    /// A field could not be read.
    #[error("space-weather CSV line {line}: column `{column}`: cannot read {text:?}: {reason}")]
    Parse {
        line: usize,
        column: &'static str,
        text: String,
        reason: &'static str,
    },
    /// Dates must increase strictly from row to row.
    #[error(
        "space-weather CSV line {line}: date {date} does not follow the previous row's {previous}"
    )]
    NotIncreasing {
        line: usize,
        date: CalendarDate,
        previous: CalendarDate,
    },
    /// The text has a header but no data row.
    #[error("space-weather CSV: no data rows")]
    Empty,
    /// The epoch needs days the table does not cover.
    #[error(
        "no space weather for {date} (UTC): NRLMSISE-00 inputs for this date need daily rows \
         {needed_first} .. {needed_last}, the table covers {first} .. {last}"
    )]
    OutOfRange {
        date: CalendarDate,
        needed_first: CalendarDate,
        needed_last: CalendarDate,
        first: CalendarDate,
        last: CalendarDate,
    },
    /// A day inside the table's span has no row (e.g. between monthly predicted rows).
    #[error("no space-weather row for {missing}, needed for {date} (UTC)")]
    MissingDay {
        date: CalendarDate,
        missing: CalendarDate,
    },
    /// The row exists but the file leaves a needed value blank.
    #[error(
        "space-weather row {row_date} ({kind}) leaves `{column}` blank; needed for {date} (UTC)"
    )]
    BlankValue {
        date: CalendarDate,
        row_date: CalendarDate,
        kind: DataKind,
        column: &'static str,
    },
    /// A needed row is a prediction and predictions were not allowed.
    #[error(
        "space-weather row {row_date} is a prediction ({kind}), needed for {date} (UTC); \
         predictions are used only if explicitly allowed (SpaceWeatherTable::with_predictions_allowed)"
    )]
    Predicted {
        date: CalendarDate,
        row_date: CalendarDate,
        kind: DataKind,
    },
    /// A user-given constant is not usable.
    #[error("space weather: {name} = {value} is not usable (F10.7 must be finite and > 0 sfu, ap finite and ≥ 0)")]
    InvalidValue { name: &'static str, value: f64 },
}

/// Column names used, in the order of [`Columns`]'s fields.
const COLUMN_NAMES: [&str; 14] = [
    "DATE",
    "AP1",
    "AP2",
    "AP3",
    "AP4",
    "AP5",
    "AP6",
    "AP7",
    "AP8",
    "AP_AVG",
    "F10.7_OBS",
    "F10.7_ADJ",
    "F10.7_DATA_TYPE",
    "F10.7_OBS_CENTER81",
];
const COL_DATE: usize = 0;
const COL_AP1: usize = 1;
const COL_AP_AVG: usize = 9;
const COL_F107_OBS: usize = 10;
const COL_F107_ADJ: usize = 11;
const COL_TYPE: usize = 12;
const COL_CENTER81: usize = 13;

/// A daily space-weather table (CelesTrak CSV), indexed by day number.
#[derive(Clone, Debug, PartialEq)]
pub struct SpaceWeatherTable {
    /// MJD of `days[0]`.
    first_mjd: i64,
    /// One slot per day from the first to the last row; `None` for days without a row.
    days: Vec<Option<DailySpaceWeather>>,
    allow_predicted: bool,
}

impl SpaceWeatherTable {
    /// Parses CelesTrak space-weather CSV text (`SW-All.csv`, `SW-Last5Years.csv`).
    ///
    /// Needs the columns `DATE`, `AP1`..`AP8`, `AP_AVG`, `F10.7_OBS`, `F10.7_ADJ`,
    /// `F10.7_DATA_TYPE` and `F10.7_OBS_CENTER81`; others are ignored. Blank numeric fields
    /// (CelesTrak leaves Kp/ap blank in monthly predicted rows) and missing trailing fields are
    /// stored as `None`. Blank lines are skipped. Line numbers in errors are 1-based.
    pub fn parse_celestrak_csv(text: &str) -> Result<Self, SpaceWeatherError> {
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
            .filter(|(_, l)| !l.trim().is_empty());
        let (header_line, header) = lines.next().ok_or(SpaceWeatherError::MissingHeader)?;
        let header_fields: Vec<&str> = header.split(',').map(str::trim).collect();
        let mut index = [0usize; COLUMN_NAMES.len()];
        for (slot, name) in index.iter_mut().zip(COLUMN_NAMES) {
            *slot = header_fields.iter().position(|h| *h == name).ok_or(
                SpaceWeatherError::MissingColumn {
                    line: header_line,
                    column: name,
                },
            )?;
        }

        let mut rows: Vec<DailySpaceWeather> = Vec::new();
        let mut fields: Vec<&str> = Vec::with_capacity(header_fields.len());
        for (line, text) in lines {
            fields.clear();
            fields.extend(text.split(',').map(str::trim));
            if fields.len() > header_fields.len() {
                return Err(SpaceWeatherError::FieldCount {
                    line,
                    found: fields.len(),
                    expected: header_fields.len(),
                });
            }
            let row = parse_row(line, &fields, &index)?;
            if let Some(prev) = rows.last() {
                if row.date <= prev.date {
                    return Err(SpaceWeatherError::NotIncreasing {
                        line,
                        date: row.date,
                        previous: prev.date,
                    });
                }
            }
            rows.push(row);
        }

        let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
            return Err(SpaceWeatherError::Empty);
        };
        let first_mjd = first.date.mjd();
        let span = (last.date.mjd() - first_mjd + 1) as usize;
        let mut days = vec![None; span];
        for row in rows {
            days[(row.date.mjd() - first_mjd) as usize] = Some(row);
        }
        Ok(Self {
            first_mjd,
            days,
            allow_predicted: false,
        })
    }

    /// The compiled-in table: CelesTrak rows 2006-10-01 .. 2009-03-31, all observed (parsed once).
    pub fn shipped() -> &'static SpaceWeatherTable {
        Self::shipped_static()
    }

    /// The compiled-in table as a shared handle (for [`SpaceWeatherSource::Table`]).
    pub fn shipped_arc() -> Arc<SpaceWeatherTable> {
        Arc::clone(Self::shipped_static())
    }

    fn shipped_static() -> &'static Arc<SpaceWeatherTable> {
        static TABLE: OnceLock<Arc<SpaceWeatherTable>> = OnceLock::new();
        TABLE.get_or_init(|| match Self::parse_celestrak_csv(SHIPPED_CSV) {
            Ok(t) => Arc::new(t),
            // The shipped text is fixed and tested (`shipped_table_parses`); this is a build bug.
            Err(e) => panic!("shipped space-weather table does not parse: {e}"),
        })
    }

    /// Whether [`at`](Self::at) may use predicted (`PRD`/`PRM`) rows. Off by default.
    pub fn with_predictions_allowed(mut self, allow: bool) -> Self {
        self.allow_predicted = allow;
        self
    }

    /// Date of the first row.
    pub fn first_date(&self) -> CalendarDate {
        CalendarDate::from_mjd(self.first_mjd)
    }

    /// Date of the last row.
    pub fn last_date(&self) -> CalendarDate {
        CalendarDate::from_mjd(self.first_mjd + self.days.len() as i64 - 1)
    }

    /// The row of `date`, if the table has one.
    pub fn day(&self, date: CalendarDate) -> Option<&DailySpaceWeather> {
        self.slot(date.mjd()).and_then(Option::as_ref)
    }

    /// All rows, in date order.
    pub fn rows(&self) -> impl Iterator<Item = &DailySpaceWeather> {
        self.days.iter().flatten()
    }

    fn slot(&self, mjd: i64) -> Option<&Option<DailySpaceWeather>> {
        let i = usize::try_from(mjd - self.first_mjd).ok()?;
        self.days.get(i)
    }

    /// NRLMSISE-00 inputs at `epoch` (its UTC date and 3-hour interval), see the module docs.
    ///
    /// Needs the rows of the epoch's day and of the two or three days before (the ap history
    /// reaches 57 h back). O(1), no allocation.
    pub fn at(&self, epoch: Epoch) -> Result<SpaceWeatherValues, SpaceWeatherError> {
        let (y, m, d, h, _, _, _) = epoch.to_gregorian_utc();
        let date = CalendarDate {
            year: y,
            month: m,
            day: d,
        };
        let mjd = date.mjd();
        // 3-hour interval of the day, 0..=7 (a leap second 23:59:60 stays in interval 7).
        let slot = usize::from(h.min(23) / 3);
        // ap history: 4 days × 8 intervals, index 24 + slot is "now"; the oldest value used
        // (57 h before the start of the current interval's 3-h window) is index 5 + slot.
        let oldest = 5 + slot;
        let first_day_back = 3 - (oldest / 8) as i64; // days before `date` whose ap are used
        let needed_first_mjd = mjd - first_day_back;

        let last_mjd = self.first_mjd + self.days.len() as i64 - 1;
        if needed_first_mjd < self.first_mjd || mjd > last_mjd {
            return Err(SpaceWeatherError::OutOfRange {
                date,
                needed_first: CalendarDate::from_mjd(needed_first_mjd),
                needed_last: date,
                first: self.first_date(),
                last: self.last_date(),
            });
        }

        let mut hist = [f64::NAN; 32];
        for back in 0..=first_day_back {
            let row = self.usable_row(date, mjd - back)?;
            let ap = row.ap_3h.ok_or(SpaceWeatherError::BlankValue {
                date,
                row_date: row.date,
                kind: row.kind,
                column: "AP1..AP8",
            })?;
            let start = (3 - back as usize) * 8;
            hist[start..start + 8].copy_from_slice(&ap);
        }
        let today = self.usable_row(date, mjd)?;
        let yesterday = self.usable_row(date, mjd - 1)?;
        let blank = |row: &DailySpaceWeather, column: &'static str| SpaceWeatherError::BlankValue {
            date,
            row_date: row.date,
            kind: row.kind,
            column,
        };
        let ap_daily = today.ap_daily.ok_or_else(|| blank(today, "AP_AVG"))?;
        let f107_prev = yesterday
            .f107_obs_sfu
            .ok_or_else(|| blank(yesterday, "F10.7_OBS"))?;
        let f107_81 = today
            .f107_obs_center81_sfu
            .ok_or_else(|| blank(today, "F10.7_OBS_CENTER81"))?;

        let now = 24 + slot;
        let mean8 = |newest: usize| hist[newest - 7..=newest].iter().sum::<f64>() / 8.0;
        Ok(SpaceWeatherValues {
            f107_prev_day_sfu: f107_prev,
            f107_81day_sfu: f107_81,
            ap_daily,
            ap_array: [
                ap_daily,
                hist[now],
                hist[now - 1],
                hist[now - 2],
                hist[now - 3],
                mean8(now - 4),
                mean8(now - 12),
            ],
        })
    }

    /// The row for `mjd`, which must exist and (unless allowed) not be a prediction.
    fn usable_row(
        &self,
        date: CalendarDate,
        mjd: i64,
    ) -> Result<&DailySpaceWeather, SpaceWeatherError> {
        let row = self
            .slot(mjd)
            .and_then(Option::as_ref)
            .ok_or(SpaceWeatherError::MissingDay {
                date,
                missing: CalendarDate::from_mjd(mjd),
            })?;
        if row.kind.is_predicted() && !self.allow_predicted {
            return Err(SpaceWeatherError::Predicted {
                date,
                row_date: row.date,
                kind: row.kind,
            });
        }
        Ok(row)
    }
}

/// Reads one data row: `fields` are the trimmed fields of the line, `index[col]` the position
/// of column `COLUMN_NAMES[col]` (missing trailing fields read as blank).
fn parse_row(
    line: usize,
    fields: &[&str],
    index: &[usize; COLUMN_NAMES.len()],
) -> Result<DailySpaceWeather, SpaceWeatherError> {
    let field = |col: usize| fields.get(index[col]).copied().unwrap_or("");
    let err = |col: usize, reason: &'static str| SpaceWeatherError::Parse {
        line,
        column: COLUMN_NAMES[col],
        text: field(col).to_string(),
        reason,
    };
    let date = CalendarDate::parse_iso(field(COL_DATE))
        .ok_or_else(|| err(COL_DATE, "not a YYYY-MM-DD date"))?;
    let code = field(COL_TYPE);
    let kind =
        DataKind::from_code(code).ok_or_else(|| err(COL_TYPE, "expected OBS, INT, PRD or PRM"))?;
    // A blank field is `None`; anything else must be a finite number ≥ `min` (> `min` if strict).
    let number = |col: usize, min: f64, strict: bool| -> Result<Option<f64>, SpaceWeatherError> {
        let text = field(col);
        if text.is_empty() {
            return Ok(None);
        }
        let v: f64 = text.parse().map_err(|_| err(col, "not a number"))?;
        if !v.is_finite() {
            return Err(err(col, "not a finite number"));
        }
        if v < min || (strict && v == min) {
            return Err(err(
                col,
                if strict {
                    "must be > 0"
                } else {
                    "must be ≥ 0"
                },
            ));
        }
        Ok(Some(v))
    };
    let mut ap = [0.0; 8];
    let mut blanks = 0;
    for (k, a) in ap.iter_mut().enumerate() {
        match number(COL_AP1 + k, 0.0, false)? {
            Some(v) => *a = v,
            None => blanks += 1,
        }
    }
    let ap_3h = match blanks {
        0 => Some(ap),
        8 => None,
        _ => {
            // Part of a day's ap blank: report the first blank column.
            let k = (0..8).find(|&k| field(COL_AP1 + k).is_empty()).unwrap_or(0);
            return Err(err(
                COL_AP1 + k,
                "blank while other 3-hourly ap of the day are given",
            ));
        }
    };
    Ok(DailySpaceWeather {
        date,
        kind,
        ap_3h,
        ap_daily: number(COL_AP_AVG, 0.0, false)?,
        f107_obs_sfu: number(COL_F107_OBS, 0.0, true)?,
        f107_obs_center81_sfu: number(COL_CENTER81, 0.0, true)?,
        f107_adj_sfu: number(COL_F107_ADJ, 0.0, true)?,
    })
}

/// Where a simulation gets its space weather: a table, or an explicit user-chosen constant.
#[derive(Clone, Debug, PartialEq)]
pub enum SpaceWeatherSource {
    /// Daily values looked up by date (errors outside the table).
    Table(Arc<SpaceWeatherTable>),
    /// The same values at every epoch, chosen by the user.
    Constant(SpaceWeatherValues),
}

impl SpaceWeatherSource {
    /// The compiled-in table (2006-10-01 .. 2009-03-31).
    pub fn shipped() -> Self {
        Self::Table(SpaceWeatherTable::shipped_arc())
    }

    /// NRLMSISE-00 inputs at `epoch`. A constant is checked ([`SpaceWeatherValues::validate`]).
    pub fn values_at(&self, epoch: Epoch) -> Result<SpaceWeatherValues, SpaceWeatherError> {
        match self {
            Self::Table(t) => t.at(epoch),
            Self::Constant(v) => {
                v.validate()?;
                Ok(*v)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, mo: u8, d: u8, h: u8, mi: u8) -> Epoch {
        Epoch::from_gregorian_utc_hms(y, mo, d, h, mi, 0)
    }

    fn date(y: i32, m: u8, d: u8) -> CalendarDate {
        CalendarDate::new(y, m, d).unwrap_or_else(|| panic!("bad test date {y}-{m}-{d}"))
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn calendar_date_matches_hifitime() {
        // MJD of 0h UTC of a date, against hifitime's own calendar.
        for mjd in (-100_000..120_000).step_by(37) {
            let d = CalendarDate::from_mjd(mjd);
            assert_eq!(d.mjd(), mjd);
            let e = Epoch::from_gregorian_utc_at_midnight(d.year, d.month, d.day);
            assert_eq!(e.to_mjd_utc_days(), mjd as f64, "{d}");
        }
        assert_eq!(date(1858, 11, 17).mjd(), 0);
        assert_eq!(date(2000, 1, 1).mjd(), 51_544);
        assert!(CalendarDate::new(2007, 2, 29).is_none());
        assert!(CalendarDate::new(2008, 2, 29).is_some());
        assert!(CalendarDate::new(2008, 4, 31).is_none());
        assert!(CalendarDate::parse_iso("2008-4-19").is_none());
        assert_eq!(
            CalendarDate::parse_iso("2008-04-19"),
            Some(date(2008, 4, 19))
        );
    }

    #[test]
    fn shipped_table_parses() {
        let t = SpaceWeatherTable::shipped();
        assert_eq!(t.first_date(), date(2006, 10, 1));
        assert_eq!(t.last_date(), date(2009, 3, 31));
        // One row per day, none missing: 92 + 365 + 366 + 90 days.
        assert_eq!(t.rows().count(), 913);
        assert!(t.days.iter().all(Option::is_some));
        assert!(t.rows().all(|r| !r.kind.is_predicted()));
        assert_eq!(
            t.rows()
                .filter(|r| r.kind == DataKind::Interpolated)
                .count(),
            4
        );
    }

    #[test]
    fn shipped_values_match_raw_celestrak_lines() {
        // Raw lines of CelesTrak SW-All.csv (satkit-data 0.9.0), copied by hand:
        // 2007-10-10,2377,11,0,10,7,0,0,0,0,0,17,0,4,3,0,0,0,0,0,1,0.0,0,0,68.1,67.9,OBS,67.7,68.1,67.5,69.3
        // 2008-04-19,2384,14,20,17,10,10,7,13,13,27,117,7,6,4,4,3,5,5,12,6,0.3,1,10,71.0,71.7,OBS,70.7,71.7,71.3,70.8
        let t = SpaceWeatherTable::shipped();
        let a = t.day(date(2007, 10, 10)).copied();
        let Some(a) = a else {
            panic!("2007-10-10 missing")
        };
        assert_eq!(a.f107_obs_sfu, Some(68.1));
        assert_eq!(a.f107_adj_sfu, Some(67.9));
        assert_eq!(a.f107_obs_center81_sfu, Some(67.7));
        assert_eq!(a.ap_daily, Some(1.0));
        assert_eq!(a.ap_3h, Some([0.0, 4.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0]));
        assert_eq!(a.kind, DataKind::Observed);
        let b = t.day(date(2008, 4, 19)).copied();
        let Some(b) = b else {
            panic!("2008-04-19 missing")
        };
        assert_eq!(b.f107_obs_sfu, Some(71.0));
        assert_eq!(b.f107_obs_center81_sfu, Some(70.7));
        assert_eq!(b.ap_daily, Some(6.0));
        assert_eq!(b.ap_3h, Some([7.0, 6.0, 4.0, 4.0, 3.0, 5.0, 5.0, 12.0]));
    }

    #[test]
    fn ap_array_by_hand_2008_03_01() {
        // Raw rows (CelesTrak SW-All.csv), AP1..AP8, AP_AVG, F10.7_OBS, F10.7_OBS_CENTER81:
        // 2008-02-26: 2 6 3 3 4 4 5 5 | 4 | 70.7
        // 2008-02-27: 7 7 4 4 6 12 32 12 | 10 | 70.7
        // 2008-02-28: 22 18 12 18 15 32 32 32 | 23 | 70.0
        // 2008-02-29: 32 18 27 22 15 56 32 48 | 31 | 69.8 | 72.0
        // 2008-03-01: 56 22 15 15 22 18 12 12 | 22 | 68.6 | 72.0
        // Epoch 2008-03-01 04:30 UTC: interval 03–06 UT (AP2 of 03-01).
        //   now = 22; −3 h = AP1(03-01) = 56; −6 h = AP8(02-29) = 48; −9 h = AP7(02-29) = 32;
        //   −12..−33 h = AP6..AP1 of 02-29 and AP8, AP7 of 02-28
        //              = (56+15+22+27+18+32+32+32)/8 = 234/8 = 29.25;
        //   −36..−57 h = AP6..AP1 of 02-28 and AP8, AP7 of 02-27
        //              = (32+15+18+12+18+22+12+32)/8 = 161/8 = 20.125.
        //   f107 = F10.7_OBS of 02-29 = 69.8 (across the month boundary and the leap day),
        //   f107A = 72.0, Ap = 22.
        let t = SpaceWeatherTable::shipped();
        let v = t
            .at(utc(2008, 3, 1, 4, 30))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v.f107_prev_day_sfu, 69.8);
        assert_eq!(v.f107_81day_sfu, 72.0);
        assert_eq!(v.ap_daily, 22.0);
        assert_eq!(v.ap_array, [22.0, 22.0, 56.0, 48.0, 32.0, 29.25, 20.125]);

        // At 00:00 UTC the history reaches three days back: interval 00–03 UT of 03-01.
        //   now = 56; −3, −6, −9 h = AP8, AP7, AP6 of 02-29 = 48, 32, 56;
        //   −12..−33 h = AP5..AP1 of 02-29, AP8..AP6 of 02-28
        //              = (15+22+27+18+32+32+32+32)/8 = 210/8 = 26.25;
        //   −36..−57 h = AP5..AP1 of 02-28, AP8..AP6 of 02-27
        //              = (15+18+12+18+22+12+32+12)/8 = 141/8 = 17.625.
        let v = t
            .at(utc(2008, 3, 1, 0, 0))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v.ap_array, [22.0, 56.0, 48.0, 32.0, 56.0, 26.25, 17.625]);
        assert_eq!(v.f107_prev_day_sfu, 69.8);
    }

    #[test]
    fn previous_day_f107_across_month_and_year_boundaries() {
        let t = SpaceWeatherTable::shipped();
        for (y, m, d) in [(2007, 11, 1), (2008, 1, 1), (2008, 3, 1), (2007, 10, 10)] {
            let today = date(y, m, d);
            let yesterday = CalendarDate::from_mjd(today.mjd() - 1);
            let expected = t.day(yesterday).and_then(|r| r.f107_obs_sfu);
            for h in [0, 11, 23] {
                let v = t.at(utc(y, m, d, h, 59)).unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(Some(v.f107_prev_day_sfu), expected, "{today} {h}h");
            }
        }
    }

    #[test]
    fn center81_column_is_the_centred_81_day_mean_of_observed_f107() {
        // CelesTrak documents F10.7_OBS_CENTER81 as the 81-day arithmetic mean of observed
        // F10.7 centred on the day. Recompute it from F10.7_OBS for every day with 40 days of
        // data either side; the column is rounded to 0.1 sfu, so |Δ| ≤ 0.05 + rounding slack.
        let t = SpaceWeatherTable::shipped();
        let obs: Vec<f64> = t
            .rows()
            .map(|r| r.f107_obs_sfu.unwrap_or(f64::NAN))
            .collect();
        let mut worst = 0.0_f64;
        let mut n = 0;
        for (i, row) in t.rows().enumerate().skip(40).take(obs.len() - 80) {
            let mean = obs[i - 40..=i + 40].iter().sum::<f64>() / 81.0;
            let col = row.f107_obs_center81_sfu.unwrap_or(f64::NAN);
            worst = worst.max((mean - col).abs());
            n += 1;
        }
        assert_eq!(n, 913 - 80);
        assert!(worst <= 0.0501, "worst |own − file| = {worst} sfu");
    }

    #[test]
    fn solar_minimum_f107_level() {
        // 2007-10 .. 2008-04 lies in the extended minimum between solar cycles 23 and 24, when
        // the quiet-Sun F10.7 floor is about 65–70 sfu (Tapping, Space Weather 11, 394 (2013),
        // "The 10.7 cm solar radio flux (F10.7)"). The mean over these 213 days must sit just
        // above that floor; a parser that mixed up columns (ISN, Ap, KP_SUM) would not.
        let t = SpaceWeatherTable::shipped();
        let (a, b) = (date(2007, 10, 1), date(2008, 4, 30));
        let v: Vec<f64> = t
            .rows()
            .filter(|r| r.date >= a && r.date <= b)
            .filter_map(|r| r.f107_obs_sfu)
            .collect();
        assert_eq!(v.len(), 213);
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        assert!((65.0..80.0).contains(&mean), "mean F10.7 {mean} sfu");
    }

    #[test]
    fn out_of_range_names_date_and_span() {
        let t = SpaceWeatherTable::shipped();
        let e = t.at(utc(2009, 4, 1, 12, 0));
        let Err(e) = e else {
            panic!("2009-04-01 should be out of range")
        };
        let msg = e.to_string();
        assert!(
            msg.contains("2009-04-01") && msg.contains("2006-10-01 .. 2009-03-31"),
            "{msg}"
        );
        // The first day itself lacks its ap history; 3 days in is the first usable 00h.
        assert!(matches!(
            t.at(utc(2006, 10, 1, 12, 0)),
            Err(SpaceWeatherError::OutOfRange { .. })
        ));
        assert!(
            t.at(utc(2006, 10, 3, 8, 59)).is_err(),
            "interval 2 needs 3 days back"
        );
        assert!(
            t.at(utc(2006, 10, 3, 9, 0)).is_ok(),
            "interval 3 needs only 2 days back"
        );
        assert!(t.at(utc(2006, 10, 4, 0, 0)).is_ok());
        assert!(t.at(utc(2009, 3, 31, 23, 59)).is_ok());
    }

    const HEADER: &str = "DATE,BSRN,ND,KP1,KP2,KP3,KP4,KP5,KP6,KP7,KP8,KP_SUM,AP1,AP2,AP3,AP4,AP5,AP6,AP7,AP8,AP_AVG,CP,C9,ISN,F10.7_OBS,F10.7_ADJ,F10.7_DATA_TYPE,F10.7_OBS_CENTER81,F10.7_OBS_LAST81,F10.7_ADJ_CENTER81,F10.7_ADJ_LAST81";

    #[test]
    fn malformed_line_reports_line_and_column() {
        let text = format!(
            "{HEADER}\n\
             2007-10-09,2377,10,7,7,7,0,0,0,7,0,27,2,2,2,0,0,0,2,0,1,0.0,0,0,68.7,68.5,OBS,67.7,68.2,67.5,69.4\n\
             2007-10-10,2377,11,0,10,7,0,0,0,0,0,17,0,4,x3,0,0,0,0,0,1,0.0,0,0,68.1,67.9,OBS,67.7,68.1,67.5,69.3\n"
        );
        let e = SpaceWeatherTable::parse_celestrak_csv(&text);
        let Err(SpaceWeatherError::Parse { line, column, .. }) = e else {
            panic!("expected parse error, got {e:?}")
        };
        assert_eq!((line, column), (3, "AP3"));

        let bad_date =
            format!("{HEADER}\n2007-02-29,1,1,,,,,,,,,,,,,,,,,,,,,0,68.7,68.5,OBS,67.7,,,\n");
        let e = SpaceWeatherTable::parse_celestrak_csv(&bad_date);
        assert!(
            matches!(
                e,
                Err(SpaceWeatherError::Parse {
                    line: 2,
                    column: "DATE",
                    ..
                })
            ),
            "{e:?}"
        );

        let no_col = "DATE,AP1\n2007-10-10,0\n";
        let e = SpaceWeatherTable::parse_celestrak_csv(no_col);
        assert!(
            matches!(
                e,
                Err(SpaceWeatherError::MissingColumn {
                    line: 1,
                    column: "AP2"
                })
            ),
            "{e:?}"
        );

        let text = format!(
            "{HEADER}\n\
             2007-10-10,2377,11,0,10,7,0,0,0,0,0,17,0,4,3,0,0,0,0,0,1,0.0,0,0,68.1,67.9,OBS,67.7,68.1,67.5,69.3\n\
             2007-10-10,2377,11,0,10,7,0,0,0,0,0,17,0,4,3,0,0,0,0,0,1,0.0,0,0,68.1,67.9,OBS,67.7,68.1,67.5,69.3\n"
        );
        let e = SpaceWeatherTable::parse_celestrak_csv(&text);
        assert!(
            matches!(e, Err(SpaceWeatherError::NotIncreasing { line: 3, .. })),
            "{e:?}"
        );

        let e = SpaceWeatherTable::parse_celestrak_csv(&format!("{HEADER}\n\n"));
        assert_eq!(e, Err(SpaceWeatherError::Empty));
        assert_eq!(
            SpaceWeatherTable::parse_celestrak_csv(""),
            Err(SpaceWeatherError::MissingHeader)
        );
    }

    #[test]
    fn predicted_and_blank_rows_are_explicit() {
        // Tail of a CelesTrak file: observed, daily predicted, then monthly predicted rows with
        // Kp/ap left blank (lines as CelesTrak writes them; values from SW-All.csv 2026-02).
        let text = format!(
            "{HEADER}\n\
             2026-02-20,2625,23,40,47,50,40,43,37,40,53,350,27,39,48,27,32,22,27,56,35,1.4,6,3,110.1,107.8,OBS,134.9,149.5,132.1,145.0\n\
             2026-02-21,2625,24,40,47,50,40,43,37,40,53,350,27,39,48,27,32,22,27,56,35,1.4,6,3,110.1,107.8,OBS,134.9,149.5,132.1,145.0\n\
             2026-02-22,2625,25,40,47,50,40,43,37,40,53,350,27,39,48,27,32,22,27,56,35,1.4,6,3,110.1,107.8,OBS,134.9,149.5,132.1,145.0\n\
             2026-02-23,2625,26,33,50,30,37,33,20,43,40,287,18,48,15,22,18,7,32,27,23,1.1,5,9,107.9,105.7,OBS,135.1,148.1,132.3,143.6\n\
             2026-02-24,2625,27,27,47,33,37,37,37,37,37,290,12,39,18,22,22,22,22,22,22,1.1,5,107,117.4,115.0,PRD,135.0,147.0,132.3,142.6\n\
             2026-03-01,2626,6,,,,,,,,,,,,,,,,,,,,,107,126.5,130.1,PRM,127.7,127.1,131.0,128.3\n\
             2026-04-01,2627,10,,,,,,,,,,,,,,,,,,,,,104,126.5,130.1,PRM,127.7,127.1,131.0\n"
        );
        let t = SpaceWeatherTable::parse_celestrak_csv(&text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.last_date(), date(2026, 4, 1));
        let prm = t.day(date(2026, 4, 1)).copied();
        let Some(prm) = prm else {
            panic!("PRM row missing")
        };
        assert_eq!(prm.kind, DataKind::PredictedMonthly);
        assert_eq!((prm.ap_3h, prm.ap_daily), (None, None));
        assert_eq!(prm.f107_obs_sfu, Some(126.5));
        assert_eq!(prm.f107_adj_sfu, Some(130.1));
        assert!(t.at(utc(2026, 2, 23, 12, 0)).is_ok());
        let e = t.at(utc(2026, 2, 24, 12, 0));
        assert!(
            matches!(e, Err(SpaceWeatherError::Predicted { .. })),
            "{e:?}"
        );
        let t = t.with_predictions_allowed(true);
        let v = t
            .at(utc(2026, 2, 24, 12, 0))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v.f107_prev_day_sfu, 107.9);
        let e = t.at(utc(2026, 2, 26, 12, 0));
        assert!(
            matches!(e, Err(SpaceWeatherError::MissingDay { .. })),
            "{e:?}"
        );
        // 03-01 has a row, but CelesTrak leaves its ap blank: said so, not guessed.
        let e = t.at(utc(2026, 3, 1, 12, 0));
        assert!(
            matches!(
                e,
                Err(SpaceWeatherError::BlankValue {
                    column: "AP1..AP8",
                    ..
                })
            ),
            "{e:?}"
        );
    }

    #[test]
    fn partly_blank_ap_is_an_error() {
        let text = format!(
            "{HEADER}\n2007-10-10,2377,11,0,10,7,0,0,0,0,0,17,0,4,,0,0,0,0,0,1,0.0,0,0,68.1,67.9,OBS,67.7,68.1,67.5,69.3\n"
        );
        let e = SpaceWeatherTable::parse_celestrak_csv(&text);
        assert!(
            matches!(
                e,
                Err(SpaceWeatherError::Parse {
                    line: 2,
                    column: "AP3",
                    ..
                })
            ),
            "{e:?}"
        );
    }

    #[test]
    fn source_constant_and_table() {
        let c = SpaceWeatherSource::Constant(SpaceWeatherValues::constant(150.0, 150.0, 4.0));
        let v = c
            .values_at(utc(1990, 1, 1, 0, 0))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v.ap_array, [4.0; 7]);
        assert_eq!(
            (v.f107_prev_day_sfu, v.f107_81day_sfu, v.ap_daily),
            (150.0, 150.0, 4.0)
        );
        let bad = SpaceWeatherSource::Constant(SpaceWeatherValues::constant(f64::NAN, 150.0, 4.0));
        assert!(matches!(
            bad.values_at(utc(1990, 1, 1, 0, 0)),
            Err(SpaceWeatherError::InvalidValue { .. })
        ));
        let s = SpaceWeatherSource::shipped();
        let e = utc(2007, 10, 10, 13, 22);
        assert_eq!(s.values_at(e), SpaceWeatherTable::shipped().at(e));
        assert!(s.values_at(utc(2010, 1, 1, 0, 0)).is_err());
    }

    #[test]
    fn lookup_is_consistent_over_the_mission() {
        // Every 3-h interval from TMA-11 launch day to landing day: values finite, ap array
        // entry 2 equals the row's 3-h ap, f107 equals the previous day's row.
        let t = SpaceWeatherTable::shipped();
        let start = date(2007, 10, 10).mjd();
        let end = date(2008, 4, 19).mjd();
        for mjd in start..=end {
            let d = CalendarDate::from_mjd(mjd);
            let Some(row) = t.day(d) else {
                panic!("{d} missing")
            };
            let Some(ap) = row.ap_3h else {
                panic!("{d} ap blank")
            };
            for k in 0..8u8 {
                let v = t.at(utc(d.year, d.month, d.day, 3 * k + 1, 30));
                let v = v.unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(v.ap_array[1], ap[usize::from(k)]);
                assert!(v.validate().is_ok());
                assert!(close(v.ap_array[0], v.ap_daily, 0.0));
            }
        }
    }
}
