//! The live feed behind display boards, kiosks and visitors' phones: each
//! event is turned into a message once per node and fanned out to every
//! screen of that MPP, however many are connected.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::broadcast;

use crate::App;

/// A message for the screens of one MPP, encoded once as a server-sent event
/// frame and shared by every connection.
#[derive(Debug, Clone)]
pub struct BoardMessage {
    /// `call` (a ticket called or recalled to a counter), `queue` (waiting counts
    /// and estimates changed), `reload` (fetch the snapshot again).
    pub event: &'static str,
    /// `event: <name>\ndata: <json>\n\n`.
    pub frame: bytes::Bytes,
    /// The zone a call belongs to, so a zone's board shows only its own.
    pub zone: Option<String>,
}

/// One server-sent event frame (JSON never contains a raw newline).
pub fn sse_frame<T: Serialize>(event: &str, data: &T) -> bytes::Bytes {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "{}".into());
    bytes::Bytes::from(format!("event: {event}\ndata: {json}\n\n"))
}

#[derive(Clone, Default)]
pub struct BoardFeed {
    channels: Arc<Mutex<HashMap<i64, broadcast::Sender<Arc<BoardMessage>>>>>,
}

impl BoardFeed {
    pub fn subscribe(&self, mpp_id: i64) -> broadcast::Receiver<Arc<BoardMessage>> {
        let mut map = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(mpp_id).or_insert_with(|| broadcast::channel(256).0).subscribe()
    }

    /// The sender of an MPP with screens connected (none: nothing to build).
    fn live(&self, mpp_id: i64) -> Option<broadcast::Sender<Arc<BoardMessage>>> {
        let mut map = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, s| s.receiver_count() > 0);
        map.get(&mpp_id).cloned()
    }

    fn all_live(&self) -> Vec<i64> {
        let mut map = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, s| s.receiver_count() > 0);
        map.keys().copied().collect()
    }

    /// Screens connected to an MPP on this node.
    pub fn screens(&self, mpp_id: i64) -> usize {
        self.live(mpp_id).map(|s| s.receiver_count()).unwrap_or(0)
    }
}

fn message<T: Serialize>(event: &'static str, data: &T, zone: Option<String>) -> Arc<BoardMessage> {
    Arc::new(BoardMessage { event, frame: sse_frame(event, data), zone })
}

impl App {
    /// Turn bus events into screen messages until the process ends. Calls go
    /// out at once; queue figures at most every `debounce` per MPP.
    pub fn run_board_feed(&self, debounce: Duration) {
        let app = self.clone();
        let mut rx = self.events.subscribe();
        let dirty: Arc<Mutex<HashSet<i64>>> = Arc::default();
        let dirty_in = dirty.clone();
        let stopped = self.stopped();
        tokio::spawn(async move {
            tokio::pin!(stopped);
            loop {
                let got = tokio::select! {
                    _ = &mut stopped => break,
                    got = rx.recv() => got,
                };
                let e = match got {
                    Ok(e) => e,
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        crate::events::QueueEvent::new(0, "resync", None, None)
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                };
                if matches!(e.kind.as_str(), "resync" | "board") {
                    let targets = if e.mpp == 0 { app.board.all_live() } else { vec![e.mpp] };
                    for m in targets {
                        if let Some(tx) = app.board.live(m) {
                            let _ = tx.send(message("reload", &serde_json::json!({}), None));
                        }
                    }
                    continue;
                }
                let Some(tx) = app.board.live(e.mpp) else { continue };
                if matches!(e.kind.as_str(), "called" | "recalled")
                    && let Some(t) = e.ticket
                {
                    match app.call_view(t).await {
                        Ok(Some(call)) => {
                            let zone = call.zone.clone();
                            let _ = tx.send(message("call", &call, zone));
                        }
                        Ok(None) => {}
                        Err(err) => tracing::warn!(error = %err, "building a call message"),
                    }
                }
                dirty_in.lock().unwrap_or_else(|p| p.into_inner()).insert(e.mpp);
            }
        });
        let app = self.clone();
        let stopped = self.stopped();
        tokio::spawn(async move {
            tokio::pin!(stopped);
            let mut tick = tokio::time::interval(debounce);
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    _ = tick.tick() => {}
                }
                let mpps: Vec<i64> = dirty.lock().unwrap_or_else(|p| p.into_inner()).drain().collect();
                for m in mpps {
                    let Some(tx) = app.board.live(m) else { continue };
                    match app.queue_overview(m).await {
                        Ok(lines) => {
                            let _ = tx.send(message("queue", &lines, None));
                        }
                        Err(err) => tracing::warn!(error = %err, "building a queue message"),
                    }
                }
            }
        });
    }

    /// Start everything that runs beside requests: the board feed, the relay of
    /// other nodes' events (PostgreSQL), the outbox, booking slots, closing
    /// finished days and housekeeping.
    pub async fn start_background(&self) -> crate::Result<()> {
        self.run_board_feed(Duration::from_millis(500));
        self.run_change_notifier(Duration::from_millis(500));
        self.relay_notifications().await?;
        if let Err(e) = self.materialize_slots(None).await {
            tracing::warn!(error = %e, "creating booking slots failed");
        }
        let app = self.clone();
        let stopped = self.stopped();
        tokio::spawn(async move {
            tokio::pin!(stopped);
            let mut tick = tokio::time::interval(Duration::from_secs(5));
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    _ = tick.tick() => {}
                }
                // Turn-near messages are queued first, so they leave in the same round.
                if let Err(e) = app.alert_near_turns().await {
                    tracing::warn!(error = %e, "queueing turn-near messages failed");
                }
                if let Err(e) = app.send_due_messages().await {
                    tracing::warn!(error = %e, "sending messages failed");
                }
            }
        });
        let app = self.clone();
        let stopped = self.stopped();
        tokio::spawn(async move {
            tokio::pin!(stopped);
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            let mut n: u64 = 0;
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    _ = tick.tick() => {}
                }
                if let Err(e) = app.close_due().await {
                    tracing::warn!(error = %e, "closing the day failed");
                }
                if let Err(e) = app.escalate_overdue().await {
                    tracing::warn!(error = %e, "escalating late complaints failed");
                }
                if let Err(e) = app.escalate_late_applications().await {
                    tracing::warn!(error = %e, "escalating late applications failed");
                }
                if let Err(e) = app.remind_oss_follow_ups().await {
                    tracing::warn!(error = %e, "reminding OSS follow-ups failed");
                }
                if n.is_multiple_of(5)
                    && let Err(e) = app.materialize_slots(None).await
                {
                    tracing::warn!(error = %e, "creating booking slots failed");
                }
                if n.is_multiple_of(60)
                    && let Err(e) = app.prune().await
                {
                    tracing::warn!(error = %e, "housekeeping failed");
                }
                n += 1;
            }
        });
        Ok(())
    }
}
