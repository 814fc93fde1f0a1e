//! Command-line flags for the vehicle, space weather, density sampling and manoeuvres — what
//! drag, solar radiation pressure and station operations need.

use crate::failure::{input, input_msg, CliResult};
use crate::setup::{ForceEnvironment, DEFAULT_DENSITY_SPACING_S};
use capsim::dynamics::drag::{DensitySampling, SpaceWeatherProvider};
use capsim::dynamics::maneuvers::ImpulsiveManeuver;
use capsim::env::space_weather::{SpaceWeatherSource, SpaceWeatherValues};
use capsim::vehicle::BallisticProperties;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(clap::Args, Debug, Clone, Default)]
pub struct ForceArgs {
    /// Vehicle mass, kg (drag, srp).
    #[arg(long)]
    pub mass_kg: Option<f64>,
    /// Drag reference area, m² (drag; also the SRP area unless --srp-area-m2).
    #[arg(long)]
    pub area_m2: Option<f64>,
    /// Drag coefficient.
    #[arg(long, default_value_t = 2.2)]
    pub cd: f64,
    /// Radiation-pressure coefficient (1 absorbing … 2 mirror).
    #[arg(long, default_value_t = 1.3)]
    pub cr: f64,
    /// Area facing the Sun, m² (default: --area-m2).
    #[arg(long)]
    pub srp_area_m2: Option<f64>,
    #[command(flatten)]
    pub space_weather: SpaceWeatherArgs,
    /// Atmosphere-model evaluations: `exact` (every force evaluation) or the anchor spacing
    /// in seconds (default 60; see docs/performance.md for the error this causes).
    #[arg(long, value_name = "exact|SECONDS")]
    pub density_step: Option<String>,
    /// Impulsive manoeuvre "EPOCH,DV_M_S" along velocity (or "EPOCH,DV_V,DV_N,DV_B" in VNB),
    /// e.g. a reboost: --maneuver "2008-01-11T12:00:00,1.1" (repeatable).
    #[arg(long, value_name = "EPOCH,DV")]
    pub maneuver: Vec<String>,
}

impl ForceArgs {
    /// The environment for the force builder.
    pub fn environment(&self) -> CliResult<ForceEnvironment> {
        let vehicle = match (self.mass_kg, self.area_m2) {
            (Some(mass_kg), Some(area)) => {
                let v = BallisticProperties {
                    mass_kg,
                    drag_area_m2: area,
                    cd: self.cd,
                    srp_area_m2: self.srp_area_m2.unwrap_or(area),
                    cr: self.cr,
                };
                v.validate()
                    .map_err(|e| input_msg(format!("vehicle: {e}")))?;
                Some(v)
            }
            (None, None) => None,
            _ => return Err(input_msg("give both --mass-kg and --area-m2")),
        };
        let space_weather: Arc<dyn SpaceWeatherProvider> = Arc::new(self.space_weather.source()?);
        let density_sampling = match self.density_step.as_deref().map(str::trim) {
            None => DensitySampling::Anchored {
                spacing_s: DEFAULT_DENSITY_SPACING_S,
            },
            Some("exact") => DensitySampling::EveryEvaluation,
            Some(s) => match s.trim_end_matches('s').trim().parse::<f64>() {
                Ok(x) if x > 0.0 && x <= 600.0 => DensitySampling::Anchored { spacing_s: x },
                _ => {
                    return Err(input_msg(format!(
                        "--density-step '{s}': expected 'exact' or a spacing in seconds in (0, 600]"
                    )))
                }
            },
        };
        Ok(ForceEnvironment {
            vehicle,
            space_weather: Some(space_weather),
            density_sampling,
        })
    }

    /// The manoeuvres, parsed.
    pub fn maneuvers(&self) -> CliResult<Vec<ImpulsiveManeuver>> {
        self.maneuver.iter().map(|m| parse_maneuver(m)).collect()
    }
}

/// Where solar and geomagnetic activity come from.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct SpaceWeatherArgs {
    /// Space weather (CelesTrak CSV) instead of the shipped 2006-10..2009-03 table.
    #[arg(long, value_name = "FILE")]
    pub space_weather: Option<PathBuf>,
    /// Constant previous-day F10.7 (sfu) instead of a table; needs --f107a and --ap too.
    #[arg(long)]
    pub f107: Option<f64>,
    /// Constant 81-day centred mean F10.7 (sfu).
    #[arg(long)]
    pub f107a: Option<f64>,
    /// Constant daily Ap.
    #[arg(long)]
    pub ap: Option<f64>,
}

impl SpaceWeatherArgs {
    /// A file, an explicit constant, or (none given) the shipped table.
    pub fn source(&self) -> CliResult<SpaceWeatherSource> {
        match (&self.space_weather, self.f107, self.f107a, self.ap) {
            (Some(p), None, None, None) => Ok(SpaceWeatherSource::Table(Arc::new(
                capsim_io::space_weather_file::read_space_weather_file(p).map_err(input)?,
            ))),
            (None, Some(f), Some(fa), Some(ap)) => {
                let v = SpaceWeatherValues::constant(f, fa, ap);
                v.validate()
                    .map_err(|e| input_msg(format!("--f107/--f107a/--ap: {e}")))?;
                Ok(SpaceWeatherSource::Constant(v))
            }
            (None, None, None, None) => Ok(SpaceWeatherSource::shipped()),
            (Some(_), ..) => Err(input_msg(
                "give either --space-weather FILE or constant --f107/--f107a/--ap, not both",
            )),
            _ => Err(input_msg(
                "constant space weather needs all of --f107, --f107a and --ap",
            )),
        }
    }
}

/// Parses "EPOCH,DV" (along velocity) or "EPOCH,DV_V,DV_N,DV_B", m/s.
pub fn parse_maneuver(text: &str) -> CliResult<ImpulsiveManeuver> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let bad = || {
        input_msg(format!(
            "--maneuver '{text}': expected EPOCH,DV_M_S or EPOCH,DV_V,DV_N,DV_B"
        ))
    };
    let epoch = capsim_io::timefmt::parse_epoch(parts.first().copied().unwrap_or(""))
        .map_err(|m| input_msg(format!("--maneuver '{text}': {m}")))?;
    let nums: Vec<f64> = parts[1..]
        .iter()
        .map(|p| p.parse::<f64>().ok().filter(|x| x.is_finite()))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(bad)?;
    let dv = match nums.as_slice() {
        [v] => [*v, 0.0, 0.0],
        [v, n, b] => [*v, *n, *b],
        _ => return Err(bad()),
    };
    if dv.iter().map(|x| x * x).sum::<f64>().sqrt() > 1_000.0 {
        return Err(input_msg(format!(
            "--maneuver '{text}': Δv above 1 km/s is not an impulsive manoeuvre"
        )));
    }
    Ok(ImpulsiveManeuver {
        epoch,
        dv_vnb_m_s: dv,
    })
}
