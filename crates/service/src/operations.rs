//! Figures for operators (the metrics endpoint): what waits, in the queues and the outbox.

use crate::{App, Result};

/// Read at each scrape.
#[derive(Debug, Clone, Default)]
pub struct OperationsFigures {
    /// Tickets waiting now per operating MPP (slug).
    pub waiting: Vec<(String, i64)>,
    pub outbox_pending: i64,
    /// Pending messages whose last attempt failed.
    pub outbox_failing: i64,
    /// Pending messages due now (a growing number means sending falls behind).
    pub outbox_due: i64,
}

impl App {
    pub async fn operations_figures(&self) -> Result<OperationsFigures> {
        let mut r = self.store.read().await?;
        let waiting = r.waiting_per_mpp().await?;
        let (outbox_pending, outbox_failing, outbox_due) = r.outbox_backlog(self.now()).await?;
        Ok(OperationsFigures { waiting, outbox_pending, outbox_failing, outbox_due })
    }
}
