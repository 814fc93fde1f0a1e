//! HTML rendering of a [`Report`]: one self-contained page.
//!
//! Shaped for "open the file, offline, and read": inline CSS only (system font stacks, no web
//! fonts), inline SVG figures, no JavaScript, a table of contents with in-page anchors, a
//! readable measure (~72 characters), tabular figures in tables, and `@media print` rules that
//! drop the navigation and keep figures and table rows from splitting across pages. Every
//! text that comes from input is escaped with [`escape_html`]; SVG figures are inserted as
//! markup after removing any XML prolog, `<script>` element and event-handler attribute.

use super::{Block, Card, EventItem, Figure, Report, Table};
use std::fmt::Write as _;
use std::path::Path;

/// Escapes `& < > " '` for HTML text and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An anchor id made of ASCII letters, digits and '-'.
fn anchor(s: &str) -> String {
    let a: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    if a.is_empty() {
        "section".into()
    } else {
        a
    }
}

/// A link target that stays on this machine: a relative path without a scheme.
fn local_href(s: &str) -> Option<String> {
    let lower = s.trim().to_ascii_lowercase();
    if lower.contains(':') || lower.starts_with("//") || lower.is_empty() {
        None
    } else {
        Some(escape_html(s.trim()))
    }
}

/// Makes an SVG document safe to inline: drops the XML prolog/doctype, `<script>` elements and
/// `on…=` attributes, and lets CSS size it.
fn inline_svg(svg: &str) -> String {
    let mut s = svg.trim().to_string();
    while s.starts_with("<?") || s.starts_with("<!") {
        match s.find('>') {
            Some(i) => s = s[i + 1..].trim_start().to_string(),
            None => return String::new(),
        }
    }
    // Remove <script ...>...</script> blocks (none are expected from our renderers).
    while let Some(i) = s.to_ascii_lowercase().find("<script") {
        let lower = s.to_ascii_lowercase();
        let end = lower[i..]
            .find("</script>")
            .map(|j| i + j + 9)
            .unwrap_or(s.len());
        s.replace_range(i..end, "");
    }
    // Neutralise event-handler attributes (` onload=` …): whitespace, "on", letters, '='.
    let bytes = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace()
            && i + 3 < bytes.len()
            && bytes[i + 1..i + 3].eq_ignore_ascii_case(b"on")
        {
            let letters = bytes[i + 3..]
                .iter()
                .take_while(|c| c.is_ascii_alphabetic())
                .count();
            if letters > 0 && bytes.get(i + 3 + letters) == Some(&b'=') {
                out.extend_from_slice(b" data-x");
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    // Only ASCII bytes were replaced, so the text is still UTF-8.
    let out = String::from_utf8(out).unwrap_or_default();
    out.replacen("<svg ", "<svg role=\"img\" ", 1)
}

const CSS: &str = r#"
:root { --ink:#1d2430; --muted:#5b6472; --rule:#d9dee5; --accent:#0b5cad; --bg:#ffffff;
  --soft:#f4f6f9; --warn:#a34700; }
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; color: var(--ink); background: var(--bg);
  font-family: "Segoe UI", "Helvetica Neue", Arial, "DejaVu Sans", "Liberation Sans", sans-serif;
  line-height: 1.5; }
header.top { background: #0f2540; color: #fff; padding: 2.2rem 1.5rem 1.6rem; }
header.top .wrap { max-width: 72rem; margin: 0 auto; }
header.top h1 { margin: 0 0 .3rem; font-size: 1.9rem; line-height: 1.2; font-weight: 650; }
header.top p { margin: 0; color: #c9d6e6; font-size: 1.02rem; max-width: 60rem; }
nav.toc { background: var(--soft); border-bottom: 1px solid var(--rule); padding: .55rem 1.5rem; }
nav.toc .wrap { max-width: 72rem; margin: 0 auto; font-size: .92rem; }
nav.toc a { color: var(--accent); text-decoration: none; margin-right: 1.1rem; white-space: nowrap; }
main { max-width: 72rem; margin: 0 auto; padding: 0 1.5rem 3rem; }
section { padding-top: 1.6rem; }
h2 { font-size: 1.35rem; margin: 0 0 .8rem; padding-bottom: .3rem; border-bottom: 2px solid var(--rule); }
p { max-width: 46rem; margin: .4rem 0 .9rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(12.5rem, 1fr)); gap: .8rem; margin: .6rem 0 1.2rem; }
.card { border: 1px solid var(--rule); border-radius: 8px; padding: .7rem .9rem; background: #fff; }
.card .label { color: var(--muted); font-size: .82rem; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 1.45rem; font-weight: 650; font-variant-numeric: tabular-nums; margin: .15rem 0; }
.card .note { color: var(--muted); font-size: .82rem; line-height: 1.35; }
.tablewrap { overflow-x: auto; margin: .4rem 0 1.2rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
caption { text-align: left; color: var(--muted); font-size: .88rem; padding-bottom: .4rem; }
th, td { text-align: left; vertical-align: top; padding: .42rem .6rem; border-bottom: 1px solid var(--rule); }
th { background: var(--soft); font-weight: 600; border-bottom: 2px solid var(--rule); }
td { font-variant-numeric: tabular-nums; }
td.diff { font-weight: 600; color: var(--warn); }
tr.explain td { border-bottom: 1px solid var(--rule); color: var(--muted); font-size: .84rem;
  padding-top: 0; font-style: italic; }
tr.has-explain td { border-bottom: none; }
figure { margin: .6rem 0 1.6rem; }
figure .svg svg { width: 100%; height: auto; display: block;
  border: 1px solid var(--rule); border-radius: 6px; background: #fff; }
figure .svg svg text { font-family: "DejaVu Sans", "Segoe UI", Arial, "Liberation Sans", sans-serif; }
figure h3 { font-size: 1.05rem; margin: 0 0 .4rem; }
figcaption { color: var(--muted); font-size: .88rem; margin-top: .4rem; max-width: 60rem; }
figcaption a { color: var(--accent); }
ol.events { list-style: none; padding: 0; margin: .4rem 0 1.2rem; columns: 2 26rem; column-gap: 2rem; font-size: .88rem; }
ol.events li { break-inside: avoid; padding: .18rem 0; border-bottom: 1px dotted var(--rule); }
ol.events time { font-variant-numeric: tabular-nums; color: var(--muted); margin-right: .5rem; }
.tag { display: inline-block; font-size: .72rem; padding: 0 .4rem; border-radius: 3px; margin-right: .4rem;
  background: #e6edf5; color: #27425f; text-transform: uppercase; letter-spacing: .03em; }
.tag.simulated { background: #e3f2ea; color: #1d5a3a; }
.pending { border: 2px dashed #b8c2cf; border-radius: 8px; padding: .8rem 1rem; color: var(--muted);
  margin: .6rem 0 1.2rem; background: #fafbfc; }
.pending strong { color: var(--ink); }
footer { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem 2rem; color: var(--muted);
  font-size: .8rem; border-top: 1px solid var(--rule); }
@media print {
  nav.toc { display: none; }
  header.top { background: none; color: var(--ink); padding: 0 0 .6rem; border-bottom: 2px solid var(--ink); }
  header.top p { color: var(--muted); }
  main, footer { max-width: none; padding: 0; }
  figure, .card, tr, li, .pending { break-inside: avoid; }
  h2 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
"#;

fn cards(out: &mut String, cards: &[Card]) {
    out.push_str("<div class=\"cards\">\n");
    for c in cards {
        let _ = write!(
            out,
            "<div class=\"card\"><div class=\"label\">{}</div><div class=\"value\">{}</div>",
            escape_html(&c.label),
            escape_html(&c.value)
        );
        if !c.note.is_empty() {
            let _ = write!(out, "<div class=\"note\">{}</div>", escape_html(&c.note));
        }
        out.push_str("</div>\n");
    }
    out.push_str("</div>\n");
}

fn table(out: &mut String, t: &Table) {
    out.push_str("<div class=\"tablewrap\"><table>\n");
    if !t.caption.is_empty() {
        let _ = writeln!(out, "<caption>{}</caption>", escape_html(&t.caption));
    }
    out.push_str("<thead><tr>");
    for c in &t.columns {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape_html(c));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let ncol = t.columns.len().max(1);
    for (i, row) in t.rows.iter().enumerate() {
        let explanation = t.explanations.get(i).map(|s| s.trim()).unwrap_or("");
        out.push_str(if explanation.is_empty() {
            "<tr>"
        } else {
            "<tr class=\"has-explain\">"
        });
        for (j, cell) in row.iter().enumerate() {
            let class = if Some(j) == t.difference_column {
                " class=\"diff\""
            } else {
                ""
            };
            let _ = write!(out, "<td{class}>{}</td>", escape_html(cell));
        }
        out.push_str("</tr>\n");
        if !explanation.is_empty() {
            let _ = writeln!(
                out,
                "<tr class=\"explain\"><td colspan=\"{ncol}\">{}</td></tr>",
                escape_html(explanation)
            );
        }
    }
    out.push_str("</tbody></table></div>\n");
}

fn figure(out: &mut String, f: &Figure) {
    out.push_str("<figure>\n");
    if !f.title.is_empty() {
        let _ = writeln!(out, "<h3>{}</h3>", escape_html(&f.title));
    }
    let _ = writeln!(out, "<div class=\"svg\">{}</div>", inline_svg(&f.svg));
    let links: Vec<String> = f
        .files
        .iter()
        .filter_map(|(label, href)| {
            local_href(href).map(|h| format!("<a href=\"{h}\">{}</a>", escape_html(label)))
        })
        .collect();
    if !f.caption.is_empty() || !links.is_empty() {
        out.push_str("<figcaption>");
        out.push_str(&escape_html(&f.caption));
        if !links.is_empty() {
            let _ = write!(out, " Files: {}.", links.join(", "));
        }
        out.push_str("</figcaption>\n");
    }
    out.push_str("</figure>\n");
}

fn events(out: &mut String, ev: &[EventItem]) {
    out.push_str("<ol class=\"events\">\n");
    for e in ev {
        let class = if e.origin == "simulated" {
            "tag simulated"
        } else {
            "tag"
        };
        let _ = write!(out, "<li><time>{}</time>", escape_html(&e.utc));
        if !e.kind.is_empty() {
            let _ = write!(
                out,
                "<span class=\"{class}\">{}</span>",
                escape_html(&e.kind)
            );
        }
        let _ = writeln!(out, "{}</li>", escape_html(&e.label));
    }
    out.push_str("</ol>\n");
}

/// The report as one HTML document.
pub fn render_html(r: &Report) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"capsim\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n",
        escape_html(&r.title),
        CSS
    );
    let _ = write!(
        out,
        "<header class=\"top\"><div class=\"wrap\"><h1>{}</h1>",
        escape_html(&r.title)
    );
    if !r.subtitle.is_empty() {
        let _ = write!(out, "<p>{}</p>", escape_html(&r.subtitle));
    }
    out.push_str("</div></header>\n<nav class=\"toc\"><div class=\"wrap\">");
    for s in &r.sections {
        let _ = write!(
            out,
            "<a href=\"#{}\">{}</a>",
            anchor(&s.id),
            escape_html(&s.title)
        );
    }
    out.push_str("</div></nav>\n<main>\n");
    for s in &r.sections {
        let _ = writeln!(
            out,
            "<section id=\"{}\">\n<h2>{}</h2>",
            anchor(&s.id),
            escape_html(&s.title)
        );
        for b in &s.blocks {
            match b {
                Block::Paragraph(p) => {
                    let _ = writeln!(out, "<p>{}</p>", escape_html(p));
                }
                Block::Cards(c) => cards(&mut out, c),
                Block::Table(t) => table(&mut out, t),
                Block::Figure(f) => figure(&mut out, f),
                Block::Events(e) => events(&mut out, e),
                Block::Pending { what, why } => {
                    let _ = writeln!(
                        out,
                        "<div class=\"pending\"><strong>{}</strong> — {}</div>",
                        escape_html(what),
                        escape_html(why)
                    );
                }
            }
        }
        out.push_str("</section>\n");
    }
    out.push_str("</main>\n");
    if !r.footer.is_empty() {
        let _ = writeln!(out, "<footer>{}</footer>", escape_html(&r.footer));
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// Writes the report to `path` atomically.
pub fn write_html(path: &Path, r: &Report) -> std::io::Result<()> {
    let html = render_html(r);
    crate::atomic::write_atomic(path, |w| w.write_all(html.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::*;

    fn sample() -> Report {
        Report {
            title: "Mission <b>&</b>".into(),
            subtitle: "sub \"quoted\"".into(),
            footer: "capsim".into(),
            sections: vec![
                Section::new("numbers", "In numbers")
                    .with(Block::Cards(vec![Card {
                        label: "Orbits".into(),
                        value: "3023".into(),
                        note: "<i>ascending nodes</i>".into(),
                    }]))
                    .with(Block::Table(Table {
                        caption: "claims".into(),
                        columns: vec!["q".into(), "sim".into(), "diff".into()],
                        rows: vec![vec!["a<".into(), "1".into(), "+2".into()]],
                        difference_column: Some(2),
                        explanations: vec!["why <script>".into()],
                    })),
                Section::new("plots", "Plots").with(Block::Figure(Figure {
                    title: "Alt".into(),
                    caption: "cap".into(),
                    svg: "<?xml version=\"1.0\"?>\n<svg data-name=\"Léopold\" width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(2)</script><text>x &lt; y</text></svg>".into(),
                    files: vec![
                        ("PNG".into(), "altitude.png".into()),
                        ("evil".into(), "https://example.com/x.png".into()),
                        ("js".into(), "javascript:alert(1)".into()),
                    ],
                })),
                Section::new("events", "Events").with(Block::Events(vec![EventItem {
                    utc: "2007-10-12 14:50".into(),
                    label: "docking <Zarya>".into(),
                    kind: "docking".into(),
                    origin: "published".into(),
                }])),
                Section::new("entry", "Entry").with(Block::Pending {
                    what: "Entry curves".into(),
                    why: "issue #5".into(),
                }),
            ],
        }
    }

    #[test]
    fn self_contained_escaped_and_complete() {
        let html = render_html(&sample());
        let lower = html.to_ascii_lowercase();
        // No fetches: no external src/href, no stylesheet or script links.
        for bad in [
            "src=\"http",
            "href=\"http",
            "src='http",
            "href='http",
            "<link",
            "<script",
            "@import",
            "url(",
            "javascript:",
            "onload=",
        ] {
            assert!(!lower.contains(bad), "found {bad}");
        }
        assert!(html.contains("Mission &lt;b&gt;&amp;&lt;/b&gt;"));
        assert!(html.contains("sub &quot;quoted&quot;"));
        assert!(html.contains("&lt;i&gt;ascending nodes&lt;/i&gt;"));
        assert!(html.contains("why &lt;script&gt;"));
        assert!(html.contains("docking &lt;Zarya&gt;"));
        assert!(html.contains("<td>a&lt;</td>"));
        assert!(html.contains("<td class=\"diff\">+2</td>"));
        assert!(html.contains("<a href=\"altitude.png\">PNG</a>"));
        assert!(!html.contains("<?xml"));
        for id in ["numbers", "plots", "events", "entry"] {
            assert!(html.contains(&format!("<section id=\"{id}\">")), "{id}");
            assert!(html.contains(&format!("href=\"#{id}\"")), "{id}");
        }
        assert!(html.contains("class=\"pending\""));
        assert!(html.contains("<style>") && html.contains("@media print"));
    }
}
