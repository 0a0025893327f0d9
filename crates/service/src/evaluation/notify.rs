//! Messages of the evaluation through the outbox: the MPP's managers hear of a
//! cycle opening, a return, a finalisation and the publication; the evaluator
//! of an assignment and a submission. Written in the step's transaction, so a
//! message goes out exactly when its step lands.

use satuatap_domain::booking::mask_email;
use satuatap_store::{NewMessage, Tx};

use crate::{App, Result};

pub(crate) enum To {
    /// Every active manager of this MPP.
    Managers(i64),
    /// One user (an evaluator).
    User(i64),
}

impl App {
    pub(crate) async fn notify_evaluation(
        &self,
        tx: &mut Tx,
        mpp_id: i64,
        to: To,
        kind: &str,
        subject: &str,
        text: &str,
    ) -> Result<()> {
        let emails = match to {
            To::Managers(m) => tx.staff_emails(m, None).await?,
            To::User(id) => tx.user(id).await?.filter(|u| u.active).map(|u| vec![u.email]).unwrap_or_default(),
        };
        let now = self.now();
        for email in emails {
            let message = NewMessage {
                mpp_id: Some(mpp_id),
                booking_id: None,
                kind: kind.into(),
                channel: self.email_channel().into(),
                recipient_sealed: self.keys.seal(&email)?,
                recipient_masked: mask_email(&email),
                subject: subject.into(),
                body_sealed: self.keys.seal(text)?,
                send_at: now,
            };
            tx.enqueue_message(&message, now).await?;
        }
        Ok(())
    }
}
