//! CZML writer: trajectories for a 3-D replay in Cesium.
//!
//! CZML is a JSON array of packets (Cesium "CZML Guide" and "Packet" reference,
//! github.com/AnalyticalGraphicsInc/czml-writer/wiki). The first packet must have
//! `"id": "document"` and a `version`; it carries the `clock` (interval, currentTime,
//! multiplier). Each object is one packet with an `availability` interval, a sampled `position`
//! (`epoch` + `cartesian: [t0, x0, y0, z0, t1, …]`, seconds since the epoch and metres), the
//! interpolation (Lagrange, degree 5 by default, as Cesium's own satellite examples use) and the
//! `referenceFrame`: `"INERTIAL"` is Cesium's ICRF, which GCRF realises to far better than the
//! display needs; `"FIXED"` is Earth-fixed (ITRF). A `path` draws the trail, a `label` the name,
//! a `point` the object. Times are ISO 8601 UTC strings ending in `Z`.
//!
//! The model is a small struct list rather than free JSON so a caller cannot forget a required
//! property, and the writer can check what Cesium would silently reject (unsorted times, fewer
//! samples than the interpolation degree needs, non-finite coordinates).

use crate::timefmt::iso_utc_micro;
use hifitime::Epoch;
use serde_json::{json, Value};
use std::path::Path;

/// The frame of the position samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CzmlFrame {
    /// GCRF positions (Cesium `INERTIAL`, i.e. ICRF).
    Inertial,
    /// ITRF positions (Cesium `FIXED`).
    Fixed,
}

/// One object to replay.
#[derive(Debug, Clone)]
pub struct CzmlObject {
    /// Packet id (unique in the document).
    pub id: String,
    /// Display name and label text.
    pub name: String,
    pub frame: CzmlFrame,
    /// (epoch, position in metres) in strictly increasing time order.
    pub samples: Vec<(Epoch, [f64; 3])>,
    /// RGB colour of the point, path and label.
    pub color: (u8, u8, u8),
    /// How much of the trail behind the object the path shows, s (e.g. one orbit).
    pub trail_time_s: f64,
    /// Lagrange interpolation degree (5 unless there are too few samples).
    pub interpolation_degree: u32,
}

impl CzmlObject {
    /// An object with Lagrange degree 5 and a one-orbit (5,600 s) trail.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        frame: CzmlFrame,
        samples: Vec<(Epoch, [f64; 3])>,
        color: (u8, u8, u8),
    ) -> Self {
        CzmlObject {
            id: id.into(),
            name: name.into(),
            frame,
            samples,
            color,
            trail_time_s: 5_600.0,
            interpolation_degree: 5,
        }
    }
}

/// The document: clock and objects.
#[derive(Debug, Clone)]
pub struct CzmlDocument {
    pub name: String,
    /// Clock interval; `None` spans all objects' samples.
    pub interval: Option<(Epoch, Epoch)>,
    /// Clock start time; `None` = the interval start.
    pub current_time: Option<Epoch>,
    /// Replay speed, simulated seconds per wall second.
    pub multiplier: f64,
    pub objects: Vec<CzmlObject>,
}

