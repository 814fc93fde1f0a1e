//! The files of a Monte-Carlo campaign besides `samples.csv`: `summary.json`,
//! `footprint.geojson`, `footprint.kml`, `footprint.png/.svg` (map with Natural Earth
//! coastlines and borders) and `g_load_hist.png/.svg`.
//!
//! One feature list ([`footprint_features`]) feeds both GeoJSON and KML, and the map is drawn
//! from the same geometry, so the three never disagree. Sample points are the first
//! [`crate::mc_run::PLOT_POINTS`] successful samples in index order (enough to see the shape;
//! the statistics use every sample); GeoJSON/KML carry at most 1,000 of them to stay small.
//! The histogram is drawn as a step line with the existing `plot` line kind.

use crate::geo_export::{write_geojson, write_kml, Feature, GeoPoint, Geometry};
use crate::map::base_map_series;
use crate::mc_run::{Fingerprint, McRunError, Summary};
use crate::mc_spec::McSpec;
use crate::plot::{write_chart, Chart, Series, SeriesKind};
use capsim::mc::footprint::{wrap_lon_deg, LocalPlane};
use std::path::Path;

/// Sample points written to GeoJSON/KML.
pub const EXPORT_POINTS: usize = 1000;

const MEAN_RGB: (u8, u8, u8) = (0, 0, 0);
const TARGET_RGB: (u8, u8, u8) = (213, 94, 0);
const ZONE_RGB: (u8, u8, u8) = (0, 158, 115);
const ELLIPSE_RGB: [(u8, u8, u8); 3] = [(0, 114, 178), (204, 121, 167), (230, 159, 0)];
/// Marks cycle through these colours (sky blue, purple, dark green), distinct from the rest.
const MARK_RGB: [(u8, u8, u8); 3] = [(86, 180, 233), (120, 60, 150), (0, 90, 70)];

fn circle(lat: f64, lon: f64, r_km: f64) -> Vec<(f64, f64)> {
    let p = LocalPlane::new(lat, lon);
    (0..=72)
        .map(|i| {
            let t = (i % 72) as f64 * 5f64.to_radians();
            p.to_lat_lon_deg(r_km * t.sin(), r_km * t.cos())
        })
        .collect()
}

fn ground(v: &[(f64, f64)]) -> Vec<GeoPoint> {
    v.iter()
        .map(|(la, lo)| GeoPoint::ground(*la, *lo))
        .collect()
}

/// Ellipse polygons (lat, lon) of the summary.
fn ellipse_rings(s: &Summary) -> Vec<(f64, Vec<(f64, f64)>)> {
    let plane = LocalPlane::new(s.target_lat_deg, s.target_lon_deg);
    s.ellipses
        .iter()
        .map(|e| (e.probability, e.polygon_lat_lon_deg(&plane, 96)))
        .collect()
}

/// Zone outline (lat, lon), closed.
fn zone_ring(spec: &McSpec) -> Option<Vec<(f64, f64)>> {
    use capsim::mc::footprint::Zone;
    spec.zone.as_ref().map(|z| match z {
        Zone::Circle {
            lat_deg,
            lon_deg,
            radius_km,
        } => circle(*lat_deg, *lon_deg, *radius_km),
        Zone::Polygon { vertices_deg } => {
            let mut v = vertices_deg.clone();
            if let Some(f) = v.first().copied() {
                v.push(f);
            }
            v
        }
    })
}

