//! "Your turn is near": a visitor who left a phone number on their ticket (or
//! with the booking it came from) gets one message when the MPP's number of
//! people or fewer are ahead, or when called if that came first. A worker beside
//! the outbox checks the pending ones every few seconds, so calling a ticket costs
//! nothing extra; settling an alert is conditional, so two nodes never both send.

use std::collections::HashMap;

use satuatap_domain::booking::{mask_phone, parse_phone};
use satuatap_domain::queue::{QueueSettings, TicketStatus};
use satuatap_domain::validate::Invalid;
use serde::{Deserialize, Serialize};

use satuatap_store::MppRow;

use crate::error::Refusal;
use crate::{App, Error, Result};

/// Alerts looked at per round; the rest wait for the next one.
const ROUND: i64 = 500;

/// The number to message: what the ticket's page and `POST /tickets/{token}/alert` take.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TicketAlertInput {
    /// An Indonesian phone number (SMS or WhatsApp), e.g. `0812 3456 7890`.
    #[serde(default)]
    pub phone: Option<String>,
}

/// Whether and where a ticket's holder will hear that their turn is near.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TicketAlertView {
    /// The MPP's number of people ahead at which the message goes (0: the MPP sends none).
    pub ahead_at: i64,
    /// The number left, masked (`0812****890`); absent when none was left.
    pub phone_masked: Option<String>,
    /// The message went already.
    pub sent: bool,
}

impl App {
    /// A ticket's alert, by the ticket's secret token.
    pub async fn ticket_alert(&self, token: &str) -> Result<TicketAlertView> {
        let mut tx = self.store.read().await?;
        let t = tx.ticket_by_token(token.trim()).await?.ok_or(Error::NotFound)?;
        let m = tx.mpp(t.mpp_id).await?.ok_or(Error::NotFound)?;
        drop(tx);
        self.ticket_alert_of(t.id, &m).await
    }

    /// The alert of a ticket whose MPP the caller has read already (the ticket's page).
    pub async fn ticket_alert_of(&self, ticket_id: i64, m: &MppRow) -> Result<TicketAlertView> {
        let mut tx = self.store.read().await?;
        let row = tx.ticket_alert(ticket_id).await?;
        Ok(TicketAlertView {
            ahead_at: m.queue_settings.0.near_turn_ahead,
            sent: row.as_ref().is_some_and(|a| a.status == "sent"),
            phone_masked: row.map(|a| a.phone_masked),
        })
    }

    /// Leave a phone number on a waiting ticket to hear when the turn is near.
    pub async fn set_ticket_alert(&self, token: &str, input: &TicketAlertInput) -> Result<TicketAlertView> {
        let raw = input.phone.as_deref().map(str::trim).unwrap_or_default();
        if raw.is_empty() {
            return Err(Error::field("phone", Invalid::Required));
        }
        let phone = parse_phone(raw).ok_or_else(|| Error::field("phone", Invalid::Format { hint: "hint-phone" }))?;
        let mut r = self.store.read().await?;
        let t = r.ticket_by_token(token.trim()).await?.ok_or(Error::NotFound)?;
        let m = r.mpp(t.mpp_id).await?.ok_or(Error::NotFound)?;
        drop(r);
        if m.queue_settings.0.near_turn_ahead == 0 {
            return Err(Error::refused(Refusal::NearTurnOff));
        }
        if t.status.0 != TicketStatus::Waiting {
            return Err(Error::refused(Refusal::NearTurnClosed));
        }
        let mut tx = self.store.begin().await?;
        tx.set_ticket_alert(t.id, t.mpp_id, &self.keys.seal(&phone)?, &mask_phone(&phone), self.now()).await?;
        tx.commit().await?;
        self.ticket_alert_of(t.id, &m).await
    }

    /// Take the number back before the message went.
    pub async fn remove_ticket_alert(&self, token: &str) -> Result<TicketAlertView> {
        let mut r = self.store.read().await?;
        let t = r.ticket_by_token(token.trim()).await?.ok_or(Error::NotFound)?;
        let m = r.mpp(t.mpp_id).await?.ok_or(Error::NotFound)?;
        drop(r);
        let mut tx = self.store.begin().await?;
        tx.remove_ticket_alert(t.id).await?;
        tx.commit().await?;
        self.ticket_alert_of(t.id, &m).await
    }

    /// Send the messages whose moment came: waiting with few enough ahead, or already
    /// called. Alerts of tickets that ended first are dropped. The number sent.
    pub async fn alert_near_turns(&self) -> Result<u64> {
        let mut r = self.store.read().await?;
        let pending = r.pending_ticket_alerts(ROUND).await?;
        let mut settings: HashMap<i64, QueueSettings> = HashMap::new();
        let (mut due, mut dropped) = (Vec::new(), Vec::new());
        for a in pending {
            if !settings.contains_key(&a.mpp_id)
                && let Some(m) = r.mpp(a.mpp_id).await?
            {
                settings.insert(a.mpp_id, m.queue_settings.0);
            }
            let at = settings.get(&a.mpp_id).map(|s| s.near_turn_ahead).unwrap_or_default();
            let status = TicketStatus::parse(&a.ticket_status);
            match status {
                Some(TicketStatus::Waiting) if at > 0 && a.ahead <= at => {}
                Some(TicketStatus::Called | TicketStatus::Serving) => {}
                Some(TicketStatus::Done) | None => {
                    dropped.push(a.ticket_id);
                    continue;
                }
                Some(TicketStatus::Waiting) => continue,
            }
            if let Some(t) = r.ticket(a.ticket_id).await? {
                due.push((a, t));
            }
        }
        drop(r);
        // Tickets that ended before their turn came near: nothing to send, the number goes.
        for id in dropped {
            let mut tx = self.store.begin().await?;
            tx.settle_ticket_alert(id, "dropped", self.now()).await?;
            tx.commit().await?;
        }
        let mut sent = 0;
        for (a, t) in due {
            let now = self.now();
            let mut tx = self.store.begin().await?;
            if !tx.settle_ticket_alert(a.ticket_id, "sent", now).await? {
                tx.commit().await?;
                continue;
            }
            let place: Vec<&str> = [t.booth.as_deref(), t.zone.as_deref()].into_iter().flatten().collect();
            let place = place.join(", ");
            let text = if t.status.0 == TicketStatus::Waiting {
                let (id, en) = match a.ahead {
                    0 => ("Anda berikutnya".to_string(), "you are next".to_string()),
                    n => (format!("tinggal {n} orang di depan Anda"), format!("{n} people ahead of you")),
                };
                let go = if place.is_empty() {
                    String::new()
                } else {
                    format!(" Mohon menuju {place}. (Please go to {place}.)")
                };
                format!("Antrean {} ({}): {id}. ({}: {en}.){go}", t.code, t.service_name, t.code)
            } else {
                let counter = t.counter_name.clone().or(t.counter_code.clone()).unwrap_or_else(|| place.clone());
                format!(
                    "Nomor {} dipanggil ke {counter}. Segera datang. (Number {} is called to {counter}. Please come now.)",
                    t.code, t.code
                )
            };
            let subject = format!("Antrean {} / Queue {}", t.code, t.code);
            self.message_contacts(
                &mut tx,
                a.mpp_id,
                "turn_near",
                &subject,
                &text,
                None,
                Some((&a.phone_sealed, &a.phone_masked)),
            )
            .await?;
            tx.commit().await?;
            sent += 1;
        }
        Ok(sent)
    }
}
