//! The two embedded faces (DejaVu Sans regular and bold), measuring text with them, and cutting them
//! down to the characters one document uses.
//!
//! printpdf without its `text_layout` feature (which drags in a layout engine) embeds whole fonts:
//! about 1.4 MB per PDF for these two. So each document embeds a subset made with allsorts, the
//! subsetter printpdf itself uses, and typically carries a few tens of kilobytes of font.

// Text widths are page geometry in millimetres; money reaches this module only as text.
#![allow(clippy::float_arithmetic)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{subset, CmapTarget, SubsetProfile};
use printpdf::{FontId, ParsedFont};

use super::PdfError;

const REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

const MM_PER_PT: f32 = 25.4 / 72.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Face {
    Regular,
    Bold,
}

impl Face {
    pub const ALL: [Face; 2] = [Face::Regular, Face::Bold];

    /// The font's resource name in the PDF. Fixed, so pages can refer to it before it is built.
    pub fn id(self) -> FontId {
        FontId(
            match self {
                Face::Regular => "FReg",
                Face::Bold => "FBold",
            }
            .into(),
        )
    }

    fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => REGULAR_TTF,
            Face::Bold => BOLD_TTF,
        }
    }

    /// BaseFont name; the six-letter tag marks a subset (ISO 32000-1, 9.6.4).
    fn pdf_name(self) -> &'static str {
        match self {
            Face::Regular => "PDSKRG+DejaVuSans",
            Face::Bold => "PDSKBD+DejaVuSans-Bold",
        }
    }

    fn index(self) -> usize {
        match self {
            Face::Regular => 0,
            Face::Bold => 1,
        }
    }
}

/// Both faces, parsed once per process: parsing the cmap and widths takes longer than a whole page.
pub(crate) struct Fonts {
    faces: [ParsedFont; 2],
}

static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();

impl Fonts {
    pub fn get() -> Result<&'static Fonts, PdfError> {
        FONTS
            .get_or_init(|| {
                let parse = |face: Face| {
                    ParsedFont::from_bytes(face.bytes(), 0, &mut Vec::new())
                        .ok_or_else(|| format!("{} doesn't parse", face.pdf_name()))
                };
                Ok(Fonts {
                    faces: [parse(Face::Regular)?, parse(Face::Bold)?],
                })
            })
            .as_ref()
            .map_err(|e| PdfError::Font(e.clone()))
    }

    fn face(&self, face: Face) -> &ParsedFont {
        &self.faces[face.index()]
    }

    /// Width of `text` set in `face` at `size` points, in millimetres. Characters the font lacks
    /// count as its .notdef box, which is what gets drawn for them.
    pub fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        let font = self.face(face);
        let units: u32 = text
            .chars()
            .map(|c| {
                let gid = font.lookup_glyph_index(u32::from(c)).unwrap_or(0);
                u32::from(font.get_glyph_width(gid).unwrap_or(0))
            })
            .sum();
        units as f32 / f32::from(font.units_per_em) * size * MM_PER_PT
    }

    /// `face` cut down to `chars`, ready to embed under `face.id()`.
    pub fn subset(&self, face: Face, chars: &BTreeSet<char>) -> Result<ParsedFont, PdfError> {
        let full = self.face(face);
        let mut by_glyph: BTreeMap<u16, Vec<char>> = BTreeMap::new();
        for &c in chars {
            if let Some(gid) = full.lookup_glyph_index(u32::from(c)).filter(|g| *g != 0) {
                by_glyph.entry(gid).or_default().push(c);
            }
        }
        // allsorts wants .notdef first and no duplicates, and numbers the subset's glyphs in the
        // order asked for; the map from characters to new ids below relies on that.
        let ids: Vec<u16> = std::iter::once(0).chain(by_glyph.keys().copied()).collect();
        let font_err =
            |e: &dyn std::fmt::Display| PdfError::Font(format!("{}: {e}", face.pdf_name()));
        let data = ReadScope::new(face.bytes())
            .read::<FontData<'_>>()
            .map_err(|e| font_err(&e))?;
        let provider = data.table_provider(0).map_err(|e| font_err(&e))?;
        let bytes = subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode)
            .map_err(|e| font_err(&e))?;
        let mut parsed = ParsedFont::from_bytes(&bytes, 0, &mut Vec::new())
            .ok_or_else(|| font_err(&"the subset doesn't parse"))?;
        parsed.font_name = Some(face.pdf_name().to_string());
        parsed.codepoint_to_glyph = by_glyph
            .values()
            .enumerate()
            .flat_map(|(i, cs)| {
                let new_id = u16::try_from(i + 1).unwrap_or(0);
                cs.iter().map(move |c| (u32::from(*c), new_id))
            })
            .collect();
        Ok(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_faces_parse_and_cover_the_names_and_signs_invoices_need() {
        let fonts = Fonts::get().unwrap();
        for face in Face::ALL {
            for c in "Zoë Øster Łukasz Żółć José Núñez €£¥₹ \u{a0}\u{202f}\u{2212}—".chars()
            {
                assert!(
                    fonts.face(face).lookup_glyph_index(u32::from(c)).is_some(),
                    "{face:?} lacks {c:?}"
                );
            }
        }
    }

    #[test]
    fn bold_text_is_wider_and_width_grows_with_size() {
        let fonts = Fonts::get().unwrap();
        let regular = fonts.width(Face::Regular, 10.0, "Invoice");
        assert!(fonts.width(Face::Bold, 10.0, "Invoice") > regular);
        assert!((fonts.width(Face::Regular, 20.0, "Invoice") - 2.0 * regular).abs() < 0.001);
        // DejaVu Sans' "M" is 1767/2048 em wide: at 72 pt that is 0.863 in = 21.9 mm.
        assert!((fonts.width(Face::Regular, 72.0, "M") - 21.93).abs() < 0.05);
    }

    #[test]
    fn a_subset_keeps_the_widths_and_maps_every_character_it_was_given() {
        let fonts = Fonts::get().unwrap();
        let chars: BTreeSet<char> = "Zoë €1,50".chars().collect();
        let sub = fonts.subset(Face::Regular, &chars).unwrap();
        assert!(
            sub.original_bytes.len() < 40_000,
            "{}",
            sub.original_bytes.len()
        );
        for c in &chars {
            let full = fonts.face(Face::Regular);
            let old = full.lookup_glyph_index(u32::from(*c)).unwrap();
            let new = sub.lookup_glyph_index(u32::from(*c)).unwrap();
            assert_ne!(new, 0, "{c:?}");
            assert_eq!(sub.get_glyph_width(new), full.get_glyph_width(old), "{c:?}");
        }
    }
}