/// The footprint as features: sample points, mean point, ellipses, target, zone, marks.
pub fn footprint_features(s: &Summary, spec: &McSpec) -> Vec<Feature> {
    let mut f = Vec::new();
    for (i, (lat, lon, mode)) in s.points.iter().take(EXPORT_POINTS).enumerate() {
        f.push(
            Feature::new(
                format!("sample {i}"),
                Geometry::Point(GeoPoint::ground(*lat, *lon)),
            )
            .prop("kind", "sample")
            .prop("mode", mode.as_str()),
        );
    }
    for (k, (p, ring)) in ellipse_rings(s).into_iter().enumerate() {
        let e = &s.ellipses[k];
        f.push(
            Feature::new(
                format!("{:.0} % dispersion ellipse", p * 100.0),
                Geometry::Polygon(ground(&ring[..ring.len().saturating_sub(1)])),
            )
            .prop("kind", "ellipse")
            .prop("probability", p)
            .prop("semi_major_km", e.semi_major_km)
            .prop("semi_minor_km", e.semi_minor_km)
            .prop("major_axis_azimuth_deg", e.azimuth_deg)
            .color(ELLIPSE_RGB[k % 3]),
        );
    }
    if s.by_mode.len() > 1 {
        let plane = LocalPlane::new(s.target_lat_deg, s.target_lon_deg);
        for m in &s.by_mode {
            for (k, e) in m.ellipses.iter().enumerate() {
                let ring = e.polygon_lat_lon_deg(&plane, 96);
                f.push(
                    Feature::new(
                        format!(
                            "{}: {:.0} % dispersion ellipse",
                            m.mode,
                            e.probability * 100.0
                        ),
                        Geometry::Polygon(ground(&ring[..ring.len() - 1])),
                    )
                    .prop("kind", "mode_ellipse")
                    .prop("mode", m.mode.as_str())
                    .prop("probability", e.probability)
                    .prop("semi_major_km", e.semi_major_km)
                    .prop("semi_minor_km", e.semi_minor_km)
                    .prop("major_axis_azimuth_deg", e.azimuth_deg)
                    .color(ELLIPSE_RGB[k % 3]),
                );
            }
        }
    }
    if s.ok > 0 {
        f.push(
            Feature::new(
                "mean landing point",
                Geometry::Point(GeoPoint::ground(s.mean_lat_deg, s.mean_lon_deg)),
            )
            .prop("kind", "mean")
            .prop("cep_about_mean_km", s.cep_about_mean_km)
            .color(MEAN_RGB),
        );
    }
    f.push(
        Feature::new(
            "target",
            Geometry::Point(GeoPoint::ground(spec.target_lat_deg, spec.target_lon_deg)),
        )
        .prop("kind", "target")
        .prop("cep_about_target_km", s.cep_about_target_km)
        .color(TARGET_RGB),
    );
    if let Some(ring) = zone_ring(spec) {
        let mut feat = Feature::new(
            "landing zone",
            Geometry::Polygon(ground(&ring[..ring.len() - 1])),
        )
        .prop("kind", "zone")
        .color(ZONE_RGB);
        if let Some(x) = s.fraction_outside_zone {
            feat = feat.prop("fraction_outside", x);
        }
        f.push(feat);
    }
    for (k, m) in spec.marks.iter().enumerate() {
        let mark_rgb = MARK_RGB[k % MARK_RGB.len()];
        f.push(
            Feature::new(
                m.label.clone(),
                Geometry::Point(GeoPoint::ground(m.lat_deg, m.lon_deg)),
            )
            .prop("kind", "mark")
            .color(mark_rgb),
        );
        if let Some(r) = m.radius_km {
            let ring = circle(m.lat_deg, m.lon_deg, r);
            f.push(
                Feature::new(
                    format!("{} ({r} km)", m.label),
                    Geometry::Polygon(ground(&ring[..ring.len() - 1])),
                )
                .prop("kind", "mark_circle")
                .prop("radius_km", r)
                .color(mark_rgb),
            );
        }
    }
    f
}

/// Longitude unwrapped next to the target's (so a footprint across ±180° stays contiguous).
fn lon_near(lon: f64, lon_ref: f64) -> f64 {
    lon_ref + wrap_lon_deg(lon - lon_ref)
}