/// What makes a document impossible to write.
#[derive(Debug, thiserror::Error)]
pub enum CzmlError {
    #[error("CZML object '{id}': {what}")]
    Object { id: String, what: String },
    #[error("CZML document has no object with samples")]
    Empty,
    #[error("writing {path}: {source}")]
    Io {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// ISO 8601 UTC with a `Z` (what Cesium's JulianDate.fromIso8601 reads).
pub fn iso_z(epoch: Epoch) -> String {
    format!("{}Z", iso_utc_micro(epoch))
}

fn interval(a: Epoch, b: Epoch) -> String {
    format!("{}/{}", iso_z(a), iso_z(b))
}

fn rgba(c: (u8, u8, u8)) -> Value {
    json!({ "rgba": [c.0, c.1, c.2, 255] })
}

fn object_packet(o: &CzmlObject) -> Result<(Value, Epoch, Epoch), CzmlError> {
    let err = |what: String| CzmlError::Object {
        id: o.id.clone(),
        what,
    };
    let (Some(first), Some(last)) = (o.samples.first(), o.samples.last()) else {
        return Err(err("no samples".into()));
    };
    if o.samples.len() < 2 {
        return Err(err("needs at least 2 samples".into()));
    }
    let t0 = first.0;
    let mut cart = Vec::with_capacity(o.samples.len() * 4);
    let mut prev = f64::NEG_INFINITY;
    for (e, p) in &o.samples {
        let t = (*e - t0).to_seconds();
        if t <= prev {
            return Err(err(format!(
                "sample times must increase strictly ({} s after {} s)",
                t, prev
            )));
        }
        if p.iter().any(|x| !x.is_finite()) {
            return Err(err(format!("non-finite position at {}", iso_z(*e))));
        }
        prev = t;
        // Millisecond time and millimetre position resolution keep the file small.
        cart.push(json!((t * 1e3).round() / 1e3));
        for x in p {
            cart.push(json!((x * 1e3).round() / 1e3));
        }
    }
    let degree = o
        .interpolation_degree
        .min(o.samples.len().saturating_sub(1) as u32)
        .max(1);
    let frame = match o.frame {
        CzmlFrame::Inertial => "INERTIAL",
        CzmlFrame::Fixed => "FIXED",
    };
    let packet = json!({
        "id": o.id,
        "name": o.name,
        "availability": interval(t0, last.0),
        "position": {
            "epoch": iso_z(t0),
            "referenceFrame": frame,
            "interpolationAlgorithm": "LAGRANGE",
            "interpolationDegree": degree,
            "cartesian": cart,
        },
        "path": {
            "show": true,
            "width": 2,
            "leadTime": 0,
            "trailTime": o.trail_time_s,
            "resolution": 60,
            "material": { "solidColor": { "color": rgba(o.color) } },
        },
        "point": {
            "pixelSize": 7,
            "color": rgba(o.color),
            "outlineColor": { "rgba": [255, 255, 255, 255] },
            "outlineWidth": 1,
        },
        "label": {
            "text": o.name,
            "font": "12pt sans-serif",
            "fillColor": rgba(o.color),
            "horizontalOrigin": "LEFT",
            "pixelOffset": { "cartesian2": [10, 0] },
            "style": "FILL",
        },
    });
    Ok((packet, t0, last.0))
}

/// The document as a CZML JSON value (an array of packets, the document packet first).
pub fn czml_value(doc: &CzmlDocument) -> Result<Value, CzmlError> {
    let mut packets = Vec::with_capacity(doc.objects.len() + 1);
    let mut span: Option<(Epoch, Epoch)> = None;
    let mut objects = Vec::new();
    for o in &doc.objects {
        let (p, a, b) = object_packet(o)?;
        span = Some(match span {
            None => (a, b),
            Some((x, y)) => (if a < x { a } else { x }, if b > y { b } else { y }),
        });
        objects.push(p);
    }
    let Some(all) = span else {
        return Err(CzmlError::Empty);
    };
    let (start, end) = doc.interval.unwrap_or(all);
    let current = doc.current_time.unwrap_or(start);
    packets.push(json!({
        "id": "document",
        "name": doc.name,
        "version": "1.0",
        "clock": {
            "interval": interval(start, end),
            "currentTime": iso_z(current),
            "multiplier": doc.multiplier,
            "range": "LOOP_STOP",
            "step": "SYSTEM_CLOCK_MULTIPLIER",
        },
    }));
    packets.extend(objects);
    Ok(Value::Array(packets))
}

/// Writes the document to `path` atomically (compact JSON).
pub fn write_czml(path: &Path, doc: &CzmlDocument) -> Result<(), CzmlError> {
    let v = czml_value(doc)?;
    let text = v.to_string();
    crate::atomic::write_atomic(path, |w| w.write_all(text.as_bytes())).map_err(|e| CzmlError::Io {
        path: path.to_path_buf(),
        source: e,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hifitime::Unit;

    fn samples(n: usize) -> Vec<(Epoch, [f64; 3])> {
        let t0 = Epoch::from_gregorian_utc_hms(2007, 10, 10, 13, 22, 39);
        (0..n)
            .map(|i| {
                let a = i as f64 * 0.1;
                (
                    t0 + Unit::Second * (60 * i as i64),
                    [6.7e6 * a.cos(), 6.7e6 * a.sin(), 1.0e5],
                )
            })
            .collect()
    }

    /// Structure per the Cesium CZML Guide: document packet first with version and clock;
    /// object packets with availability, sampled position (epoch + [t, x, y, z]…), path, label, point.
    #[test]
    fn structure_follows_the_czml_guide() {
        let doc = CzmlDocument {
            name: "test <mission>".into(),
            interval: None,
            current_time: None,
            multiplier: 60.0,
            objects: vec![
                CzmlObject::new("iss", "ISS", CzmlFrame::Fixed, samples(10), (0, 114, 178)),
                CzmlObject::new(
                    "soyuz",
                    "Soyuz",
                    CzmlFrame::Inertial,
                    samples(3),
                    (213, 94, 0),
                ),
            ],
        };
        let text = czml_value(&doc).unwrap().to_string();
        let v: Value = serde_json::from_str(&text).unwrap();
        let packets = v.as_array().unwrap();
        assert_eq!(packets.len(), 3);
        let d = &packets[0];
        assert_eq!(d["id"], "document");
        assert_eq!(d["version"], "1.0");
        assert_eq!(
            d["clock"]["interval"],
            "2007-10-10T13:22:39.000000Z/2007-10-10T13:31:39.000000Z"
        );
        assert_eq!(d["clock"]["currentTime"], "2007-10-10T13:22:39.000000Z");
        assert_eq!(d["clock"]["multiplier"], 60.0);
        let iss = &packets[1];
        assert_eq!(iss["position"]["referenceFrame"], "FIXED");
        assert_eq!(iss["position"]["interpolationAlgorithm"], "LAGRANGE");
        assert_eq!(iss["position"]["interpolationDegree"], 5);
        let c = iss["position"]["cartesian"].as_array().unwrap();
        assert_eq!(c.len(), 40);
        assert_eq!(c[4].as_f64(), Some(60.0));
        assert!(iss["path"]["material"]["solidColor"]["color"]["rgba"].is_array());
        assert_eq!(iss["label"]["text"], "ISS");
        assert!(iss["point"]["pixelSize"].is_number());
        assert!(iss["availability"].as_str().unwrap().contains('/'));
        let soyuz = &packets[2];
        assert_eq!(soyuz["position"]["referenceFrame"], "INERTIAL");
        // Three samples cannot carry a degree-5 polynomial.
        assert_eq!(soyuz["position"]["interpolationDegree"], 2);
    }

    #[test]
    fn rejects_bad_samples() {
        let mut s = samples(4);
        s.swap(1, 2);
        let doc = CzmlDocument {
            name: "x".into(),
            interval: None,
            current_time: None,
            multiplier: 1.0,
            objects: vec![CzmlObject::new("a", "A", CzmlFrame::Fixed, s, (0, 0, 0))],
        };
        assert!(matches!(czml_value(&doc), Err(CzmlError::Object { .. })));
        let empty = CzmlDocument {
            objects: vec![],
            ..doc
        };
        assert!(matches!(czml_value(&empty), Err(CzmlError::Empty)));
    }
}
