//! Solar and geomagnetic activity (F10.7, Ap) for the atmosphere models (to be written).

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
