//! Mission timeline (Gantt) chart: lanes of dated bars and markers on a calendar axis.
//!
//! A mission timeline is not an x–y plot: it is rows ("lanes") grouped under headings (mission
//! phases, docked vehicles, EVAs, crew aboard), each holding bars from one date to another and
//! point markers (a docking, a reboost), over a month-ticked date axis. The layout is computed
//! here in pixels and drawn with plotters' drawing primitives, so the same code path produces
//! the PNG (bitmap backend) and the SVG (SVG backend) and both look the same. Bars whose start or
//! end lies outside the chart window are clipped and drawn with an open (fading) end, to say
//! "before/after the mission". The font is the DejaVu Sans compiled into the crate (as in
//! [`crate::plot`]).

use hifitime::Epoch;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::{Path, PathBuf};
use std::sync::Once;

const FONT: &str = "capsim-gantt-sans";
static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static FONT_INIT: Once = Once::new();

fn ensure_font() {
    FONT_INIT.call_once(|| {
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES);
    });
}

/// A bar from `start` to `end`.
#[derive(Debug, Clone)]
pub struct GanttBar {
    pub start: Epoch,
    pub end: Epoch,
    /// Text drawn inside the bar when it fits.
    pub label: String,
    pub color: (u8, u8, u8),
}

/// A point event on a lane (drawn as a diamond).
#[derive(Debug, Clone)]
pub struct GanttMarker {
    pub at: Epoch,
    pub label: String,
    pub color: (u8, u8, u8),
}

/// One row of the chart.
#[derive(Debug, Clone, Default)]
pub struct GanttLane {
    /// Group heading the lane sits under ("Docked vehicles"); lanes of one group must be adjacent.
    pub group: String,
    pub label: String,
    pub bars: Vec<GanttBar>,
    pub markers: Vec<GanttMarker>,
}

/// The chart.
#[derive(Debug, Clone)]
pub struct Gantt {
    pub title: String,
    pub start: Epoch,
    pub end: Epoch,
    pub lanes: Vec<GanttLane>,
    pub width_px: u32,
}

