//! The `[mc]` table of a scenario: campaign defaults (samples, seed, chunk size), the target
//! and landing zone, the ellipse levels, extra labelled map points, and the model that turns
//! one dispersed scenario into one sample.
//!
//! ```toml
//! [mc]
//! model = "gaussian-footprint"   # the synthetic model below; "entry" comes with issue #5
//! samples = 10000                # default for --samples
//! seed = 1                       # default for --seed
//! chunk_size = 1024              # samples per ordered, flushed chunk
//! target_lat_deg = 47.36
//! target_lon_deg = 69.59
//! ellipse_levels = [0.5, 0.9, 0.99]
//! zone = { radius_km = 50.0 }    # about the target, or lat_deg/lon_deg; or
//! # zone = { polygon = [[46.0, 68.0], [46.0, 71.0], [48.5, 71.0], [48.5, 68.0]] }
//! [[mc.mark]]                    # drawn on the footprint map, written to GeoJSON/KML
//! label = "published landing point"
//! lat_deg = 47.4
//! lon_deg = 69.6
//! radius_km = 30.0               # optional circle about it (e.g. a published accuracy)
//!
//! [mc.gaussian_footprint]        # nominal values, dispersed by [[dispersion]] tables
//! east_km = 0.0
//! north_km = 0.0
//! ```
//!
//! **The synthetic model `gaussian-footprint`** exists so that the whole chain dispersions →
//! runner → statistics → outputs can be tested end to end before the entry model exists. It
//! has no physics: the landing point is the target moved by (east_km, north_km) on the local
//! plane (plus ballistic_east_km/ballistic_north_km when `mode = "ballistic"`), and peak g,
//! heat flux, heat load, flight time and touchdown speed are the (dispersed) values given
//! (peak g multiplied by `ballistic_g_factor` in ballistic mode). A sample whose peak g exceeds
//! `g_limit` fails with reason "peak g above limit", so failure handling is exercised too.
//! With normal dispersions of east_km/north_km its footprint is a 2-D normal of known
//! covariance — a known answer for the statistics.

use crate::error::InputError;
use capsim::mc::footprint::{LocalPlane, Zone};
use serde::Deserialize;
use std::ops::Range;
use std::path::Path;
use toml::Spanned;

/// Mirror of the `[mc]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMc {
    model: Spanned<String>,
    samples: Option<Spanned<i64>>,
    seed: Option<Spanned<i64>>,
    chunk_size: Option<Spanned<i64>>,
    target_lat_deg: Spanned<f64>,
    target_lon_deg: Spanned<f64>,
    ellipse_levels: Option<Spanned<Vec<f64>>>,
    zone: Option<Spanned<RawZone>>,
    #[serde(default)]
    mark: Vec<Spanned<RawMark>>,
    gaussian_footprint: Option<Spanned<RawGaussianFootprint>>,
    start_before_burn_s: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawZone {
    lat_deg: Option<f64>,
    lon_deg: Option<f64>,
    radius_km: Option<f64>,
    polygon: Option<Vec<[f64; 2]>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMark {
    label: String,
    lat_deg: f64,
    lon_deg: f64,
    radius_km: Option<f64>,
    modes: Option<Vec<String>>,
}

/// The nominal `[mc.gaussian_footprint]` table (checked at parse time; each sample re-reads
/// the dispersed values with [`GaussianFootprint::from_tree`]).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct RawGaussianFootprint {
    east_km: Option<f64>,
    north_km: Option<f64>,
    mode: Option<String>,
    ballistic_east_km: Option<f64>,
    ballistic_north_km: Option<f64>,
    ballistic_g_factor: Option<f64>,
    peak_g: Option<f64>,
    peak_heat_flux_w_m2: Option<f64>,
    heat_load_j_m2: Option<f64>,
    flight_time_s: Option<f64>,
    touchdown_speed_m_s: Option<f64>,
    g_limit: Option<f64>,
}

/// Which model computes a sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum McModel {
    /// The synthetic model of this module's doc.
    GaussianFootprint,
    /// The scenario's `[entry]`: one deorbit-to-touchdown descent per sample, in the mode the
    /// (dispersed) `entry.mode` names.
    Entry,
}

impl McModel {
    pub const NAMES: [&'static str; 2] = ["gaussian-footprint", "entry"];
    fn parse(s: &str) -> Option<Self> {
        match s {
            "gaussian-footprint" => Some(Self::GaussianFootprint),
            "entry" => Some(Self::Entry),
            _ => None,
        }
    }
    pub fn name(&self) -> &'static str {
        match self {
            Self::GaussianFootprint => "gaussian-footprint",
            Self::Entry => "entry",
        }
    }
}

