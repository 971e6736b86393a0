//! What can go wrong while drawing a PDF. Only the logo is the owner's to fix; the rest would be a
//! Paydesk bug, so those messages say so instead of pretending the owner can act on them.

/// An error from drawing a document. Becomes `crate::Error::Pdf` at the core's boundary.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The stored logo can't be decoded. `reason` says why, in plain words.
    #[error(
        "The business logo can't be printed: {reason} Upload it again as a PNG or JPEG in \
         Settings → Business (or remove it) and try again."
    )]
    Logo { reason: String },

    /// The pay link doesn't fit in a QR code (they hold about 2,000 characters).
    #[error("The pay link is too long to print as a QR code ({length} characters).")]
    PayLinkTooLong { length: usize },

    /// The embedded font couldn't be read or subset.
    #[error("Paydesk couldn't prepare its font for the PDF ({0}). This is a bug in Paydesk.")]
    Font(String),

    /// printpdf reported an error while writing the file.
    #[error("Paydesk couldn't write the PDF ({0}). This is a bug in Paydesk.")]
    Write(String),
}

impl PdfError {
    pub(crate) fn logo(reason: impl Into<String>) -> PdfError {
        PdfError::Logo {
            reason: reason.into(),
        }
    }

    /// A stable name for front ends: a bad logo is invalid input in the `logo` field.
    pub fn code(&self) -> &'static str {
        match self {
            PdfError::Logo { .. } | PdfError::PayLinkTooLong { .. } => "invalid",
            PdfError::Font(_) | PdfError::Write(_) => "pdf",
        }
    }

    /// The form field the owner should look at, when there is one.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            PdfError::Logo { .. } => Some("logo"),
            PdfError::PayLinkTooLong { .. } => Some("pay_url"),
            PdfError::Font(_) | PdfError::Write(_) => None,
        }
    }
}