/// Rendering failures.
#[derive(Debug, thiserror::Error)]
pub enum GanttError {
    #[error("timeline '{title}': {what}")]
    Data { title: String, what: String },
    #[error("timeline '{title}': drawing failed: {what}")]
    Draw { title: String, what: String },
    #[error("writing {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

const LABEL_W: i32 = 250;
const RIGHT_PAD: i32 = 24;
const TITLE_H: i32 = 44;
const AXIS_H: i32 = 26;
const LANE_H: i32 = 23;
const GROUP_H: i32 = 24;
const BOTTOM_PAD: i32 = 16;

impl Gantt {
    /// Image height for the lanes and groups.
    pub fn height_px(&self) -> u32 {
        let mut groups = 0;
        let mut last: Option<&str> = None;
        for l in &self.lanes {
            if last != Some(l.group.as_str()) {
                groups += 1;
                last = Some(l.group.as_str());
            }
        }
        (TITLE_H + AXIS_H + groups * GROUP_H + self.lanes.len() as i32 * LANE_H + BOTTOM_PAD)
            .max(120) as u32
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Axis ticks strictly inside (start, end): month starts for windows over 60 days, day starts
/// (every 1, 2, 5 or 10 days) over 2 days, else hours (every 1, 2, 3, 6 or 12 h).
fn ticks(start: Epoch, end: Epoch) -> Vec<(Epoch, String)> {
    let span_d = (end - start).to_seconds() / 86_400.0;
    let mut out = Vec::new();
    let (y0, m0, d0, h0, _, _, _) = start.to_gregorian_utc();
    if span_d > 60.0 {
        let (mut y, mut m) = (y0, m0);
        for k in 0..240 {
            m += 1;
            if m > 12 {
                m = 1;
                y += 1;
            }
            let e = Epoch::from_gregorian_utc_at_midnight(y, m, 1);
            if e >= end {
                break;
            }
            let name = MONTHS[(m - 1) as usize];
            out.push((
                e,
                if m == 1 || k == 0 {
                    format!("{name} {y}")
                } else {
                    name.to_string()
                },
            ));
        }
    } else if span_d > 2.0 {
        let every = [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .find(|n| span_d / n <= 14.0)
            .unwrap_or(10.0);
        let mut e = Epoch::from_gregorian_utc_at_midnight(y0, m0, d0) + hifitime::Unit::Day * every;
        while e < end && out.len() < 60 {
            let (_, m, d, _, _, _, _) = e.to_gregorian_utc();
            out.push((e, format!("{d} {}", MONTHS[(m - 1) as usize])));
            e += hifitime::Unit::Day * every;
        }
    } else {
        let span_h = span_d * 24.0;
        let every = [1.0, 2.0, 3.0, 6.0, 12.0]
            .into_iter()
            .find(|n| span_h / n <= 14.0)
            .unwrap_or(12.0);
        let mut e = Epoch::from_gregorian_utc(y0, m0, d0, h0, 0, 0, 0) + hifitime::Unit::Hour * 1;
        while e < end && out.len() < 60 {
            let (_, _, _, h, _, _, _) = e.to_gregorian_utc();
            if f64::from(h) % every == 0.0 {
                out.push((e, format!("{h:02}:00")));
            }
            e += hifitime::Unit::Hour * 1;
        }
    }
    out
}

fn draw<DB: DrawingBackend>(g: &Gantt, root: DrawingArea<DB, Shift>) -> Result<(), GanttError> {
    ensure_font();
    let title = g.title.as_str();
    let derr = |e: DrawingAreaErrorKind<DB::ErrorType>| GanttError::Draw {
        title: title.to_string(),
        what: format!("{e:?}"),
    };
    let span_s = (g.end - g.start).to_seconds();
    if !(span_s.is_finite() && span_s > 0.0) {
        return Err(GanttError::Data {
            title: title.to_string(),
            what: "the end is not after the start".into(),
        });
    }
    let w = g.width_px as i32;
    let h = g.height_px() as i32;
    let x0 = LABEL_W;
    let x1 = w - RIGHT_PAD;
    let xw = f64::from((x1 - x0).max(10));
    let x_of = |e: Epoch| -> i32 {
        let f = ((e - g.start).to_seconds() / span_s).clamp(0.0, 1.0);
        x0 + (f * xw).round() as i32
    };
    root.fill(&WHITE).map_err(derr)?;
    let ink = RGBColor(29, 36, 48);
    let muted = RGBColor(91, 100, 114);
    let rule = RGBColor(217, 222, 229);
    let soft = RGBColor(244, 246, 249);
    let font = |size: i32, c: RGBColor| (FONT, size).into_font().color(&c);
    root.draw(&Text::new(g.title.clone(), (12, 12), font(20, ink)))
        .map_err(derr)?;

    // Calendar grid and labels: months for long windows, days, or hours.
    let top = TITLE_H;
    for (e, text) in ticks(g.start, g.end) {
        let x = x_of(e);
        root.draw(&PathElement::new(
            vec![(x, top + AXIS_H - 4), (x, h - BOTTOM_PAD)],
            rule,
        ))
        .map_err(derr)?;
        root.draw(&Text::new(
            text,
            (x, top + 4),
            font(14, muted).pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(derr)?;
    }
    root.draw(&PathElement::new(
        vec![(x0, top + AXIS_H - 2), (x1, top + AXIS_H - 2)],
        muted,
    ))
    .map_err(derr)?;

    // Lanes.
    let mut yy = top + AXIS_H;
    let mut last_group: Option<&str> = None;
    for (i, lane) in g.lanes.iter().enumerate() {
        if last_group != Some(lane.group.as_str()) {
            last_group = Some(lane.group.as_str());
            root.draw(&Rectangle::new(
                [(0, yy), (w, yy + GROUP_H)],
                ShapeStyle::from(&soft).filled(),
            ))
            .map_err(derr)?;
            root.draw(&Text::new(
                lane.group.clone(),
                (12, yy + GROUP_H / 2),
                (FONT, 15)
                    .into_font()
                    .color(&ink)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(derr)?;
            yy += GROUP_H;
        }
        if i % 2 == 1 {
            root.draw(&Rectangle::new(
                [(x0, yy), (x1, yy + LANE_H)],
                ShapeStyle::from(&RGBColor(250, 251, 252)).filled(),
            ))
            .map_err(derr)?;
        }
        root.draw(&Text::new(
            lane.label.clone(),
            (24, yy + LANE_H / 2),
            font(14, ink).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(derr)?;
        for b in &lane.bars {
            if b.end <= g.start || b.start >= g.end || b.end <= b.start {
                continue;
            }
            let (bx0, bx1) = (x_of(b.start), x_of(b.end).max(x_of(b.start) + 3));
            let c = RGBColor(b.color.0, b.color.1, b.color.2);
            root.draw(&Rectangle::new(
                [(bx0, yy + 4), (bx1, yy + LANE_H - 4)],
                ShapeStyle::from(&c).filled(),
            ))
            .map_err(derr)?;
            // Open ends: a lighter stub beyond a clipped bar.
            let light = RGBColor(
                ((u16::from(b.color.0) + 2 * 255) / 3) as u8,
                ((u16::from(b.color.1) + 2 * 255) / 3) as u8,
                ((u16::from(b.color.2) + 2 * 255) / 3) as u8,
            );
            if b.start < g.start {
                root.draw(&Rectangle::new(
                    [(x0 - 10, yy + 4), (x0, yy + LANE_H - 4)],
                    ShapeStyle::from(&light).filled(),
                ))
                .map_err(derr)?;
            }
            if b.end > g.end {
                root.draw(&Rectangle::new(
                    [(x1, yy + 4), (x1 + 10, yy + LANE_H - 4)],
                    ShapeStyle::from(&light).filled(),
                ))
                .map_err(derr)?;
            }
            // Label inside when it fits (about 7 px per character at 12 px).
            let text_w = 7 * b.label.chars().count() as i32;
            if !b.label.is_empty() && bx1 - bx0 > text_w + 8 {
                root.draw(&Text::new(
                    b.label.clone(),
                    (bx0 + 5, yy + LANE_H / 2),
                    font(12, RGBColor(255, 255, 255)).pos(Pos::new(HPos::Left, VPos::Center)),
                ))
                .map_err(derr)?;
            }
        }
        for mk in &lane.markers {
            if mk.at < g.start || mk.at > g.end {
                continue;
            }
            let x = x_of(mk.at);
            let c = RGBColor(mk.color.0, mk.color.1, mk.color.2);
            let cy = yy + LANE_H / 2;
            root.draw(&Polygon::new(
                vec![(x, cy - 7), (x + 6, cy), (x, cy + 7), (x - 6, cy)],
                ShapeStyle::from(&c).filled(),
            ))
            .map_err(derr)?;
            if !mk.label.is_empty() {
                root.draw(&Text::new(
                    mk.label.clone(),
                    (x + 9, cy),
                    font(11, muted).pos(Pos::new(HPos::Left, VPos::Center)),
                ))
                .map_err(derr)?;
            }
        }
        yy += LANE_H;
    }
    root.present().map_err(derr)?;
    Ok(())
}

/// Renders the chart as an SVG document.
pub fn render_gantt_svg(g: &Gantt) -> Result<String, GanttError> {
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (g.width_px, g.height_px())).into_drawing_area();
        draw(g, root)?;
    }
    Ok(s)
}

/// Writes `<stem>.png` and `<stem>.svg` atomically; returns both paths.
pub fn write_gantt(g: &Gantt, stem: &Path) -> Result<(PathBuf, PathBuf), GanttError> {
    let png = stem.with_extension("png");
    let svg_path = stem.with_extension("svg");
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |e: std::io::Error| GanttError::Io { path: p, source: e }
    };
    let dir = match png.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(io(&png))?;
    let name = png
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "timeline.png".into());
    let tmp = dir.join(format!(".{name}.{}.tmp.png", std::process::id()));
    let result = (|| {
        {
            let root = BitMapBackend::new(&tmp, (g.width_px, g.height_px())).into_drawing_area();
            draw(g, root)?;
        }
        std::fs::rename(&tmp, &png).map_err(io(&png))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
        return result.map(|_| (png, svg_path));
    }
    let svg = render_gantt_svg(g)?;
    crate::atomic::write_atomic(&svg_path, |w| w.write_all(svg.as_bytes()))
        .map_err(io(&svg_path))?;
    Ok((png, svg_path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Gantt {
        let e = |m, d| Epoch::from_gregorian_utc_at_midnight(2007, m, d);
        Gantt {
            title: "Mission timeline".into(),
            start: e(10, 10),
            end: e(12, 20),
            width_px: 1000,
            lanes: vec![
                GanttLane {
                    group: "Phases".into(),
                    label: "docked".into(),
                    bars: vec![GanttBar {
                        start: e(10, 12),
                        end: e(12, 19),
                        label: "docked at Zarya nadir".into(),
                        color: (0, 114, 178),
                    }],
                    markers: vec![],
                },
                GanttLane {
                    group: "Docked vehicles".into(),
                    label: "Soyuz TMA-10".into(),
                    bars: vec![GanttBar {
                        start: e(4, 9),
                        end: e(10, 21),
                        label: "TMA-10".into(),
                        color: (213, 94, 0),
                    }],
                    markers: vec![GanttMarker {
                        at: e(11, 9),
                        label: "EVA".into(),
                        color: (0, 0, 0),
                    }],
                },
            ],
        }
    }

    #[test]
    fn renders_svg_and_png() {
        let g = sample();
        let svg = render_gantt_svg(&g).unwrap();
        for t in [
            "Mission timeline",
            "Phases",
            "Docked vehicles",
            "Soyuz TMA-10",
            "docked at Zarya nadir",
            "Nov",
            "Dec",
        ] {
            assert!(svg.contains(t), "missing {t}");
        }
        assert_eq!(g.height_px(), (44 + 26 + 2 * 24 + 2 * 23 + 16) as u32);
        let dir = tempfile::tempdir().unwrap();
        let (png, svgp) = write_gantt(&g, &dir.path().join("timeline")).unwrap();
        let bytes = std::fs::read(&png).unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
        assert!(bytes.len() > 2_000);
        assert!(svgp.exists());
    }

    #[test]
    fn ticks_adapt_to_the_window() {
        let t0 = Epoch::from_gregorian_utc_hms(2007, 10, 10, 13, 22, 39);
        let months = ticks(t0, t0 + hifitime::Unit::Day * 191);
        assert_eq!(months.len(), 6);
        assert_eq!(months[0].1, "Nov 2007");
        assert_eq!(months[2].1, "Jan 2008");
        let days = ticks(t0, t0 + hifitime::Unit::Day * 5);
        assert_eq!(days[0].1, "11 Oct");
        let hours = ticks(t0, t0 + hifitime::Unit::Hour * 3);
        assert_eq!(
            hours.iter().map(|t| t.1.as_str()).collect::<Vec<_>>(),
            ["14:00", "15:00", "16:00"]
        );
    }

    #[test]
    fn empty_window_is_an_error() {
        let mut g = sample();
        g.end = g.start;
        assert!(matches!(render_gantt_svg(&g), Err(GanttError::Data { .. })));
    }
}
