//! Delivers outbound webhooks: one `webhook_delivery` job POSTs one event to one subscription,
//! signed with the subscription's secret, and logs the attempt. A 2xx answer is done; any other
//! answer, a timeout or a connection error is retried with the queue's backoff. A subscription
//! deleted or deactivated meanwhile is skipped.
//!
//! Requests go through the guarded client ([`cchc_app::outbound`]): a URL whose host is (or
//! resolves to) an internal address is never contacted unless `CCHC_OUTBOUND_ALLOW` lists it,
//! and redirects are not followed. Every failure to get an answer is logged with the same
//! words, whatever the cause (the cause goes to the worker's log), so the delivery log cannot
//! be used to scan ports.

use std::time::Instant;

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

use cchc_app::jobs::WebhookDelivery;
use cchc_app::outbound::{AllowList, Options, Outbound};
use cchc_app::repo::jobs::{ClaimedJob, JobError};
use cchc_db::webhooks::{self, NewDelivery};
use cchc_domain::model::webhook::EventType;
use cchc_domain::rules::signature;
use cchc_domain::rules::webhooks::{excerpt, is_delivered, EXCERPT_CHARS, TIMEOUT, USER_AGENT};

/// Runs webhook deliveries, handed over by [`crate::dispatch::JobDispatcher`].
pub struct WebhookJobs {
    client: Outbound,
}

/// What the delivery log says of any attempt that got no answer.
pub const UNREACHABLE: &str = "the receiver could not be reached; the cause is in the worker's log";

impl WebhookJobs {
    /// Deliveries may reach the internal addresses `allow` lists (`CCHC_OUTBOUND_ALLOW`).
    pub fn new(allow: &AllowList) -> Result<Self, reqwest::Error> {
        // A redirect is an answer that is not 2xx: the subscription's URL should be fixed.
        let client = Outbound::new(
            allow.clone(),
            Options {
                timeout: Some(TIMEOUT),
                user_agent: Some(USER_AGENT),
                ..Options::default()
            },
        )?;
        Ok(Self { client })
    }
}

/// What an attempt got back.
struct Attempt {
    status: Option<u16>,
    error: Option<String>,
    excerpt: Option<String>,
}

impl WebhookJobs {
    async fn post(&self, url: &str, headers: [(&str, String); 3], body: Vec<u8>) -> Attempt {
        let unreachable = |cause: &dyn std::fmt::Display| {
            tracing::warn!(url, %cause, "a webhook delivery got no answer");
            Attempt {
                status: None,
                error: Some(UNREACHABLE.to_owned()),
                excerpt: None,
            }
        };
        let url = match reqwest::Url::parse(url) {
            Ok(url) => url,
            Err(error) => return unreachable(&error),
        };
        let mut request = self
            .client
            .request(reqwest::Method::POST, url)
            .header(reqwest::header::CONTENT_TYPE, "application/json");
        for (name, value) in headers {
            request = request.header(name, value);
        }
        match self.client.send(request.body(body)).await {
            Ok(mut response) => {
                let status = response.status().as_u16();
                // Read only what the log keeps (UTF-8 takes up to 4 bytes a character). The
                // status decides; an answer cut short is still an answer.
                let mut bytes = Vec::new();
                while bytes.len() < EXCERPT_CHARS * 4 {
                    match response.chunk().await {
                        Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                        Ok(None) | Err(_) => break,
                    }
                }
                let error =
                    (!is_delivered(status)).then(|| format!("the receiver answered HTTP {status}"));
                Attempt {
                    status: Some(status),
                    error,
                    excerpt: excerpt(&bytes),
                }
            }
            Err(error) => unreachable(&error),
        }
    }
}

impl WebhookJobs {
    /// Runs a delivery whose payload the dispatcher has read.
    pub(crate) async fn deliver(
        &self,
        conn: &mut AsyncPgConnection,
        job: &ClaimedJob,
        payload: WebhookDelivery,
        now: DateTime<Utc>,
    ) -> Result<String, JobError> {
        let Some(target) = webhooks::delivery_target(conn, payload.subscription_id).await? else {
            return Ok("skipped: the subscription was deleted".into());
        };
        if !target.active {
            return Ok("skipped: the subscription is inactive".into());
        }
        let (event_type, envelope) = cchc_db::events::envelope(conn, &payload.event_id)
            .await?
            .ok_or_else(|| {
                JobError::Permanent(format!("event {} does not exist", payload.event_id))
            })?;
        let wanted = target.event_types.contains(&event_type) || event_type == EventType::Ping;
        if !wanted && !payload.redelivery {
            return Ok(format!(
                "skipped: the subscription no longer takes {event_type}"
            ));
        }
        let body = serde_json::to_vec(&envelope)
            .map_err(|e| JobError::Permanent(format!("event JSON: {e}")))?;
        let timestamp = now.timestamp();
        let headers = [
            (signature::TIMESTAMP_HEADER, timestamp.to_string()),
            (
                signature::SIGNATURE_HEADER,
                signature::sign(target.secret.as_bytes(), timestamp, &body),
            ),
            (signature::EVENT_ID_HEADER, envelope.id.clone()),
        ];
        let started = Instant::now();
        let attempt = self.post(&target.url, headers, body).await;
        let duration_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        let succeeded = attempt.status.is_some_and(is_delivered);
        webhooks::record_delivery(
            conn,
            &NewDelivery {
                subscription_id: payload.subscription_id,
                event_id: &envelope.id,
                job_id: job.id,
                attempt: job.attempts + 1,
                redelivery: payload.redelivery,
                url: &target.url,
                requested_at: now,
                duration_ms,
                response_status: attempt.status.map(i32::from),
                error: attempt.error.clone(),
                response_excerpt: attempt.excerpt,
                succeeded,
            },
        )
        .await?;
        match (succeeded, attempt.status) {
            (true, Some(status)) => Ok(format!(
                "delivered {} to {}: HTTP {status} in {duration_ms} ms",
                envelope.id, target.url
            )),
            _ => Err(JobError::Temporary(attempt.error.unwrap_or_else(|| {
                "the receiver did not accept the event".into()
            }))),
        }
    }
}
