//! Invoice and receipt PDFs, read back with the tools a person or a mail client would use:
//! poppler (pdftotext, pdfinfo, pdfimages, pdftoppm, pdffonts), zbar for the QR code, qpdf for the
//! file's structure. Installed by scripts/setup-debian.sh.

use crate::support::*;
use chrono::Datelike;
use paydesk_core::business::BusinessUpdate;
use paydesk_core::client::ClientInput;
use paydesk_core::invoice::{InvoiceInput, LineInput};
use paydesk_core::money::format::for_locale;
use paydesk_core::payment::{PaymentInput, PaymentMethod};
use paydesk_core::{Money, Paydesk};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PAY_URL: &str = "https://pay.paydesk.test/i/inv_7Hc2kQ9?token=4f1e9b";

fn run(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} couldn't run ({e}); run scripts/setup-debian.sh"))
}

/// Runs a tool that must succeed and returns what it printed.
fn tool(program: &str, args: &[&str]) -> String {
    let out = run(program, args);
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub(crate) fn save(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

pub(crate) fn text(pdf: &Path) -> String {
    tool("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"])
}

fn page_text(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    tool(
        "pdftotext",
        &["-f", &p, "-l", &p, pdf.to_str().unwrap(), "-"],
    )
}

/// "Key: value" lines of `pdfinfo`.
fn info(pdf: &Path, key: &str) -> String {
    let out = tool("pdfinfo", &["-isodates", pdf.to_str().unwrap()]);
    out.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}:")))
        .unwrap_or_else(|| panic!("pdfinfo has no {key}:\n{out}"))
        .trim()
        .to_string()
}

/// The URLs of the link annotations, as `pdfinfo -url` lists them.
pub(crate) fn urls(pdf: &Path) -> Vec<String> {
    tool("pdfinfo", &["-url", pdf.to_str().unwrap()])
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().nth(2).map(str::to_string))
        .collect()
}

/// What zbar decodes from page 1 rendered at 150 dpi, or None when it finds no code.
pub(crate) fn qr_on_first_page(pdf: &Path) -> Option<String> {
    let prefix = pdf.with_extension("");
    let prefix = prefix.to_str().unwrap();
    tool(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix,
        ],
    );
    let out = run("zbarimg", &["--raw", "-q", &format!("{prefix}.png")]);
    out.status.success().then(|| {
        String::from_utf8(out.stdout)
            .unwrap()
            .trim_end()
            .to_string()
    })
}

pub(crate) fn qpdf_ok(pdf: &Path) {
    let out = tool("qpdf", &["--check", pdf.to_str().unwrap()]);
    assert!(out.contains("No syntax or stream encoding errors"), "{out}");
}

