//! Paydesk's Stripe client: async-stripe 1.0's typed requests, sent by our own transport.
//!
//! async-stripe lets any type implementing its `StripeClient` trait send its requests. We implement
//! it ourselves (over the same hyper + rustls stack async-stripe uses) because its bundled client
//! can't do what a till needs: it has no timeout by default, it hides response headers such as
//! `Stripe-Should-Retry`, and it can't retry a write while keeping the idempotency key (see
//! retry.rs). Every request here has a timeout, reads and keyed writes are retried with backoff, and
//! a write without a key is sent exactly once.

use ::stripe::{IdempotencyKey, RequestStrategy, StripeRequest};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
/// The HTTP method type `StripeClient::request` takes.
pub use hyper::Method;
use hyper::Request;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::rt::TokioExecutor;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use stripe_client_core::{CustomizedStripeRequest, StripeClientErr, StripeMethod};

use super::errors::StripeError;
use super::key::StripeMode;
use super::keychain::Keychain;
use super::retry::{Attempt, RetryPolicy};
use super::secret::Secret;

/// Overrides Stripe's address, for a simulator or a stand-in (`http://127.0.0.1:PORT/`).
pub const API_BASE_ENV: &str = "PAYDESK_STRIPE_API_BASE";
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com/";
/// Long enough for Stripe's slowest calls (a card charge with 3-D Secure checks), short enough that
/// the owner isn't left staring at a spinner.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How Paydesk reaches Stripe and where it keeps keys. `from_env` is what the app and CLI use;
/// tests build their own.
#[derive(Debug, Clone)]
pub struct StripeSettings {
    pub api_base: String,
    pub timeout: Duration,
    pub retry: RetryPolicy,
    pub keychain: Keychain,
}

impl StripeSettings {
    pub fn from_env() -> StripeSettings {
        StripeSettings {
            api_base: std::env::var(API_BASE_ENV)
                .ok()
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_API_BASE.to_string()),
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            keychain: Keychain::from_env(),
        }
    }
}

/// Whether a request may be sent more than once.
#[derive(Debug, Clone)]
pub enum Repeat {
    /// Reads, and POSTs that can't change anything (permission probes).
    Safe,
    /// A write carrying the idempotency key Stripe uses to recognise a repeat.
    Keyed(IdempotencyKey),
    /// A write without a key: sent once, because a repeat could act twice.
    Once,
}

/// A Stripe answer of any status.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    pub body: Bytes,
}

impl RawResponse {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

type Http = HyperClient<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// A client for one key in one mode. Cheap to clone.
#[derive(Clone)]
pub struct StripeClient {
    http: Http,
    base: String,
    secret: Secret,
    mode: StripeMode,
    timeout: Duration,
    retry: RetryPolicy,
    sent: Arc<AtomicU32>,
}

impl std::fmt::Debug for StripeClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeClient")
            .field("base", &self.base)
            .field("mode", &self.mode)
            .field("secret", &self.secret)
            .finish()
    }
}

impl StripeClient {
    pub fn new(
        secret: Secret,
        mode: StripeMode,
        settings: &StripeSettings,
    ) -> Result<StripeClient, StripeError> {
        let base = checked_base(&settings.api_base)?;
        let tls = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
            .map_err(|e| StripeError::Config(format!("TLS setup failed: {e}")))?
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .build();
        Ok(StripeClient {
            http: HyperClient::builder(TokioExecutor::new()).build(tls),
            base,
            secret,
            mode,
            timeout: settings.timeout,
            retry: settings.retry.clone(),
            sent: Arc::new(AtomicU32::new(0)),
        })
    }

    pub fn mode(&self) -> StripeMode {
        self.mode
    }

    /// How many HTTP requests this client (and its clones) has sent, retries included.
    pub fn requests_sent(&self) -> u32 {
        self.sent.load(Ordering::Relaxed)
    }

    /// Sends a typed read (or any request whose repeat is harmless), retrying as retry.rs says.
    pub async fn read<R>(&self, req: &R) -> Result<R::Output, StripeError>
    where
        R: StripeRequest,
        R::Output: miniserde::Deserialize,
    {
        req.customize().send(self).await
    }

    /// Sends a typed write with `key`, retrying with the same key. Take the key from a local record
    /// written before the call (`Stripe::new_write_key`), so a crash and a retry after restart
    /// reuse it too.
    pub async fn write<R>(&self, req: &R, key: IdempotencyKey) -> Result<R::Output, StripeError>
    where
        R: StripeRequest,
        R::Output: miniserde::Deserialize,
    {
        req.customize()
            .request_strategy(RequestStrategy::Idempotent(key))
            .send(self)
            .await
    }

