//! An email as Paydesk writes it, and the MIME message lettre sends. Paydesk gives every message its
//! own Message-ID (instead of leaving it to the server) so the sent log can name the exact email a
//! client may reply to or a provider may ask about.
//!
//! Shape: text only → `text/plain`; with HTML → `multipart/alternative` (text first, so plain mail
//! readers show it); with attachments → `multipart/mixed` around that. lettre encodes headers with
//! non-ASCII names ("Zoë Øster") per RFC 2047 and bodies as 7bit, quoted-printable or base64, so the
//! whole message is ASCII and passes any server.

use chrono::{DateTime, Utc};
use lettre::message::header::ContentType;
use lettre::message::{Attachment as MimeAttachment, Mailbox, MultiPart, SinglePart};
use lettre::{Address, Message};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::SystemTime;

use super::errors::MailError;
use crate::error::{Error, Result};
use crate::validate::optional_email;

/// One email to one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingEmail {
    pub to: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    pub attachments: Vec<Attachment>,
}

/// A file sent along, e.g. the invoice PDF.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub filename: String,
    /// e.g. `application/pdf`.
    pub mime: String,
    pub bytes: Vec<u8>,
}

/// Debug shows the size, not a megabyte of numbers.
impl fmt::Debug for Attachment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attachment")
            .field("filename", &self.filename)
            .field("mime", &self.mime)
            .field("bytes", &format_args!("{} bytes", self.bytes.len()))
            .finish()
    }
}

/// Who an email is from, as email settings say.
#[derive(Debug, Clone)]
pub(crate) struct Sender {
    pub from_name: String,
    pub from_address: String,
    pub reply_to: Option<String>,
}

/// A recipient as typed: one address of the usual shape (`validate::optional_email`), and one
/// lettre accepts. Refused here, before any connection is made.
pub(crate) fn recipient(field: &str, to: &str) -> Result<Address> {
    let to = optional_email(field, to)?;
    if to.is_empty() {
        return Err(Error::invalid(field, "Enter the email address to send to."));
    }
    to.parse::<Address>().map_err(|_| {
        Error::invalid(
            field,
            format!("\"{to}\" isn't an email address. It should look like name@example.com."),
        )
    })
}

/// The MIME message for `email`, and its Message-ID (with angle brackets, as in the header).
pub(crate) fn compose(
    email: &OutgoingEmail,
    sender: &Sender,
    date: DateTime<Utc>,
) -> Result<(Message, String)> {
    let to = recipient("to", &email.to)?;
    let from = mailbox(&sender.from_name, &sender.from_address)?;
    let message_id = new_message_id(from.email.domain());
    let mut builder = Message::builder()
        .from(from)
        .to(Mailbox::new(None, to))
        .subject(email.subject.clone())
        .date(SystemTime::from(date))
        .message_id(Some(message_id.clone()))
        .user_agent("Paydesk".into());
    if let Some(reply_to) = &sender.reply_to {
        builder = builder.reply_to(mailbox("", reply_to)?);
    }

    let text = || SinglePart::plain(email.text_body.clone());
    let alternative = |html: &String| {
        MultiPart::alternative()
            .singlepart(text())
            .singlepart(SinglePart::html(html.clone()))
    };
    let message = if email.attachments.is_empty() {
        match &email.html_body {
            None => builder.singlepart(text()),
            Some(html) => builder.multipart(alternative(html)),
        }
    } else {
        let mut mixed = match &email.html_body {
            None => MultiPart::mixed().singlepart(text()),
            Some(html) => MultiPart::mixed().multipart(alternative(html)),
        };
        for a in &email.attachments {
            let content_type = ContentType::parse(&a.mime).map_err(|_| {
                MailError::Config(format!("\"{}\" isn't a file type (MIME type)", a.mime))
            })?;
            mixed = mixed.singlepart(
                MimeAttachment::new(a.filename.clone()).body(a.bytes.clone(), content_type),
            );
        }
        builder.multipart(mixed)
    }
    .map_err(|e| MailError::Config(format!("the email couldn't be put together ({e})")))?;
    Ok((message, message_id))
}

fn mailbox(name: &str, address: &str) -> Result<Mailbox> {
    let address = address
        .parse::<Address>()
        .map_err(|_| MailError::Config(format!("the sender address \"{address}\" isn't valid")))?;
    let name = Some(name.trim().to_string()).filter(|n| !n.is_empty());
    Ok(Mailbox::new(name, address))
}

/// `<random.time@sender-domain>`: unique without asking anyone, and under the sender's own domain
/// as RFC 5322 suggests.
fn new_message_id(domain: &str) -> String {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    format!(
        "<{:016x}{:016x}.{now}@{domain}>",
        fastrand::u64(..),
        fastrand::u64(..)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sender() -> Sender {
        Sender {
            from_name: "Zoë Øster".into(),
            from_address: "zoe@salon.example".into(),
            reply_to: Some("desk@salon.example".into()),
        }
    }

    #[test]
    fn headers_are_ascii_and_the_message_id_is_ours() {
        let email = OutgoingEmail {
            to: "client@example.com".into(),
            subject: "Facture für Zoë".into(),
            text_body: "Grüße — ça va ?".into(),
            html_body: Some("<p>Grüße</p>".into()),
            attachments: vec![Attachment {
                filename: "INV-2026-0001.pdf".into(),
                mime: "application/pdf".into(),
                bytes: b"%PDF-1.7 test".to_vec(),
            }],
        };
        let (message, id) = compose(&email, &sender(), Utc::now()).unwrap();
        let raw = message.formatted();
        assert!(raw.is_ascii(), "the whole message is ASCII");
        let text = String::from_utf8(raw).unwrap();
        assert!(
            id.starts_with('<') && id.ends_with("@salon.example>"),
            "{id}"
        );
        assert!(text.contains(&format!("Message-ID: {id}")), "{text}");
        assert!(text.contains("Reply-To: desk@salon.example"), "{text}");
        assert!(text.contains("multipart/mixed"));
        assert!(text.contains("multipart/alternative"));
    }

    #[test]
    fn a_bad_recipient_names_the_field() {
        let email = OutgoingEmail {
            to: "client@@example.com".into(),
            subject: "x".into(),
            text_body: "x".into(),
            html_body: None,
            attachments: vec![],
        };
        let e = compose(&email, &sender(), Utc::now()).unwrap_err();
        assert_eq!(e.field(), Some("to"));
    }

    #[test]
    fn attachments_print_their_size_not_their_bytes() {
        let a = Attachment {
            filename: "a.pdf".into(),
            mime: "application/pdf".into(),
            bytes: vec![0; 2048],
        };
        assert!(format!("{a:?}").contains("2048 bytes"));
    }
}
