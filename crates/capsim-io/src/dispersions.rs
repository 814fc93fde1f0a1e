//! `[[dispersion]]` tables: which scenario values a Monte-Carlo campaign varies, and how.
//!
//! A dispersion names a value of the scenario by its key path and gives its distribution; the
//! nominal value written in the scenario is the default mean. One sample's draws are applied
//! to a copy of the scenario's TOML tree, and the model then reads that tree exactly as it
//! would read a scenario — so **any** numeric value (or, with `choice`, any value) can be
//! dispersed without the model knowing about dispersions. Syntax (docs/mc.md):
//!
//! ```toml
//! [[dispersion]]
//! key = "mc.gaussian_footprint.east_km"   # dotted path; array items as `a.b[2]`
//! normal = { sd = 12.0 }                   # mean defaults to the nominal value
//!
//! [[dispersion]]
//! key = "mc.gaussian_footprint.peak_g"
//! relative = true                          # the draw multiplies the nominal value
//! truncated_normal = { sd = 0.05, min = 0.8, max = 1.2 }   # mean defaults to 1
//!
//! [[dispersion]]
//! key = "mc.gaussian_footprint.flight_time_s"
//! uniform = { half_width = 30.0 }          # or { min = .., max = .. }
//!
//! [[dispersion]]
//! key = "mc.gaussian_footprint.mode"
//! choice = [{ value = "guided", p = 0.95 }, { value = "ballistic", p = 0.05 }]
//!
//! [[dispersion]]                           # correlated normal group
//! keys = ["mc.gaussian_footprint.east_km", "mc.gaussian_footprint.north_km"]
//! covariance = [[100.0, 30.0], [30.0, 25.0]]   # mean = [..] optional, default nominal
//! ```
//!
//! Draws are made in file order from the sample's own random stream
//! (`capsim::mc::rng::sample_rng`), so a sample's values depend only on (scenario, seed,
//! index). A draw written to an integer-valued key is rounded to the nearest integer.
//! Validation reports every problem at once with file:line:col and key: unknown key paths,
//! non-numeric targets of numeric distributions, sd < 0, bad bounds, probabilities not
//! summing to 1, covariance not square/symmetric/positive semi-definite.

use crate::error::InputError;
use capsim::mc::dist::{Choice, MultiNormal, Scalar};
use capsim::mc::rng::SampleRng;
use serde::Deserialize;
use std::ops::Range;
use std::path::Path;
use toml::Spanned;

/// Mirror of one `[[dispersion]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDispersion {
    key: Option<Spanned<String>>,
    keys: Option<Spanned<Vec<String>>>,
    normal: Option<Spanned<RawNormal>>,
    truncated_normal: Option<Spanned<RawTruncated>>,
    uniform: Option<Spanned<RawUniform>>,
    choice: Option<Spanned<Vec<RawOption>>>,
    covariance: Option<Spanned<Vec<Vec<f64>>>>,
    mean: Option<Spanned<Vec<f64>>>,
    #[serde(default)]
    relative: bool,
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNormal {
    mean: Option<f64>,
    sd: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTruncated {
    mean: Option<f64>,
    sd: f64,
    min: f64,
    max: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUniform {
    min: Option<f64>,
    max: Option<f64>,
    half_width: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    value: toml::Value,
    p: f64,
}

/// One step of a key path.
#[derive(Clone, Debug, PartialEq)]
pub enum PathStep {
    Key(String),
    Index(usize),
}

/// A parsed key path, e.g. `entry.burn.dv_vnb_m_s[0]`.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyPath {
    pub text: String,
    pub steps: Vec<PathStep>,
}

impl KeyPath {
    /// Parses `a.b[2].c`; keys are bare TOML keys (letters, digits, `_`, `-`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut steps = Vec::new();
        for part in text.split('.') {
            let (name, mut rest) = match part.find('[') {
                Some(i) => (&part[..i], &part[i..]),
                None => (part, ""),
            };
            if !crate::error::is_identifier(name) {
                return Err(format!("'{text}' is not a key path like a.b.c or a.b[2]"));
            }
            steps.push(PathStep::Key(name.to_string()));
            while !rest.is_empty() {
                let close = rest
                    .find(']')
                    .ok_or_else(|| format!("'{text}': unclosed '['"))?;
                let idx: usize = rest[1..close].parse().map_err(|_| {
                    format!("'{text}': '{}' is not an array index", &rest[1..close])
                })?;
                steps.push(PathStep::Index(idx));
                rest = &rest[close + 1..];
                if !rest.is_empty() && !rest.starts_with('[') {
                    return Err(format!("'{text}' is not a key path like a.b.c or a.b[2]"));
                }
            }
        }
        Ok(Self {
            text: text.to_string(),
            steps,
        })
    }

    /// The value at this path, if present.
    pub fn get<'a>(&self, tree: &'a toml::Table) -> Option<&'a toml::Value> {
        let mut steps = self.steps.iter();
        let Some(PathStep::Key(first)) = steps.next() else {
            return None;
        };
        let mut v = tree.get(first)?;
        for s in steps {
            v = match s {
                PathStep::Key(k) => v.as_table()?.get(k)?,
                PathStep::Index(i) => v.as_array()?.get(*i)?,
            };
        }
        Some(v)
    }

    /// Mutable value at this path, if present.
    pub fn get_mut<'a>(&self, tree: &'a mut toml::Table) -> Option<&'a mut toml::Value> {
        let mut steps = self.steps.iter();
        let Some(PathStep::Key(first)) = steps.next() else {
            return None;
        };
        let mut v = tree.get_mut(first)?;
        for s in steps {
            v = match s {
                PathStep::Key(k) => v.as_table_mut()?.get_mut(k)?,
                PathStep::Index(i) => v.as_array_mut()?.get_mut(*i)?,
            };
        }
        Some(v)
    }
}

