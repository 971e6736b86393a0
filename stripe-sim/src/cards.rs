//! Stripe's test cards and payment-method tokens, and what happens when they are charged.

/// What charging a card does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Succeed,
    /// `card_error` with `code`, `decline_code` and Stripe's message.
    Decline {
        code: &'static str,
        decline_code: &'static str,
        message: &'static str,
    },
    /// 3-D Secure needed on-session; off-session it works once the card was saved for it (…3155).
    AuthUnlessSaved,
    /// 3-D Secure always needed (…3184).
    AuthAlways,
}

/// A test card: token, number, brand, outcome.
#[derive(Debug)]
pub struct TestCard {
    pub token: &'static str,
    pub number: &'static str,
    pub brand: &'static str,
    pub funding: &'static str,
    pub country: &'static str,
    pub outcome: Outcome,
}

impl TestCard {
    pub fn last4(&self) -> &'static str {
        &self.number[self.number.len() - 4..]
    }
}

const DECLINED: Outcome = Outcome::Decline {
    code: "card_declined",
    decline_code: "generic_decline",
    message: "Your card was declined.",
};

pub const CARDS: &[TestCard] = &[
    TestCard {
        token: "pm_card_visa",
        number: "4242424242424242",
        brand: "visa",
        funding: "credit",
        country: "US",
        outcome: Outcome::Succeed,
    },
    TestCard {
        token: "pm_card_visa_debit",
        number: "4000056655665556",
        brand: "visa",
        funding: "debit",
        country: "US",
        outcome: Outcome::Succeed,
    },
    TestCard {
        token: "pm_card_mastercard",
        number: "5555555555554444",
        brand: "mastercard",
        funding: "credit",
        country: "US",
        outcome: Outcome::Succeed,
    },
    TestCard {
        token: "pm_card_de",
        number: "4000002760000016",
        brand: "visa",
        funding: "credit",
        country: "DE",
        outcome: Outcome::Succeed,
    },
    TestCard {
        token: "pm_card_chargeDeclined",
        number: "4000000000000002",
        brand: "visa",
        funding: "credit",
        country: "US",
        outcome: DECLINED,
    },
    TestCard {
        token: "pm_card_chargeDeclinedInsufficientFunds",
        number: "4000000000009995",
        brand: "visa",
        funding: "credit",
        country: "US",
        outcome: Outcome::Decline {
            code: "card_declined",
            decline_code: "insufficient_funds",
            message: "Your card has insufficient funds.",
        },
    },
    TestCard {
        token: "pm_card_chargeDeclinedExpiredCard",
        number: "4000000000000069",
        brand: "visa",
        funding: "credit",
        country: "US",
        outcome: Outcome::Decline {
            code: "expired_card",
            decline_code: "expired_card",
            message: "Your card has expired.",
        },
    },
    TestCard {
        token: "pm_card_authenticationRequiredSetupForOffSession",
        number: "4000002500003155",
        brand: "visa",
        funding: "credit",
        country: "US",
        outcome: Outcome::AuthUnlessSaved,
    },
    TestCard {
        token: "pm_card_authenticationRequired",
        number: "4000002760003184",
        brand: "visa",
        funding: "credit",
        country: "DE",
        outcome: Outcome::AuthAlways,
    },
];

pub fn by_token(token: &str) -> Option<&'static TestCard> {
    CARDS.iter().find(|c| c.token == token)
}

/// A card by number (spaces ignored); unknown numbers are refused like an invalid number.
pub fn by_number(number: &str) -> Option<&'static TestCard> {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    CARDS.iter().find(|c| c.number == digits)
}

/// The card behind a stored payment method, from its brand and last four digits.
pub fn of_payment_method(pm: &serde_json::Value) -> Option<&'static TestCard> {
    let last4 = pm["card"]["last4"].as_str()?;
    let brand = pm["card"]["brand"].as_str()?;
    CARDS
        .iter()
        .find(|c| c.last4() == last4 && c.brand == brand)
}
