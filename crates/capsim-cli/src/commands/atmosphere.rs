//! `capsim atmosphere`: one evaluation of an atmosphere model, as JSON or text.

use crate::failure::{input_msg, CliResult};
use capsim::dynamics::AtmosphereKind;
use capsim::env::atmosphere::AtmosphereQuery;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// us76 | nrlmsise00 | exponential.
    #[arg(long)]
    pub model: String,
    /// Geometric height above the WGS-84 ellipsoid, km.
    #[arg(long, allow_hyphen_values = true)]
    pub alt_km: f64,
    /// Geodetic latitude, deg.
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
    pub lat_deg: f64,
    /// East longitude, deg.
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
    pub lon_deg: f64,
    /// Epoch (UTC unless a scale is given); needed by NRLMSISE-00.
    #[arg(long)]
    pub epoch: Option<String>,
    #[command(flatten)]
    pub space_weather: super::force_args::SpaceWeatherArgs,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: &Args) -> CliResult<()> {
    let kind = AtmosphereKind::parse(&a.model).ok_or_else(|| {
        input_msg(format!(
            "--model '{}': expected us76, nrlmsise00 or exponential",
            a.model
        ))
    })?;
    if !(-90.0..=90.0).contains(&a.lat_deg) {
        return Err(input_msg(format!(
            "--lat-deg {} must be within [-90, 90]",
            a.lat_deg
        )));
    }
    if !a.alt_km.is_finite() || !a.lon_deg.is_finite() {
        return Err(input_msg("--alt-km and --lon-deg must be finite numbers"));
    }
    let epoch = match &a.epoch {
        Some(e) => Some(
            capsim_io::timefmt::parse_epoch(e).map_err(|m| input_msg(format!("--epoch {m}")))?,
        ),
        None => None,
    };
    let tt_s = epoch.map(capsim::time::tt_seconds_j2000).unwrap_or(0.0);
    let space_weather = if kind == AtmosphereKind::Nrlmsise00 {
        let Some(epoch) = epoch else {
            return Err(input_msg(
                "--model nrlmsise00 needs --epoch (day of year and local solar time)",
            ));
        };
        let values = a.space_weather.source()?.values_at(epoch).map_err(|e| {
            input_msg(format!(
                "space weather for {}: {e} (give --f107, --f107a and --ap, or --space-weather FILE)",
                a.epoch.as_deref().unwrap_or("")
            ))
        })?;
        Some(values)
    } else {
        None
    };
    let model = kind.build();
    let q = AtmosphereQuery {
        alt_m: a.alt_km * 1e3,
        lat_rad: a.lat_deg.to_radians(),
        lon_rad: a.lon_deg.to_radians(),
        tt_s,
        space_weather,
    };
    let s = model.evaluate(&q).map_err(|e| input_msg(e.to_string()))?;
    let opt = |x: Option<f64>| x.map_or("null".to_string(), |v| format!("{v:.9e}"));
    if a.json {
        let sw = space_weather.map_or("null".to_string(), |v| {
            format!(
                "{{\"f107_sfu\":{},\"f107a_sfu\":{},\"ap_daily\":{},\"ap_array\":[{}]}}",
                v.f107_prev_day_sfu,
                v.f107_81day_sfu,
                v.ap_daily,
                v.ap_array
                    .iter()
                    .map(|x| x.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            )
        });
        crate::say!(
            "{{\"model\":\"{}\",\"alt_km\":{},\"lat_deg\":{},\"lon_deg\":{},\"epoch_utc\":{},\"density_kg_m3\":{:.9e},\"temperature_k\":{},\"pressure_pa\":{},\"speed_of_sound_m_s\":{},\"space_weather\":{}}}",
            model.name(),
            a.alt_km,
            a.lat_deg,
            a.lon_deg,
            epoch.map_or("null".to_string(), |e| format!("\"{}\"", capsim_io::timefmt::iso_utc_micro(e))),
            s.density_kg_m3,
            opt(s.temperature_k),
            opt(s.pressure_pa),
            opt(s.speed_of_sound_m_s),
            sw
        );
    } else {
        crate::say!("model          {}", model.name());
        crate::say!("density        {:.6e} kg/m³", s.density_kg_m3);
        crate::say!("temperature    {} K", opt(s.temperature_k));
        crate::say!("pressure       {} Pa", opt(s.pressure_pa));
        crate::say!("speed of sound {} m/s", opt(s.speed_of_sound_m_s));
    }
    Ok(())
}
