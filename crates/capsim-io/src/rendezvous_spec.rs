//! The `[rendezvous]` table of a scenario: which `[[orbit]]` is the chaser and which the
//! target, the profile and its burn slots, the engine, and the proximity/docking parameters.
//!
//! Parsed in two stages like the rest of the scenario (serde with `deny_unknown_fields`, then
//! validation reporting every problem with file:line:col and the key path `rendezvous.xxx`).
//! Keys, units and defaults: docs/scenario-rendezvous.md. The numbers become a
//! [`capsim::gnc::rendezvous::RendezvousConfig`] (defaults: its Soyuz 2-day profile).

use crate::error::InputError;
use crate::timefmt::parse_epoch;
use capsim::gnc::rendezvous::{DockingAxis, RendezvousConfig};
use hifitime::Epoch;
use serde::Deserialize;
use std::path::Path;
use toml::Spanned;

/// The TOML mirror of `[rendezvous]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRendezvous {
    chaser: Spanned<String>,
    target: Spanned<String>,
    profile: Option<Spanned<String>>,
    dv1_rev: Option<Spanned<f64>>,
    dv2_rev: Option<Spanned<f64>>,
    dv3_rev: Option<Spanned<f64>>,
    dv4_rev: Option<Spanned<f64>>,
    gate_rev: Option<Spanned<f64>>,
    docking_rev: Option<Spanned<f64>>,
    gate_behind_m: Option<Spanned<f64>>,
    min_phasing_gap_m: Option<Spanned<f64>>,
    gate_tolerance_m: Option<Spanned<f64>>,
    finite_burns: Option<bool>,
    thrust_n: Option<Spanned<f64>>,
    isp_s: Option<Spanned<f64>>,
    mass_kg: Option<Spanned<f64>>,
    dv_budget_m_s: Option<Spanned<f64>>,
    docking_axis: Option<Spanned<String>>,
    hold_distance_m: Option<Spanned<f64>>,
    gate_to_hold_s: Option<Spanned<f64>>,
    hold_duration_s: Option<Spanned<f64>>,
    closing_speed_m_s: Option<Spanned<f64>>,
    contact_distance_m: Option<Spanned<f64>>,
    min_contact_speed_m_s: Option<Spanned<f64>>,
    max_contact_speed_m_s: Option<Spanned<f64>>,
    guidance_step_s: Option<Spanned<f64>>,
    published_docking: Option<Spanned<String>>,
    published_total_dv: Option<String>,
}

/// A validated `[rendezvous]` table.
#[derive(Clone, Debug)]
pub struct RendezvousSpec {
    /// `[[orbit]]` id of the chaser (its initial state is the insertion state).
    pub chaser: String,
    /// `[[orbit]]` id of the target.
    pub target: String,
    pub config: RendezvousConfig,
    pub published_docking: Option<Epoch>,
    /// Free text put beside the simulated total Δv.
    pub published_total_dv: Option<String>,
}

