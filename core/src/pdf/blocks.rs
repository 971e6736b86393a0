//! Pieces both documents use: the page frame, the business header, a name-and-address block, text
//! that flows over pages, and the "Page N of M" footers.

// Page geometry; money reaches this module only as text.
#![allow(clippy::float_arithmetic)]

use super::canvas::{Canvas, Style, ALERT, MUTED, PAGE_H, RULE};
use super::fonts::Face;
use super::logo::Logo;
use super::party::Party;
use super::wrap::wrap;

pub(crate) const LEFT: f32 = 18.0;
pub(crate) const RIGHT: f32 = 192.0;
pub(crate) const TOP: f32 = 18.0;
/// Content stops here; the footer lives below.
pub(crate) const BOTTOM: f32 = PAGE_H - 22.0;
const FOOTER_BASELINE: f32 = PAGE_H - 12.0;

pub(crate) const BODY: Style = Style::new(Face::Regular, 9.0);
pub(crate) const BOLD: Style = Style::new(Face::Bold, 9.0);
pub(crate) const SMALL: Style = Style::new(Face::Regular, 7.5).colored(MUTED);
pub(crate) const LABEL: Style = Style::new(Face::Bold, 7.5).colored(MUTED);
const NAME: Style = Style::new(Face::Bold, 11.0);
const TITLE: Style = Style::new(Face::Bold, 20.0);
const STAMP: Style = Style::new(Face::Bold, 12.0).colored(ALERT);

/// The logo's box in the header, in mm.
const LOGO_W: f32 = 60.0;
const LOGO_H: f32 = 24.0;
/// The right-hand column of the header (title, number, dates).
const HEADER_RIGHT_W: f32 = 72.0;

/// Lines of `text` in `style`, one under the other from `top`; returns the y below the last one.
pub(crate) fn lines(canvas: &mut Canvas, x: f32, top: f32, style: Style, lines: &[String]) -> f32 {
    let mut y = top;
    for line in lines {
        canvas.text(x, y + style.ascent(), style, line);
        y += style.line_height();
    }
    y
}

/// A name in bold and its details under it, wrapped to `width`; returns the y below it.
pub(crate) fn party(
    canvas: &mut Canvas,
    x: f32,
    top: f32,
    width: f32,
    who: &Party,
    name: Style,
) -> f32 {
    let fonts = canvas.fonts;
    let mut y = lines(canvas, x, top, name, &wrap(fonts, name, &who.name, width));
    for detail in &who.details {
        y = lines(
            canvas,
            x,
            y,
            BODY.colored(MUTED),
            &wrap(fonts, BODY, detail, width),
        );
    }
    y
}

/// The first page's header: logo and business on the left; the document's title, its facts
/// (label: value rows) and a stamp on the right. Returns the y below whichever side is longer.
pub(crate) fn header(
    canvas: &mut Canvas,
    logo: Option<Logo>,
    business: &Party,
    title: &str,
    facts: &[(&str, &str)],
    stamp: Option<&str>,
) -> f32 {
    let mut left_y = TOP;
    if let Some(logo) = logo {
        let (w, h) = logo.fit(LOGO_W, LOGO_H);
        canvas.image(logo.image, logo.compression, LEFT, TOP, w, h);
        left_y += h + 5.0;
    }
    let left_w = RIGHT - LEFT - HEADER_RIGHT_W - 6.0;
    left_y = party(canvas, LEFT, left_y, left_w, business, NAME);

    let mut right_y = TOP;
    canvas.text_right(RIGHT, right_y + TITLE.ascent(), TITLE, title);
    right_y += TITLE.line_height() + 2.0;
    for (label, value) in facts {
        let value_w = canvas.width(BOLD, value);
        let baseline = right_y + BODY.ascent();
        canvas.text_right(RIGHT - value_w - 3.0, baseline, BODY.colored(MUTED), label);
        canvas.text_right(RIGHT, baseline, BOLD, value);
        right_y += BODY.line_height() + 0.6;
    }
    if let Some(stamp) = stamp {
        right_y += 1.5;
        canvas.text_right(RIGHT, right_y + STAMP.ascent(), STAMP, stamp);
        right_y += STAMP.line_height();
    }
    left_y.max(right_y)
}

/// A small grey heading ("BILL TO", "NOTES"); returns the y below it.
pub(crate) fn heading(canvas: &mut Canvas, x: f32, top: f32, text: &str) -> f32 {
    canvas.text(x, top + LABEL.ascent(), LABEL, text);
    top + LABEL.line_height() + 0.8
}

/// Where the next block goes, and a new page (with a short header) when it doesn't fit.
pub(crate) struct Flow {
    pub y: f32,
    /// Repeated at the top of every page after the first: business name left, document right.
    pub continued_left: String,
    pub continued_right: String,
}

impl Flow {
    /// Makes room for `height` mm, starting a page if needed. True when a page was started.
    pub fn room(&mut self, canvas: &mut Canvas, height: f32) -> bool {
        if self.y + height <= BOTTOM {
            return false;
        }
        canvas.add_page();
        let baseline = TOP + BOLD.ascent();
        canvas.text(LEFT, baseline, BOLD, &self.continued_left);
        canvas.text_right(RIGHT, baseline, BODY.colored(MUTED), &self.continued_right);
        self.y = TOP + BOLD.line_height() + 1.0;
        canvas.rule(LEFT, RIGHT, self.y, RULE);
        self.y += 5.0;
        true
    }

    /// A heading and wrapped paragraphs, split over pages line by line if they are long.
    pub fn text_block(&mut self, canvas: &mut Canvas, title: &str, text: &str, style: Style) {
        if text.trim().is_empty() {
            return;
        }
        let body = wrap(canvas.fonts, style, text, RIGHT - LEFT);
        // Keep the heading with at least two lines of what it heads.
        let start =
            LABEL.line_height() + 0.8 + style.line_height() * 2.0_f32.min(body.len() as f32);
        self.room(canvas, start);
        self.y = heading(canvas, LEFT, self.y, title);
        for line in &body {
            self.room(canvas, style.line_height());
            canvas.text(LEFT, self.y + style.ascent(), style, line);
            self.y += style.line_height();
        }
        self.y += 5.0;
    }
}

/// "Page N of M" on every page, with `left` (who sent it) beside it.
pub(crate) fn footers(canvas: &mut Canvas, left: &str) {
    let total = canvas.page_count();
    for page in 0..total {
        canvas.go_to_page(page);
        canvas.rule(LEFT, RIGHT, FOOTER_BASELINE - 4.5, RULE);
        canvas.text(LEFT, FOOTER_BASELINE, SMALL, left);
        canvas.text_right(
            RIGHT,
            FOOTER_BASELINE,
            SMALL,
            &format!("Page {} of {total}", page + 1),
        );
    }
}
