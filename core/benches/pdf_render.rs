//! PDF benchmark: renders an invoice of 20 lines with a logo and a pay-link QR code many times
//! (PAYDESK_BENCH_PDFS, default 1,000) and prints the median and p95 per PDF. If `chromium` is on
//! PATH it also prints the same invoice as HTML with `chromium --headless --print-to-pdf`
//! (PAYDESK_BENCH_CHROMIUM_RUNS, default 20), the usual alternative, for comparison.
//! Run with `cargo bench -p paydesk-core --bench pdf_render`.

// Timings are floats; money never is (the lint stays on everywhere else).
#![allow(clippy::float_arithmetic)]

use paydesk_core::business::BusinessUpdate;
use paydesk_core::client::ClientInput;
use paydesk_core::clock::FixedClock;
use paydesk_core::invoice::{InvoiceInput, LineInput};
use paydesk_core::payment::{PaymentInput, PaymentMethod};
use paydesk_core::pdf::{render_invoice, InvoiceDocument};
use paydesk_core::Paydesk;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

const PAY_URL: &str = "https://pay.paydesk.test/i/inv_7Hc2kQ9?token=4f1e9b";

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median and p95 of `samples`, printed and returned (median first).
fn stats(label: &str, mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    let median = samples[samples.len() / 2];
    let p95 = samples[(samples.len() * 95 / 100).min(samples.len() - 1)];
    let total: Duration = samples.iter().sum();
    println!(
        "{label:<44} median {:>9.3} ms   p95 {:>9.3} ms   total {:>8.2} s   (n={})",
        ms(median),
        ms(p95),
        total.as_secs_f64(),
        samples.len()
    );
    median
}

