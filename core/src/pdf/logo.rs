//! The business logo, from the bytes stored in the database to an image ready to embed.
//!
//! The logo was checked by its first bytes when it was uploaded, but that says nothing about the
//! rest of the file, so decoding can still fail; that is reported to the owner, never a panic.
//! Logos are shrunk to what prints sharply in the header box: a 3000-pixel logo would otherwise be
//! copied into every PDF.

// Fitting a box is geometry; money reaches this module only as text.
#![allow(clippy::float_arithmetic)]

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use printpdf::{ImageCompression, RawImage};

use super::PdfError;

/// The most pixels kept on the long side: about 500 dpi across the 60 mm header box.
const MAX_SIDE_PX: u32 = 1200;
/// Larger images aren't decoded at all: a 1 MB file can claim to be 50,000 pixels wide.
const MAX_DECODE_PX: u32 = 10_000;

pub(crate) struct Logo {
    pub image: RawImage,
    /// JPEG logos stay JPEG (photos compress badly losslessly); PNG ones stay lossless.
    pub compression: ImageCompression,
}

impl Logo {
    pub fn decode(bytes: &[u8]) -> Result<Logo, PdfError> {
        let format = image::guess_format(bytes)
            .ok()
            .filter(|f| matches!(f, ImageFormat::Png | ImageFormat::Jpeg))
            .ok_or_else(|| PdfError::logo("it isn't a PNG or JPEG image."))?;
        let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
        let mut limits = Limits::default();
        limits.max_image_width = Some(MAX_DECODE_PX);
        limits.max_image_height = Some(MAX_DECODE_PX);
        reader.limits(limits);
        let decoded = reader.decode().map_err(|e| match e {
            image::ImageError::Limits(_) => PdfError::logo(format!(
                "it is larger than {MAX_DECODE_PX} × {MAX_DECODE_PX} pixels."
            )),
            other => PdfError::logo(format!("the file is damaged or incomplete ({other}).")),
        })?;
        if decoded.width() == 0 || decoded.height() == 0 {
            return Err(PdfError::logo("the image is empty."));
        }
        let fitted = if decoded.width().max(decoded.height()) > MAX_SIDE_PX {
            decoded.resize(
                MAX_SIDE_PX,
                MAX_SIDE_PX,
                image::imageops::FilterType::Triangle,
            )
        } else {
            decoded
        };
        let image = RawImage::from_dynamic_image(on_white(fitted)).map_err(PdfError::logo)?;
        // A PNG's colour pixels are left raw here and deflated with the other streams by
        // `file::compress`, at zlib's default level: printpdf's best level took a third of the
        // render time for a logo a few hundred bytes smaller.
        let compression = match format {
            ImageFormat::Jpeg => ImageCompression::Jpeg,
            _ => ImageCompression::None,
        };
        Ok(Logo { image, compression })
    }

    /// The largest size in mm that fits `max_w` × `max_h` with the logo's proportions.
    pub fn fit(&self, max_w: f32, max_h: f32) -> (f32, f32) {
        let (w, h) = (self.image.width as f32, self.image.height as f32);
        let scale = (max_w / w).min(max_h / h);
        (w * scale, h * scale)
    }
}

/// 8-bit RGB (what printpdf takes), with any transparency laid over white. The header behind the
/// logo is white, so it looks the same on paper, and the PDF needn't carry a soft mask, which
/// printpdf compresses at zlib's slowest level: a third of the time of a whole invoice.
fn on_white(image: DynamicImage) -> DynamicImage {
    if !image.color().has_alpha() {
        return match image {
            DynamicImage::ImageRgb8(_) | DynamicImage::ImageLuma8(_) => image,
            other => DynamicImage::ImageRgb8(other.to_rgb8()),
        };
    }
    let rgba = image.to_rgba8();
    let flat = image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over_white = |c: u8| {
            let (c, a) = (u16::from(c), u16::from(a));
            u8::try_from((c * a + 255 * (255 - a) + 127) / 255).unwrap_or(u8::MAX)
        };
        image::Rgb([over_white(r), over_white(g), over_white(b)])
    });
    DynamicImage::ImageRgb8(flat)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb([200, 30, 30]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn a_logo_keeps_its_proportions_in_the_box() {
        let logo = Logo::decode(&png(400, 100)).unwrap();
        let (w, h) = logo.fit(60.0, 24.0);
        assert!(
            (w - 60.0).abs() < 0.01 && (h - 15.0).abs() < 0.01,
            "{w} × {h}"
        );
        let tall = Logo::decode(&png(100, 400)).unwrap();
        let (w, h) = tall.fit(60.0, 24.0);
        assert!(
            (w - 6.0).abs() < 0.01 && (h - 24.0).abs() < 0.01,
            "{w} × {h}"
        );
    }

    #[test]
    fn transparency_is_laid_over_white() {
        let img = image::RgbaImage::from_fn(4, 1, |x, _| match x {
            0 => image::Rgba([0, 0, 0, 0]),
            1 => image::Rgba([0, 0, 0, 255]),
            2 => image::Rgba([200, 0, 0, 128]),
            _ => image::Rgba([10, 20, 30, 255]),
        });
        let mut png = Cursor::new(Vec::new());
        img.write_to(&mut png, ImageFormat::Png).unwrap();
        let logo = Logo::decode(&png.into_inner()).unwrap();
        let printpdf::RawImageData::U8(pixels) = &logo.image.pixels else {
            panic!("8-bit pixels expected");
        };
        assert_eq!(
            pixels.as_slice(),
            [255, 255, 255, 0, 0, 0, 227, 127, 127, 10, 20, 30]
        );
    }

    #[test]
    fn a_jpeg_logo_decodes_and_stays_jpeg() {
        let img = image::RgbImage::from_pixel(120, 60, image::Rgb([10, 120, 60]));
        let mut jpeg = Cursor::new(Vec::new());
        img.write_to(&mut jpeg, ImageFormat::Jpeg).unwrap();
        let logo = Logo::decode(&jpeg.into_inner()).unwrap();
        assert_eq!((logo.image.width, logo.image.height), (120, 60));
        assert_eq!(logo.compression, ImageCompression::Jpeg);
    }

    #[test]
    fn a_huge_logo_is_shrunk_to_print_size() {
        let logo = Logo::decode(&png(3000, 600)).unwrap();
        assert_eq!((logo.image.width, logo.image.height), (1200, 240));
    }

    #[test]
    fn a_damaged_or_foreign_file_is_an_owner_facing_error() {
        let mut cut = png(300, 100);
        cut.truncate(60);
        let e = Logo::decode(&cut).err().unwrap();
        assert!(e.to_string().contains("damaged or incomplete"), "{e}");
        assert!(e.to_string().contains("Upload it again"), "{e}");
        let gif = Logo::decode(b"GIF89a\x01\x00\x01\x00").err().unwrap();
        assert!(gif.to_string().contains("isn't a PNG or JPEG"), "{gif}");
        let garbage = Logo::decode(b"\xFF\xD8\xFF\xE0 not really a jpeg")
            .err()
            .unwrap();
        assert_eq!(garbage.field(), Some("logo"));
    }
}
