//! Who is sending or receiving a document: a name and the lines printed under it.

use crate::business::BusinessProfile;
use crate::client::Client;

/// A name and its details (address lines, email, phone, tax id), ready to print line by line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Party {
    pub name: String,
    pub details: Vec<String>,
}

/// Address lines as typed, without the blank ones.
fn address_lines(address: &str) -> impl Iterator<Item = String> + '_ {
    address
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
}

impl Party {
    pub fn business(b: &BusinessProfile) -> Party {
        let mut details: Vec<String> = address_lines(&b.address).collect();
        details.extend([b.email.trim(), b.phone.trim()].map(str::to_string));
        if !b.tax_id.trim().is_empty() {
            details.push(format!("Tax ID: {}", b.tax_id.trim()));
        }
        details.retain(|d| !d.is_empty());
        Party {
            name: b.name.trim().to_string(),
            details,
        }
    }

    /// The client's name, address and email: what an invoice is addressed to. The phone number
    /// stays off, as on most invoices.
    pub fn client(c: &Client) -> Party {
        let mut details: Vec<String> = address_lines(&c.address).collect();
        if !c.email.trim().is_empty() {
            details.push(c.email.trim().to_string());
        }
        Party {
            name: c.name.trim().to_string(),
            details,
        }
    }
}
