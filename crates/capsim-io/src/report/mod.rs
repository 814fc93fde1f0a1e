//! The mission report: a small document model rendered to one self-contained HTML page.
//!
//! A report is a title, a subtitle and a list of sections; a section is a list of blocks
//! (paragraph, key-figure cards, table, figure, event list, or a pending slot for a phase that
//! is not simulated yet). The model is deliberately tiny and format-neutral so the CLI builds it
//! from results and [`html::render_html`] turns it into a page that works offline: CSS and SVG
//! figures are inline, there is no script and no external fetch, every text from the input is
//! HTML-escaped, and the stylesheet has print rules. Figures are embedded from
//! [`crate::plot::render_svg`] (or the Gantt renderer) with links to their PNG/SVG files.
//!
//! Submodules: [`html`] (rendering), [`gantt`] (mission timeline chart), [`numbers`] ("the
//! mission in numbers" table), [`json`] (summary.json / events.json builders).

pub mod gantt;
pub mod html;
pub mod json;
pub mod numbers;

pub use html::{escape_html, render_html, write_html};

/// The whole report.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub title: String,
    pub subtitle: String,
    pub sections: Vec<Section>,
    /// Small print at the bottom (version, scenario file, run time).
    pub footer: String,
}

impl Report {
    /// The section with anchor `id` (to fill a pending slot or add blocks).
    pub fn section_mut(&mut self, id: &str) -> Option<&mut Section> {
        self.sections.iter_mut().find(|s| s.id == id)
    }
}

/// A titled section; `id` is its HTML anchor (letters, digits, '-').
#[derive(Debug, Clone, Default)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub blocks: Vec<Block>,
}

impl Section {
    pub fn new(id: impl Into<String>, title: impl Into<String>) -> Self {
        Section {
            id: id.into(),
            title: title.into(),
            blocks: Vec::new(),
        }
    }
    /// Adds a block.
    pub fn with(mut self, b: Block) -> Self {
        self.blocks.push(b);
        self
    }
    /// Replaces every [`Block::Pending`] of the section with `blocks` (or appends them when
    /// there is none): how a later phase fills the slot it was given.
    pub fn fill_pending(&mut self, blocks: Vec<Block>) {
        let at = self
            .blocks
            .iter()
            .position(|b| matches!(b, Block::Pending { .. }));
        self.blocks.retain(|b| !matches!(b, Block::Pending { .. }));
        let at = at.unwrap_or(self.blocks.len()).min(self.blocks.len());
        for (k, b) in blocks.into_iter().enumerate() {
            self.blocks.insert(at + k, b);
        }
    }
}

/// One key figure ("Orbits: 3,023").
#[derive(Debug, Clone, Default)]
pub struct Card {
    pub label: String,
    pub value: String,
    /// A short line under the value (source, comparison).
    pub note: String,
}

/// A table; `explanations`, when not empty, holds one line per row shown under it.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub caption: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Index of the "difference" column, emphasised.
    pub difference_column: Option<usize>,
    /// One explanation per row (empty string for none).
    pub explanations: Vec<String>,
}

/// A figure: inline SVG plus links to its files.
#[derive(Debug, Clone, Default)]
pub struct Figure {
    pub title: String,
    pub caption: String,
    /// An SVG document (from plotters or the Gantt renderer); inserted as markup.
    pub svg: String,
    /// (label, relative file name) links, e.g. ("PNG", "altitude.png").
    pub files: Vec<(String, String)>,
}

/// One line of an event list.
#[derive(Debug, Clone, Default)]
pub struct EventItem {
    /// Display time ("2007-10-12 14:50:05 UTC").
    pub utc: String,
    pub label: String,
    /// Short tag (docking, eva, ascending node …), used for a coloured badge.
    pub kind: String,
    /// "simulated" or "published" (or empty).
    pub origin: String,
}

/// A content block.
#[derive(Debug, Clone)]
pub enum Block {
    Paragraph(String),
    Cards(Vec<Card>),
    Table(Table),
    Figure(Figure),
    Events(Vec<EventItem>),
    /// A place held for a result not computed yet (shown as a dashed box).
    Pending {
        what: String,
        why: String,
    },
}
