//! Where the browser comes back to after signing in: a one-page web server on 127.0.0.1 and a port
//! the system picks (RFC 8252 §7.3). Only this computer can reach it, and it lives for one sign-in.
//! It answers every request with a short page; the one carrying our `state` ends the wait.

use oauth2::url::form_urlencoded;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::super::errors::MailError;

pub(crate) struct Redirect {
    listener: TcpListener,
    uri: String,
}

/// What the browser brought back.
enum Callback {
    Code(String),
    /// The provider said no (`access_denied` when the owner pressed Cancel).
    Refused(String),
    /// Anything else: a favicon request, a stale tab from an earlier sign-in.
    Other,
}

impl Redirect {
    pub async fn bind() -> std::io::Result<Redirect> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let uri = format!("http://127.0.0.1:{}/", listener.local_addr()?.port());
        Ok(Redirect { listener, uri })
    }

    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// Waits for the redirect that carries `state`, and returns its authorization code.
    /// `provider` and `limit` are for the messages.
    pub async fn code(
        &self,
        state: &str,
        provider: &str,
        limit: Duration,
    ) -> Result<String, MailError> {
        let failed = |reason: String| MailError::SignIn {
            provider: provider.to_string(),
            reason,
        };
        let wait = async {
            loop {
                let Ok((stream, _)) = self.listener.accept().await else {
                    continue;
                };
                match answer(stream, state).await {
                    Callback::Code(code) => return Ok(code),
                    Callback::Refused(error) if error == "access_denied" => {
                        return Err(failed("the sign-in was cancelled".into()))
                    }
                    Callback::Refused(error) => {
                        return Err(failed(format!("{provider} answered \"{error}\"")))
                    }
                    Callback::Other => {}
                }
            }
        };
        tokio::time::timeout(limit, wait).await.unwrap_or_else(|_| {
            Err(failed(format!(
                "it didn't finish within {} minutes. Try again",
                limit.as_secs().div_ceil(60)
            )))
        })
    }
}

/// Reads one request, answers it with a page, and says what it carried.
async fn answer(mut stream: TcpStream, state: &str) -> Callback {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    // The request line is all we need; a browser sends it at once. Cap what we read.
    let read = tokio::time::timeout(Duration::from_secs(5), async {
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    if read.is_err() {
        return Callback::Other;
    }
    let text = String::from_utf8_lossy(&head);
    let target = text.split_whitespace().nth(1).unwrap_or("");
    let query = target.split_once('?').map_or("", |(_, q)| q);
    let mut code = None;
    let mut error = None;
    let mut ours = false;
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "code" => code = Some(value.into_owned()),
            "error" => error = Some(value.into_owned()),
            // Compared in full: a redirect without our state may come from another page.
            "state" => ours = value == state,
            _ => {}
        }
    }
    let (callback, status, message) = match (ours, code, error) {
        (true, Some(code), _) => (
            Callback::Code(code),
            "200 OK",
            "You're signed in. You can close this window and go back to Paydesk.",
        ),
        (true, None, Some(error)) => (
            Callback::Refused(error),
            "200 OK",
            "Sign-in didn't finish. You can close this window; Paydesk says what happened.",
        ),
        _ => (
            Callback::Other,
            "404 Not Found",
            "This page belongs to a Paydesk sign-in that is over. You can close this window.",
        ),
    };
    let body = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Paydesk</title></head>\
         <body style=\"font-family: sans-serif\"><p>{message}</p></body></html>"
    );
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Connection: close\r\nCache-Control: no-store\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
    callback
}
