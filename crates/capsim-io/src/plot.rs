//! Line and scatter charts written as PNG and SVG, with one look across the product.
//!
//! Every plot capsim makes (entry histories, range vs time, footprints, altitude over the
//! mission) is an x–y chart with a few labelled series, so one small description type,
//! [`Chart`], covers them, and the rendering details (fonts, colours, margins, legends) live in
//! one place. Rendering uses the `plotters` crate. Text is drawn with a font compiled into the
//! binary (DejaVu Sans, `assets/fonts/`, Bitstream Vera licence beside it), so a machine without
//! system fonts renders the same image as this one. Files are written atomically: the PNG is
//! rendered under a temporary name and renamed, the SVG goes through [`crate::atomic`].

use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Once;

const FONT_NAME: &str = "capsim-sans";
static FONT_BYTES: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
static FONT_INIT: Once = Once::new();

fn ensure_font() {
    FONT_INIT.call_once(|| {
        // The bytes are a valid TrueType font compiled in; a failure here would be a build defect,
        // and text would then be missing rather than the program failing.
        let _ = plotters::style::register_font(FONT_NAME, FontStyle::Normal, FONT_BYTES);
    });
}

/// The colours series get in order (a colour-blind-safe palette, Okabe & Ito 2008).
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
    RGBColor(240, 228, 66),
];

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SeriesKind {
    /// A polyline through the points, in order. Points with a non-finite coordinate break it.
    Line { width_px: u32 },
    /// Filled circles.
    Points { radius_px: u32 },
    /// Crosses, for marking single points (landing points, targets).
    Crosses { size_px: u32 },
}

/// One labelled set of points.
#[derive(Debug, Clone)]
pub struct Series {
    /// Legend text; an empty label keeps the series out of the legend (e.g. coastlines).
    pub label: String,
    pub points: Vec<(f64, f64)>,
    pub kind: SeriesKind,
    /// RGB colour; `None` takes the next colour of [`PALETTE`].
    pub color: Option<(u8, u8, u8)>,
}

impl Series {
    /// A line series with the next palette colour.
    pub fn line(label: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Series {
            label: label.into(),
            points,
            kind: SeriesKind::Line { width_px: 2 },
            color: None,
        }
    }

    /// A scatter series with the next palette colour.
    pub fn points(label: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Series {
            label: label.into(),
            points,
            kind: SeriesKind::Points { radius_px: 3 },
            color: None,
        }
    }

    /// Sets the colour.
    pub fn color(mut self, rgb: (u8, u8, u8)) -> Self {
        self.color = Some(rgb);
        self
    }

    /// Sets the drawing kind.
    pub fn kind(mut self, kind: SeriesKind) -> Self {
        self.kind = kind;
        self
    }
}

/// A vertical or horizontal reference line with a label (an event time, a limit).
#[derive(Debug, Clone)]
pub struct RefLine {
    pub label: String,
    /// `true`: the line is x = value; `false`: y = value.
    pub vertical: bool,
    pub value: f64,
}

/// An x–y chart.
#[derive(Debug, Clone)]
pub struct Chart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
    pub ref_lines: Vec<RefLine>,
    /// Axis ranges; `None` fits the data with a small margin.
    pub x_range: Option<(f64, f64)>,
    pub y_range: Option<(f64, f64)>,
    /// Same scale on both axes (for relative-motion plots). For longitude–latitude maps set
    /// [`Chart::map_aspect_lat_deg`] instead.
    pub equal_aspect: bool,
    /// When set, x (longitude) is shrunk by cos(latitude) at this latitude so a map is not stretched.
    pub map_aspect_lat_deg: Option<f64>,
    pub width_px: u32,
    pub height_px: u32,
}

impl Chart {
    /// A chart of the default size (1000 × 600 px) with no series yet.
    pub fn new(
        title: impl Into<String>,
        x_label: impl Into<String>,
        y_label: impl Into<String>,
    ) -> Self {
        Chart {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            series: Vec::new(),
            ref_lines: Vec::new(),
            x_range: None,
            y_range: None,
            equal_aspect: false,
            map_aspect_lat_deg: None,
            width_px: 1000,
            height_px: 600,
        }
    }