/// Validates `raw`; problems go to `errors`. `orbit_ids` are the scenario's `[[orbit]]` ids.
pub fn validate(
    path: &Path,
    text: &str,
    raw: Spanned<RawRendezvous>,
    orbit_ids: &[String],
    errors: &mut Vec<InputError>,
) -> Option<RendezvousSpec> {
    let table_start = raw.span().start;
    let raw = raw.into_inner();
    let n0 = errors.len();
    let at = |span: std::ops::Range<usize>, k: &str, m: String| {
        InputError::new(path, m)
            .at_offset(text, span.start)
            .with_key(format!("rendezvous.{k}"))
    };
    for (k, id) in [("chaser", &raw.chaser), ("target", &raw.target)] {
        if !orbit_ids.contains(id.get_ref()) {
            errors.push(at(
                id.span(),
                k,
                format!("no [[orbit]] has id '{}'", id.get_ref()),
            ));
        }
    }
    if raw.chaser.get_ref() == raw.target.get_ref() {
        errors.push(at(
            raw.target.span(),
            "target",
            "the target must be another orbit than the chaser".into(),
        ));
    }
    let mut cfg = RendezvousConfig::soyuz_two_day();
    let profile = raw
        .profile
        .as_ref()
        .map(|p| p.get_ref().as_str())
        .unwrap_or("soyuz-2day");
    match profile {
        "soyuz-2day" => {}
        "n-orbit" => {
            cfg.profile = "n-orbit".into();
            for (k, v) in [
                ("dv1_rev", &raw.dv1_rev),
                ("dv2_rev", &raw.dv2_rev),
                ("dv3_rev", &raw.dv3_rev),
                ("dv4_rev", &raw.dv4_rev),
                ("gate_rev", &raw.gate_rev),
            ] {
                // docking_rev stands for gate_rev and dv4_rev (both derived from it).
                let derived = matches!(k, "gate_rev" | "dv4_rev") && raw.docking_rev.is_some();
                if v.is_none() && !derived {
                    errors.push(
                        InputError::new(
                            path,
                            format!("profile \"n-orbit\" needs {k} (revolutions from insertion)"),
                        )
                        .at_offset(text, table_start)
                        .with_key(format!("rendezvous.{k}")),
                    );
                }
            }
        }
        other => {
            if let Some(p) = &raw.profile {
                errors.push(at(
                    p.span(),
                    "profile",
                    format!("unknown profile '{other}', expected \"soyuz-2day\" or \"n-orbit\""),
                ));
            }
        }
    }
    let mut num = |k: &str, v: &Option<Spanned<f64>>, slot: &mut f64, allow_zero: bool| {
        if let Some(v) = v {
            let x = *v.get_ref();
            if x.is_finite() && (x > 0.0 || (allow_zero && x == 0.0)) {
                *slot = x;
            } else {
                errors.push(at(
                    v.span(),
                    k,
                    format!(
                        "{x} must be finite and {}",
                        if allow_zero { "≥ 0" } else { "> 0" }
                    ),
                ));
            }
        }
    };
    num("dv1_rev", &raw.dv1_rev, &mut cfg.dv1_rev, false);
    num("dv2_rev", &raw.dv2_rev, &mut cfg.dv2_rev, false);
    num("dv3_rev", &raw.dv3_rev, &mut cfg.dv3_rev, false);
    num("dv4_rev", &raw.dv4_rev, &mut cfg.dv4_rev, false);
    num("gate_rev", &raw.gate_rev, &mut cfg.gate_rev, false);
    let mut docking_rev = 0.0;
    num("docking_rev", &raw.docking_rev, &mut docking_rev, false);
    num(
        "gate_behind_m",
        &raw.gate_behind_m,
        &mut cfg.gate_behind_m,
        false,
    );
    num(
        "min_phasing_gap_m",
        &raw.min_phasing_gap_m,
        &mut cfg.min_phasing_gap_m,
        false,
    );
    num(
        "gate_tolerance_m",
        &raw.gate_tolerance_m,
        &mut cfg.gate_tolerance_m,
        false,
    );
    num("thrust_n", &raw.thrust_n, &mut cfg.engine.thrust_n, false);
    num("isp_s", &raw.isp_s, &mut cfg.engine.isp_s, false);
    num("mass_kg", &raw.mass_kg, &mut cfg.chaser_mass_kg, false);
    num(
        "dv_budget_m_s",
        &raw.dv_budget_m_s,
        &mut cfg.dv_budget_m_s,
        false,
    );
    let p = &mut cfg.proximity;
    num(
        "hold_distance_m",
        &raw.hold_distance_m,
        &mut p.hold_distance_m,
        false,
    );
    num(
        "gate_to_hold_s",
        &raw.gate_to_hold_s,
        &mut p.gate_to_hold_s,
        false,
    );
    num(
        "hold_duration_s",
        &raw.hold_duration_s,
        &mut p.hold_duration_s,
        true,
    );
    num(
        "closing_speed_m_s",
        &raw.closing_speed_m_s,
        &mut p.closing_speed_m_s,
        false,
    );
    num(
        "contact_distance_m",
        &raw.contact_distance_m,
        &mut p.contact_distance_m,
        false,
    );
    num(
        "min_contact_speed_m_s",
        &raw.min_contact_speed_m_s,
        &mut p.min_contact_speed_m_s,
        true,
    );
    num(
        "max_contact_speed_m_s",
        &raw.max_contact_speed_m_s,
        &mut p.max_contact_speed_m_s,
        false,
    );
    num(
        "guidance_step_s",
        &raw.guidance_step_s,
        &mut p.guidance_step_s,
        false,
    );
    if let Some(d) = &raw.docking_rev {
        let given: Vec<&str> = [("gate_rev", &raw.gate_rev), ("dv4_rev", &raw.dv4_rev)]
            .iter()
            .filter(|(_, v)| v.is_some())
            .map(|(k, _)| *k)
            .collect();
        if !given.is_empty() {
            errors.push(at(
                d.span(),
                "docking_rev",
                format!(
                    "docking_rev excludes {}: the gate and DV4 slots are derived from docking_rev (DV4 {:.2} rev before the gate; docs/scenario.md, [rendezvous])",
                    given.join(" and "),
                    RendezvousConfig::soyuz_two_day().gate_rev - RendezvousConfig::soyuz_two_day().dv4_rev
                ),
            ));
        } else if docking_rev > 0.0 {
            cfg.docking_rev = Some(docking_rev);
        }
    }
    if let Some(f) = raw.finite_burns {
        cfg.finite_burns = f;
    }
    if let Some(a) = &raw.docking_axis {
        match a.get_ref().to_ascii_lowercase().as_str() {
            "v-bar" | "vbar" => cfg.proximity.docking_axis = DockingAxis::VBar,
            "r-bar" | "rbar" => cfg.proximity.docking_axis = DockingAxis::RBar,
            other => errors.push(at(
                a.span(),
                "docking_axis",
                format!("unknown docking axis '{other}', expected \"v-bar\" or \"r-bar\""),
            )),
        }
    }
    let published_docking =
        raw.published_docking
            .as_ref()
            .and_then(|p| match parse_epoch(p.get_ref()) {
                Ok(e) => Some(e),
                Err(m) => {
                    errors.push(at(p.span(), "published_docking", m));
                    None
                }
            });
    if errors.len() == n0 {
        // Cross-field checks (slot order, gate vs hold point, speeds), located at the table.
        if let Err(e) = cfg.validate() {
            errors.push(
                InputError::new(path, e.to_string())
                    .at_offset(text, table_start)
                    .with_key("rendezvous"),
            );
        }
    }
    if errors.len() > n0 {
        return None;
    }
    Some(RendezvousSpec {
        chaser: raw.chaser.into_inner(),
        target: raw.target.into_inner(),
        config: cfg,
        published_docking,
        published_total_dv: raw.published_total_dv,
    })
}

