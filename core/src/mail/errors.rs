//! What can go wrong sending email, in words a salon owner can act on. Each message names the server
//! (`smtp.example.com:587`) and says what to check. None of them can hold a secret: they are built
//! from the server's name, the user name, the server's reply (servers don't echo passwords) and the
//! network or TLS library's description of what failed.

/// A mail failure. `Error::Mail` carries it to the front ends; `code()` names it for them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    #[error("Set up email in Settings → Email first.")]
    NotConfigured,

    #[error(
        "There's no password for {username} saved on this computer. Enter it again in \
         Settings → Email."
    )]
    PasswordMissing { username: String },

    #[error(
        "The mail server refused the username or password for {username}. Check them in \
         Settings → Email. Gmail, Outlook and iCloud need an app password here, not the one you \
         sign in with. (The server said: {reply})"
    )]
    Login { username: String, reply: String },

    /// XOAUTH2 refused: the signed-in account isn't the address, or the sign-in lost its rights.
    #[error(
        "The mail server refused the sign-in for {username}. Sign in with {provider} again in \
         Settings → Email, with the account of that address. (The server said: {reply})"
    )]
    SignInRefused {
        provider: String,
        username: String,
        reply: String,
    },

    /// No usable sign-in: never made on this computer, expired, or revoked by the owner.
    #[error(
        "Paydesk isn't signed in with {provider} any more (the sign-in expired or was withdrawn). \
         Sign in with {provider} again in Settings → Email."
    )]
    SignInNeeded { provider: String },

    /// The "Sign in with…" flow itself didn't finish.
    #[error("Signing in with {provider} didn't work: {reason}.")]
    SignIn { provider: String, reason: String },

    #[error(
        "{server} wants a login before it sends email. Enter your user name and password in \
         Settings → Email."
    )]
    LoginRequired { server: String },

    #[error(
        "Couldn't reach {server}: {reason}. Check the server name and port in Settings → Email, \
         and that this computer is online."
    )]
    Unreachable { server: String, reason: String },

    #[error(
        "Couldn't make a secure connection to {server}: {reason}. Check the security setting in \
         Settings → Email (port 587 usually uses STARTTLS, port 465 TLS)."
    )]
    Tls { server: String, reason: String },

    /// The server turned the email down after logging in (unknown sender, relay denied, too big…).
    #[error("{server} refused the email: {reply}")]
    Rejected { server: String, reply: String },

    /// The server is busy or limiting for now (4xx); trying later usually works.
    #[error("{server} couldn't take the email right now: {reply}. Try again in a few minutes.")]
    TryLater { server: String, reply: String },

    #[error("Sending through {server} failed: {detail}")]
    Failed { server: String, detail: String },

    #[error("Paydesk's email settings are wrong: {0}")]
    Config(String),
}

impl MailError {
    /// A stable name for front ends; `Error::code` passes it through.
    pub fn code(&self) -> &'static str {
        match self {
            MailError::NotConfigured => "mail_not_configured",
            MailError::PasswordMissing { .. } => "mail_password_missing",
            MailError::Login { .. }
            | MailError::LoginRequired { .. }
            | MailError::SignInRefused { .. } => "mail_login",
            MailError::SignInNeeded { .. } => "mail_sign_in_needed",
            MailError::SignIn { .. } => "mail_sign_in",
            MailError::Unreachable { .. } => "mail_unreachable",
            MailError::Tls { .. } => "mail_tls",
            MailError::Rejected { .. } => "mail_rejected",
            MailError::TryLater { .. } => "mail_try_later",
            MailError::Failed { .. } => "mail_failed",
            MailError::Config(_) => "mail_config",
        }
    }
}