/// A labelled point on the footprint map, with an optional circle.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub label: String,
    pub lat_deg: f64,
    pub lon_deg: f64,
    pub radius_km: Option<f64>,
    /// Drawn only on campaigns whose samples all flew one of these modes ("guided",
    /// "ballistic"); empty (key omitted): on every campaign.
    pub modes: Vec<String>,
}

impl Mark {
    /// Whether the mark belongs on a campaign whose successful samples flew `modes`.
    pub fn shown_for<'a>(&self, mut modes: impl Iterator<Item = &'a str>) -> bool {
        self.modes.is_empty() || modes.all(|m| self.modes.iter().any(|x| x == m))
    }
}

/// A validated `[mc]` table.
#[derive(Clone, Debug, PartialEq)]
pub struct McSpec {
    pub model: McModel,
    pub samples: Option<u64>,
    pub seed: Option<u64>,
    pub chunk_size: usize,
    pub target_lat_deg: f64,
    pub target_lon_deg: f64,
    pub ellipse_levels: Vec<f64>,
    pub zone: Option<Zone>,
    pub marks: Vec<Mark>,
    /// Entry model: every sample starts from the nominal trajectory this long before the
    /// nominal deorbit ignition (the coast from the start epoch is shared, not dispersed);
    /// None: every sample flies from the `[entry]` start. Default 600 s.
    pub start_before_burn_s: Option<f64>,
}

/// Default of `[mc] start_before_burn_s`, s.
pub const DEFAULT_START_BEFORE_BURN_S: f64 = 600.0;

pub const DEFAULT_CHUNK: usize = 1024;

