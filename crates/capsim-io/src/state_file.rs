//! The small TOML file that gives `capsim propagate --state FILE` its initial state.
//!
//! ```toml
//! name = "ISS"                       # optional, OEM OBJECT_NAME
//! object_id = "1998-067A"            # optional, OEM OBJECT_ID
//! epoch = "2007-10-27T21:49:31 UTC"  # UTC unless a scale is given (TAI, TT, TDB)
//!
//! [cartesian]                        # either this table…
//! frame = "GCRF"                     # GCRF (default) | ITRF | TEME
//! position_km = [6578.1, 0.0, 0.0]
//! velocity_km_s = [0.0, 4.79, 6.06]
//!
//! [keplerian]                        # …or this one (osculating, GCRF)
//! a_km = 6718.0                      # or perigee_alt_km and apogee_alt_km, measured
//!                                    # above reference_radius_km (default 6378.137)
//! e = 0.0006
//! inc_deg = 51.64
//! raan_deg = 0.0
//! argp_deg = 0.0
//! ta_deg = 0.0
//! ```
//!
//! Parsing keeps the source span of every value so that validation can point at the line.
//! Unknown keys are errors (`deny_unknown_fields`).

use crate::error::InputError;
use crate::timefmt::parse_epoch;
use hifitime::Epoch;
use serde::Deserialize;
use std::ops::Range;
use std::path::Path;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStateFile {
    name: Option<String>,
    object_id: Option<String>,
    epoch: Spanned<String>,
    cartesian: Option<Spanned<RawCartesian>>,
    keplerian: Option<Spanned<RawKeplerian>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCartesian {
    frame: Option<Spanned<String>>,
    position_km: Spanned<[f64; 3]>,
    velocity_km_s: Spanned<[f64; 3]>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawKeplerian {
    a_km: Option<Spanned<f64>>,
    perigee_alt_km: Option<Spanned<f64>>,
    apogee_alt_km: Option<Spanned<f64>>,
    reference_radius_km: Option<Spanned<f64>>,
    e: Option<Spanned<f64>>,
    inc_deg: Spanned<f64>,
    raan_deg: Spanned<f64>,
    argp_deg: Spanned<f64>,
    ta_deg: Spanned<f64>,
}

/// Which frame a Cartesian input state is expressed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFrame {
    Gcrf,
    Itrf,
    Teme,
}

/// Converts an input Cartesian state (SI) to GCRF using the EOP values at `epoch`.
pub fn to_gcrf(
    epoch: Epoch,
    frame: InputFrame,
    r_m: [f64; 3],
    v_m_s: [f64; 3],
    eop: &capsim::frames::eop::EopTable,
) -> Result<capsim::state::cartesian::OrbitState, String> {
    use capsim::frames::Vec3;
    use capsim::state::cartesian::OrbitState;
    let values = || {
        eop.at(epoch).map_err(|e| {
            format!("a {frame:?} state needs Earth-orientation data at its epoch: {e}")
        })
    };
    Ok(match frame {
        InputFrame::Gcrf => OrbitState::new(
            epoch,
            Vec3::new(r_m[0], r_m[1], r_m[2]),
            Vec3::new(v_m_s[0], v_m_s[1], v_m_s[2]),
        ),
        InputFrame::Itrf => {
            let (r, v) = capsim::frames::earth_orientation::itrf_to_gcrf_state(
                epoch,
                &values()?,
                &Vec3::new(r_m[0], r_m[1], r_m[2]),
                &Vec3::new(v_m_s[0], v_m_s[1], v_m_s[2]),
            );
            OrbitState::new(epoch, r, v)
        }
        InputFrame::Teme => {
            let (r, v) = capsim::frames::teme::teme_to_gcrf_state(
                epoch,
                &values()?,
                &Vec3::new(r_m[0], r_m[1], r_m[2]),
                &Vec3::new(v_m_s[0], v_m_s[1], v_m_s[2]),
            );
            OrbitState::new(epoch, r, v)
        }
    })
}

/// A value with the byte span it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub span: Range<usize>,
    pub key: &'static str,
}

/// The initial state as written in the file, in SI units, not yet converted to GCRF.
#[derive(Clone, Debug, PartialEq)]
pub enum StateSpecKind {
    Cartesian {
        frame: InputFrame,
        r_m: Located<[f64; 3]>,
        v_m_s: Located<[f64; 3]>,
    },
    Keplerian {
        a_m: Located<f64>,
        e: Located<f64>,
        i_rad: Located<f64>,
        raan_rad: Located<f64>,
        argp_rad: Located<f64>,
        ta_rad: Located<f64>,
    },
}

