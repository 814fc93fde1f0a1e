//! Map exports: GeoJSON (RFC 7946) and KML 2.2 (OGC 07-147r2) from one small feature model.
//!
//! Ground tracks, landing points, dispersion ellipses and target zones all reduce to named
//! points, lines and polygons on WGS-84 longitude/latitude (degrees) with an optional height, so
//! one [`Feature`] list feeds both formats and the two files always show the same thing.
//! RFC 7946 §3.1.9 asks that a line crossing the antimeridian be cut there; [`Geometry::Line`]
//! is split into a MultiLineString when two consecutive points are more than 180° of longitude
//! apart. KML draws such lines correctly by itself (it takes the short way).

use serde_json::{json, Map, Value};
use std::path::Path;

/// A position: longitude and latitude in degrees (WGS-84), height above the ellipsoid in metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoPoint {
    pub lon_deg: f64,
    pub lat_deg: f64,
    pub alt_m: Option<f64>,
}

impl GeoPoint {
    /// A point on the ground (no height).
    pub fn ground(lat_deg: f64, lon_deg: f64) -> Self {
        GeoPoint {
            lon_deg,
            lat_deg,
            alt_m: None,
        }
    }

    /// A point at a height above the ellipsoid.
    pub fn at(lat_deg: f64, lon_deg: f64, alt_m: f64) -> Self {
        GeoPoint {
            lon_deg,
            lat_deg,
            alt_m: Some(alt_m),
        }
    }
}

/// The shape of a feature.
#[derive(Debug, Clone, PartialEq)]
pub enum Geometry {
    Point(GeoPoint),
    /// A polyline (ground track, trajectory). Heights, when present, are drawn absolute in KML.
    Line(Vec<GeoPoint>),
    /// A closed ring (ellipse, zone); the first point need not be repeated at the end.
    Polygon(Vec<GeoPoint>),
}

/// A named geometry with properties and an optional colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub name: String,
    pub geometry: Geometry,
    /// Extra properties (GeoJSON `properties`, KML `ExtendedData`), in order.
    pub properties: Vec<(String, Value)>,
    /// RGB colour for KML styles (and a `stroke` property in GeoJSON, simplestyle-spec).
    pub color: Option<(u8, u8, u8)>,
}

impl Feature {
    /// A feature with no properties and no colour.
    pub fn new(name: impl Into<String>, geometry: Geometry) -> Self {
        Feature {
            name: name.into(),
            geometry,
            properties: Vec::new(),
            color: None,
        }
    }

    /// Adds a property.
    pub fn prop(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.properties.push((key.into(), value.into()));
        self
    }

    /// Sets the colour.
    pub fn color(mut self, rgb: (u8, u8, u8)) -> Self {
        self.color = Some(rgb);
        self
    }
}

fn coord(p: &GeoPoint) -> Value {
    match p.alt_m {
        Some(h) => json!([p.lon_deg, p.lat_deg, h]),
        None => json!([p.lon_deg, p.lat_deg]),
    }
}

fn geometry_json(g: &Geometry) -> Value {
    match g {
        Geometry::Point(p) => json!({"type": "Point", "coordinates": coord(p)}),
        Geometry::Line(pts) => {
            let mut parts: Vec<Vec<Value>> = vec![Vec::new()];
            for (i, p) in pts.iter().enumerate() {
                if i > 0 && (p.lon_deg - pts[i - 1].lon_deg).abs() > 180.0 {
                    parts.push(Vec::new());
                }
                if let Some(last) = parts.last_mut() {
                    last.push(coord(p));
                }
            }
            parts.retain(|p| !p.is_empty());
            if parts.len() == 1 {
                json!({"type": "LineString", "coordinates": parts[0]})
            } else {
                json!({"type": "MultiLineString", "coordinates": parts})
            }
        }
        Geometry::Polygon(pts) => {
            let mut ring: Vec<Value> = pts.iter().map(coord).collect();
            if let (Some(a), Some(b)) = (pts.first(), pts.last()) {
                if a != b {
                    ring.push(coord(a));
                }
            }
            json!({"type": "Polygon", "coordinates": [ring]})
        }
    }
}

/// The features as a GeoJSON FeatureCollection (pretty-printed).
pub fn geojson_string(features: &[Feature]) -> String {
    let feats: Vec<Value> = features
        .iter()
        .map(|f| {
            let mut props = Map::new();
            props.insert("name".into(), Value::String(f.name.clone()));
            if let Some((r, g, b)) = f.color {
                props.insert("stroke".into(), json!(format!("#{r:02x}{g:02x}{b:02x}")));
            }
            for (k, v) in &f.properties {
                props.insert(k.clone(), v.clone());
            }
            json!({"type": "Feature", "properties": props, "geometry": geometry_json(&f.geometry)})
        })
        .collect();
    let fc = json!({"type": "FeatureCollection", "features": feats});
    serde_json::to_string_pretty(&fc).unwrap_or_default()
}

fn xml_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            _ => o.push(c),
        }
    }
    o
}

fn kml_coords(pts: &[GeoPoint], close: bool) -> String {
    let mut s = String::new();
    let mut push = |p: &GeoPoint| {
        s.push_str(&format!(
            "{},{},{} ",
            p.lon_deg,
            p.lat_deg,
            p.alt_m.unwrap_or(0.0)
        ));
    };
    for p in pts {
        push(p);
    }
    if close {
        if let (Some(a), Some(b)) = (pts.first(), pts.last()) {
            if a != b {
                push(a);
            }
        }
    }
    s.trim_end().to_string()
}