/// Validates the `[mc]` table, pushing every problem into `errors`.
pub fn validate(
    path: &Path,
    text: &str,
    raw: Spanned<RawMc>,
    errors: &mut Vec<InputError>,
) -> Option<McSpec> {
    let at = |span: Range<usize>, key: &str, m: String| {
        InputError::new(path, m)
            .at_offset(text, span.start)
            .with_key(format!("mc.{key}"))
    };
    let n0 = errors.len();
    let raw = raw.into_inner();
    let model = McModel::parse(raw.model.get_ref());
    if model.is_none() {
        errors.push(at(
            raw.model.span(),
            "model",
            format!(
                "unknown model '{}', expected one of {}",
                raw.model.get_ref(),
                McModel::NAMES.join(", ")
            ),
        ));
    }
    let positive = |v: &Option<Spanned<i64>>, key: &str, max: i64, errors: &mut Vec<InputError>| {
        v.as_ref().and_then(|s| {
            let x = *s.get_ref();
            if x < 1 || x > max {
                errors.push(at(s.span(), key, format!("{x} must be in [1, {max}]")));
                None
            } else {
                Some(x as u64)
            }
        })
    };
    let samples = positive(&raw.samples, "samples", 1_000_000_000_000, errors);
    let chunk_size = positive(&raw.chunk_size, "chunk_size", 1 << 20, errors)
        .map_or(DEFAULT_CHUNK, |c| c as usize);
    let seed = raw.seed.as_ref().and_then(|s| {
        if *s.get_ref() < 0 {
            errors.push(at(s.span(), "seed", format!("{} must be ≥ 0", s.get_ref())));
            None
        } else {
            Some(*s.get_ref() as u64)
        }
    });
    let lat_ok = |x: f64| (-90.0..=90.0).contains(&x);
    let lon_ok = |x: f64| (-360.0..=360.0).contains(&x);
    let (tlat, tlon) = (*raw.target_lat_deg.get_ref(), *raw.target_lon_deg.get_ref());
    if !lat_ok(tlat) {
        errors.push(at(
            raw.target_lat_deg.span(),
            "target_lat_deg",
            format!("{tlat} must be within [-90, 90]"),
        ));
    }
    if !lon_ok(tlon) {
        errors.push(at(
            raw.target_lon_deg.span(),
            "target_lon_deg",
            format!("{tlon} must be within [-360, 360]"),
        ));
    }
    let ellipse_levels = match &raw.ellipse_levels {
        None => vec![0.5, 0.9, 0.99],
        Some(l) => {
            if l.get_ref().is_empty() || l.get_ref().iter().any(|p| !(*p > 0.0 && *p < 1.0)) {
                errors.push(at(
                    l.span(),
                    "ellipse_levels",
                    format!(
                        "{:?}: each level must be a probability in (0, 1)",
                        l.get_ref()
                    ),
                ));
            }
            l.get_ref().clone()
        }
    };
    let zone = raw.zone.as_ref().and_then(|z| {
        let r = z.get_ref();
        match (&r.polygon, r.radius_km) {
            (None, Some(radius_km)) => {
                let (lat, lon) = (r.lat_deg.unwrap_or(tlat), r.lon_deg.unwrap_or(tlon));
                if !(radius_km > 0.0 && radius_km.is_finite() && lat_ok(lat) && lon_ok(lon)) {
                    errors.push(at(
                        z.span(),
                        "zone",
                        format!("circle ({lat}°, {lon}°, {radius_km} km): radius must be positive and the centre on the globe"),
                    ));
                    return None;
                }
                Some(Zone::Circle {
                    lat_deg: lat,
                    lon_deg: lon,
                    radius_km,
                })
            }
            (Some(poly), None) if r.lat_deg.is_none() && r.lon_deg.is_none() => {
                if poly.len() < 3 || poly.iter().any(|v| !lat_ok(v[0]) || !lon_ok(v[1])) {
                    errors.push(at(
                        z.span(),
                        "zone.polygon",
                        "a polygon needs at least 3 vertices [lat_deg, lon_deg] on the globe"
                            .into(),
                    ));
                    return None;
                }
                Some(Zone::Polygon {
                    vertices_deg: poly.iter().map(|v| (v[0], v[1])).collect(),
                })
            }
            _ => {
                errors.push(at(
                    z.span(),
                    "zone",
                    "give radius_km (with optional lat_deg, lon_deg; default the target) or polygon = [[lat_deg, lon_deg], ..]".into(),
                ));
                None
            }
        }
    });
    // 0 is allowed only as "off"; a lead must leave room for negative ignition dispersions.
    let start_before_burn_s = match &raw.start_before_burn_s {
        None => Some(DEFAULT_START_BEFORE_BURN_S),
        Some(v) if *v.get_ref() == 0.0 => None,
        Some(v) => {
            let x = *v.get_ref();
            if !(x.is_finite() && x > 0.0) {
                errors.push(at(
                    v.span(),
                    "start_before_burn_s",
                    format!("{x} s: expected a lead time > 0 s before the nominal deorbit ignition, or 0 to fly every sample from the [entry] start"),
                ));
            }
            Some(x)
        }
    };
    let mut marks = Vec::new();
    for (i, m) in raw.mark.iter().enumerate() {
        let r = m.get_ref();
        if !lat_ok(r.lat_deg)
            || !lon_ok(r.lon_deg)
            || r.radius_km.is_some_and(|x| x.is_nan() || x <= 0.0)
        {
            errors.push(at(
                m.span(),
                &format!("mark[{i}]"),
                format!(
                    "({}°, {}°): latitude within [-90, 90], longitude within [-360, 360], radius_km positive",
                    r.lat_deg, r.lon_deg
                ),
            ));
            continue;
        }
        let modes = r.modes.clone().unwrap_or_default();
        if r.modes.as_ref().is_some_and(|m| m.is_empty()) {
            errors.push(at(
                m.span(),
                &format!("mark[{i}].modes"),
                "an empty list: give one or more of \"guided\", \"ballistic\", or omit the key to draw the mark on every campaign".into(),
            ));
            continue;
        }
        if let Some(bad) = modes
            .iter()
            .find(|m| !["guided", "ballistic"].contains(&m.as_str()))
        {
            errors.push(at(
                m.span(),
                &format!("mark[{i}].modes"),
                format!("unknown mode '{bad}', expected \"guided\" or \"ballistic\""),
            ));
            continue;
        }
        marks.push(Mark {
            modes,
            label: r.label.clone(),
            lat_deg: r.lat_deg,
            lon_deg: r.lon_deg,
            radius_km: r.radius_km,
        });
    }
    if model == Some(McModel::GaussianFootprint) && raw.gaussian_footprint.is_none() {
        errors.push(at(
            raw.model.span(),
            "model",
            "model gaussian-footprint needs an [mc.gaussian_footprint] table (its nominal values)"
                .into(),
        ));
    }
    if errors.len() > n0 {
        return None;
    }
    Some(McSpec {
        model: model?,
        samples,
        seed,
        chunk_size,
        target_lat_deg: tlat,
        target_lon_deg: tlon,
        ellipse_levels,
        zone,
        marks,
        start_before_burn_s,
    })
}

