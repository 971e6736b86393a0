//! The HTTP client the oauth2 crate sends token requests with: core's hyper + rustls stack (the one
//! Stripe uses), with a timeout, following no redirects (a token endpoint never redirects, and
//! following one could hand the code to someone else). Plain `http://` is accepted only for an
//! endpoint on this computer, which is what tests run.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::rt::TokioExecutor;
use oauth2::url::Url;
use oauth2::{HttpRequest, HttpResponse};
use std::future::Future;
use std::time::Duration;

use super::super::errors::MailError;
use super::super::settings::is_loopback;

/// Why a token request got no answer. Its text ends up in owner-facing messages.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct HttpError(String);

#[derive(Clone)]
pub(crate) struct OAuthHttp {
    client: HyperClient<HttpsConnector<HttpConnector>, Full<Bytes>>,
    timeout: Duration,
}

impl OAuthHttp {
    pub fn new(timeout: Duration) -> Result<OAuthHttp, MailError> {
        let tls = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
            .map_err(|e| MailError::Config(format!("secure connections couldn't be set up ({e})")))?
            .https_or_http()
            .enable_http1()
            .build();
        Ok(OAuthHttp {
            client: HyperClient::builder(TokioExecutor::new()).build(tls),
            timeout,
        })
    }

    /// A function of the shape oauth2's `request_async` takes.
    pub fn as_oauth2(
        &self,
    ) -> impl Fn(
        HttpRequest,
    )
        -> std::pin::Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send>> {
        let this = self.clone();
        move |request| {
            let this = this.clone();
            Box::pin(async move { this.call(request).await })
        }
    }

    async fn call(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let (parts, body) = request.into_parts();
        let request = hyper::Request::from_parts(parts, Full::new(Bytes::from(body)));
        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| HttpError(connect_reason(&e)))?;
            let (parts, body) = response.into_parts();
            let body = body
                .collect()
                .await
                .map_err(|e| HttpError(format!("the answer broke off ({e})")))?
                .to_bytes();
            Ok(HttpResponse::from_parts(parts, body.to_vec()))
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(HttpError(format!(
                "it didn't answer within {} seconds",
                self.timeout.as_secs()
            ))),
        }
    }
}

fn connect_reason(e: &hyper_util::client::legacy::Error) -> String {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return match io.kind() {
                std::io::ErrorKind::ConnectionRefused => {
                    "nothing is accepting connections there (connection refused)".into()
                }
                _ => io.to_string(),
            };
        }
        source = err.source();
    }
    e.to_string()
}

/// A provider endpoint Paydesk may talk to: HTTPS, or HTTP on this computer (tests).
pub(crate) fn endpoint(url: &str) -> Result<Url, MailError> {
    let parsed = Url::parse(url)
        .map_err(|e| MailError::Config(format!("\"{url}\" isn't a web address ({e})")))?;
    let host = parsed.host_str().unwrap_or("").trim_matches(['[', ']']);
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if is_loopback(host) => Ok(parsed),
        _ => Err(MailError::Config(format!(
            "the sign-in address \"{url}\" must start with https://"
        ))),
    }
}
