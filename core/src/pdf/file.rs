//! Drawn pages become the PDF file: the fonts cut down to the characters drawn, images
//! compressed, metadata filled in from the app clock, and printpdf's output tidied with lopdf.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Timelike, Utc};
use printpdf::{
    ImageCompression, ImageOptimizationOptions, Mm, Op, PdfDocument, PdfDocumentInfo, PdfFont,
    PdfPage, PdfParseErrorSeverity, PdfSaveOptions, RawImage, XObject, XObjectId,
};

use super::canvas::{PAGE_H, PAGE_W};
use super::fonts::{Face, Fonts};
use super::PdfError;

/// What the document says about itself (the reader's Properties window, `pdfinfo`).
pub(crate) struct Meta {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub created: DateTime<Utc>,
}

/// What a `Canvas` hands over when it is done.
pub(crate) struct Drawing {
    pub pages: Vec<Vec<Op>>,
    /// Every character drawn, per face (indexed by `Face as usize`).
    pub used: [BTreeSet<char>; 2],
    pub images: Vec<(XObjectId, RawImage)>,
    pub image_format: ImageCompression,
}

/// The PDF file: fonts cut to what was drawn, images compressed, metadata set.
pub(crate) fn write(fonts: &Fonts, drawing: Drawing, meta: Meta) -> Result<Vec<u8>, PdfError> {
    let mut doc = PdfDocument::new(&meta.title);
    for face in Face::ALL {
        let chars = &drawing.used[face as usize];
        if !chars.is_empty() {
            let font = fonts.subset(face, chars)?;
            doc.resources
                .fonts
                .map
                .insert(face.id(), PdfFont::new(font));
        }
    }
    for (id, image) in drawing.images {
        doc.resources.xobjects.map.insert(id, XObject::Image(image));
    }
    let when = pdf_time(meta.created);
    doc.metadata.info = PdfDocumentInfo {
        document_title: meta.title,
        author: meta.author,
        subject: meta.subject,
        creator: "Paydesk".into(),
        producer: "Paydesk".into(),
        creation_date: when,
        modification_date: when,
        metadata_date: when,
        ..Default::default()
    };
    doc.pages = drawing
        .pages
        .into_iter()
        .map(|ops| PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops))
        .collect();
    let options = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        image_optimization: Some(ImageOptimizationOptions {
            format: Some(drawing.image_format),
            quality: Some(0.9),
            // Logos are already shrunk to print size (see `logo`), so no resizing here.
            max_image_size: None,
            ..Default::default()
        }),
    };
    let mut warnings = Vec::new();
    let mut pdf = doc.to_lopdf_document(&options, &mut warnings);
    if let Some(w) = warnings
        .into_iter()
        .find(|w| w.severity == PdfParseErrorSeverity::Error)
    {
        return Err(PdfError::Write(w.msg));
    }
    drop_empty_claims(&mut pdf);
    compress(&mut pdf);
    let mut bytes = Vec::new();
    pdf.save_to(&mut bytes)
        .map_err(|e| PdfError::Write(e.to_string()))?;
    Ok(bytes)
}

/// printpdf always writes a GTS_PDFXVersion entry, which tells readers (`pdfinfo`, preflight tools)
/// that the file claims PDF/X print-shop conformance. It doesn't, so the entry goes, along with
/// the empty Identifier and Keywords.
fn drop_empty_claims(pdf: &mut lopdf::Document) {
    let Ok(info_id) = pdf
        .trailer
        .get(b"Info")
        .and_then(lopdf::Object::as_reference)
    else {
        return;
    };
    if let Ok(info) = pdf.get_dictionary_mut(info_id) {
        for key in [&b"GTS_PDFXVersion"[..], b"Identifier", b"Keywords"] {
            info.remove(key);
        }
    }
}

/// Deflates the streams printpdf left raw: page content, font programs, and a PNG logo's pixels
/// (which printpdf marks "don't compress", assuming it already did). lopdf's own `compress` uses
/// zlib's best level, which costs several times the default's time for a file barely smaller.
fn compress(pdf: &mut lopdf::Document) {
    use flate2::{write::ZlibEncoder, Compression};
    use std::io::Write;
    for object in pdf.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else {
            continue;
        };
        let image = stream
            .dict
            .get(b"Subtype")
            .and_then(lopdf::Object::as_name)
            .is_ok_and(|n| n == b"Image");
        if !(stream.allows_compression || image) || stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
        let Ok(packed) = encoder
            .write_all(&stream.content)
            .and_then(|()| encoder.finish())
        else {
            continue;
        };
        if packed.len() < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(packed);
        }
    }
}

/// printpdf's own date type, always in UTC (its writer prints the offset as +00'00').
fn pdf_time(at: DateTime<Utc>) -> printpdf::OffsetDateTime {
    let small = |v: u32| u8::try_from(v).unwrap_or(0);
    printpdf::OffsetDateTime::new_in_offset(
        printpdf::date::Date {
            year: at.year(),
            month: small(at.month()),
            day: small(at.day()),
        },
        printpdf::date::Time {
            hour: small(at.hour()),
            minute: small(at.minute()),
            second: small(at.second()),
            millisecond: 0,
        },
        printpdf::date::Offset {
            hours: 0,
            minutes: 0,
            seconds: 0,
            milliseconds: 0,
        },
    )
}