    /// Sends one request, retrying per `repeat`, and returns Stripe's last answer whatever its
    /// status. Only a request that never got an answer is an error here.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        query: Option<&str>,
        body: Option<String>,
        repeat: Repeat,
    ) -> Result<RawResponse, StripeError> {
        let mut uri = format!("{}v1{}", self.base, path);
        if let Some(q) = query.filter(|q| !q.is_empty()) {
            uri.push('?');
            uri.push_str(q);
        }
        let mut auth =
            HeaderValue::try_from(format!("Bearer {}", self.secret.expose())).map_err(|_| {
                StripeError::Config("the key has characters a header can't carry".into())
            })?;
        // Keeps the header out of hyper's debug output and HTTP/2 header compression tables.
        auth.set_sensitive(true);
        let body = Bytes::from(body.unwrap_or_default());
        let started = Instant::now();
        let max_attempts = match repeat {
            Repeat::Once => 1,
            _ => self.retry.max_attempts.max(1),
        };
        let mut attempt_no = 1;
        loop {
            let mut builder = Request::builder()
                .method(method.clone())
                .uri(&uri)
                .header(AUTHORIZATION, auth.clone())
                .header(USER_AGENT, concat!("Paydesk/", env!("CARGO_PKG_VERSION")))
                .header("Stripe-Version", stripe_client_core::VERSION.as_str());
            if let Repeat::Keyed(key) = &repeat {
                builder = builder.header("Idempotency-Key", key.as_str());
            }
            if method == Method::POST {
                builder = builder.header(CONTENT_TYPE, "application/x-www-form-urlencoded");
            }
            let request = builder
                .body(Full::new(body.clone()))
                .map_err(|e| StripeError::Config(format!("bad request: {e}")))?;
            self.sent.fetch_add(1, Ordering::Relaxed);
            let outcome = self.send_once(request).await;
            let attempt = match &outcome {
                Ok((response, should_retry)) if !response.is_success() => Attempt::Status {
                    status: response.status,
                    should_retry: *should_retry,
                },
                Ok((response, _)) => return Ok(response.clone()),
                Err(_) => Attempt::NoAnswer,
            };
            let delay = self.retry.delay(attempt_no + 1);
            let out_of_budget = started.elapsed() + delay > self.retry.budget;
            if attempt_no >= max_attempts || out_of_budget || !RetryPolicy::retryable(attempt) {
                return outcome.map(|(response, _)| response);
            }
            tokio::time::sleep(delay).await;
            attempt_no += 1;
        }
    }

    /// One HTTP exchange under the timeout: the answer and its `Stripe-Should-Retry` header.
    async fn send_once(
        &self,
        request: Request<Full<Bytes>>,
    ) -> Result<(RawResponse, Option<bool>), StripeError> {
        let exchange = async {
            let response = self.http.request(request).await.map_err(|e| {
                let mut detail = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(cause) = source {
                    detail = format!("{detail}: {cause}");
                    source = cause.source();
                }
                StripeError::Unreachable { detail }
            })?;
            let status = response.status().as_u16();
            let should_retry = response
                .headers()
                .get("Stripe-Should-Retry")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<bool>().ok());
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|e| StripeError::Unreachable {
                    detail: format!("the answer was cut off: {e}"),
                })?
                .to_bytes();
            Ok((RawResponse { status, body }, should_retry))
        };
        tokio::time::timeout(self.timeout, exchange)
            .await
            .unwrap_or_else(|_| {
                Err(StripeError::Unreachable {
                    detail: format!("no answer within {:?}", self.timeout),
                })
            })
    }

    /// Sends a request and reads a 2xx answer as JSON; any other status becomes a `StripeError`.
    /// `label` says what is being done, for a permission error.
    pub async fn json(
        &self,
        method: Method,
        path: &str,
        query: Option<&str>,
        repeat: Repeat,
        label: &str,
    ) -> Result<serde_json::Value, StripeError> {
        let response = self.request(method, path, query, None, repeat).await?;
        if !response.is_success() {
            return Err(StripeError::from_response(
                response.status,
                &response.body,
                label,
            ));
        }
        serde_json::from_slice(&response.body).map_err(|e| StripeError::BadResponse {
            detail: e.to_string(),
        })
    }
}

impl StripeClientErr for StripeError {
    fn deserialize_err(msg: impl std::fmt::Display) -> Self {
        StripeError::BadResponse {
            detail: msg.to_string(),
        }
    }
}

impl stripe_client_core::StripeClient for StripeClient {
    type Err = StripeError;

    async fn execute(&self, req: CustomizedStripeRequest) -> Result<Bytes, StripeError> {
        let (req, config) = req.into_pieces();
        let key = config.request_strategy.and_then(|s| s.get_key());
        let method = match req.method {
            StripeMethod::Get => Method::GET,
            StripeMethod::Post => Method::POST,
            StripeMethod::Delete => Method::DELETE,
        };
        let repeat = match (key, &method) {
            (Some(key), _) => Repeat::Keyed(key),
            (None, &Method::GET) => Repeat::Safe,
            (None, _) => Repeat::Once,
        };
        let path = req.path;
        let response = self
            .request(method, &path, req.query.as_deref(), req.body, repeat)
            .await?;
        if response.is_success() {
            Ok(response.body)
        } else {
            Err(StripeError::from_response(
                response.status,
                &response.body,
                &path,
            ))
        }
    }
}

/// The base URL with a trailing slash. Plain http is allowed only to this computer (a simulator):
/// a key must never cross a network unencrypted.
fn checked_base(base: &str) -> Result<String, StripeError> {
    let base = base.trim();
    let uri: hyper::Uri = base
        .parse()
        .map_err(|_| StripeError::Config(format!("\"{base}\" isn't a web address")))?;
    let host = uri.host().unwrap_or_default();
    let local = matches!(host, "127.0.0.1" | "localhost" | "[::1]" | "::1");
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if local => {}
        _ => {
            return Err(StripeError::Config(format!(
                "\"{base}\" must start with https:// (plain http only to this computer)"
            )))
        }
    }
    Ok(if base.ends_with('/') {
        base.to_string()
    } else {
        format!("{base}/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(
            checked_base("https://api.stripe.com").unwrap(),
            "https://api.stripe.com/"
        );
        assert_eq!(
            checked_base("http://127.0.0.1:1234/").unwrap(),
            "http://127.0.0.1:1234/"
        );
        assert!(checked_base("http://example.com/").is_err());
        assert!(checked_base("ftp://127.0.0.1/").is_err());
        assert!(checked_base("not a url").is_err());
    }
}
