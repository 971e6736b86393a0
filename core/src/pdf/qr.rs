//! The pay link as a QR code, drawn as vector squares: sharp at any zoom or printer, and a few
//! hundred bytes instead of an image.

// Module sizes are page geometry.
#![allow(clippy::float_arithmetic)]

use qrcode::{Color, EcLevel, QrCode};

use super::canvas::Canvas;
use super::PdfError;

/// Light modules the standard asks for around the code; scanners need them to find its edges.
const QUIET_ZONE: usize = 4;
/// Pure black: the most contrast for a camera.
const DARK: (f32, f32, f32) = (0.0, 0.0, 0.0);
/// The usual side, quiet zone included. A short link's modules are then about 0.8 mm.
const SIDE: f32 = 34.0;
/// Long links (a Checkout URL can run to 400 characters) need more modules; the code grows so
/// each stays at least this wide: 3 pixels when printed or rendered at 150 dpi.
const MIN_MODULE: f32 = 0.55;
const MAX_SIDE: f32 = 70.0;

pub(crate) struct QrMark {
    code: QrCode,
}

impl QrMark {
    /// Medium error correction survives a crease or a smudge and keeps modules large for a link.
    pub fn new(url: &str) -> Result<QrMark, PdfError> {
        let code =
            QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).map_err(|_| {
                PdfError::PayLinkTooLong {
                    length: url.chars().count(),
                }
            })?;
        Ok(QrMark { code })
    }

    /// The side to draw it at, in mm.
    pub fn side(&self) -> f32 {
        let modules = (self.code.width() + 2 * QUIET_ZONE) as f32;
        (modules * MIN_MODULE).clamp(SIDE, MAX_SIDE)
    }

    /// Draws the code in a `side` mm square (quiet zone included) at (`x`, `top`).
    pub fn draw(&self, canvas: &mut Canvas, x: f32, top: f32, side: f32) {
        let n = self.code.width();
        let colors = self.code.to_colors();
        let module = side / (n + 2 * QUIET_ZONE) as f32;
        let origin_x = x + QUIET_ZONE as f32 * module;
        let origin_y = top + QUIET_ZONE as f32 * module;
        for (row, cells) in colors.chunks(n).enumerate() {
            // One rectangle per run of dark modules: fewer operators, and no hairline seams
            // between neighbours for a rasterizer to leave behind.
            let mut col = 0;
            while col < n {
                if cells[col] == Color::Dark {
                    let start = col;
                    while col < n && cells[col] == Color::Dark {
                        col += 1;
                    }
                    canvas.rect(
                        origin_x + start as f32 * module,
                        origin_y + row as f32 * module,
                        (col - start) as f32 * module,
                        // A hair taller, so rows overlap instead of showing a seam.
                        module + 0.02,
                        DARK,
                    );
                } else {
                    col += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_links_get_the_usual_size_and_long_ones_grow() {
        let short = QrMark::new("https://pay.paydesk.test/i/abc").unwrap();
        assert_eq!(short.side(), SIDE);
        let long = QrMark::new(&format!(
            "https://checkout.stripe.com/c/pay/cs_test_{}",
            "a".repeat(380)
        ))
        .unwrap();
        assert!(
            long.side() > SIDE && long.side() <= MAX_SIDE,
            "{}",
            long.side()
        );
    }

    #[test]
    fn a_link_too_long_for_any_qr_code_is_an_error() {
        let e = QrMark::new(&"x".repeat(3000)).err().unwrap();
        assert!(e.to_string().contains("3000 characters"), "{e}");
    }
}