/// A parsed state file; keeps the text so later validation can locate values.
#[derive(Clone, Debug)]
pub struct StateSpec {
    pub path: std::path::PathBuf,
    pub text: String,
    pub name: Option<String>,
    pub object_id: Option<String>,
    pub epoch: Epoch,
    pub kind: StateSpecKind,
}

impl StateSpec {
    /// An error located at a value of this file.
    pub fn error_at<T>(&self, v: &Located<T>, message: impl Into<String>) -> InputError {
        InputError::new(&self.path, message)
            .at_offset(&self.text, v.span.start)
            .with_key(v.key)
    }
}

fn located<T>(s: Spanned<T>, key: &'static str) -> Located<T> {
    let span = s.span();
    Located {
        value: s.into_inner(),
        span,
        key,
    }
}

/// Parses a state file's text; `path` is used in error messages.
pub fn parse_state_file(path: &Path, text: &str) -> Result<StateSpec, InputError> {
    let raw: RawStateFile = toml::from_str(text).map_err(|e| {
        let mut err = InputError::new(path, e.message().to_string());
        if let Some(span) = e.span() {
            err = err.at_offset(text, span.start);
        }
        err
    })?;
    let epoch = parse_epoch(raw.epoch.get_ref()).map_err(|m| {
        InputError::new(path, m)
            .at_offset(text, raw.epoch.span().start)
            .with_key("epoch")
    })?;
    let kind = state_kind(path, text, raw.cartesian, raw.keplerian, None)?;
    Ok(StateSpec {
        path: path.to_path_buf(),
        text: text.to_string(),
        name: raw.name,
        object_id: raw.object_id,
        epoch,
        kind,
    })
}

/// Builds the state of a state file or of a scenario entry from its `[cartesian]` or
/// `[keplerian]` table; `missing_anchor` is the byte offset an error points at when both
/// tables are missing (the scenario entry's start).
pub(crate) fn state_kind(
    path: &Path,
    text: &str,
    cartesian: Option<Spanned<RawCartesian>>,
    keplerian: Option<Spanned<RawKeplerian>>,
    missing_anchor: Option<usize>,
) -> Result<StateSpecKind, InputError> {
    let kind = match (cartesian, keplerian) {
        (Some(c), None) => {
            let c = c.into_inner();
            let frame = match &c.frame {
                None => InputFrame::Gcrf,
                Some(f) => match f.get_ref().to_ascii_uppercase().as_str() {
                    "GCRF" | "ICRF" | "J2000" | "EME2000" => InputFrame::Gcrf,
                    "ITRF" | "ECEF" => InputFrame::Itrf,
                    "TEME" => InputFrame::Teme,
                    other => {
                        return Err(InputError::new(
                            path,
                            format!("unknown frame '{other}', expected GCRF, ITRF or TEME"),
                        )
                        .at_offset(text, f.span().start)
                        .with_key("cartesian.frame"))
                    }
                },
            };
            let mut r = located(c.position_km, "cartesian.position_km");
            let mut v = located(c.velocity_km_s, "cartesian.velocity_km_s");
            for x in r.value.iter_mut() {
                *x *= 1e3;
            }
            for x in v.value.iter_mut() {
                *x *= 1e3;
            }
            StateSpecKind::Cartesian {
                frame,
                r_m: r,
                v_m_s: v,
            }
        }
        (None, Some(k)) => keplerian_kind(path, text, k)?,
        (Some(c), Some(_)) => {
            return Err(
                InputError::new(path, "give either [cartesian] or [keplerian], not both")
                    .at_offset(text, c.span().start),
            )
        }
        (None, None) => {
            let mut e = InputError::new(
                path,
                "missing the state: add a [cartesian] or a [keplerian] table",
            );
            if let Some(at) = missing_anchor {
                e = e.at_offset(text, at);
            }
            return Err(e);
        }
    };
    Ok(kind)
}