    /// Adds a series.
    pub fn with(mut self, s: Series) -> Self {
        self.series.push(s);
        self
    }
}

/// A failure to render or write a chart.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    #[error("chart '{title}': {what}")]
    Data { title: String, what: String },
    #[error("chart '{title}': drawing failed: {what}")]
    Draw { title: String, what: String },
    #[error("writing {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn draw_err<E: std::fmt::Debug>(title: &str) -> impl Fn(E) -> PlotError + '_ {
    move |e| PlotError::Draw {
        title: title.to_string(),
        what: format!("{e:?}"),
    }
}

/// (x range, y range) of a chart.
type Ranges = ((f64, f64), (f64, f64));

fn data_range(chart: &Chart) -> Result<Ranges, PlotError> {
    let mut xmin = f64::INFINITY;
    let mut xmax = f64::NEG_INFINITY;
    let mut ymin = f64::INFINITY;
    let mut ymax = f64::NEG_INFINITY;
    for s in &chart.series {
        for &(x, y) in &s.points {
            if x.is_finite() && y.is_finite() {
                xmin = xmin.min(x);
                xmax = xmax.max(x);
                ymin = ymin.min(y);
                ymax = ymax.max(y);
            }
        }
    }
    for r in &chart.ref_lines {
        if r.value.is_finite() {
            if r.vertical {
                xmin = xmin.min(r.value);
                xmax = xmax.max(r.value);
            } else {
                ymin = ymin.min(r.value);
                ymax = ymax.max(r.value);
            }
        }
    }
    let pad = |lo: f64, hi: f64| {
        if !lo.is_finite() {
            return (0.0, 1.0);
        }
        let span = hi - lo;
        let m = if span > 0.0 {
            0.04 * span
        } else {
            0.5 * lo.abs().max(1.0)
        };
        (lo - m, hi + m)
    };
    let mut xr = chart.x_range.unwrap_or_else(|| pad(xmin, xmax));
    let mut yr = chart.y_range.unwrap_or_else(|| pad(ymin, ymax));
    for (name, r) in [("x", xr), ("y", yr)] {
        if !(r.0.is_finite() && r.1.is_finite() && r.1 > r.0) {
            return Err(PlotError::Data {
                title: chart.title.clone(),
                what: format!("{name} range [{}, {}] is empty or not finite", r.0, r.1),
            });
        }
    }
    // Plot area is roughly (width - 110) × (height - 110) px.
    let (pw, ph) = (
        f64::from(chart.width_px.saturating_sub(110).max(10)),
        f64::from(chart.height_px.saturating_sub(110).max(10)),
    );
    let x_scale = match chart.map_aspect_lat_deg {
        Some(lat) => lat.to_radians().cos().abs().max(0.05),
        None if chart.equal_aspect => 1.0,
        None => return Ok((xr, yr)),
    };
    // Widen whichever axis is needed so one y unit spans the same pixels as 1/x_scale x units.
    let (dx, dy) = ((xr.1 - xr.0) * x_scale, yr.1 - yr.0);
    if dx / pw > dy / ph {
        let want = dx / pw * ph;
        let c = 0.5 * (yr.0 + yr.1);
        yr = (c - 0.5 * want, c + 0.5 * want);
    } else {
        let want = dy / ph * pw / x_scale;
        let c = 0.5 * (xr.0 + xr.1);
        xr = (c - 0.5 * want, c + 0.5 * want);
    }
    Ok((xr, yr))
}

fn color_of(s: &Series, next: &mut usize) -> RGBColor {
    match s.color {
        Some((r, g, b)) => RGBColor(r, g, b),
        None => {
            let c = PALETTE[*next % PALETTE.len()];
            *next += 1;
            c
        }
    }
}

