//! HTTP helpers for the simulator's integration tests.
#![allow(dead_code)]

use reqwest::header::HeaderMap;
use serde_json::Value;
use stripe_sim::{Mode, Simulator};

/// A response, read completely.
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `error.message`.
    pub fn message(&self) -> &str {
        self.json["error"]["message"].as_str().unwrap_or("")
    }

    /// Ids of a list response's `data`, in order.
    pub fn ids(&self) -> Vec<String> {
        self.json["data"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|o| o["id"].as_str().unwrap().to_string())
            .collect()
    }

    #[track_caller]
    pub fn ok(self) -> Value {
        assert_eq!(
            self.status, 200,
            "expected 200, got {}: {}",
            self.status, self.text
        );
        self.json
    }
}

/// A client bound to one API key.
#[derive(Clone)]
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
    pub key: String,
}

impl Api {
    pub fn new(sim: &Simulator, key: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: sim.base_url(),
            key: key.to_string(),
        }
    }

    pub fn test(sim: &Simulator) -> Self {
        Self::new(sim, &sim.secret_key(Mode::Test))
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path.trim_start_matches('/'))
    }

    async fn send(&self, rb: reqwest::RequestBuilder) -> Resp {
        let r = rb
            .bearer_auth(&self.key)
            .send()
            .await
            .expect("request failed");
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.expect("body");
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            text,
            json,
        }
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Resp {
        self.send(self.http.post(self.url(path)).form(form)).await
    }

    pub async fn post_idem(&self, path: &str, form: &[(&str, &str)], key: &str) -> Resp {
        self.send(
            self.http
                .post(self.url(path))
                .form(form)
                .header("Idempotency-Key", key),
        )
        .await
    }

    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Resp {
        self.send(self.http.get(self.url(path)).query(query)).await
    }

    pub async fn delete(&self, path: &str) -> Resp {
        self.send(self.http.delete(self.url(path))).await
    }

    /// Creates a customer and returns its id.
    pub async fn customer(&self, email: &str) -> String {
        let c = self.post("/v1/customers", &[("email", email)]).await.ok();
        c["id"].as_str().unwrap().to_string()
    }

    /// Creates a one-item payment link with inline price data and returns it.
    pub async fn link(&self, currency: &str, amount: &str, extra: &[(&str, &str)]) -> Resp {
        let mut form = vec![
            ("line_items[0][price_data][currency]", currency),
            ("line_items[0][price_data][unit_amount]", amount),
            (
                "line_items[0][price_data][product_data][name]",
                "Invoice 2026-001",
            ),
            ("line_items[0][quantity]", "1"),
        ];
        form.extend_from_slice(extra);
        self.post("/v1/payment_links", &form).await
    }
}