fn logo_png() -> Vec<u8> {
    let img = image::RgbaImage::from_fn(480, 160, |x, y| {
        let inside = (x as i64 - 80).pow(2) + (y as i64 - 80).pow(2) < 60 * 60;
        if inside {
            image::Rgba([190, 40, 90, 255])
        } else if x > 170 && (60..100).contains(&y) {
            image::Rgba([30, 30, 40, 255])
        } else {
            image::Rgba([0, 0, 0, 0])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// The invoice every run draws, built through the real core (SQLite, totals, numbering).
async fn document(dir: &Path) -> (InvoiceDocument, Vec<u8>) {
    let clock = Arc::new(FixedClock::new(chrono::Utc::now()));
    let app = Paydesk::open_with_clock(dir, clock).await.unwrap();
    app.update_business(BusinessUpdate {
        name: Some("Salon Zoë".into()),
        address: Some("12 Rue de la Paix\n75002 Paris".into()),
        email: Some("bonjour@salon-zoe.test".into()),
        phone: Some("+33 1 23 45 67 89".into()),
        tax_id: Some("FR40303265045".into()),
        currency: Some("EUR".into()),
        locale: Some("fr-FR".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    let logo = logo_png();
    app.set_logo(&logo).await.unwrap();
    let client = app
        .create_client(&ClientInput {
            name: "Zoë Øster".into(),
            email: "zoe@example.test".into(),
            address: "Kongens gate 5\n0153 Oslo".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let lines = (1..=20)
        .map(|n| LineInput {
            description: if n % 4 == 0 {
                format!("Service {n}: balayage with toner, deep-conditioning treatment, scalp massage, precision cut and blow-dry")
            } else {
                format!("Service {n}: cut and blow-dry")
            },
            quantity: Decimal::new(1 + n % 3, 0),
            unit_price: Decimal::new(4550 + n * 1000, 2),
            tax_rate: Decimal::new(if n % 2 == 0 { 20 } else { 0 }, 0),
            discount_percent: Decimal::new(if n == 5 { 10 } else { 0 }, 0),
            service_id: None,
        })
        .collect();
    let inv = app
        .create_invoice(&InvoiceInput {
            client_id: client.id,
            lines,
            notes: "Merci ! See you next month.".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let inv = app.finalize_invoice(inv.id).await.unwrap();
    app.record_payment(
        inv.id,
        &PaymentInput {
            amount: Decimal::new(10000, 2),
            method: PaymentMethod::Cash,
            received_on: None,
            reference: String::new(),
        },
    )
    .await
    .unwrap();
    let inv = app.invoice(inv.id).await.unwrap();
    let business = app.business().await.unwrap();
    let doc = InvoiceDocument::new(
        &inv,
        &client,
        &business,
        Some(logo.clone()),
        Some(PAY_URL.into()),
        None,
        app.now(),
    );
    (doc, logo)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The QR code as inline SVG, one rect per dark module run, like the PDF draws it.
fn qr_svg(url: &str) -> String {
    let code = qrcode::QrCode::with_error_correction_level(url, qrcode::EcLevel::M).unwrap();
    let n = code.width();
    let colors = code.to_colors();
    let mut rects = String::new();
    for (row, cells) in colors.chunks(n).enumerate() {
        let mut col = 0;
        while col < n {
            if cells[col] == qrcode::Color::Dark {
                let start = col;
                while col < n && cells[col] == qrcode::Color::Dark {
                    col += 1;
                }
                rects.push_str(&format!(
                    r#"<rect x="{}" y="{}" width="{}" height="1"/>"#,
                    start + 4,
                    row + 4,
                    col - start
                ));
            } else {
                col += 1;
            }
        }
    }
    let side = n + 8;
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" width="34mm" height="34mm" shape-rendering="crispEdges"><rect width="{side}" height="{side}" fill="#fff"/>{rects}</svg>"##
    )
}

/// The same invoice as a web page: what a Chromium-based PDF pipeline would print.
fn html(doc: &InvoiceDocument) -> String {
    let lines = |v: &[String]| v.iter().map(|l| escape(l)).collect::<Vec<_>>().join("<br>");
    let rows: String = doc
        .items
        .iter()
        .map(|r| {
            let note = r
                .note
                .as_deref()
                .map(|n| format!("<div class=note>{}</div>", escape(n)))
                .unwrap_or_default();
            format!(
                "<tr><td>{}{note}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
                escape(&r.description),
                escape(&r.quantity),
                escape(&r.unit_price),
                escape(&r.tax_rate),
                escape(&r.amount)
            )
        })
        .collect();
    let totals: String = doc
        .totals
        .iter()
        .map(|t| {
            let tag = if t.strong { "th" } else { "td" };
            format!(
                "<tr><{tag}>{}</{tag}><{tag} class=n>{}</{tag}></tr>",
                escape(&t.label),
                escape(&t.value)
            )
        })
        .collect();
    let url = doc.pay_url.as_deref().unwrap_or_default();
    format!(
        r##"<!doctype html><html><head><meta charset="utf-8"><title>{title}</title><style>
@page {{ size: A4; margin: 18mm; }}
body {{ font-family: "DejaVu Sans", sans-serif; font-size: 9pt; color: #1c1f24; }}
header {{ display: flex; justify-content: space-between; }}
h1 {{ font-size: 20pt; margin: 0; text-align: right; }}
table {{ width: 100%; border-collapse: collapse; margin-top: 8mm; }}
td, th {{ padding: 1.8mm 1mm; border-bottom: 0.2mm solid #d1d6dd; text-align: left; vertical-align: top; }}
thead th {{ background: #f2f4f7; }}
.n {{ text-align: right; white-space: nowrap; }}
.note {{ color: #61666f; font-size: 7.5pt; }}
.totals {{ width: 78mm; margin-left: auto; }}
.pay {{ display: flex; justify-content: space-between; background: #f2f4f7; padding: 4mm; margin-top: 8mm; }}
.pay a {{ color: #0d54bf; text-decoration: none; word-break: break-all; }}
</style></head><body>
<header><div><img src="logo.png" style="max-width:60mm;max-height:24mm"><br><b>{biz}</b><br>{biz_lines}</div>
<div><h1>INVOICE</h1>Invoice no. <b>{number}</b><br>Issue date <b>{issued}</b><br>Due date <b>{due}</b></div></header>
<p><small>BILL TO</small><br><b>{client}</b><br>{client_lines}</p>
<table><thead><tr><th>Description</th><th class=n>Qty</th><th class=n>Unit price</th><th class=n>Tax</th><th class=n>Amount</th></tr></thead>
<tbody>{rows}</tbody></table>
<table class=totals>{totals}</table>
<a href="{url}"><div class=pay><div><b style="font-size:13pt;color:#0d54bf">Pay online</b><br>Amount due: {due_amount}<br><small>Scan the code with your phone's camera, or open this address:</small><br>{url_text}</div>{qr}</div></a>
<p><small>NOTES</small><br>{notes}</p>
</body></html>"##,
        title = escape(&doc.title),
        biz = escape(&doc.business.name),
        biz_lines = lines(&doc.business.details),
        number = escape(&doc.number),
        issued = escape(&doc.issue_date),
        due = escape(&doc.due_date),
        client = escape(&doc.client.name),
        client_lines = lines(&doc.client.details),
        due_amount = escape(&doc.amount_due),
        url = escape(url),
        url_text = escape(url),
        qr = qr_svg(url),
        notes = escape(&doc.notes),
    )
}

fn chromium(
    dir: &Path,
    doc: &InvoiceDocument,
    logo: &[u8],
    runs: usize,
) -> Option<(Duration, u64)> {
    if runs == 0 {
        return None;
    }
    let found = Command::new("chromium").arg("--version").output().ok()?;
    if !found.status.success() {
        return None;
    }
    println!("{}", String::from_utf8_lossy(&found.stdout).trim());
    std::fs::write(dir.join("logo.png"), logo).unwrap();
    let page = dir.join("invoice.html");
    std::fs::write(&page, html(doc)).unwrap();
    let out: PathBuf = dir.join("chromium.pdf");
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let _ = std::fs::remove_file(&out);
        let start = Instant::now();
        let status = Command::new("chromium")
            .args(["--headless", "--no-sandbox", "--disable-gpu"])
            .arg(format!("--print-to-pdf={}", out.display()))
            .arg("--no-pdf-header-footer")
            .arg(format!("file://{}", page.display()))
            .output()
            .unwrap();
        samples.push(start.elapsed());
        assert!(
            status.status.success() && out.exists(),
            "chromium failed: {}",
            String::from_utf8_lossy(&status.stderr)
        );
    }
    let size = std::fs::metadata(&out).unwrap().len();
    Some((
        stats("chromium --print-to-pdf, same invoice", samples),
        size,
    ))
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let pdfs = env_count("PAYDESK_BENCH_PDFS", 1_000);
    let chromium_runs = env_count("PAYDESK_BENCH_CHROMIUM_RUNS", 20);
    let dir = tempfile::tempdir().unwrap();
    let (doc, logo) = document(dir.path()).await;
    println!(
        "Paydesk PDF benchmark: invoice of {} lines, {}×{} PNG logo, pay link + QR code\n",
        doc.items.len(),
        480,
        160
    );

    let first = render_invoice(&doc).unwrap();
    let pdf_path = dir.path().join("paydesk.pdf");
    std::fs::write(&pdf_path, &first).unwrap();
    let mut samples = Vec::with_capacity(pdfs);
    for _ in 0..pdfs {
        let start = Instant::now();
        let bytes = render_invoice(std::hint::black_box(&doc)).unwrap();
        samples.push(start.elapsed());
        std::hint::black_box(bytes);
    }
    let ours = stats(&format!("render_invoice (printpdf), {pdfs} PDFs"), samples);
    println!("{:<44} {} bytes", "  PDF size", first.len());

    // Where the time goes: the same invoice without its logo, then without the QR code too.
    let no_logo = InvoiceDocument {
        logo: None,
        ..doc.clone()
    };
    let plain = InvoiceDocument {
        pay_url: None,
        ..no_logo.clone()
    };
    for (label, variant) in [
        ("  without the logo", &no_logo),
        ("  without the logo and QR code", &plain),
    ] {
        let samples = (0..pdfs.div_ceil(4))
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(render_invoice(std::hint::black_box(variant)).unwrap());
                start.elapsed()
            })
            .collect();
        stats(label, samples);
    }

    match chromium(dir.path(), &doc, &logo, chromium_runs) {
        Some((theirs, size)) => {
            println!("{:<44} {size} bytes", "  PDF size");
            println!(
                "{:<44} {:.0}× (chromium median / printpdf median)",
                "ratio",
                theirs.as_secs_f64() / ours.as_secs_f64()
            );
        }
        None => {
            println!("chromium is not on PATH (or PAYDESK_BENCH_CHROMIUM_RUNS=0): no comparison")
        }
    }
    if let Some(keep) = std::env::var_os("PAYDESK_BENCH_KEEP") {
        let keep = PathBuf::from(keep);
        std::fs::create_dir_all(&keep).unwrap();
        for name in ["paydesk.pdf", "chromium.pdf", "invoice.html", "logo.png"] {
            let _ = std::fs::copy(dir.path().join(name), keep.join(name));
        }
    }
}