fn draw<DB: DrawingBackend>(chart: &Chart, root: DrawingArea<DB, Shift>) -> Result<(), PlotError>
where
    DB::ErrorType: 'static,
{
    ensure_font();
    let t = chart.title.as_str();
    let ((x0, x1), (y0, y1)) = data_range(chart)?;
    root.fill(&WHITE).map_err(draw_err(t))?;
    let mut cc = ChartBuilder::on(&root)
        .caption(t, (FONT_NAME, 22))
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(draw_err(t))?;
    cc.configure_mesh()
        .x_desc(chart.x_label.as_str())
        .y_desc(chart.y_label.as_str())
        .label_style((FONT_NAME, 14))
        .axis_desc_style((FONT_NAME, 16))
        .light_line_style(RGBColor(235, 235, 235))
        .bold_line_style(RGBColor(210, 210, 210))
        .draw()
        .map_err(draw_err(t))?;
    let mut next = 0usize;
    let mut any_legend = false;
    for s in &chart.series {
        let c = color_of(s, &mut next);
        let label = s.label.clone();
        match s.kind {
            SeriesKind::Line { width_px } => {
                let style = c.stroke_width(width_px);
                // Break the polyline at non-finite points (e.g. a map track crossing the dateline).
                let mut first = true;
                for run in s.points.split(|(x, y)| !(x.is_finite() && y.is_finite())) {
                    if run.is_empty() {
                        continue;
                    }
                    let a = cc
                        .draw_series(LineSeries::new(run.iter().copied(), style))
                        .map_err(draw_err(t))?;
                    if first && !label.is_empty() {
                        a.label(label.clone()).legend(move |(x, y)| {
                            PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(3))
                        });
                        any_legend = true;
                    }
                    first = false;
                }
            }
            SeriesKind::Points { radius_px } => {
                let a = cc
                    .draw_series(
                        s.points
                            .iter()
                            .filter(|(x, y)| x.is_finite() && y.is_finite())
                            .map(|&p| Circle::new(p, radius_px, c.filled())),
                    )
                    .map_err(draw_err(t))?;
                if !label.is_empty() {
                    a.label(label)
                        .legend(move |(x, y)| Circle::new((x + 9, y), 4, c.filled()));
                    any_legend = true;
                }
            }
            SeriesKind::Crosses { size_px } => {
                let sz = size_px as i32;
                let a = cc
                    .draw_series(
                        s.points
                            .iter()
                            .filter(|(x, y)| x.is_finite() && y.is_finite())
                            .map(|&p| Cross::new(p, sz, c.stroke_width(3))),
                    )
                    .map_err(draw_err(t))?;
                if !label.is_empty() {
                    a.label(label)
                        .legend(move |(x, y)| Cross::new((x + 9, y), 6, c.stroke_width(3)));
                    any_legend = true;
                }
            }
        }
    }
    for r in &chart.ref_lines {
        let grey = RGBColor(120, 120, 120);
        let pts = if r.vertical {
            vec![(r.value, y0), (r.value, y1)]
        } else {
            vec![(x0, r.value), (x1, r.value)]
        };
        cc.draw_series(std::iter::once(PathElement::new(pts, grey.stroke_width(1))))
            .map_err(draw_err(t))?;
        let at = if r.vertical {
            (r.value, y1 - 0.03 * (y1 - y0))
        } else {
            (x0 + 0.01 * (x1 - x0), r.value)
        };
        cc.draw_series(std::iter::once(Text::new(
            r.label.clone(),
            at,
            (FONT_NAME, 13).into_font().color(&grey),
        )))
        .map_err(draw_err(t))?;
    }
    if any_legend {
        cc.configure_series_labels()
            .label_font((FONT_NAME, 14))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(180, 180, 180))
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(draw_err(t))?;
    }
    root.present().map_err(draw_err(t))?;
    Ok(())
}

/// Renders the chart as an SVG document (for embedding in the HTML report).
pub fn render_svg(chart: &Chart) -> Result<String, PlotError> {
    let mut s = String::new();
    {
        let root =
            SVGBackend::with_string(&mut s, (chart.width_px, chart.height_px)).into_drawing_area();
        draw(chart, root)?;
    }
    Ok(s)
}