/// The features as a KML 2.2 document.
pub fn kml_string(document_name: &str, features: &[Feature]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n",
    );
    s.push_str(&format!("  <name>{}</name>\n", xml_escape(document_name)));
    for (i, f) in features.iter().enumerate() {
        s.push_str("  <Placemark>\n");
        s.push_str(&format!("    <name>{}</name>\n", xml_escape(&f.name)));
        if let Some((r, g, b)) = f.color {
            // KML colours are aabbggrr.
            s.push_str(&format!(
                "    <Style id=\"s{i}\"><LineStyle><color>ff{b:02x}{g:02x}{r:02x}</color><width>2</width></LineStyle><PolyStyle><color>40{b:02x}{g:02x}{r:02x}</color></PolyStyle><IconStyle><color>ff{b:02x}{g:02x}{r:02x}</color></IconStyle></Style>\n"
            ));
        }
        if !f.properties.is_empty() {
            s.push_str("    <ExtendedData>\n");
            for (k, v) in &f.properties {
                let text = match v {
                    Value::String(t) => t.clone(),
                    other => other.to_string(),
                };
                s.push_str(&format!(
                    "      <Data name=\"{}\"><value>{}</value></Data>\n",
                    xml_escape(k),
                    xml_escape(&text)
                ));
            }
            s.push_str("    </ExtendedData>\n");
        }
        let absolute = |pts: &[GeoPoint]| pts.iter().any(|p| p.alt_m.is_some());
        match &f.geometry {
            Geometry::Point(p) => {
                let mode = if p.alt_m.is_some() {
                    "<altitudeMode>absolute</altitudeMode>"
                } else {
                    ""
                };
                s.push_str(&format!(
                    "    <Point>{mode}<coordinates>{}</coordinates></Point>\n",
                    kml_coords(std::slice::from_ref(p), false)
                ));
            }
            Geometry::Line(pts) => {
                let mode = if absolute(pts) {
                    "<altitudeMode>absolute</altitudeMode>"
                } else {
                    "<tessellate>1</tessellate>"
                };
                s.push_str(&format!(
                    "    <LineString>{mode}<coordinates>{}</coordinates></LineString>\n",
                    kml_coords(pts, false)
                ));
            }
            Geometry::Polygon(pts) => {
                s.push_str(&format!(
                    "    <Polygon><tessellate>1</tessellate><outerBoundaryIs><LinearRing><coordinates>{}</coordinates></LinearRing></outerBoundaryIs></Polygon>\n",
                    kml_coords(pts, true)
                ));
            }
        }
        s.push_str("  </Placemark>\n");
    }
    s.push_str("</Document>\n</kml>\n");
    s
}

/// Writes a GeoJSON file atomically.
pub fn write_geojson(path: &Path, features: &[Feature]) -> std::io::Result<()> {
    let text = geojson_string(features);
    crate::atomic::write_atomic(path, |w| w.write_all(text.as_bytes()))
}

/// Writes a KML file atomically.
pub fn write_kml(path: &Path, document_name: &str, features: &[Feature]) -> std::io::Result<()> {
    let text = kml_string(document_name, features);
    crate::atomic::write_atomic(path, |w| w.write_all(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Feature> {
        vec![
            Feature::new(
                "target",
                Geometry::Point(GeoPoint::ground(51.0778, 67.1625)),
            )
            .prop("kind", "planned landing")
            .color((0, 0, 0)),
            Feature::new(
                "track",
                Geometry::Line(vec![
                    GeoPoint::at(10.0, 170.0, 1e5),
                    GeoPoint::at(11.0, 179.0, 1e5),
                    GeoPoint::at(12.0, -179.0, 1e5),
                ]),
            ),
            Feature::new(
                "ellipse <90%>",
                Geometry::Polygon(vec![
                    GeoPoint::ground(50.0, 66.0),
                    GeoPoint::ground(50.0, 67.0),
                    GeoPoint::ground(51.0, 67.0),
                ]),
            )
            .prop("semi_major_km", 12.5),
        ]
    }

    #[test]
    fn geojson_is_valid_rfc7946_shape() {
        let v: Value = serde_json::from_str(&geojson_string(&sample())).unwrap();
        assert_eq!(v["type"], "FeatureCollection");
        let f = &v["features"];
        assert_eq!(f[0]["geometry"]["coordinates"], json!([67.1625, 51.0778]));
        assert_eq!(f[0]["properties"]["kind"], "planned landing");
        // antimeridian crossing cut into two parts
        assert_eq!(f[1]["geometry"]["type"], "MultiLineString");
        assert_eq!(
            f[1]["geometry"]["coordinates"][1][0],
            json!([-179.0, 12.0, 1e5])
        );
        // ring closed
        let ring = &f[2]["geometry"]["coordinates"][0];
        assert_eq!(ring.as_array().unwrap().len(), 4);
        assert_eq!(ring[0], ring[3]);
    }

    #[test]
    fn kml_escapes_and_closes_rings() {
        let k = kml_string("TMA-11 & co", &sample());
        assert!(k.contains("<name>TMA-11 &amp; co</name>"));
        assert!(k.contains("ellipse &lt;90%&gt;"));
        assert!(k.contains("<coordinates>66,50,0 67,50,0 67,51,0 66,50,0</coordinates>"));
        assert!(k.contains("<color>ff000000</color>"));
        assert!(k.contains("<altitudeMode>absolute</altitudeMode>"));
        assert_eq!(k.matches("<Placemark>").count(), 3);
    }
}