fn as_number(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Float(x) => Some(*x),
        toml::Value::Integer(i) => Some(*i as f64),
        _ => None,
    }
}

/// A numeric target: where to write, nominal value, whether the draw is a factor.
#[derive(Clone, Debug, PartialEq)]
struct Target {
    path: KeyPath,
    nominal: f64,
    integer: bool,
    relative: bool,
}

impl Target {
    fn write(&self, tree: &mut toml::Table, draw: f64) {
        let x = if self.relative {
            self.nominal * draw
        } else {
            draw
        };
        if let Some(v) = self.path.get_mut(tree) {
            *v = if self.integer && x.is_finite() && x.abs() < 9.0e18 {
                toml::Value::Integer(x.round() as i64)
            } else {
                toml::Value::Float(x)
            };
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Scalar(Target, Scalar),
    Choice(KeyPath, Choice, Vec<toml::Value>),
    Correlated(Vec<Target>, MultiNormal),
}

/// One validated dispersion.
#[derive(Clone, Debug, PartialEq)]
pub struct Dispersion {
    kind: Kind,
}

impl Dispersion {
    /// Key paths this dispersion writes.
    pub fn keys(&self) -> Vec<&str> {
        match &self.kind {
            Kind::Scalar(t, _) => vec![t.path.text.as_str()],
            Kind::Choice(p, _, _) => vec![p.text.as_str()],
            Kind::Correlated(ts, _) => ts.iter().map(|t| t.path.text.as_str()).collect(),
        }
    }
}

/// All dispersions of a scenario, in file order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DispersionSet {
    pub items: Vec<Dispersion>,
    /// Largest correlated group (scratch size for sampling).
    max_dim: usize,
}

/// Scratch space large enough for the correlated groups, so that applying draws allocates
/// only in the TOML tree itself.
const MAX_GROUP: usize = 32;

impl DispersionSet {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Draws one sample's values from `rng` (in file order) and writes them into `tree`.
    pub fn apply(&self, rng: &mut SampleRng, tree: &mut toml::Table) {
        let mut z = [0.0; MAX_GROUP];
        let mut x = [0.0; MAX_GROUP];
        for d in &self.items {
            match &d.kind {
                Kind::Scalar(t, s) => {
                    let v = s.sample(rng);
                    t.write(tree, v);
                }
                Kind::Choice(p, c, values) => {
                    let k = c.sample(rng);
                    if let (Some(slot), Some(v)) = (p.get_mut(tree), values.get(k)) {
                        *slot = v.clone();
                    }
                }
                Kind::Correlated(ts, mvn) => {
                    let n = mvn.dim();
                    mvn.sample_into(rng, &mut z[..n], &mut x[..n]);
                    for (t, v) in ts.iter().zip(x.iter()) {
                        t.write(tree, *v);
                    }
                }
            }
        }
        debug_assert!(self.max_dim <= MAX_GROUP);
    }
}

/// A scenario's TOML tree (so callers need not depend on `toml`).
pub type Tree = toml::Table;

/// The scenario's TOML tree (nominal values).
pub fn nominal_tree(text: &str) -> Result<Tree, String> {
    text.parse::<toml::Table>().map_err(|e| e.to_string())
}

/// Validates the raw `[[dispersion]]` tables against the nominal tree, pushing every problem
/// into `errors`. Returns the dispersions that are valid.
pub fn validate(
    path: &Path,
    text: &str,
    raw: Vec<Spanned<RawDispersion>>,
    nominal: &toml::Table,
    errors: &mut Vec<InputError>,
) -> DispersionSet {
    let at = |span: Range<usize>, key: String, m: String| {
        InputError::new(path, m)
            .at_offset(text, span.start)
            .with_key(key)
    };
    let mut items = Vec::new();
    let mut max_dim = 0;
    let mut seen: Vec<String> = Vec::new();
    for (i, d) in raw.into_iter().enumerate() {
        let span = d.span();
        let d = d.into_inner();
        let k = |s: &str| format!("dispersion[{i}].{s}");
        let n_before = errors.len();
        // Resolve one numeric target.
        let numeric_target = |p: &str,
                              span: Range<usize>,
                              keyname: String,
                              errors: &mut Vec<InputError>|
         -> Option<Target> {
            let kp = match KeyPath::parse(p) {
                Ok(kp) => kp,
                Err(m) => {
                    errors.push(at(span, keyname, m));
                    return None;
                }
            };
            match kp.get(nominal) {
                None => {
                    errors.push(at(
                        span,
                        keyname,
                        format!("'{p}' is not a value of this scenario (a dispersion varies a value the scenario gives; write its nominal value first)"),
                    ));
                    None
                }
                Some(v) => match as_number(v) {
                    Some(x) => Some(Target {
                        path: kp,
                        nominal: x,
                        integer: v.is_integer(),
                        relative: d.relative,
                    }),
                    None => {
                        errors.push(at(
                            span,
                            keyname,
                            format!(
                                "'{p}' is {} {}, not a number: a numeric distribution cannot vary it (use choice)",
                                article(v.type_str()),
                                v.type_str()
                            ),
                        ));
                        None
                    }
                },
            }
        };
        let n_dists = [
            d.normal.is_some(),
            d.truncated_normal.is_some(),
            d.uniform.is_some(),
            d.choice.is_some(),
            d.covariance.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if n_dists != 1 {
            errors.push(at(
                span.clone(),
                format!("dispersion[{i}]"),
                format!("give exactly one of normal, truncated_normal, uniform, choice, covariance (found {n_dists})"),
            ));
            continue;
        }
        let kind = match (&d.key, &d.keys) {
            (Some(key), None) => {
                if d.covariance.is_some() || d.mean.is_some() {
                    errors.push(at(
                        key.span(),
                        k("key"),
                        "covariance and mean go with keys = [..] (a correlated group)".into(),
                    ));
                    continue;
                }
                if let Some(c) = &d.choice {
                    match KeyPath::parse(key.get_ref()) {
                        Err(m) => {
                            errors.push(at(key.span(), k("key"), m));
                            None
                        }
                        Ok(kp) if kp.get(nominal).is_none() => {
                            errors.push(at(
                                key.span(),
                                k("key"),
                                format!("'{}' is not a value of this scenario (write its nominal value first)", key.get_ref()),
                            ));
                            None
                        }
                        Ok(kp) => {
                            let ps: Vec<f64> = c.get_ref().iter().map(|o| o.p).collect();
                            match Choice::new(&ps) {
                                Ok(ch) => Some(Kind::Choice(
                                    kp,
                                    ch,
                                    c.get_ref().iter().map(|o| o.value.clone()).collect(),
                                )),
                                Err(e) => {
                                    errors.push(at(c.span(), k("choice"), e.to_string()));
                                    None
                                }
                            }
                        }
                    }
                } else {
                    let target = numeric_target(key.get_ref(), key.span(), k("key"), errors);
                    let base = if d.relative {
                        Some(1.0)
                    } else {
                        target.as_ref().map(|t| t.nominal)
                    };
                    let (dist, dspan, dname) = if let Some(n) = &d.normal {
                        let r = n.get_ref();
                        (
                            base.map(|b| Scalar::Normal {
                                mean: r.mean.unwrap_or(b),
                                sd: r.sd,
                            }),
                            n.span(),
                            "normal",
                        )
                    } else if let Some(t) = &d.truncated_normal {
                        let r = t.get_ref();
                        (
                            base.map(|b| Scalar::TruncatedNormal {
                                mean: r.mean.unwrap_or(b),
                                sd: r.sd,
                                min: r.min,
                                max: r.max,
                            }),
                            t.span(),
                            "truncated_normal",
                        )
                    } else if let Some(u) = &d.uniform {
                        let r = u.get_ref();
                        let bounds = match (r.min, r.max, r.half_width) {
                            (Some(a), Some(b), None) => Some((a, b)),
                            (None, None, Some(h)) => base.map(|b| (b - h, b + h)),
                            _ => {
                                errors.push(at(
                                    u.span(),
                                    k("uniform"),
                                    "give min and max, or half_width (about the nominal value)"
                                        .into(),
                                ));
                                continue;
                            }
                        };
                        (
                            bounds.map(|(min, max)| Scalar::Uniform { min, max }),
                            u.span(),
                            "uniform",
                        )
                    } else {
                        continue;
                    };
                    match (target, dist) {
                        (Some(t), Some(s)) => match s.validate() {
                            Ok(()) => Some(Kind::Scalar(t, s)),
                            Err(e) => {
                                errors.push(at(dspan, k(dname), e.to_string()));
                                None
                            }
                        },
                        _ => None,
                    }
                }
            }
            (None, Some(keys)) => {
                let Some(cov) = &d.covariance else {
                    errors.push(at(
                        keys.span(),
                        k("keys"),
                        "keys = [..] is a correlated normal group: give covariance = [[..]]".into(),
                    ));
                    continue;
                };
                let targets: Vec<Option<Target>> = keys
                    .get_ref()
                    .iter()
                    .enumerate()
                    .map(|(j, p)| numeric_target(p, keys.span(), k(&format!("keys[{j}]")), errors))
                    .collect();
                let n = keys.get_ref().len();
                if n == 0 || n > MAX_GROUP {
                    errors.push(at(
                        keys.span(),
                        k("keys"),
                        format!("a correlated group needs 1 to {MAX_GROUP} keys (got {n})"),
                    ));
                    continue;
                }
                if cov.get_ref().len() != n {
                    errors.push(at(
                        cov.span(),
                        k("covariance"),
                        format!(
                            "{} rows for {n} keys: the covariance must be {n}×{n}",
                            cov.get_ref().len()
                        ),
                    ));
                    continue;
                }
                if let Some(m) = &d.mean {
                    if m.get_ref().len() != n {
                        errors.push(at(
                            m.span(),
                            k("mean"),
                            format!("{} entries for {n} keys", m.get_ref().len()),
                        ));
                        continue;
                    }
                }
                if let Err(e) = MultiNormal::check_covariance(cov.get_ref()) {
                    errors.push(at(cov.span(), k("covariance"), e.to_string()));
                    continue;
                }
                if targets.iter().any(|t| t.is_none()) {
                    continue;
                }
                let targets: Vec<Target> = targets.into_iter().flatten().collect();
                let mean: Vec<f64> = match &d.mean {
                    Some(m) => m.get_ref().clone(),
                    None => targets
                        .iter()
                        .map(|t| if t.relative { 1.0 } else { t.nominal })
                        .collect(),
                };
                match MultiNormal::new(&mean, cov.get_ref()) {
                    Ok(m) => {
                        max_dim = max_dim.max(n);
                        Some(Kind::Correlated(targets, m))
                    }
                    Err(e) => {
                        errors.push(at(cov.span(), k("covariance"), e.to_string()));
                        None
                    }
                }
            }
            (Some(key), Some(_)) => {
                errors.push(at(
                    key.span(),
                    k("key"),
                    "give key (one value) or keys (a correlated group), not both".into(),
                ));
                continue;
            }
            (None, None) => {
                errors.push(at(
                    span.clone(),
                    format!("dispersion[{i}]"),
                    "missing key = \"a.b.c\" (or keys = [..] for a correlated group)".into(),
                ));
                continue;
            }
        };
        if let Some(kind) = kind {
            let item = Dispersion { kind };
            for key in item.keys() {
                if seen.iter().any(|s| s == key) {
                    errors.push(at(
                        span.clone(),
                        format!("dispersion[{i}]"),
                        format!("'{key}' is dispersed twice"),
                    ));
                }
                seen.push(key.to_string());
            }
            if errors.len() == n_before {
                items.push(item);
            }
        }
    }
    DispersionSet { items, max_dim }
}

fn article(type_name: &str) -> &'static str {
    if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use capsim::mc::rng::sample_rng;

    #[derive(Deserialize)]
    struct Doc {
        #[serde(default)]
        dispersion: Vec<Spanned<RawDispersion>>,
    }

    fn parse(text: &str) -> (DispersionSet, Vec<InputError>) {
        let doc: Doc = toml::from_str(text).unwrap();
        let tree = nominal_tree(text).unwrap();
        let mut errors = Vec::new();
        let set = validate(
            Path::new("s.toml"),
            text,
            doc.dispersion,
            &tree,
            &mut errors,
        );
        (set, errors)
    }

    const BASE: &str = r#"
[m]
x = 10.0
n = 3
mode = "guided"
v = [1.0, 2.0, 3.0]
"#;

    #[test]
    fn key_paths() {
        let p = KeyPath::parse("a.b[2].c").unwrap();
        assert_eq!(p.steps.len(), 4);
        assert!(KeyPath::parse("a..b").is_err());
        assert!(KeyPath::parse("a[x]").is_err());
        let tree = nominal_tree(BASE).unwrap();
        let v = KeyPath::parse("m.v[1]").unwrap();
        assert_eq!(v.get(&tree).and_then(as_number), Some(2.0));
    }

    #[test]
    fn applies_draws_by_path() {
        let text = format!(
            "{BASE}\n[[dispersion]]\nkey = \"m.x\"\nrelative = true\nuniform = {{ min = 2.0, max = 3.0 }}\n[[dispersion]]\nkey = \"m.mode\"\nchoice = [{{ value = \"ballistic\", p = 1.0 }}]\n[[dispersion]]\nkeys = [\"m.v[0]\", \"m.n\"]\ncovariance = [[1.0, 0.0], [0.0, 1.0]]\n"
        );
        let (set, errors) = parse(&text);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(set.len(), 3);
        let mut tree = nominal_tree(&text).unwrap();
        set.apply(&mut sample_rng(1, 0), &mut tree);
        let x = tree["m"]["x"].as_float().unwrap();
        assert!((20.0..=30.0).contains(&x), "{x}");
        assert_eq!(tree["m"]["mode"].as_str(), Some("ballistic"));
        assert!(tree["m"]["n"].is_integer());
        assert!(tree["m"]["v"][0].is_float());
        // Same (seed, index) → same tree.
        let mut again = nominal_tree(&text).unwrap();
        set.apply(&mut sample_rng(1, 0), &mut again);
        assert_eq!(tree, again);
    }

    #[test]
    fn reports_every_problem_with_location() {
        let text = format!(
            "{BASE}
[[dispersion]]
key = \"m.nope\"
normal = {{ sd = 1.0 }}

[[dispersion]]
key = \"m.mode\"
normal = {{ sd = 1.0 }}

[[dispersion]]
key = \"m.x\"
normal = {{ sd = -2.0 }}

[[dispersion]]
key = \"m.n\"
choice = [{{ value = 1, p = 0.5 }}, {{ value = 2, p = 0.6 }}]

[[dispersion]]
keys = [\"m.v[0]\", \"m.v[1]\"]
covariance = [[1.0, 2.0], [2.0, 1.0]]
"
        );
        let (set, errors) = parse(&text);
        assert!(set.is_empty());
        let msgs: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(errors.len(), 5, "{msgs:#?}");
        assert!(
            msgs[0].starts_with("s.toml:9:7: dispersion[0].key: 'm.nope' is not a value"),
            "{}",
            msgs[0]
        );
        assert!(
            msgs[1].contains(":13:") && msgs[1].contains("not a number"),
            "{}",
            msgs[1]
        );
        assert!(
            msgs[2].contains(":18:") && msgs[2].contains("standard deviation -2"),
            "{}",
            msgs[2]
        );
        assert!(
            msgs[3].contains("dispersion[3].choice") && msgs[3].contains("sum to 1.1"),
            "{}",
            msgs[3]
        );
        assert!(
            msgs[4].contains("dispersion[4].covariance")
                && msgs[4].contains("positive semi-definite"),
            "{}",
            msgs[4]
        );
    }
}