/// Renders the chart into an RGB pixel buffer (width × height × 3 bytes).
pub fn render_rgb(chart: &Chart) -> Result<Vec<u8>, PlotError> {
    let mut buf = vec![0u8; chart.width_px as usize * chart.height_px as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (chart.width_px, chart.height_px))
            .into_drawing_area();
        draw(chart, root)?;
    }
    Ok(buf)
}

/// Writes `<stem>.png` and `<stem>.svg`, each atomically; returns both paths.
pub fn write_chart(chart: &Chart, stem: &Path) -> Result<(PathBuf, PathBuf), PlotError> {
    let png = stem.with_extension("png");
    let svg_path = stem.with_extension("svg");
    write_png(chart, &png)?;
    let svg = render_svg(chart)?;
    crate::atomic::write_atomic(&svg_path, |w| w.write_all(svg.as_bytes())).map_err(|e| {
        PlotError::Io {
            path: svg_path.clone(),
            source: e,
        }
    })?;
    Ok((png, svg_path))
}

/// Writes the chart as a PNG file, atomically (rendered under a temporary name, then renamed).
pub fn write_png(chart: &Chart, path: &Path) -> Result<(), PlotError> {
    let io_err = |e: std::io::Error| PlotError::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(io_err)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "chart.png".into());
    // The temporary name keeps the .png extension: the encoder picks the format from it.
    let tmp = dir.join(format!(".{name}.{}.tmp.png", std::process::id()));
    let result = (|| {
        {
            let root =
                BitMapBackend::new(&tmp, (chart.width_px, chart.height_px)).into_drawing_area();
            draw(chart, root)?;
        }
        std::fs::rename(&tmp, path).map_err(io_err)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Chart {
        let xs: Vec<(f64, f64)> = (0..100)
            .map(|i| (i as f64, (i as f64 / 10.0).sin()))
            .collect();
        Chart::new("sine", "t (s)", "y (-)")
            .with(Series::line("sin", xs))
            .with(Series::points("marks", vec![(10.0, 0.5), (50.0, -0.5)]))
    }

    #[test]
    fn svg_has_title_axis_labels_and_legend() {
        let svg = render_svg(&sample()).unwrap();
        assert!(svg.starts_with("<svg"));
        for text in ["sine", "t (s)", "y (-)", "sin", "marks"] {
            assert!(svg.contains(text), "missing {text}");
        }
    }

    #[test]
    fn png_is_written_atomically_and_has_ink() {
        let dir = tempfile::tempdir().unwrap();
        let (png, svg) = write_chart(&sample(), &dir.path().join("c")).unwrap();
        let bytes = std::fs::read(&png).unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
        assert!(std::fs::metadata(&svg).unwrap().len() > 1000);
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left.len(), 2, "temporary files left: {left:?}");
        // Text really rendered with the embedded font: the buffer is not just white and lines.
        let rgb = render_rgb(&sample()).unwrap();
        let dark = rgb.chunks(3).filter(|p| p.iter().all(|&c| c < 60)).count();
        assert!(dark > 500, "too little dark ink ({dark} px): text missing?");
    }

    #[test]
    fn empty_chart_is_an_error_not_a_panic() {
        let c = Chart::new("empty", "x", "y")
            .with(Series::line("nan", vec![(f64::NAN, 1.0)]))
            .with(Series::line("one", vec![]));
        assert!(render_svg(&c).is_ok()); // falls back to the unit box
        let mut bad = Chart::new("bad", "x", "y");
        bad.x_range = Some((1.0, 1.0));
        assert!(matches!(render_svg(&bad), Err(PlotError::Data { .. })));
    }

    #[test]
    fn map_aspect_widens_longitude_range() {
        let mut c = Chart::new("map", "lon", "lat")
            .with(Series::points("p", vec![(60.0, 45.0), (70.0, 55.0)]));
        c.map_aspect_lat_deg = Some(50.0);
        let ((x0, x1), (y0, y1)) = data_range(&c).unwrap();
        let px_per_deg_x = 890.0 / (x1 - x0);
        let px_per_deg_y = 490.0 / (y1 - y0);
        let ratio = px_per_deg_x / px_per_deg_y;
        assert!((ratio - 50f64.to_radians().cos()).abs() < 1e-9, "{ratio}");
    }
}
