//! Messages to visitors (booking confirmations, reminders) through the outbox:
//! written in the transaction that causes them, sent by a worker with retries
//! and backoff, never deleted. Channels: e-mail over SMTP, a webhook for an
//! SMS/WhatsApp gateway, and `demo` (kept for the demo's message page).

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use hmac::{Hmac, KeyInit, Mac};
use satuatap_store::{NewMessage, OutboxRow, Tx};
use serde::Serialize;
use sha2::Sha256;

use crate::{App, Error, Result};

/// Where messages go. Without SMTP or a webhook, messages wait in the outbox
/// (retried, never lost) until one is configured; a demo shows them on a page.
#[derive(Debug, Clone, Default)]
pub struct Messaging {
    /// `smtp://user:password@host:port` (plain SMTP, e.g. a local relay),
    /// `smtp://…?tls=starttls` (STARTTLS required, port 587 by default) or
    /// `smtps://…` (TLS from the first byte, port 465 by default).
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    /// Receives `{"channel":"sms","to":"08…","text":"…"}` with an HMAC signature.
    pub webhook_url: Option<String>,
    pub webhook_secret: Option<String>,
    /// Deliver to the demo's message page instead of sending.
    pub demo: bool,
}

/// A message as the demo page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ShownMessage {
    pub id: i64,
    pub kind: String,
    pub channel: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub status: satuatap_domain::booking::MessageStatus,
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
    pub send_at: DateTime<Utc>,
    pub last_error: Option<String>,
}

/// Whom a booking message goes to and what it is about (contacts still sealed).
pub(crate) struct Recipient<'a> {
    pub booking_id: i64,
    pub mpp_id: i64,
    pub code: &'a str,
    pub name: &'a str,
    pub service_name: &'a str,
    pub mpp_name: &'a str,
    pub starts_at: DateTime<Utc>,
    pub tz: Tz,
    pub check_in_before: i64,
    pub email_sealed: Option<&'a str>,
    pub email_masked: Option<&'a str>,
    pub phone_sealed: Option<&'a str>,
    pub phone_masked: Option<&'a str>,
}

/// How the mail server is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain SMTP (a relay on the same host or network).
    None,
    /// Plain first, then STARTTLS, which must succeed.
    StartTls,
    /// TLS from the first byte (SMTPS).
    Implicit,
}

/// A mail server from `SATUATAP_SMTP_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpTarget {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub credentials: Option<(String, String)>,
}

impl SmtpTarget {
    pub fn parse(url: &str) -> std::result::Result<SmtpTarget, String> {
        let u = reqwest::Url::parse(url).map_err(|e| format!("SMTP URL: {e}"))?;
        let host = u.host_str().ok_or("SMTP URL has no host")?.to_string();
        let asked = u.query_pairs().find(|(k, _)| k == "tls").map(|(_, v)| v.to_string());
        let tls = match (u.scheme(), asked.as_deref()) {
            ("smtps", None | Some("implicit")) => SmtpTls::Implicit,
            ("smtp", None | Some("none")) => SmtpTls::None,
            ("smtp", Some("starttls")) => SmtpTls::StartTls,
            ("smtp", Some("implicit")) => SmtpTls::Implicit,
            (scheme, tls) => {
                return Err(format!(
                    "SMTP URL: use smtp://, smtp://…?tls=starttls or smtps:// (got {scheme}:// with tls={})",
                    tls.unwrap_or("-")
                ));
            }
        };
        let port = u.port().unwrap_or(match tls {
            SmtpTls::None => 25,
            SmtpTls::StartTls => 587,
            SmtpTls::Implicit => 465,
        });
        // `%40` → `@` in a user name or password written into the URL.
        let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
        let credentials =
            (!u.username().is_empty()).then(|| (decode(u.username()), decode(u.password().unwrap_or_default())));
        Ok(SmtpTarget { host, port, tls, credentials })
    }
}

