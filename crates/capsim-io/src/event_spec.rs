//! The event and ground-station items of `--events`/`--station` and of a scenario's
//! `events`/`stations` keys: parsed and checked here, so a scenario reports bad items with the
//! rest of its problems, and built into detectors by the CLI.

/// One requested event kind.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum EventItem {
    Apsides,
    Periapsis,
    Apoapsis,
    Nodes,
    AscendingNode,
    DescendingNode,
    /// Penumbra and umbra, entry and exit.
    Eclipse,
    Penumbra,
    Umbra,
    /// Crossings of a height above the WGS-84 ellipsoid, km.
    Altitude {
        km: f64,
    },
}

/// The accepted spellings, for messages.
pub const EVENT_NAMES: &str = "apsides, periapsis, apoapsis, nodes, ascending-node, descending-node, eclipse, penumbra, umbra or altitude:KM";

impl EventItem {
    /// Parses one item (case-insensitive).
    pub fn parse(item: &str) -> Result<Self, String> {
        let lower = item.trim().to_ascii_lowercase();
        Ok(match lower.as_str() {
            "apsides" => Self::Apsides,
            "periapsis" | "perigee" => Self::Periapsis,
            "apoapsis" | "apogee" => Self::Apoapsis,
            "nodes" => Self::Nodes,
            "ascending-node" => Self::AscendingNode,
            "descending-node" => Self::DescendingNode,
            "eclipse" => Self::Eclipse,
            "penumbra" => Self::Penumbra,
            "umbra" => Self::Umbra,
            _ => {
                let Some(km) = lower.strip_prefix("altitude:") else {
                    return Err(format!("'{item}': unknown event; expected {EVENT_NAMES}"));
                };
                let km: f64 = km
                    .parse()
                    .map_err(|_| format!("'{item}': expected altitude:KM, e.g. altitude:120"))?;
                if !(-10.0..=100_000.0).contains(&km) {
                    return Err(format!(
                        "'{item}': altitude {km} km must be within [-10, 100000] km of the ellipsoid"
                    ));
                }
                Self::Altitude { km }
            }
        })
    }

    /// Parses a list of items, each possibly comma-separated.
    pub fn parse_list<S: AsRef<str>>(items: &[S]) -> Result<Vec<Self>, String> {
        items
            .iter()
            .flat_map(|s| s.as_ref().split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Self::parse)
            .collect()
    }
}

/// A ground station for visibility events.
#[derive(Clone, Debug, PartialEq)]
pub struct StationSpec {
    pub name: String,
    pub lat_deg: f64,
    pub lon_deg: f64,
    pub alt_m: f64,
    pub mask_deg: f64,
}

impl StationSpec {
    /// Parses `NAME,LAT_DEG,LON_DEG[,ALT_M[,MASK_DEG]]`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        let bad = || {
            format!("'{text}': expected NAME,LAT_DEG,LON_DEG[,ALT_M[,MASK_DEG]], e.g. baikonur,45.92,63.34,90,5")
        };
        if parts.len() < 3 || parts.len() > 5 || parts[0].is_empty() {
            return Err(bad());
        }
        let num = |i: usize| -> Result<f64, String> {
            match parts.get(i) {
                Some(p) => p
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .ok_or_else(bad),
                None => Ok(0.0),
            }
        };
        let (lat_deg, lon_deg, alt_m, mask_deg) = (num(1)?, num(2)?, num(3)?, num(4)?);
        if !(-90.0..=90.0).contains(&lat_deg) {
            return Err(format!(
                "'{text}': latitude {lat_deg} deg must be within [-90, 90]"
            ));
        }
        if !(-90.0..90.0).contains(&mask_deg) {
            return Err(format!(
                "'{text}': elevation mask {mask_deg} deg must be within [-90, 90)"
            ));
        }
        if !(-12_000.0..=100_000.0).contains(&alt_m) {
            return Err(format!(
                "'{text}': station height {alt_m} m is not on the Earth"
            ));
        }
        Ok(Self {
            name: parts[0].to_string(),
            lat_deg,
            lon_deg,
            alt_m,
            mask_deg,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_items_and_rejects_nonsense() {
        assert_eq!(
            EventItem::parse_list(&["apsides,eclipse", "altitude:120"]).unwrap(),
            vec![
                EventItem::Apsides,
                EventItem::Eclipse,
                EventItem::Altitude { km: 120.0 }
            ]
        );
        assert!(EventItem::parse("altitude:-7000").is_err());
        assert!(EventItem::parse("warp")
            .unwrap_err()
            .contains("unknown event"));
        assert!(StationSpec::parse("baikonur,45.92,63.34,90,5").is_ok());
        assert!(StationSpec::parse("x,95,0").is_err());
        assert!(StationSpec::parse("x,1").is_err());
    }
}
