//! Events other screens must see (a call for the boards, a changed queue for
//! kiosks and phones). One node: an in-process broadcast. Several nodes on
//! PostgreSQL: `NOTIFY` inside the writing transaction, and every node (the
//! writer included) hears it through `LISTEN` and rebroadcasts locally.

use satuatap_store::{Engine, Tx};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use crate::{App, Result};

pub const CHANNEL: &str = "satuatap_events";

/// What happened; payloads carry ids, never rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueEvent {
    pub mpp: i64,
    /// `issued`, `called`, `recalled`, `started`, `finished`, `no_show`, `returned`,
    /// `transferred`, `cancelled`, `more_time`, `counter`, `board`, `closed`, `changed`
    /// (another node's queue figures moved), or `resync` (events may have been missed:
    /// reload everything).
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counter: Option<i64>,
}

impl QueueEvent {
    pub fn new(mpp: i64, kind: &str, ticket: Option<i64>, counter: Option<i64>) -> QueueEvent {
        QueueEvent { mpp, kind: kind.to_string(), ticket, counter }
    }
}

/// MPPs whose queues changed since the last notification to other nodes.
#[derive(Clone, Default)]
pub struct Changed(std::sync::Arc<std::sync::Mutex<std::collections::HashSet<i64>>>);

impl Changed {
    fn mark(&self, mpp: i64) {
        if let Ok(mut s) = self.0.lock() {
            s.insert(mpp);
        }
    }

    fn take(&self) -> Vec<i64> {
        self.0.lock().map(|mut s| s.drain().collect()).unwrap_or_default()
    }
}

#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<QueueEvent>,
}

impl Default for EventBus {
    fn default() -> Self {
        let (tx, _) = broadcast::channel(4096);
        EventBus { tx }
    }
}

impl EventBus {
    pub fn subscribe(&self) -> broadcast::Receiver<QueueEvent> {
        self.tx.subscribe()
    }

    /// Deliver to this node's listeners (no one listening is fine).
    pub fn send(&self, e: QueueEvent) {
        let _ = self.tx.send(e);
    }
}

impl App {
    /// Commit `tx` and announce `events` to every node.
    ///
    /// On PostgreSQL a call (what boards must show at once) is `NOTIFY`-ed inside
    /// the transaction. Other changes only move queue figures: they go to this
    /// node's screens at once and to other nodes as one coalesced `changed`
    /// notification per MPP every half second — `NOTIFY` serialises committing
    /// transactions, so it is kept off the busy path of issuing tickets.
    pub(crate) async fn commit_and_publish(&self, mut tx: Tx, events: Vec<QueueEvent>) -> Result<()> {
        let via_db = tx.engine() == Engine::Postgres;
        let (urgent, rest): (Vec<QueueEvent>, Vec<QueueEvent>) =
            events.into_iter().partition(|e| via_db && matches!(e.kind.as_str(), "called" | "recalled" | "board"));
        for e in &urgent {
            let payload = serde_json::to_string(e).map_err(|e| crate::Error::Internal(e.to_string()))?;
            tx.notify(CHANNEL, &payload).await?;
        }
        tx.commit().await?;
        for e in rest {
            if via_db {
                self.changed.mark(e.mpp);
            }
            self.events.send(e);
        }
        Ok(())
    }

    /// Tell other nodes, at most every `every`, which MPPs' queues changed here.
    pub(crate) fn run_change_notifier(&self, every: std::time::Duration) {
        if self.store.engine() != Engine::Postgres {
            return;
        }
        let app = self.clone();
        let stopped = self.stopped();
        tokio::spawn(async move {
            tokio::pin!(stopped);
            let mut tick = tokio::time::interval(every);
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    _ = tick.tick() => {}
                }
                for mpp in app.changed.take() {
                    let e = QueueEvent::new(mpp, "changed", None, None);
                    let sent = async {
                        let mut conn = app.store.read().await?;
                        let payload = serde_json::to_string(&e).unwrap_or_default();
                        conn.notify(CHANNEL, &payload).await
                    };
                    if let Err(err) = sent.await {
                        tracing::warn!(error = %err, "notifying other nodes failed");
                    }
                }
            }
        });
    }

    /// On PostgreSQL, relay notifications from every node to this node's bus.
    /// Runs until the process ends; a dropped connection becomes a `resync`.
    pub async fn relay_notifications(&self) -> Result<()> {
        let Some(mut listener) = self.store.listen(CHANNEL).await? else {
            return Ok(());
        };
        let bus = self.events.clone();
        let stopped = self.stopped();
        tokio::spawn(async move {
            tokio::pin!(stopped);
            loop {
                let got = tokio::select! {
                    _ = &mut stopped => break,
                    got = listener.recv() => got,
                };
                match got {
                    Ok(Some(payload)) => match serde_json::from_str::<QueueEvent>(&payload) {
                        Ok(e) => bus.send(e),
                        Err(e) => tracing::warn!(error = %e, "unreadable event"),
                    },
                    Ok(None) => bus.send(QueueEvent::new(0, "resync", None, None)),
                    Err(e) => {
                        tracing::warn!(error = %e, "event listener failed; retrying");
                        bus.send(QueueEvent::new(0, "resync", None, None));
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            }
        });
        Ok(())
    }
}
