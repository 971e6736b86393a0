//! Sending with the saved settings: who it is from, the login (password from the keychain), the
//! session. Every check that needs no server (settings present, recipient valid) happens before a
//! connection is made.

use lettre::Message;

use super::errors::MailError;
use super::message::{compose, recipient, OutgoingEmail, Sender};
use super::settings::{SmtpConfig, PASSWORD_USER};
use super::transport::{deliver, Login};
use super::Mail;
use crate::error::Result;

impl Mail {
    /// Sends one email through the configured server and returns its Message-ID.
    pub async fn send(&self, email: &OutgoingEmail) -> Result<String> {
        let config = self.config().await?;
        let sender = self.sender(&config).await?;
        let (message, message_id) = compose(email, &sender, self.app.now())?;
        self.deliver(&config, &message).await?;
        Ok(message_id)
    }

    /// Sends a short test email to `to` (usually the owner), to try the settings. Returns its
    /// Message-ID.
    pub async fn send_test(&self, to: &str) -> Result<String> {
        recipient("to", to)?;
        let config = self.config().await?;
        let text_body = format!(
            "This is a test email from Paydesk.\n\n\
             It went out through {} from {}. If you can read it, your invoices will reach your \
             clients the same way.\n",
            config.server(),
            config.from_address
        );
        self.send(&OutgoingEmail {
            to: to.to_string(),
            subject: "Paydesk test email".into(),
            text_body,
            html_body: None,
            attachments: vec![],
        })
        .await
    }

    /// The From (and Reply-To) of every email: the settings' sender name, or the business name.
    pub(crate) async fn sender(&self, config: &SmtpConfig) -> Result<Sender> {
        let from_name = if config.from_name.is_empty() {
            self.app.business().await?.name
        } else {
            config.from_name.clone()
        };
        Ok(Sender {
            from_name,
            from_address: config.from_address.clone(),
            reply_to: config.reply_to.clone(),
        })
    }

    /// Logs in (password or sign-in from the keychain) and hands `message` to the server.
    pub(crate) async fn deliver(&self, config: &SmtpConfig, message: &Message) -> Result<()> {
        let login = self.login(config).await?;
        deliver(config, login.as_ref(), &self.settings, message).await?;
        Ok(())
    }

    async fn login(&self, config: &SmtpConfig) -> Result<Option<Login>> {
        if let Some(provider) = config.auth.provider() {
            return Ok(Some(Login::XOAuth2 {
                provider: provider.name(),
                username: config.username.clone(),
                token: self.oauth_access_token(provider).await?,
            }));
        }
        if config.username.is_empty() {
            return Ok(None);
        }
        let password = self
            .settings
            .keychain
            .load_secret(PASSWORD_USER)
            .await?
            .ok_or_else(|| MailError::PasswordMissing {
                username: config.username.clone(),
            })?;
        Ok(Some(Login::Password {
            username: config.username.clone(),
            password,
        }))
    }
}