/// A 300 × 100 PNG: a red band and a blue square, so the logo is a real picture.
fn logo_png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(300, 100, |x, y| {
        if x > 200 && y > 20 && y < 80 {
            image::Rgb([20, 60, 200])
        } else if y < 30 {
            image::Rgb([200, 30, 30])
        } else {
            image::Rgb([255, 255, 255])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn business_with_details(app: &Paydesk) {
    app.update_business(BusinessUpdate {
        address: Some("12 Rue de la Paix\n75002 Paris".into()),
        email: Some("bonjour@salon-zoe.test".into()),
        phone: Some("+33 1 23 45 67 89".into()),
        tax_id: Some("FR40303265045".into()),
        ..Default::default()
    })
    .await
    .unwrap();
}

async fn zoe(app: &Paydesk) -> i64 {
    app.create_client(&ClientInput {
        name: "Zoë Øster".into(),
        email: "zoe@example.test".into(),
        address: "Kongens gate 5\n0153 Oslo".into(),
        ..Default::default()
    })
    .await
    .unwrap()
    .id
}

/// A finalized invoice of 1 427,60 € (200 € of it tax) with 400 € paid: 1 027,60 € still owed.
async fn open_invoice(app: &Paydesk) -> i64 {
    let c = zoe(app).await;
    let inv = app
        .create_invoice(&InvoiceInput {
            notes: "Merci ! See you next month.".into(),
            terms: Some("Payment within 30 days. Late payments carry a 40 € fee.".into()),
            ..invoice_input(
                c,
                vec![
                    line("Colour and cut", "1", "1000.00", "20"),
                    line("Olaplex treatment", "2", "94.40", "0"),
                    line("Take-home argan oil", "1", "38.80", "0"),
                ],
            )
        })
        .await
        .unwrap();
    let inv = app.finalize_invoice(inv.id).await.unwrap();
    assert_eq!(inv.totals.total.amount(), d("1427.60"));
    app.record_payment(
        inv.id,
        &PaymentInput {
            amount: d("400"),
            method: PaymentMethod::BankTransfer,
            received_on: None,
            reference: "VIR-88231".into(),
        },
    )
    .await
    .unwrap();
    inv.id
}

/// An amount in euros as pdftotext reads it back from a French invoice. The PDF prints no-break
/// spaces, but they share the plain space's glyph, so copied text has plain spaces.
fn eur(amount: &str) -> String {
    for_locale(
        Money::new(d(amount), paydesk_core::Currency::parse("EUR").unwrap()).unwrap(),
        "fr-FR",
    )
    .replace(['\u{202f}', '\u{a0}'], " ")
}

#[tokio::test]
async fn an_invoice_reads_back_with_its_number_names_amounts_and_pay_link() {
    let t = app().await;
    business_with_details(&t.app).await;
    t.app.set_logo(&logo_png()).await.unwrap();
    let id = open_invoice(&t.app).await;

    let bytes = t.app.invoice_pdf(id, Some(PAY_URL)).await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let pdf = save(t.dir.path(), "invoice.pdf", &bytes);
    qpdf_ok(&pdf);

    let all = text(&pdf);
    for expected in [
        "INV-2026-0001",
        "Zoë Øster",
        "Kongens gate 5",
        "zoe@example.test",
        "Salon Zoë",
        "FR40303265045",
        "Colour and cut",
        "Pay online",
        PAY_URL,
        "Page 1 of 1",
        "Merci ! See you next month.",
        "Late payments carry a 40 € fee.",
    ] {
        assert!(all.contains(expected), "no {expected:?} in:\n{all}");
    }
    // Amounts as a French reader writes them: a space between thousands, a comma, the sign after.
    assert_eq!(eur("1427.60"), "1 427,60 €");
    for (what, amount) in [
        ("total", "1427.60"),
        ("paid", "-400.00"),
        ("amount due", "1027.60"),
    ] {
        assert!(
            all.contains(&eur(amount)),
            "no {what} {} in:\n{all}",
            eur(amount)
        );
    }
    assert!(all.contains("Amount due"), "{all}");
    assert!(
        all.contains("Tax 20%") && all.contains(&eur("200.00")),
        "{all}"
    );

    assert_eq!(urls(&pdf), [PAY_URL], "exactly one link, to the pay page");
    assert_eq!(qr_on_first_page(&pdf).as_deref(), Some(PAY_URL));

    assert_eq!(info(&pdf, "Title"), "Invoice INV-2026-0001 — Salon Zoë");
    assert_eq!(info(&pdf, "Author"), "Salon Zoë");
    assert_eq!(info(&pdf, "Producer"), "Paydesk");
    assert_eq!(info(&pdf, "Page size"), "595.276 x 841.89 pts (A4)");
    assert!(info(&pdf, "CreationDate").starts_with("2026-11-23T09:00:00"));
    assert!(info(&pdf, "ModDate").starts_with("2026-11-23T09:00:00"));
    let all_info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(
        !all_info.contains("PDF/X"),
        "no false conformance claim:\n{all_info}"
    );

    let images = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
    assert_eq!(images.lines().count(), 3, "one image (the logo):\n{images}");
    assert!(
        images.contains("300   100"),
        "the logo at its own size:\n{images}"
    );

    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    assert!(fonts.contains("DejaVuSans-Bold"), "{fonts}");
    for font in fonts.lines().skip(2) {
        assert!(font.contains("+DejaVuSans"), "a subset tag: {font}");
        assert!(
            font.contains(" yes yes yes "),
            "embedded, subset, with a ToUnicode map: {font}"
        );
    }
    assert!(
        bytes.len() < 120_000,
        "a one-page invoice is {} bytes",
        bytes.len()
    );
}

#[tokio::test]
async fn the_pay_link_has_no_visible_border_and_opens_the_pay_page() {
    let t = app().await;
    let id = open_invoice(&t.app).await;
    let pdf = save(
        t.dir.path(),
        "link.pdf",
        &t.app.invoice_pdf(id, Some(PAY_URL)).await.unwrap(),
    );
    let json: serde_json::Value = serde_json::from_str(&tool(
        "qpdf",
        &["--json=2", "--json-key=qpdf", pdf.to_str().unwrap()],
    ))
    .unwrap();
    let objects = json["qpdf"][1].as_object().unwrap();
    // printpdf writes annotations straight into each page's /Annots array.
    let links: Vec<&serde_json::Value> = objects
        .values()
        .filter_map(|o| o["value"]["/Annots"].as_array())
        .flatten()
        .filter(|a| a["/Subtype"] == "/Link")
        .collect();
    assert_eq!(links.len(), 1, "{links:?}");
    assert_eq!(
        links[0]["/Border"],
        serde_json::json!([0, 0, 0]),
        "{:?}",
        links[0]
    );
    assert_eq!(links[0]["/A"]["/S"], "/URI");
    assert_eq!(links[0]["/A"]["/URI"], format!("u:{PAY_URL}"));
}

#[tokio::test]
async fn a_long_checkout_link_still_scans_and_wraps_inside_the_block() {
    let t = app().await;
    let id = open_invoice(&t.app).await;
    let url = format!(
        "https://checkout.stripe.com/c/pay/cs_test_b1{}#fidkdWxOYHwnPyd1blpxYHZxWjA0{}",
        "Xk9qT3pRa2VnRmZ1".repeat(10),
        "bW9uZXk".repeat(24)
    );
    assert!(url.len() > 400, "{}", url.len());
    let pdf = save(
        t.dir.path(),
        "checkout.pdf",
        &t.app.invoice_pdf(id, Some(&url)).await.unwrap(),
    );
    assert_eq!(urls(&pdf), std::slice::from_ref(&url));
    assert_eq!(qr_on_first_page(&pdf).as_deref(), Some(url.as_str()));
    // The address is printed in full, over several lines.
    let all = text(&pdf).replace('\n', "");
    assert!(all.contains(&url), "{all}");
}

#[tokio::test]
async fn without_a_pay_url_there_is_no_link_no_qr_code_and_no_logo() {
    let t = app().await;
    let id = open_invoice(&t.app).await;
    let pdf = save(
        t.dir.path(),
        "plain.pdf",
        &t.app.invoice_pdf(id, None).await.unwrap(),
    );
    qpdf_ok(&pdf);
    let all = text(&pdf);
    assert!(all.contains("INV-2026-0001"), "{all}");
    assert!(!all.contains("Pay online"), "{all}");
    assert!(urls(&pdf).is_empty());
    assert_eq!(qr_on_first_page(&pdf), None);
    let images = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
    assert_eq!(images.lines().count(), 2, "no images:\n{images}");
}

#[tokio::test]
async fn a_paid_invoice_is_stamped_and_does_not_invite_a_payment() {
    let t = app().await;
    let id = open_invoice(&t.app).await;
    t.app
        .record_payment(
            id,
            &PaymentInput {
                amount: d("1027.60"),
                method: PaymentMethod::Card,
                received_on: None,
                reference: String::new(),
            },
        )
        .await
        .unwrap();
    let pdf = save(
        t.dir.path(),
        "paid.pdf",
        &t.app.invoice_pdf(id, Some(PAY_URL)).await.unwrap(),
    );
    let all = text(&pdf);
    assert!(all.contains("PAID"), "{all}");
    assert!(all.contains(&eur("0.00")), "{all}");
    assert!(!all.contains("Pay online"), "{all}");
    assert!(urls(&pdf).is_empty());
}

#[tokio::test]
async fn a_draft_says_draft_where_the_number_goes() {
    let t = app().await;
    let c = zoe(&t.app).await;
    let draft = t
        .app
        .create_invoice(&invoice_input(c, vec![line("Cut", "1", "45", "0")]))
        .await
        .unwrap();
    let pdf = save(
        t.dir.path(),
        "draft.pdf",
        &t.app.invoice_pdf(draft.id, None).await.unwrap(),
    );
    let all = text(&pdf);
    assert!(all.contains("Draft") && all.contains("DRAFT"), "{all}");
    assert_eq!(info(&pdf, "Title"), "Invoice Draft — Salon Zoë");
}

fn long_description(n: usize) -> String {
    format!(
        "Item {n}: full balayage with toner, deep-conditioning treatment, scalp massage, precision \
         cut and blow-dry, finished with a heat-protecting serum; includes the consultation and a \
         follow-up check two weeks later END{n}"
    )
}

#[tokio::test]
async fn a_sixty_line_invoice_flows_over_pages_with_the_header_repeated() {
    let t = app().await;
    let c = zoe(&t.app).await;
    let lines: Vec<LineInput> = (1..=60)
        .map(|n| {
            let description = if n % 3 == 0 {
                long_description(n)
            } else {
                format!("Item {n}: blow-dry END{n}")
            };
            line(&description, "1", &format!("{n}.50"), "20")
        })
        .collect();
    assert!(long_description(60).chars().count() > 200);
    let inv = t
        .app
        .create_invoice(&invoice_input(c, lines))
        .await
        .unwrap();
    let inv = t.app.finalize_invoice(inv.id).await.unwrap();
    let pdf = save(
        t.dir.path(),
        "long.pdf",
        &t.app.invoice_pdf(inv.id, Some(PAY_URL)).await.unwrap(),
    );
    qpdf_ok(&pdf);

    let pages: usize = info(&pdf, "Pages").parse().unwrap();
    assert!(pages >= 2, "{pages} page(s)");
    let second = page_text(&pdf, 2);
    for expected in [
        "Description",
        "Qty",
        "Unit price",
        "Amount",
        "INV-2026-0001",
        "Salon Zoë",
    ] {
        assert!(
            second.contains(expected),
            "no {expected:?} on page 2:\n{second}"
        );
    }
    assert!(second.contains(&format!("Page 2 of {pages}")), "{second}");
    let last = page_text(&pdf, pages);
    assert!(
        last.contains("Amount due"),
        "the totals end the table:\n{last}"
    );

    // Every line made it, and every long description was wrapped rather than cut off.
    let all = text(&pdf);
    for n in 1..=60 {
        assert!(all.contains(&format!("Item {n}:")), "line {n} is missing");
        assert!(all.contains(&format!("END{n}")), "line {n} was cut short");
    }
    assert!(
        all.contains(&eur(&inv.totals.total.amount().to_string())),
        "{all}"
    );
    assert_eq!(urls(&pdf), [PAY_URL]);
}

#[tokio::test]
async fn names_and_currency_signs_from_many_languages_print_and_copy_out() {
    let t = app().await;
    t.app
        .update_business(BusinessUpdate {
            name: Some("José Núñez Peluquería".into()),
            currency: Some("GBP".into()),
            locale: Some("en-GB".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let c = t
        .app
        .create_client(&ClientInput {
            name: "Łukasz Żółć".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .id;
    let mut texts = String::new();
    for currency in ["GBP", "JPY", "EUR"] {
        let inv = t
            .app
            .create_invoice(&InvoiceInput {
                currency: Some(currency.into()),
                ..invoice_input(c, vec![line("Corte de pelo — señora", "2", "1250", "0")])
            })
            .await
            .unwrap();
        let pdf = save(
            t.dir.path(),
            &format!("{currency}.pdf"),
            &t.app.invoice_pdf(inv.id, None).await.unwrap(),
        );
        texts.push_str(&text(&pdf));
    }
    for expected in [
        "Łukasz Żółć",
        "José Núñez Peluquería",
        "Corte de pelo — señora",
        "£2,500.00",
        "¥2,500",
        "€2,500.00",
    ] {
        assert!(texts.contains(expected), "no {expected:?} in:\n{texts}");
    }
}

#[tokio::test]
async fn a_damaged_logo_is_an_error_the_owner_can_act_on() {
    let t = app().await;
    let id = open_invoice(&t.app).await;
    let mut damaged = logo_png();
    damaged.truncate(80);
    t.app.set_logo(&damaged).await.unwrap();
    let e = t.app.invoice_pdf(id, None).await.unwrap_err();
    assert_eq!((e.code(), e.field()), ("invalid", Some("logo")));
    assert!(e.to_string().contains("logo can't be printed"), "{e}");
    assert!(e.to_string().contains("PNG or JPEG"), "{e}");
}

#[tokio::test]
async fn a_receipt_names_the_payment_the_invoice_and_what_is_still_owed() {
    let t = app().await;
    business_with_details(&t.app).await;
    t.app.set_logo(&logo_png()).await.unwrap();
    let id = open_invoice(&t.app).await;
    let payment = t.app.invoice(id).await.unwrap().payments[0].clone();

    let bytes = t.app.payment_receipt_pdf(payment.id).await.unwrap();
    let pdf = save(t.dir.path(), "receipt.pdf", &bytes);
    qpdf_ok(&pdf);
    assert_eq!(info(&pdf, "Pages"), "1");
    assert_eq!(
        info(&pdf, "Title"),
        format!("Receipt {} for INV-2026-0001 — Salon Zoë", payment.id)
    );
    let all = text(&pdf);
    for expected in [
        "RECEIPT",
        "Salon Zoë",
        "Zoë Øster",
        "INV-2026-0001",
        "23 Nov 2026",
        "Bank transfer",
        "VIR-88231",
        "Remaining amount due",
        "Thank you for your payment.",
    ] {
        assert!(all.contains(expected), "no {expected:?} in:\n{all}");
    }
    assert!(all.contains(&eur("400.00")), "amount received:\n{all}");
    assert!(all.contains(&eur("1427.60")), "invoice total:\n{all}");
    assert!(all.contains(&eur("1027.60")), "still owed:\n{all}");
    assert!(urls(&pdf).is_empty());
    let images = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
    assert_eq!(images.lines().count(), 3, "the logo:\n{images}");

    let e = t
        .app
        .payment_receipt_pdf(payment.id + 100)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "not_found");
}

#[tokio::test]
async fn with_the_computers_clock_the_creation_date_is_this_year() {
    let dir = tempfile::tempdir().unwrap();
    let app = Paydesk::open(dir.path()).await.unwrap();
    let c = zoe(&app).await;
    let inv = app
        .create_invoice(&invoice_input(c, vec![line("Cut", "1", "45", "0")]))
        .await
        .unwrap();
    let pdf = save(
        dir.path(),
        "now.pdf",
        &app.invoice_pdf(inv.id, None).await.unwrap(),
    );
    let created = info(&pdf, "CreationDate");
    let year = chrono::Utc::now().year().to_string();
    assert!(created.starts_with(&year), "{created}");
}
