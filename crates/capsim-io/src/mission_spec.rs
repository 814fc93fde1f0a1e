//! Mission-level scenario tables: `[mission]`, `[[crew]]`, `[[timeline]]` and `[[claim]]`.
//!
//! These tables do not drive any computation: they carry what a mission report shows beside
//! the simulation — the launch site and epoch, the planned (and, when published, the actual)
//! landing point, who flew and who was aboard the station when, the dated station events of
//! the docked period, and the figures a source article claims (the "mission in numbers").
//! They are optional, so a user's own scenario runs without them.
//!
//! Parsing follows the scenario's two stages (DESIGN.md §5): the `Raw*` types mirror the TOML
//! with `deny_unknown_fields`; [`validate`] checks every entry (epochs parse, dates are in
//! order, an end comes after its start, kinds are known, latitudes/longitudes are in range)
//! and pushes **all** problems, each located by file:line:column and key path.
//! Keys are documented in `docs/scenario-mission.md`.

use crate::error::InputError;
use crate::timefmt::parse_epoch;
use hifitime::Epoch;
use serde::Deserialize;
use std::path::Path;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMission {
    vehicle: Option<String>,
    launch_site: Option<String>,
    launch_lat_deg: Option<Spanned<f64>>,
    launch_lon_deg: Option<Spanned<f64>>,
    launch_alt_m: Option<f64>,
    launch_utc: Option<Spanned<String>>,
    landing_utc: Option<Spanned<String>>,
    planned_landing_lat_deg: Option<Spanned<f64>>,
    planned_landing_lon_deg: Option<Spanned<f64>>,
    planned_landing_note: Option<String>,
    published_landing_lat_deg: Option<Spanned<f64>>,
    published_landing_lon_deg: Option<Spanned<f64>>,
    published_landing_source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCrew {
    name: Spanned<String>,
    country: Option<String>,
    role: Option<Spanned<String>>,
    launch_vehicle: Option<String>,
    landing_vehicle: Option<String>,
    aboard_from: Option<Spanned<String>>,
    aboard_to: Option<Spanned<String>>,
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTimeline {
    utc: Spanned<String>,
    label: String,
    kind: Spanned<String>,
    end_utc: Option<Spanned<String>>,
    vehicle: Option<String>,
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawClaim {
    id: Spanned<String>,
    quantity: String,
    article: String,
    published: Option<String>,
    source: Option<String>,
    note: Option<String>,
}

/// A point on the ground, WGS-84 geodetic degrees, with where the figure comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct GroundPoint {
    pub lat_deg: f64,
    pub lon_deg: f64,
    /// Source or caveat ("proxy: Soyuz TMA-12 landing point").
    pub note: String,
}

/// The validated `[mission]` table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MissionInfo {
    /// The capsule's name, as in `[[timeline]].vehicle` ("Soyuz TMA-11").
    pub vehicle: String,
    pub launch_site: String,
    /// Launch site latitude, longitude (deg) and height (m), when given.
    pub launch_site_lat_lon_alt: Option<(f64, f64, f64)>,
    pub launch_utc: Option<Epoch>,
    pub landing_utc: Option<Epoch>,
    pub planned_landing: Option<GroundPoint>,
    pub published_landing: Option<GroundPoint>,
}

/// A crew member's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CrewRole {
    /// Flew on the scenario's capsule (launch and/or landing).
    Crew,
    /// Backup crew (did not fly).
    Backup,
    /// Aboard the station during the mission, arrived or left on another vehicle.
    Station,
}

impl CrewRole {
    pub const NAMES: [&'static str; 3] = ["crew", "backup", "station"];
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "crew" => Self::Crew,
            "backup" => Self::Backup,
            "station" => Self::Station,
            _ => return None,
        })
    }
    pub fn name(self) -> &'static str {
        match self {
            Self::Crew => "crew",
            Self::Backup => "backup",
            Self::Station => "station",
        }
    }
}

/// One validated `[[crew]]` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct CrewMember {
    pub name: String,
    pub country: String,
    pub role: CrewRole,
    pub launch_vehicle: String,
    pub landing_vehicle: String,
    /// Aboard the station from / to; `None` = before / after the mission window.
    pub aboard_from: Option<Epoch>,
    pub aboard_to: Option<Epoch>,
    pub note: String,
}

