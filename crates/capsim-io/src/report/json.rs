//! Machine-readable run outputs: `summary.json` and the event list (`events.json`, `events.txt`).
//!
//! `summary.json` is one JSON object whose keys are a contract with scripts and tests
//! (issue #7: `launch_utc`, `docking_utc`, `undocking_utc`, `orbits`, `duration_s`, one object
//! per descent mode flown, plus the compare rows). [`SummaryJson`] keeps insertion order and
//! lets each phase add its keys without knowing the others. Epochs are ISO 8601 UTC strings
//! with a `Z`; numbers are SI unless the key names the unit (`landing_lat_deg`, `miss_km`).

use hifitime::Epoch;
use serde_json::{Map, Value};
use std::path::Path;

pub use serde_json::json;
pub use serde_json::Value as JsonValue;

/// Parses JSON text (for tests and tools that read the outputs back).
pub fn parse_json(text: &str) -> Result<JsonValue, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// ISO 8601 UTC with a `Z`, microsecond precision.
pub fn iso_z(epoch: Epoch) -> String {
    format!("{}Z", crate::timefmt::iso_utc_micro(epoch))
}

/// The `summary.json` object under construction.
#[derive(Debug, Clone, Default)]
pub struct SummaryJson {
    map: Map<String, Value>,
}

impl SummaryJson {
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets a string.
    pub fn set_str(&mut self, key: &str, value: &str) -> &mut Self {
        self.map.insert(key.into(), Value::String(value.into()));
        self
    }
    /// Sets a number (non-finite numbers are written as null).
    pub fn set_num(&mut self, key: &str, value: f64) -> &mut Self {
        let v = serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number);
        self.map.insert(key.into(), v);
        self
    }
    /// Sets an integer.
    pub fn set_int(&mut self, key: &str, value: i64) -> &mut Self {
        self.map.insert(key.into(), json!(value));
        self
    }
    /// Sets an epoch as an ISO UTC string.
    pub fn set_epoch(&mut self, key: &str, value: Epoch) -> &mut Self {
        self.map.insert(key.into(), Value::String(iso_z(value)));
        self
    }
    /// Sets any JSON value (an object per descent mode, a list).
    pub fn set_value(&mut self, key: &str, value: Value) -> &mut Self {
        self.map.insert(key.into(), value);
        self
    }
    /// Appends to the array at `key` (created when absent).
    pub fn push(&mut self, key: &str, value: Value) -> &mut Self {
        let entry = self
            .map
            .entry(key.to_string())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(a) = entry {
            a.push(value);
        } else {
            *entry = Value::Array(vec![value]);
        }
        self
    }
    /// The value at `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key)
    }
    /// Pretty-printed JSON text.
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(&Value::Object(self.map.clone())).unwrap_or_default()
    }
    /// Writes the object to `path` atomically.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let text = self.to_json_string() + "\n";
        crate::atomic::write_atomic(path, |w| w.write_all(text.as_bytes()))
    }
}

/// One entry of the mission event list.
#[derive(Debug, Clone, PartialEq)]
pub struct MissionEvent {
    pub utc: Epoch,
    /// Human-readable label ("ascending node", "STS-120 docks").
    pub label: String,
    /// Machine tag ("node", "docking", "eva", "maneuver", …).
    pub kind: String,
    /// Which object or orbit job ("iss-mission"), or "mission" for published events.
    pub object: String,
    /// "simulated" or "published".
    pub origin: String,
    /// Optional numbers (altitude_km …).
    pub details: Vec<(String, f64)>,
}

/// The event list as JSON: `{"events": [{utc, label, kind, object, origin, …details}]}`.
pub fn events_json(events: &[MissionEvent]) -> Value {
    let list: Vec<Value> = events
        .iter()
        .map(|e| {
            let mut m = Map::new();
            m.insert("utc".into(), Value::String(iso_z(e.utc)));
            m.insert("label".into(), Value::String(e.label.clone()));
            m.insert("kind".into(), Value::String(e.kind.clone()));
            m.insert("object".into(), Value::String(e.object.clone()));
            m.insert("origin".into(), Value::String(e.origin.clone()));
            for (k, v) in &e.details {
                m.insert(
                    k.clone(),
                    serde_json::Number::from_f64(*v).map_or(Value::Null, Value::Number),
                );
            }
            Value::Object(m)
        })
        .collect();
    json!({ "count": events.len(), "events": list })
}

/// The event list as aligned text, one event a line.
pub fn events_text(events: &[MissionEvent]) -> String {
    let mut s = String::from(
        "# utc                        origin     object               kind          label\n",
    );
    for e in events {
        s.push_str(&format!(
            "{:<28} {:<10} {:<20} {:<13} {}\n",
            iso_z(e.utc),
            e.origin,
            e.object,
            e.kind,
            e.label
        ));
    }
    s
}

/// Writes `events.json` and `events.txt` beside each other, atomically.
pub fn write_events(
    json_path: &Path,
    text_path: &Path,
    events: &[MissionEvent],
) -> std::io::Result<()> {
    let j = serde_json::to_string_pretty(&events_json(events)).unwrap_or_default() + "\n";
    crate::atomic::write_atomic(json_path, |w| w.write_all(j.as_bytes()))?;
    let t = events_text(events);
    crate::atomic::write_atomic(text_path, |w| w.write_all(t.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_and_events_round_trip() {
        let t = Epoch::from_gregorian_utc_hms(2007, 10, 10, 13, 22, 39);
        let mut s = SummaryJson::new();
        s.set_epoch("launch_utc", t)
            .set_int("orbits", 3023)
            .set_num("duration_s", 1.5)
            .set_num("bad", f64::NAN)
            .push("compare", json!({"label": "a"}))
            .push("compare", json!({"label": "b"}));
        let v = parse_json(&s.to_json_string()).unwrap();
        assert_eq!(v["launch_utc"], "2007-10-10T13:22:39.000000Z");
        assert_eq!(v["orbits"], 3023);
        assert!(v["bad"].is_null());
        assert_eq!(v["compare"].as_array().map(|a| a.len()), Some(2));
        let ev = vec![MissionEvent {
            utc: t,
            label: "lift-off".into(),
            kind: "launch".into(),
            object: "mission".into(),
            origin: "published".into(),
            details: vec![("alt_km".into(), 0.09)],
        }];
        let j = events_json(&ev);
        assert_eq!(j["count"], 1);
        assert_eq!(j["events"][0]["alt_km"], 0.09);
        assert!(events_text(&ev).contains("lift-off"));
    }
}