fn keplerian_kind(
    path: &Path,
    text: &str,
    k: Spanned<RawKeplerian>,
) -> Result<StateSpecKind, InputError> {
    let table_start = k.span().start;
    let k = k.into_inner();
    let err = |span: Range<usize>, key: &'static str, m: String| {
        InputError::new(path, m)
            .at_offset(text, span.start)
            .with_key(key)
    };
    let deg = |s: Spanned<f64>, key: &'static str| {
        let mut l = located(s, key);
        l.value = l.value.to_radians();
        l
    };
    let re = match &k.reference_radius_km {
        None => capsim::constants::WGS84_A_M,
        Some(r) if *r.get_ref() > 1000.0 && *r.get_ref() < 10_000.0 => r.get_ref() * 1e3,
        Some(r) => {
            return Err(err(
                r.span(),
                "keplerian.reference_radius_km",
                format!(
                    "{} km is not an Earth radius (expected e.g. 6371.0 or 6378.137)",
                    r.get_ref()
                ),
            ))
        }
    };
    if k.reference_radius_km.is_some() && k.perigee_alt_km.is_none() {
        let r = k.reference_radius_km.as_ref().map_or(0..0, |r| r.span());
        return Err(err(
            r,
            "keplerian.reference_radius_km",
            "applies only with perigee_alt_km and apogee_alt_km".into(),
        ));
    }
    let (a_m, e) = match (k.a_km, k.perigee_alt_km, k.apogee_alt_km, k.e) {
        (Some(a), None, None, Some(e)) => {
            let mut a = located(a, "keplerian.a_km");
            a.value *= 1e3;
            (a, located(e, "keplerian.e"))
        }
        (None, Some(hp), Some(ha), None) => {
            let hp = located(hp, "keplerian.perigee_alt_km");
            let ha = located(ha, "keplerian.apogee_alt_km");
            if ha.value < hp.value {
                return Err(err(
                    ha.span.clone(),
                    "keplerian.apogee_alt_km",
                    format!(
                        "apogee altitude {} km is below the perigee altitude {} km",
                        ha.value, hp.value
                    ),
                ));
            }
            let rp = re + hp.value * 1e3;
            let ra = re + ha.value * 1e3;
            let a = Located {
                value: 0.5 * (rp + ra),
                span: hp.span.clone(),
                key: "keplerian.perigee_alt_km",
            };
            let e = Located {
                value: (ra - rp) / (ra + rp),
                span: ha.span,
                key: "keplerian.apogee_alt_km",
            };
            (a, e)
        }
        _ => {
            return Err(InputError::new(
                path,
                "give either a_km and e, or perigee_alt_km and apogee_alt_km (altitudes above the WGS-84 equatorial radius)",
            )
            .at_offset(text, table_start)
            .with_key("keplerian"))
        }
    };
    if !(0.0..1.0).contains(&e.value) {
        return Err(err(
            e.span,
            e.key,
            format!(
                "eccentricity {} must be in [0, 1) for an orbit given by elements",
                e.value
            ),
        ));
    }
    let inc = k.inc_deg;
    if !(0.0..=180.0).contains(inc.get_ref()) {
        return Err(err(
            inc.span(),
            "keplerian.inc_deg",
            format!("inclination {} deg must be within [0, 180]", inc.get_ref()),
        ));
    }
    Ok(StateSpecKind::Keplerian {
        a_m,
        e,
        i_rad: deg(inc, "keplerian.inc_deg"),
        raan_rad: deg(k.raan_deg, "keplerian.raan_deg"),
        argp_rad: deg(k.argp_deg, "keplerian.argp_deg"),
        ta_rad: deg(k.ta_deg, "keplerian.ta_deg"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
name = "ISS"
epoch = "2007-10-27T21:49:31 UTC"

[cartesian]
frame = "GCRF"
position_km = [6578.1, 0.0, 0.0]
velocity_km_s = [0.0, 4.79, 6.06]
"#;

    #[test]
    fn parses_cartesian() {
        let s = parse_state_file(Path::new("s.toml"), GOOD).unwrap();
        match s.kind {
            StateSpecKind::Cartesian { frame, r_m, v_m_s } => {
                assert_eq!(frame, InputFrame::Gcrf);
                assert_eq!(r_m.value[0], 6_578_100.0);
                assert_eq!(v_m_s.value[2], 6060.0);
            }
            _ => panic!("wrong kind"),
        }
    }

    #[test]
    fn unknown_key_names_line() {
        let text = GOOD.replace("frame = \"GCRF\"", "frame = \"GCRF\"\nspeed = 3");
        let e = parse_state_file(Path::new("s.toml"), &text).unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with("s.toml:7:"), "{msg}");
        assert!(msg.contains("unknown field `speed`"), "{msg}");
    }

    #[test]
    fn bad_inclination_is_located() {
        let text = "epoch = \"2007-10-10T13:31:00\"\n[keplerian]\na_km = 6700\ne = 0.001\ninc_deg = 195\nraan_deg = 0\nargp_deg = 0\nta_deg = 0\n";
        let e = parse_state_file(Path::new("k.toml"), text).unwrap_err();
        assert_eq!(e.line, Some(5));
        assert_eq!(e.key.as_deref(), Some("keplerian.inc_deg"));
    }
}