/// Seconds to wait before attempt `n + 1`: quick at first, then at most six hours.
pub fn backoff(attempts: i64) -> Duration {
    let minutes = match attempts {
        0 => 0,
        1 => 1,
        2 => 5,
        3 => 15,
        4 => 60,
        _ => 360,
    };
    Duration::minutes(minutes).max(Duration::seconds(30))
}

impl App {
    pub(crate) fn email_channel(&self) -> &'static str {
        if self.messaging.smtp_url.is_none() && self.messaging.demo { "demo" } else { "email" }
    }

    pub(crate) fn phone_channel(&self) -> &'static str {
        if self.messaging.webhook_url.is_none() && self.messaging.demo { "demo" } else { "webhook" }
    }

    /// Queue `text` to each contact a person left (`(sealed, masked)` e-mail and phone), in the
    /// caller's transaction, to be sent now.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn message_contacts(
        &self,
        tx: &mut Tx,
        mpp_id: i64,
        kind: &str,
        subject: &str,
        text: &str,
        email: Option<(&str, &str)>,
        phone: Option<(&str, &str)>,
    ) -> Result<()> {
        let now = self.now();
        let to = [email.map(|c| (self.email_channel(), c)), phone.map(|c| (self.phone_channel(), c))];
        for (channel, (sealed, masked)) in to.into_iter().flatten() {
            let message = NewMessage {
                mpp_id: Some(mpp_id),
                booking_id: None,
                kind: kind.into(),
                channel: channel.into(),
                recipient_sealed: sealed.into(),
                recipient_masked: masked.into(),
                subject: subject.into(),
                body_sealed: self.keys.seal(text)?,
                send_at: now,
            };
            tx.enqueue_message(&message, now).await?;
        }
        Ok(())
    }

    /// Queue the message about a booking (`booked`, `rescheduled` or `cancelled`)
    /// to each of its contacts, and for a coming visit the reminder a day before.
    pub(crate) async fn enqueue_booking_messages(&self, tx: &mut Tx, kind: &str, to: &Recipient<'_>) -> Result<()> {
        let now = self.now();
        let local = to.starts_at.with_timezone(&to.tz);
        let when = format!("{} pukul {}", local.format("%d-%m-%Y"), local.format("%H:%M"));
        let when_en = format!("{} at {}", local.format("%d-%m-%Y"), local.format("%H:%M"));
        let (name, service, mpp, code) = (to.name, to.service_name, to.mpp_name, to.code);
        let (subject, text) = match kind {
            "cancelled" => (
                "Pemesanan dibatalkan / Booking cancelled",
                format!(
                    "Halo {name}, pemesanan {code} untuk {service} di {mpp} pada {when} sudah dibatalkan. \
                     (Booking {code} for {service} on {when_en} was cancelled.)"
                ),
            ),
            "rescheduled" => (
                "Jadwal dipindah / Booking moved",
                format!(
                    "Halo {name}, pemesanan {code} untuk {service} di {mpp} dipindah ke {when}. Kode tetap sama. \
                     Check-in di kios antrean mulai {} menit sebelum jadwal. \
                     (Booking {code} moved to {when_en}; the code stays the same.)",
                    to.check_in_before
                ),
            ),
            _ => (
                "Pemesanan berhasil / Booking confirmed",
                format!(
                    "Halo {name}, pemesanan Anda untuk {service} di {mpp} pada {when} berhasil. Kode pemesanan: {code}. \
                     Tunjukkan kode ini atau pindai QR-nya di kios antrean mulai {} menit sebelum jadwal. \
                     (Booking confirmed: {service}, {when_en}, code {code}.)",
                    to.check_in_before
                ),
            ),
        };
        let remind = format!(
            "Pengingat: besok {when} Anda terjadwal untuk {service} di {mpp}. Kode: {code}. \
             Batalkan bila tidak jadi datang agar kuotanya dapat dipakai orang lain. (Reminder: {when_en}, code {code}.)"
        );
        let mut contacts: Vec<(&str, &str, &str)> = Vec::new();
        if let (Some(sealed), Some(masked)) = (to.email_sealed, to.email_masked) {
            contacts.push((self.email_channel(), sealed, masked));
        }
        if let (Some(sealed), Some(masked)) = (to.phone_sealed, to.phone_masked) {
            contacts.push((self.phone_channel(), sealed, masked));
        }
        for (channel, sealed, masked) in contacts {
            let mut plan = vec![(kind, subject, text.as_str(), now)];
            let remind_at = to.starts_at - Duration::days(1);
            if kind != "cancelled" && remind_at > now + Duration::hours(1) {
                plan.push(("reminder", "Pengingat jadwal / Appointment reminder", remind.as_str(), remind_at));
            }
            for (kind, subject, body, send_at) in plan {
                tx.enqueue_message(
                    &NewMessage {
                        mpp_id: Some(to.mpp_id),
                        booking_id: Some(to.booking_id),
                        kind: kind.to_string(),
                        channel: channel.to_string(),
                        recipient_sealed: sealed.to_string(),
                        recipient_masked: masked.to_string(),
                        subject: subject.to_string(),
                        body_sealed: self.keys.seal(body)?,
                        send_at,
                    },
                    now,
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn deliver(&self, m: &OutboxRow) -> std::result::Result<(), String> {
        let to = self.keys.open(&m.recipient_sealed).map_err(|e| e.to_string())?;
        let body = self.keys.open(&m.body_sealed).map_err(|e| e.to_string())?;
        match m.channel.as_str() {
            "demo" => Ok(()),
            "email" => {
                use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
                let url = self.messaging.smtp_url.as_deref().ok_or("SMTP is not configured (SATUATAP_SMTP_URL)")?;
                let from = self.messaging.mail_from.as_deref().unwrap_or("satuatap <noreply@localhost>");
                let email = Message::builder()
                    .from(from.parse().map_err(|e| format!("sender: {e}"))?)
                    .to(to.parse().map_err(|e| format!("recipient: {e}"))?)
                    .subject(m.subject.clone())
                    .body(body)
                    .map_err(|e| e.to_string())?;
                let smtp = SmtpTarget::parse(url)?;
                let mut builder =
                    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.clone()).port(smtp.port);
                if smtp.tls != SmtpTls::None {
                    let params = lettre::transport::smtp::client::TlsParameters::new(smtp.host.clone())
                        .map_err(|e| format!("TLS: {e}"))?;
                    builder = builder.tls(match smtp.tls {
                        SmtpTls::StartTls => lettre::transport::smtp::client::Tls::Required(params),
                        _ => lettre::transport::smtp::client::Tls::Wrapper(params),
                    });
                }
                if let Some((user, password)) = smtp.credentials {
                    builder =
                        builder.credentials(lettre::transport::smtp::authentication::Credentials::new(user, password));
                }
                let mailer = builder.build();
                mailer.send(email).await.map(|_| ()).map_err(|e| e.to_string())
            }
            "webhook" => {
                let url =
                    self.messaging.webhook_url.as_deref().ok_or("no webhook is configured (SATUATAP_WEBHOOK_URL)")?;
                let payload = serde_json::json!({"channel": "sms", "to": to, "text": body, "id": m.id, "kind": m.kind});
                let raw = serde_json::to_vec(&payload).map_err(|e| e.to_string())?;
                let mut req = reqwest::Client::new()
                    .post(url)
                    .header("content-type", "application/json")
                    .timeout(std::time::Duration::from_secs(10));
                if let Some(secret) = &self.messaging.webhook_secret {
                    let mut mac =
                        <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).map_err(|e| e.to_string())?;
                    mac.update(&raw);
                    let sig: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
                    req = req.header("x-satuatap-signature", format!("sha256={sig}"));
                }
                let r = req.body(raw).send().await.map_err(|e| e.to_string())?;
                if r.status().is_success() { Ok(()) } else { Err(format!("gateway answered {}", r.status())) }
            }
            other => Err(format!("unknown channel {other}")),
        }
    }

    /// Send what is due; each message is claimed first so two workers never
    /// send it twice, and a failure leaves it pending for the next attempt.
    pub async fn send_due_messages(&self) -> Result<(usize, usize)> {
        let now = self.now();
        let due = {
            let mut r = self.store.read().await?;
            r.due_messages(now, 50).await?
        };
        let (mut sent, mut failed) = (0, 0);
        for m in due {
            let mut tx = self.store.begin().await?;
            let claimed = tx.claim_message(m.id, m.attempts, now + backoff(m.attempts + 1)).await?;
            tx.commit().await?;
            if !claimed {
                continue;
            }
            let result = self.deliver(&m).await;
            let mut tx = self.store.begin().await?;
            match result {
                Ok(()) => {
                    tx.message_sent(m.id, self.now()).await?;
                    sent += 1;
                }
                Err(e) => {
                    tracing::warn!(message = m.id, error = %e, "message not sent; will retry");
                    tx.message_failed(m.id, &e).await?;
                    failed += 1;
                }
            }
            tx.commit().await?;
        }
        Ok((sent, failed))
    }

    /// The latest messages, readable (the demo's page; staff outbox view).
    /// The demo's messages, shown instead of sent: staff only (they name visitors
    /// and codes), each of their own MPP; national admins see all.
    pub async fn demo_outbox(&self, actor: &crate::Actor, limit: i64) -> Result<Vec<ShownMessage>> {
        actor.require(actor.role.is_staff())?;
        let scope = if actor.is_national() { None } else { Some(actor.mpp_id.ok_or(crate::Error::Forbidden)?) };
        self.shown_messages(scope, Some("demo"), limit).await
    }

    pub async fn shown_messages(
        &self,
        mpp_id: Option<i64>,
        channel: Option<&str>,
        limit: i64,
    ) -> Result<Vec<ShownMessage>> {
        let mut r = self.store.read().await?;
        let rows = r.messages(mpp_id, channel, limit).await?;
        rows.into_iter()
            .map(|m| {
                Ok(ShownMessage {
                    to: self.keys.open(&m.recipient_sealed)?,
                    body: self.keys.open(&m.body_sealed)?,
                    id: m.id,
                    kind: m.kind,
                    channel: m.channel,
                    subject: m.subject,
                    status: m.status.0,
                    attempts: m.attempts,
                    created_at: m.created_at,
                    send_at: m.next_attempt_at,
                    last_error: m.last_error,
                })
            })
            .collect::<Result<Vec<_>, Error>>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_choose_how_the_server_is_reached() {
        let t = SmtpTarget::parse("smtp://relay.local").unwrap();
        assert_eq!((t.port, t.tls, t.credentials), (25, SmtpTls::None, None));
        let t = SmtpTarget::parse("smtp://mpp%40kotabogor.go.id:rahasia%21@mail.kotabogor.go.id?tls=starttls").unwrap();
        assert_eq!((t.host.as_str(), t.port, t.tls), ("mail.kotabogor.go.id", 587, SmtpTls::StartTls));
        assert_eq!(t.credentials, Some(("mpp@kotabogor.go.id".into(), "rahasia!".into())));
        let t = SmtpTarget::parse("smtps://u:p@mail.example.id").unwrap();
        assert_eq!((t.port, t.tls), (465, SmtpTls::Implicit));
        assert_eq!(SmtpTarget::parse("smtps://mail.example.id:2465").unwrap().port, 2465);
        assert!(SmtpTarget::parse("smtp://mail.example.id?tls=maybe").is_err());
        assert!(SmtpTarget::parse("http://mail.example.id").is_err());
        assert!(SmtpTarget::parse("smtp://").is_err());
    }
}