/// The footprint map chart.
pub fn footprint_chart(s: &Summary, spec: &McSpec, title: &str) -> Chart {
    let lon0 = spec.target_lon_deg;
    let ll = |v: &[(f64, f64)]| -> Vec<(f64, f64)> {
        v.iter()
            .map(|(la, lo)| (lon_near(*lo, lon0), *la))
            .collect()
    };
    let mut layers: Vec<Series> = Vec::new();
    let pts: Vec<(f64, f64)> = s
        .points
        .iter()
        .map(|(la, lo, _)| (lon_near(*lo, lon0), *la))
        .collect();
    if !pts.is_empty() {
        layers.push(
            Series::points(format!("landing points (first {})", pts.len()), pts)
                .color((150, 150, 150))
                .kind(SeriesKind::Points { radius_px: 1 }),
        );
    }
    if let Some(ring) = zone_ring(spec) {
        let label = match s.fraction_outside_zone {
            Some(x) => format!("landing zone ({:.2} % outside)", 100.0 * x),
            None => "landing zone".into(),
        };
        layers.push(Series::line(label, ll(&ring)).color(ZONE_RGB));
    }
    let plane = LocalPlane::new(s.target_lat_deg, s.target_lon_deg);
    // One mode: the campaign's ellipses. Several: each mode's (a mixture is not one normal).
    let sets: Vec<(String, &Vec<capsim::mc::footprint::Ellipse>)> = if s.by_mode.len() > 1 {
        s.by_mode
            .iter()
            .map(|m| (format!("{}: ", m.mode), &m.ellipses))
            .collect()
    } else {
        vec![(String::new(), &s.ellipses)]
    };
    for (prefix, ellipses) in sets {
        for (k, e) in ellipses.iter().enumerate() {
            layers.push(
                Series::line(
                    format!(
                        "{prefix}{:.0} % ellipse {:.1} × {:.1} km, az {:.0}°",
                        e.probability * 100.0,
                        e.semi_major_km,
                        e.semi_minor_km,
                        e.azimuth_deg
                    ),
                    ll(&e.polygon_lat_lon_deg(&plane, 96)),
                )
                .color(ELLIPSE_RGB[k % 3]),
            );
        }
    }
    for (k, m) in spec.marks.iter().enumerate() {
        let mark_rgb = MARK_RGB[k % MARK_RGB.len()];
        if let Some(r) = m.radius_km {
            layers.push(
                Series::line(
                    format!("{} ±{r} km", m.label),
                    ll(&circle(m.lat_deg, m.lon_deg, r)),
                )
                .color(mark_rgb)
                .kind(SeriesKind::Line { width_px: 1 }),
            );
        }
        layers.push(
            Series::points(
                m.label.clone(),
                vec![(lon_near(m.lon_deg, lon0), m.lat_deg)],
            )
            .color(mark_rgb)
            .kind(SeriesKind::Crosses { size_px: 9 }),
        );
    }
    if s.ok > 0 {
        layers.push(
            Series::points(
                format!("mean (CEP {:.1} km)", s.cep_about_mean_km),
                vec![(lon_near(s.mean_lon_deg, lon0), s.mean_lat_deg)],
            )
            .color(MEAN_RGB)
            .kind(SeriesKind::Crosses { size_px: 9 }),
        );
    }
    layers.push(
        Series::points("target", vec![(lon0, spec.target_lat_deg)])
            .color(TARGET_RGB)
            .kind(SeriesKind::Crosses { size_px: 11 }),
    );
    // Window: everything drawn, with a margin.
    let (mut x0, mut x1, mut y0, mut y1) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for l in &layers {
        for &(x, y) in l
            .points
            .iter()
            .filter(|p| p.0.is_finite() && p.1.is_finite())
        {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
    }
    let (mx, my) = ((0.08 * (x1 - x0)).max(0.2), (0.08 * (y1 - y0)).max(0.2));
    let (x0, x1, y0, y1) = (x0 - mx, x1 + mx, (y0 - my).max(-90.0), (y1 + my).min(90.0));
    let mut chart = Chart::new(title, "longitude (deg)", "latitude (deg)");
    // Base map first, so the data is drawn over it; clipped to a window generous enough for
    // the aspect-ratio widening of the plot.
    let (cx, cy) = (0.5 * (x0 + x1), 0.5 * (y0 + y1));
    let half = (x1 - x0).max(y1 - y0) * 1.5;
    for b in base_map_series(cx - half, cx + half, cy - half, cy + half) {
        chart = chart.with(b);
    }
    for l in layers {
        chart = chart.with(l);
    }
    chart.x_range = Some((x0, x1));
    chart.y_range = Some((y0, y1));
    chart.map_aspect_lat_deg = Some(spec.target_lat_deg);
    chart.width_px = 1000;
    chart.height_px = 800;
    chart
}

/// The peak-g histogram as a step line.
pub fn g_histogram_chart(s: &Summary, title: &str) -> Chart {
    let (edges, width, counts) = &s.g_histogram;
    let mut pts = Vec::with_capacity(2 * counts.len() + 2);
    if let Some(&first) = edges.first() {
        pts.push((first, 0.0));
    }
    for (e, c) in edges.iter().zip(counts) {
        pts.push((*e, *c as f64));
        pts.push((*e + width, *c as f64));
    }
    if let Some(&last) = edges.last() {
        pts.push((last + width, 0.0));
    }
    let mut chart = Chart::new(title, "peak load (g)", "samples per bin");
    chart = chart.with(Series::line(
        format!("{} successful samples, bin {:.3} g", s.ok, width),
        pts,
    ));
    chart
}

/// Writes summary.json, footprint.geojson/.kml/.png/.svg and g_load_hist.png/.svg into `dir`.
pub fn write_outputs(
    dir: &Path,
    s: &Summary,
    spec: &McSpec,
    fp: &Fingerprint,
    name: &str,
) -> Result<(), McRunError> {
    let io = |what: &str| {
        let what = what.to_string();
        move |source: std::io::Error| McRunError::Io {
            context: format!("writing {what}"),
            source,
        }
    };
    let json = s.to_json(fp);
    crate::atomic::write_atomic(&dir.join("summary.json"), |w| w.write_all(json.as_bytes()))
        .map_err(io("summary.json"))?;
    // Marks meant for another descent mode (e.g. the real ballistic landing) stay off.
    let mut shown = spec.clone();
    shown.marks.retain(|m| {
        m.modes.is_empty()
            || (!s.counts_by_mode.is_empty()
                && m.shown_for(s.counts_by_mode.keys().map(|k| k.as_str())))
    });
    let spec = &shown;
    let features = footprint_features(s, spec);
    write_geojson(&dir.join("footprint.geojson"), &features).map_err(io("footprint.geojson"))?;
    write_kml(
        &dir.join("footprint.kml"),
        &format!("{name} footprint"),
        &features,
    )
    .map_err(io("footprint.kml"))?;
    if s.ok > 0 {
        let plot_err = |e: crate::plot::PlotError| McRunError::Io {
            context: "drawing a chart".into(),
            source: std::io::Error::other(e.to_string()),
        };
        write_chart(
            &footprint_chart(
                s,
                spec,
                &format!("{name}: landing footprint ({} samples)", s.ok),
            ),
            &dir.join("footprint"),
        )
        .map_err(plot_err)?;
        write_chart(
            &g_histogram_chart(s, &format!("{name}: peak deceleration")),
            &dir.join("g_load_hist"),
        )
        .map_err(plot_err)?;
    }
    Ok(())
}