/// What a model reports for one sample (before the runner adds index and miss distance).
#[derive(Clone, Debug, PartialEq)]
pub struct ModelOutput {
    pub mode: String,
    pub landing_lat_deg: f64,
    pub landing_lon_deg: f64,
    pub peak_g: f64,
    pub peak_heat_flux_w_m2: f64,
    pub heat_load_j_m2: f64,
    pub flight_time_s: f64,
    pub touchdown_speed_m_s: f64,
}

/// The synthetic model's parameters, read from a (dispersed) scenario tree.
#[derive(Clone, Debug, PartialEq)]
pub struct GaussianFootprint {
    pub east_km: f64,
    pub north_km: f64,
    pub mode: String,
    pub ballistic_east_km: f64,
    pub ballistic_north_km: f64,
    pub ballistic_g_factor: f64,
    pub peak_g: f64,
    pub peak_heat_flux_w_m2: f64,
    pub heat_load_j_m2: f64,
    pub flight_time_s: f64,
    pub touchdown_speed_m_s: f64,
    pub g_limit: f64,
}

impl GaussianFootprint {
    /// Reads `mc.gaussian_footprint` from a scenario tree, with the documented defaults.
    pub fn from_tree(tree: &toml::Table) -> Result<Self, String> {
        let t = tree
            .get("mc")
            .and_then(|m| m.get("gaussian_footprint"))
            .and_then(|g| g.as_table())
            .ok_or("no [mc.gaussian_footprint] table")?;
        let num = |k: &str, default: f64| -> Result<f64, String> {
            match t.get(k) {
                None => Ok(default),
                Some(toml::Value::Float(x)) => Ok(*x),
                Some(toml::Value::Integer(i)) => Ok(*i as f64),
                Some(v) => Err(format!("mc.gaussian_footprint.{k} = {v} is not a number")),
            }
        };
        let mode = match t.get("mode") {
            None => "guided".to_string(),
            Some(toml::Value::String(s)) if s == "guided" || s == "ballistic" => s.clone(),
            Some(v) => {
                return Err(format!(
                    "mc.gaussian_footprint.mode = {v}: expected \"guided\" or \"ballistic\""
                ))
            }
        };
        Ok(Self {
            east_km: num("east_km", 0.0)?,
            north_km: num("north_km", 0.0)?,
            mode,
            ballistic_east_km: num("ballistic_east_km", 0.0)?,
            ballistic_north_km: num("ballistic_north_km", 0.0)?,
            ballistic_g_factor: num("ballistic_g_factor", 2.0)?,
            peak_g: num("peak_g", 4.0)?,
            peak_heat_flux_w_m2: num("peak_heat_flux_w_m2", 1.0e6)?,
            heat_load_j_m2: num("heat_load_j_m2", 1.5e8)?,
            flight_time_s: num("flight_time_s", 1800.0)?,
            touchdown_speed_m_s: num("touchdown_speed_m_s", 1.5)?,
            g_limit: num("g_limit", 20.0)?,
        })
    }

    /// One sample's outputs, or the failure reason.
    pub fn evaluate(&self, target: &LocalPlane) -> Result<ModelOutput, String> {
        let ballistic = self.mode == "ballistic";
        let (mut e, mut n) = (self.east_km, self.north_km);
        let mut g = self.peak_g;
        if ballistic {
            e += self.ballistic_east_km;
            n += self.ballistic_north_km;
            g *= self.ballistic_g_factor;
        }
        if g > self.g_limit {
            return Err("peak g above limit".into());
        }
        let (lat, lon) = target.to_lat_lon_deg(e, n);
        Ok(ModelOutput {
            mode: self.mode.clone(),
            landing_lat_deg: lat,
            landing_lon_deg: lon,
            peak_g: g,
            peak_heat_flux_w_m2: self.peak_heat_flux_w_m2,
            heat_load_j_m2: self.heat_load_j_m2,
            flight_time_s: self.flight_time_s,
            touchdown_speed_m_s: self.touchdown_speed_m_s,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::ScenarioSpec;
    use std::path::Path;

    /// The scenario example of docs/mc.md parses and validates (the docs cannot drift).
    #[test]
    fn docs_example_is_valid() {
        let doc = include_str!("../../../docs/mc.md");
        let start = doc.find("```toml\n").map(|i| i + 8).unwrap();
        let end = start + doc[start..].find("```").unwrap();
        let spec = ScenarioSpec::from_text(Path::new("docs/mc.md"), &doc[start..end])
            .unwrap_or_else(|e| panic!("{e}"));
        let mc = spec.mc.unwrap();
        assert_eq!(mc.marks.len(), 1);
        assert_eq!(spec.dispersions.len(), 4);
    }
}
