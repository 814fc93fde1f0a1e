//! A base map for any longitude-latitude chart: Natural Earth 1:50m coastlines and country
//! borders, shipped in the binary (assets/map/ne_50m.bin; provenance and licence in
//! assets/map/README.md), clipped to the chart's window.
//!
//! The file keeps the TopoJSON quantisation of the source (≤ 400 m) and is delta-encoded, so
//! the whole world costs ≈ 190 kB; it is decoded once, lazily. Clipping keeps the segments
//! with at least one end inside the window (slightly enlarged), so lines run to the chart's edge
//! and the plot's own range clips the rest. Lines are grey and unlabelled (no legend entry).

use crate::plot::{Series, SeriesKind};
use std::sync::OnceLock;

static MAP_BYTES: &[u8] = include_bytes!("../assets/map/ne_50m.bin");

/// A coastline or a border.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    Coastline,
    Border,
}

/// One decoded polyline, (lon, lat) degrees.
#[derive(Clone, Debug)]
pub struct MapLine {
    pub kind: LineKind,
    pub points: Vec<(f64, f64)>,
}

fn read_varint(b: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let byte = *b.get(*pos)?;
        *pos += 1;
        v |= ((byte & 0x7f) as u64) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn decode(b: &[u8]) -> Option<Vec<MapLine>> {
    if b.get(..8)? != b"CAPSMAP1" {
        return None;
    }
    let f = |i: usize| -> Option<f64> {
        Some(f64::from_le_bytes(
            b.get(8 + 8 * i..16 + 8 * i)?.try_into().ok()?,
        ))
    };
    let (sx, sy, tx, ty) = (f(0)?, f(1)?, f(2)?, f(3)?);
    let count = u32::from_le_bytes(b.get(40..44)?.try_into().ok()?) as usize;
    let mut pos = 44;
    let mut lines = Vec::with_capacity(count);
    for _ in 0..count {
        let kind = match *b.get(pos)? {
            0 => LineKind::Coastline,
            _ => LineKind::Border,
        };
        pos += 1;
        let n = read_varint(b, &mut pos)? as usize;
        let (mut x, mut y) = (0i64, 0i64);
        let mut points = Vec::with_capacity(n);
        for _ in 0..n {
            x += unzigzag(read_varint(b, &mut pos)?);
            y += unzigzag(read_varint(b, &mut pos)?);
            points.push((tx + x as f64 * sx, ty + y as f64 * sy));
        }
        lines.push(MapLine { kind, points });
    }
    Some(lines)
}

/// All coastlines and borders of the world (decoded once).
pub fn world_lines() -> &'static [MapLine] {
    static LINES: OnceLock<Vec<MapLine>> = OnceLock::new();
    LINES.get_or_init(|| decode(MAP_BYTES).unwrap_or_default())
}

const COAST_GREY: (u8, u8, u8) = (120, 120, 120);
const BORDER_GREY: (u8, u8, u8) = (175, 175, 175);

/// Coastlines and borders within the window, as unlabelled grey line series (borders lighter).
/// Pieces of a line are separated by NaN points, which break a polyline in `plot`.
pub fn base_map_series(lon_min: f64, lon_max: f64, lat_min: f64, lat_max: f64) -> Vec<Series> {
    let mx = 0.05 * (lon_max - lon_min).abs().max(0.1);
    let my = 0.05 * (lat_max - lat_min).abs().max(0.1);
    let inside = |p: &(f64, f64)| {
        p.0 >= lon_min - mx && p.0 <= lon_max + mx && p.1 >= lat_min - my && p.1 <= lat_max + my
    };
    let mut coast: Vec<(f64, f64)> = Vec::new();
    let mut border: Vec<(f64, f64)> = Vec::new();
    for line in world_lines() {
        let out = match line.kind {
            LineKind::Coastline => &mut coast,
            LineKind::Border => &mut border,
        };
        let mut open = false;
        for w in line.points.windows(2) {
            if inside(&w[0]) || inside(&w[1]) {
                if !open {
                    if !out.is_empty() {
                        out.push((f64::NAN, f64::NAN));
                    }
                    out.push(w[0]);
                    open = true;
                }
                out.push(w[1]);
            } else {
                open = false;
            }
        }
    }
    let mut series = Vec::new();
    if !border.is_empty() {
        series.push(
            Series::line("", border)
                .color(BORDER_GREY)
                .kind(SeriesKind::Line { width_px: 1 }),
        );
    }
    if !coast.is_empty() {
        series.push(
            Series::line("", coast)
                .color(COAST_GREY)
                .kind(SeriesKind::Line { width_px: 1 }),
        );
    }
    series
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_world() {
        let lines = world_lines();
        assert!(lines.len() > 1900, "{}", lines.len());
        let coast = lines
            .iter()
            .filter(|l| l.kind == LineKind::Coastline)
            .count();
        assert_eq!(coast, 1597);
        for l in lines {
            for p in &l.points {
                assert!((-180.0..=180.0).contains(&p.0) && (-90.0..=90.0).contains(&p.1));
            }
        }
    }

    /// The Kazakhstan landing region has borders but no sea coast, except the Aral and Caspian
    /// shores (Natural Earth draws both as coastline at 1:50m).
    #[test]
    fn clips_to_a_window() {
        let s = base_map_series(60.0, 75.0, 44.0, 52.0);
        assert!(!s.is_empty());
        assert!(s.iter().all(|x| x.label.is_empty()));
        for x in &s {
            for p in x.points.iter().filter(|p| p.0.is_finite()) {
                assert!(
                    p.0 > 55.0 && p.0 < 80.0 && p.1 > 40.0 && p.1 < 56.0,
                    "{p:?}"
                );
            }
        }
        // Around Point Nemo (South Pacific) there is nothing.
        assert!(base_map_series(-125.0, -120.0, -50.0, -47.0).is_empty());
    }
}