/// What a timeline entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimelineKind {
    Launch,
    Docking,
    Undocking,
    Hatch,
    Eva,
    Relocation,
    Reboost,
    Deorbit,
    Landing,
    Milestone,
}

impl TimelineKind {
    pub const NAMES: [&'static str; 10] = [
        "launch",
        "docking",
        "undocking",
        "hatch",
        "eva",
        "relocation",
        "reboost",
        "deorbit",
        "landing",
        "milestone",
    ];
    fn parse(s: &str) -> Option<Self> {
        let i = Self::NAMES.iter().position(|n| *n == s)?;
        Some(Self::ALL[i])
    }
    const ALL: [Self; 10] = [
        Self::Launch,
        Self::Docking,
        Self::Undocking,
        Self::Hatch,
        Self::Eva,
        Self::Relocation,
        Self::Reboost,
        Self::Deorbit,
        Self::Landing,
        Self::Milestone,
    ];
    /// The TOML name of the kind.
    pub fn name(self) -> &'static str {
        let i = Self::ALL.iter().position(|k| *k == self).unwrap_or(0);
        Self::NAMES[i]
    }
}

/// One validated `[[timeline]]` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineEvent {
    pub utc: Epoch,
    pub end_utc: Option<Epoch>,
    pub label: String,
    pub kind: TimelineKind,
    /// The vehicle docking / undocking ("STS-120"), empty when not relevant.
    pub vehicle: String,
    pub note: String,
}

/// One validated `[[claim]]` entry: a figure from the source article.
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    /// Stable key the report uses to attach the simulated value (`launch`, `orbits`, …).
    pub id: String,
    /// What is measured ("mission duration").
    pub quantity: String,
    /// The value as the article states it.
    pub article: String,
    /// The value in other published sources.
    pub published: String,
    pub source: String,
    pub note: String,
}

/// All mission-level tables of a scenario (each empty when absent).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MissionSpec {
    pub info: MissionInfo,
    pub crew: Vec<CrewMember>,
    pub timeline: Vec<TimelineEvent>,
    pub claims: Vec<Claim>,
}

impl MissionSpec {
    /// `true` when the scenario has none of the mission tables.
    pub fn is_empty(&self) -> bool {
        self.info == MissionInfo::default()
            && self.crew.is_empty()
            && self.timeline.is_empty()
            && self.claims.is_empty()
    }
}

/// The raw mission tables of a scenario, as serde read them.
pub(crate) struct RawMissionTables {
    pub mission: Option<Spanned<RawMission>>,
    pub crew: Vec<Spanned<RawCrew>>,
    pub timeline: Vec<Spanned<RawTimeline>>,
    pub claim: Vec<Spanned<RawClaim>>,
}

/// [`parse_epoch`], also accepting minute precision (`2007-11-09T09:54`), as published
/// timelines are written.
fn parse_minute_epoch(text: &str) -> Result<Epoch, String> {
    let t = text.trim();
    let b = t.as_bytes();
    if b.len() >= 16
        && b[10] == b'T'
        && b[13] == b':'
        && (b.len() == 16 || b[16] == b' ' || b[16] == b'Z')
    {
        let (head, tail) = t.split_at(16);
        return parse_epoch(&format!("{head}:00{tail}")).map_err(|_| {
            format!("'{text}' is not an epoch (expected e.g. 2007-10-10T13:22:39 UTC or 2007-10-10T13:22)")
        });
    }
    parse_epoch(t)
}