#[cfg(test)]
mod tests {
    use crate::scenario::ScenarioSpec;
    use std::path::Path;

    const BASE: &str = r#"
name = "r"
[[orbit]]
id = "iss"
epoch = "2007-10-10T13:31:27.7 UTC"
duration = "3 days"
forces = "j2"
[orbit.keplerian]
a_km = 6713
e = 0.0003
inc_deg = 51.64
raan_deg = 228.7
argp_deg = 0
ta_deg = 0
[[orbit]]
id = "soyuz"
epoch = "2007-10-10T13:31:27.7 UTC"
duration = "3 days"
forces = "j2"
[orbit.keplerian]
a_km = 6592
e = 0.003
inc_deg = 51.64
raan_deg = 228.7
argp_deg = 0
ta_deg = 0
"#;

    #[test]
    fn parses_the_flagship_table_and_defaults() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scenarios/soyuz-tma-11.toml"
        );
        let s = ScenarioSpec::read(Path::new(path)).unwrap();
        let r = s.rendezvous.unwrap();
        assert_eq!(r.chaser, "soyuz-insertion");
        assert_eq!(r.target, "iss-mission");
        assert_eq!(r.config.engine.thrust_n, 2950.0);
        assert_eq!(r.config.proximity.hold_distance_m, 200.0);
        assert!(r.published_docking.is_some());
        assert_eq!(r.config.docking_rev, Some(33.05));
        let text = format!("{BASE}\n[rendezvous]\nchaser = \"soyuz\"\ntarget = \"iss\"\n");
        let s = ScenarioSpec::from_text(Path::new("r.toml"), &text).unwrap();
        assert_eq!(s.rendezvous.unwrap().config.profile, "soyuz-2day");
    }

    /// The ```toml example of docs/scenario-rendezvous.md parses (with two orbits added).
    #[test]
    fn documented_example_parses() {
        let doc = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../docs/scenario-rendezvous.md"
        ))
        .unwrap();
        let start = doc.find("```toml\n").unwrap() + 8;
        let end = start + doc[start..].find("```").unwrap();
        let block = doc[start..end]
            .replace("\"soyuz-insertion\"", "\"soyuz\"")
            .replace("\"iss-mission\"", "\"iss\"");
        let s =
            ScenarioSpec::from_text(Path::new("doc.toml"), &format!("{BASE}\n{block}")).unwrap();
        assert_eq!(s.rendezvous.unwrap().config.gate_behind_m, 3000.0);
    }

    #[test]
    fn reports_every_problem_with_location_and_key() {
        let text = format!(
            "{BASE}\n[rendezvous]\nchaser = \"soyuz\"\ntarget = \"station\"\nprofile = \"n-orbit\"\ndv1_rev = 2.5\nthrust_n = -5\ndocking_axis = \"h-bar\"\n"
        );
        let e = ScenarioSpec::from_text(Path::new("r.toml"), &text).unwrap_err();
        let msg = e.to_string();
        // unknown target, 4 missing slots, thrust, axis
        assert_eq!(e.0.len(), 7, "{msg}");
        assert!(
            msg.contains("rendezvous.target") && msg.contains("no [[orbit]] has id 'station'"),
            "{msg}"
        );
        assert!(msg.contains("rendezvous.gate_rev"), "{msg}");
        assert!(
            msg.contains("rendezvous.thrust_n") && msg.contains("r.toml:"),
            "{msg}"
        );
        assert!(msg.contains("rendezvous.docking_axis"), "{msg}");
        // Cross-field check: slots out of order, reported at the table.
        let text =
            format!("{BASE}\n[rendezvous]\nchaser = \"soyuz\"\ntarget = \"iss\"\ndv2_rev = 2.0\n");
        let msg = ScenarioSpec::from_text(Path::new("r.toml"), &text)
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("dv2_rev") && msg.contains("rendezvous"),
            "{msg}"
        );
        // docking_rev: excludes gate_rev and dv4_rev, positive, and it stands for both in the
        // n-orbit profile.
        let text = format!(
            "{BASE}\n[rendezvous]\nchaser = \"soyuz\"\ntarget = \"iss\"\ngate_rev = 33.0\ndocking_rev = 33.05\n"
        );
        let msg = ScenarioSpec::from_text(Path::new("r.toml"), &text)
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("rendezvous.docking_rev")
                && msg.contains("excludes gate_rev")
                && msg.contains("r.toml:"),
            "{msg}"
        );
        let text = format!(
            "{BASE}\n[rendezvous]\nchaser = \"soyuz\"\ntarget = \"iss\"\ndv4_rev = 31.8\ndocking_rev = 33.05\n"
        );
        let msg = ScenarioSpec::from_text(Path::new("r.toml"), &text)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("excludes dv4_rev"), "{msg}");
        let text = format!(
            "{BASE}\n[rendezvous]\nchaser = \"soyuz\"\ntarget = \"iss\"\ndocking_rev = -1\n"
        );
        let msg = ScenarioSpec::from_text(Path::new("r.toml"), &text)
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("rendezvous.docking_rev") && msg.contains("> 0"),
            "{msg}"
        );
        let text = format!(
            "{BASE}\n[rendezvous]\nchaser = \"soyuz\"\ntarget = \"iss\"\nprofile = \"n-orbit\"\ndv1_rev = 2.5\ndv2_rev = 3.0\ndv3_rev = 16.3\ndocking_rev = 33.05\n"
        );
        let s = ScenarioSpec::from_text(Path::new("r.toml"), &text).unwrap();
        assert_eq!(s.rendezvous.unwrap().config.docking_rev, Some(33.05));
        // Unknown key: serde stage, located.
        let text =
            format!("{BASE}\n[rendezvous]\nchaser = \"soyuz\"\ntarget = \"iss\"\nwarp = 9\n");
        let msg = ScenarioSpec::from_text(Path::new("r.toml"), &text)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("warp"), "{msg}");
    }
}
