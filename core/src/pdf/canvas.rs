//! A document being drawn. Layout code thinks in millimetres from the page's top-left corner and
//! text baselines; PDF thinks in points from the bottom-left. This is the only place that converts.
//! It also notes every character drawn, so the file embeds just those glyphs (see `file`).

// Page geometry; money reaches this module only as text.
#![allow(clippy::float_arithmetic)]

use std::collections::BTreeSet;

use printpdf::{
    Actions, BorderArray, Color, ColorArray, HighlightingMode, ImageCompression, LinkAnnotation,
    Mm, Op, PaintMode, PdfFontHandle, Pt, RawImage, Rect, Rgb, TextItem, TextMatrix, XObjectId,
    XObjectTransform,
};

use super::file::{self, Drawing, Meta};
use super::fonts::{Face, Fonts};
use super::PdfError;

/// A4.
pub(crate) const PAGE_W: f32 = 210.0;
pub(crate) const PAGE_H: f32 = 297.0;

/// A face, a size in points and a colour: everything a run of text needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    pub face: Face,
    pub size: f32,
    pub color: (f32, f32, f32),
}

impl Style {
    pub const fn new(face: Face, size: f32) -> Style {
        Style {
            face,
            size,
            color: INK,
        }
    }

    pub const fn colored(self, color: (f32, f32, f32)) -> Style {
        Style { color, ..self }
    }

    pub const fn sized(self, size: f32) -> Style {
        Style { size, ..self }
    }

    /// Distance between baselines for this size, in mm (1.35 × the size reads well at 8–10 pt).
    pub fn line_height(self) -> f32 {
        self.size * 0.352_778 * 1.35
    }

    /// From the top of a line box to its baseline, in mm (about DejaVu's ascent).
    pub fn ascent(self) -> f32 {
        self.size * 0.352_778 * 0.95
    }
}

pub(crate) const INK: (f32, f32, f32) = (0.11, 0.12, 0.14);
pub(crate) const MUTED: (f32, f32, f32) = (0.38, 0.40, 0.44);
pub(crate) const ALERT: (f32, f32, f32) = (0.72, 0.11, 0.11);
pub(crate) const RULE: (f32, f32, f32) = (0.82, 0.84, 0.87);
pub(crate) const SHADE: (f32, f32, f32) = (0.95, 0.96, 0.97);

fn rgb((r, g, b): (f32, f32, f32)) -> Color {
    Color::Rgb(Rgb {
        r,
        g,
        b,
        icc_profile: None,
    })
}

fn x_pt(x: f32) -> Pt {
    Mm(x).into_pt()
}

/// A top-down y in mm as PDF's bottom-up y in points.
fn y_pt(y: f32) -> Pt {
    Mm(PAGE_H - y).into_pt()
}

pub(crate) struct Canvas {
    pub fonts: &'static Fonts,
    pages: Vec<Vec<Op>>,
    current: usize,
    used: [BTreeSet<char>; 2],
    images: Vec<(XObjectId, RawImage)>,
    image_format: ImageCompression,
}

impl Canvas {
    pub fn new() -> Result<Canvas, PdfError> {
        Ok(Canvas {
            fonts: Fonts::get()?,
            pages: Vec::new(),
            current: 0,
            used: [BTreeSet::new(), BTreeSet::new()],
            images: Vec::new(),
            // No image yet; `image` sets the logo's own.
            image_format: ImageCompression::None,
        })
    }

    pub fn add_page(&mut self) {
        self.pages.push(Vec::new());
        self.current = self.pages.len() - 1;
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Draws on an earlier page again (footers go on once the page count is known).
    pub fn go_to_page(&mut self, index: usize) {
        self.current = index.min(self.pages.len().saturating_sub(1));
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.add_page();
        }
        &mut self.pages[self.current]
    }

    pub fn width(&self, style: Style, text: &str) -> f32 {
        self.fonts.width(style.face, style.size, text)
    }

    /// Text with its baseline at `baseline` mm from the top, starting at `x`.
    pub fn text(&mut self, x: f32, baseline: f32, style: Style, text: &str) {
        if text.is_empty() {
            return;
        }
        let face = style.face;
        self.used[face as usize].extend(text.chars());
        self.ops().extend([
            Op::StartTextSection,
            Op::SetFillColor {
                col: rgb(style.color),
            },
            Op::SetFont {
                font: PdfFontHandle::External(face.id()),
                size: Pt(style.size),
            },
            Op::SetTextMatrix {
                matrix: TextMatrix::Translate(x_pt(x), y_pt(baseline)),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    /// Text that ends at `right`.
    pub fn text_right(&mut self, right: f32, baseline: f32, style: Style, text: &str) {
        let w = self.width(style, text);
        self.text(right - w, baseline, style, text);
    }

    /// A filled rectangle, `top` mm from the top of the page.
    pub fn rect(&mut self, x: f32, top: f32, w: f32, h: f32, color: (f32, f32, f32)) {
        self.ops().extend([
            Op::SetFillColor { col: rgb(color) },
            Op::DrawRectangle {
                rectangle: Rect {
                    x: x_pt(x),
                    y: y_pt(top + h),
                    width: Mm(w).into_pt(),
                    height: Mm(h).into_pt(),
                    mode: Some(PaintMode::Fill),
                    winding_order: None,
                },
            },
        ]);
    }

    /// A hairline across, drawn as a thin rectangle (no stroke state to get wrong).
    pub fn rule(&mut self, x1: f32, x2: f32, y: f32, color: (f32, f32, f32)) {
        self.rect(x1, y, x2 - x1, 0.2, color);
    }

    /// Stretches `image` over the `w` × `h` mm box at (`x`, `top`); callers keep the proportions.
    /// `format` is how printpdf should compress it (one setting per document: there is one logo).
    pub fn image(
        &mut self,
        image: RawImage,
        format: ImageCompression,
        x: f32,
        top: f32,
        w: f32,
        h: f32,
    ) {
        let id = XObjectId::new();
        // At 72 dpi printpdf draws one pixel per point; the scale brings that to the box.
        let (px_w, px_h) = (image.width.max(1) as f32, image.height.max(1) as f32);
        let transform = XObjectTransform {
            translate_x: Some(x_pt(x)),
            translate_y: Some(y_pt(top + h)),
            scale_x: Some(Mm(w).into_pt().0 / px_w),
            scale_y: Some(Mm(h).into_pt().0 / px_h),
            dpi: Some(72.0),
            ..Default::default()
        };
        self.images.push((id.clone(), image));
        self.image_format = format;
        self.ops().push(Op::UseXobject { id, transform });
    }

    /// A clickable area that opens `url`. No border: the text under it already says it's a link.
    pub fn link(&mut self, x: f32, top: f32, w: f32, h: f32, url: &str) {
        let rect = Rect::from_xywh(x_pt(x), y_pt(top + h), Mm(w).into_pt(), Mm(h).into_pt());
        self.ops().push(Op::LinkAnnotation {
            link: LinkAnnotation::new(
                rect,
                Actions::Uri(url.to_string()),
                Some(BorderArray::Solid([0.0, 0.0, 0.0])),
                Some(ColorArray::Transparent),
                Some(HighlightingMode::Invert),
            ),
        });
    }

    /// The finished file.
    pub fn finish(self, meta: Meta) -> Result<Vec<u8>, PdfError> {
        file::write(
            self.fonts,
            Drawing {
                pages: self.pages,
                used: self.used,
                images: self.images,
                image_format: self.image_format,
            },
            meta,
        )
    }
}