/// Validates the mission tables, pushing every problem into `errors`.
pub(crate) fn validate(
    path: &Path,
    text: &str,
    raw: RawMissionTables,
    errors: &mut Vec<InputError>,
) -> MissionSpec {
    let at = |span: std::ops::Range<usize>, key: String, m: String| {
        InputError::new(path, m)
            .at_offset(text, span.start)
            .with_key(key)
    };
    let epoch =
        |s: &Spanned<String>, key: String, errors: &mut Vec<InputError>| match parse_minute_epoch(
            s.get_ref(),
        ) {
            Ok(e) => Some(e),
            Err(m) => {
                errors.push(at(s.span(), key, m));
                None
            }
        };
    let angle = |v: &Option<Spanned<f64>>,
                 key: &str,
                 limit: f64,
                 errors: &mut Vec<InputError>|
     -> Option<f64> {
        let v = v.as_ref()?;
        let x = *v.get_ref();
        if x.is_finite() && x.abs() <= limit {
            Some(x)
        } else {
            errors.push(at(
                v.span(),
                format!("mission.{key}"),
                format!("{x} deg is out of range: expected a value in [−{limit}, {limit}] deg"),
            ));
            None
        }
    };
    let pair = |lat: &Option<Spanned<f64>>,
                lon: &Option<Spanned<f64>>,
                stem: &str,
                table: usize,
                errors: &mut Vec<InputError>|
     -> Option<(f64, f64)> {
        let la = angle(lat, &format!("{stem}_lat_deg"), 90.0, errors);
        let lo = angle(lon, &format!("{stem}_lon_deg"), 180.0, errors);
        match (lat, lon) {
            (Some(_), None) | (None, Some(_)) => {
                errors.push(
                    InputError::new(
                        path,
                        format!("give both {stem}_lat_deg and {stem}_lon_deg, or neither"),
                    )
                    .at_offset(text, table)
                    .with_key(format!("mission.{stem}_lat_deg")),
                );
                None
            }
            _ => Some((la?, lo?)),
        }
    };

    let mut info = MissionInfo::default();
    if let Some(m) = raw.mission {
        let table = m.span().start;
        let m = m.into_inner();
        info.vehicle = m.vehicle.unwrap_or_default();
        info.launch_site = m.launch_site.unwrap_or_default();
        info.launch_site_lat_lon_alt = pair(
            &m.launch_lat_deg,
            &m.launch_lon_deg,
            "launch",
            table,
            errors,
        )
        .map(|(a, b)| (a, b, m.launch_alt_m.unwrap_or(0.0)));
        info.launch_utc = m
            .launch_utc
            .as_ref()
            .and_then(|s| epoch(s, "mission.launch_utc".into(), errors));
        info.landing_utc = m
            .landing_utc
            .as_ref()
            .and_then(|s| epoch(s, "mission.landing_utc".into(), errors));
        if let (Some(l), Some(d), Some(s)) = (info.launch_utc, info.landing_utc, &m.landing_utc) {
            if d <= l {
                errors.push(at(
                    s.span(),
                    "mission.landing_utc".into(),
                    format!(
                        "landing {} is not after the launch {}",
                        crate::timefmt::iso_utc_micro(d),
                        crate::timefmt::iso_utc_micro(l)
                    ),
                ));
            }
        }
        info.planned_landing = pair(
            &m.planned_landing_lat_deg,
            &m.planned_landing_lon_deg,
            "planned_landing",
            table,
            errors,
        )
        .map(|(lat_deg, lon_deg)| GroundPoint {
            lat_deg,
            lon_deg,
            note: m.planned_landing_note.clone().unwrap_or_default(),
        });
        info.published_landing = pair(
            &m.published_landing_lat_deg,
            &m.published_landing_lon_deg,
            "published_landing",
            table,
            errors,
        )
        .map(|(lat_deg, lon_deg)| GroundPoint {
            lat_deg,
            lon_deg,
            note: m.published_landing_source.clone().unwrap_or_default(),
        });
    }

    let mut crew = Vec::new();
    for (i, c) in raw.crew.into_iter().enumerate() {
        let c = c.into_inner();
        let key = |k: &str| format!("crew[{i}].{k}");
        if c.name.get_ref().trim().is_empty() {
            errors.push(at(c.name.span(), key("name"), "must not be empty".into()));
        }
        let role = match &c.role {
            None => Some(CrewRole::Crew),
            Some(r) => match CrewRole::parse(r.get_ref()) {
                Some(x) => Some(x),
                None => {
                    errors.push(at(
                        r.span(),
                        key("role"),
                        format!(
                            "unknown role '{}', expected one of {}",
                            r.get_ref(),
                            CrewRole::NAMES.join(", ")
                        ),
                    ));
                    None
                }
            },
        };
        let from = c
            .aboard_from
            .as_ref()
            .and_then(|s| epoch(s, key("aboard_from"), errors));
        let to = c
            .aboard_to
            .as_ref()
            .and_then(|s| epoch(s, key("aboard_to"), errors));
        if let (Some(f), Some(t), Some(s)) = (from, to, &c.aboard_to) {
            if t <= f {
                errors.push(at(
                    s.span(),
                    key("aboard_to"),
                    format!(
                        "{} is not after aboard_from {}",
                        crate::timefmt::iso_utc_micro(t),
                        crate::timefmt::iso_utc_micro(f)
                    ),
                ));
            }
        }
        if let Some(role) = role {
            crew.push(CrewMember {
                name: c.name.into_inner(),
                country: c.country.unwrap_or_default(),
                role,
                launch_vehicle: c.launch_vehicle.unwrap_or_default(),
                landing_vehicle: c.landing_vehicle.unwrap_or_default(),
                aboard_from: from,
                aboard_to: to,
                note: c.note.unwrap_or_default(),
            });
        }
    }

    let mut timeline: Vec<TimelineEvent> = Vec::new();
    let mut previous: Option<Epoch> = None;
    for (i, t) in raw.timeline.into_iter().enumerate() {
        let t = t.into_inner();
        let key = |k: &str| format!("timeline[{i}].{k}");
        let start = epoch(&t.utc, key("utc"), errors);
        let end = t
            .end_utc
            .as_ref()
            .and_then(|s| epoch(s, key("end_utc"), errors));
        let kind = match TimelineKind::parse(t.kind.get_ref()) {
            Some(k) => Some(k),
            None => {
                errors.push(at(
                    t.kind.span(),
                    key("kind"),
                    format!(
                        "unknown kind '{}', expected one of {}",
                        t.kind.get_ref(),
                        TimelineKind::NAMES.join(", ")
                    ),
                ));
                None
            }
        };
        if let (Some(s), Some(e), Some(sp)) = (start, end, &t.end_utc) {
            if e <= s {
                errors.push(at(
                    sp.span(),
                    key("end_utc"),
                    format!(
                        "end {} is not after the start {}",
                        crate::timefmt::iso_utc_micro(e),
                        crate::timefmt::iso_utc_micro(s)
                    ),
                ));
            }
        }
        if let (Some(s), Some(p)) = (start, previous) {
            if s < p {
                errors.push(at(
                    t.utc.span(),
                    key("utc"),
                    format!(
                        "{} is earlier than the previous entry ({}): list the timeline in time order",
                        crate::timefmt::iso_utc_micro(s),
                        crate::timefmt::iso_utc_micro(p)
                    ),
                ));
            }
        }
        if start.is_some() {
            previous = start;
        }
        if let (Some(utc), Some(kind)) = (start, kind) {
            timeline.push(TimelineEvent {
                utc,
                end_utc: end,
                label: t.label,
                kind,
                vehicle: t.vehicle.unwrap_or_default(),
                note: t.note.unwrap_or_default(),
            });
        }
    }

    let mut claims: Vec<Claim> = Vec::new();
    for (i, c) in raw.claim.into_iter().enumerate() {
        let c = c.into_inner();
        let id = c.id.get_ref().clone();
        if !crate::error::is_identifier(&id) {
            errors.push(at(
                c.id.span(),
                format!("claim[{i}].id"),
                format!("'{id}' must be non-empty and use only letters, digits, '-' and '_'"),
            ));
        } else if claims.iter().any(|x| x.id == id) {
            errors.push(at(
                c.id.span(),
                format!("claim[{i}].id"),
                format!("'{id}' is used by an earlier [[claim]]"),
            ));
        }
        claims.push(Claim {
            id,
            quantity: c.quantity,
            article: c.article,
            published: c.published.unwrap_or_default(),
            source: c.source.unwrap_or_default(),
            note: c.note.unwrap_or_default(),
        });
    }
    MissionSpec {
        info,
        crew,
        timeline,
        claims,
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::ScenarioSpec;
    use std::path::Path;

    const BASE: &str = r#"
name = "m"
[[orbit]]
id = "a"
epoch = "2007-10-10T13:31:00"
duration = "1 hour"
forces = "twobody"
[orbit.keplerian]
a_km = 6700
e = 0.001
inc_deg = 51.6
raan_deg = 0
argp_deg = 0
ta_deg = 0
"#;

    #[test]
    fn good_tables_validate() {
        let text = format!(
            "{BASE}{}",
            r#"
[mission]
vehicle = "Soyuz TMA-11"
launch_utc = "2007-10-10T13:22:39 UTC"
landing_utc = "2008-04-19T08:30:45 UTC"
planned_landing_lat_deg = 51.08
planned_landing_lon_deg = 67.16
[[crew]]
name = "Peggy Whitson"
aboard_from = "2007-10-12T16:22"
[[timeline]]
utc = "2007-10-12T14:50:05"
label = "docking"
kind = "docking"
vehicle = "Soyuz TMA-11"
[[timeline]]
utc = "2007-11-09T09:54"
end_utc = "2007-11-09T16:49"
label = "EVA"
kind = "eva"
[[claim]]
id = "orbits"
quantity = "orbits"
article = "~2700"
"#
        );
        let s = ScenarioSpec::from_text(Path::new("m.toml"), &text).unwrap();
        assert_eq!(s.mission.timeline.len(), 2);
        assert_eq!(s.mission.crew.len(), 1);
        assert_eq!(s.mission.claims[0].id, "orbits");
        assert!(s.mission.info.planned_landing.is_some());
    }

    #[test]
    fn every_problem_located() {
        let text = format!(
            "{BASE}{}",
            r#"
[[timeline]]
utc = "2007-13-45T00:00"
label = "bad date"
kind = "docking"
[[timeline]]
utc = "2007-11-09T09:54"
end_utc = "2007-11-09T08:00"
label = "EVA"
kind = "eva"
[[timeline]]
utc = "2007-11-10T00:00"
label = "?"
kind = "party"
[[timeline]]
utc = "2007-11-01T00:00"
label = "out of order"
kind = "milestone"
"#
        );
        let e = ScenarioSpec::from_text(Path::new("m.toml"), &text).unwrap_err();
        let msg = e.to_string();
        assert_eq!(e.0.len(), 4, "{msg}");
        // BASE ends on line 15; the first [[timeline]] is on line 16.
        assert!(msg.contains("m.toml:17:7: timeline[0].utc"), "{msg}");
        assert!(msg.contains("m.toml:22:11: timeline[1].end_utc"), "{msg}");
        assert!(
            msg.contains("m.toml:28:8: timeline[2].kind") && msg.contains("party"),
            "{msg}"
        );
        assert!(
            msg.contains("timeline[3].utc") && msg.contains("time order"),
            "{msg}"
        );
    }

    #[test]
    fn crew_and_mission_errors() {
        let text = format!(
            "{BASE}{}",
            r#"
[mission]
launch_utc = "2008-01-01"
landing_utc = "2007-01-01"
planned_landing_lat_deg = 95.0
planned_landing_lon_deg = 10.0
[[crew]]
name = "X"
role = "pilot"
aboard_from = "2008-01-02"
aboard_to = "2008-01-01"
[[claim]]
id = "a"
quantity = "q"
article = "v"
[[claim]]
id = "a"
quantity = "q"
article = "v"
"#
        );
        let e = ScenarioSpec::from_text(Path::new("m.toml"), &text).unwrap_err();
        let msg = e.to_string();
        for k in [
            "mission.landing_utc",
            "mission.planned_landing_lat_deg",
            "crew[0].role",
            "crew[0].aboard_to",
            "claim[1].id",
        ] {
            assert!(msg.contains(k), "{k} missing in {msg}");
        }
        assert_eq!(e.0.len(), 5, "{msg}");
    }

    /// Every ```toml block of docs/scenario-mission.md parses and has mission tables.
    #[test]
    fn doc_examples_parse() {
        let doc_path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/scenario-mission.md");
        let doc = std::fs::read_to_string(&doc_path).unwrap();
        let mut n = 0;
        let mut rest = doc.as_str();
        while let Some(start) = rest.find("```toml\n") {
            let body = &rest[start + 8..];
            let end = body.find("```").unwrap();
            let block = &body[..end];
            rest = &body[end + 3..];
            let s = ScenarioSpec::from_text(Path::new("docs/scenario-mission.md"), block)
                .unwrap_or_else(|e| panic!("example does not parse: {e}\n{block}"));
            assert!(!s.mission.is_empty());
            n += 1;
        }
        assert!(n >= 1);
    }
}
