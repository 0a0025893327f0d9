//! Staying up when a quota opens: per-address limits, a cap on bookings being
//! processed at once, and a waiting room that admits visitors in the order they
//! arrived (with their position shown) once the cap is reached, instead of
//! letting everyone retry.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use satuatap_service::crypto::Keys;
use serde::Serialize;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How long the room stays on after the last time the cap was reached.
const BUSY_FOR: Duration = Duration::from_secs(120);
/// How long an admission lets its holder book.
const PASS_FOR: u64 = 600;

pub struct Admission {
    inflight: Arc<Semaphore>,
    /// The semaphore's size: bookings processed at once at most.
    max_inflight: usize,
    /// Places in line let in ahead of what has been served: admitted visitors
    /// take a moment to come back, and the cap still guards the server.
    window: u64,
    /// How long a booking may wait for a free place before the server counts
    /// as overloaded (absorbs bursts without sending anyone to the line).
    queue_wait: Duration,
    room: Mutex<Room>,
    /// The least number of visitors let through per second while the room is on
    /// (so people who leave the line do not hold it up).
    rate: f64,
    /// Bookings finished since start: the room lets in one more for each.
    served: Arc<AtomicU64>,
}

#[derive(Default)]
struct Room {
    next: u64,
    active_since: Option<Instant>,
    admitted_at_start: u64,
    served_at_start: u64,
    busy_until: Option<Instant>,
}

/// Leave to process one booking; dropping it makes room for the next in line.
pub struct Permit {
    _inflight: OwnedSemaphorePermit,
    served: Arc<AtomicU64>,
}

impl Drop for Permit {
    fn drop(&mut self) {
        self.served.fetch_add(1, Ordering::Relaxed);
    }
}

/// A place in the waiting room.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Place {
    pub token: String,
    pub position: u64,
    pub ahead: u64,
    pub admitted: bool,
    /// While admitted: send as the `X-Admission-Pass` header (the page keeps it in a cookie).
    pub pass: Option<String>,
    /// Seconds until the next check is worth making.
    pub retry_after: u64,
}

pub enum Admit {
    Go(Permit),
    /// At capacity right now: try again shortly.
    Busy,
    /// The waiting room is on and the caller has no admission.
    Wait,
}

fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

impl Admission {
    pub fn new(max_inflight: usize, rate_per_second: f64, queue_wait: Duration) -> Admission {
        Admission {
            inflight: Arc::new(Semaphore::new(max_inflight.max(1))),
            max_inflight: max_inflight.max(1),
            window: 4 * max_inflight.max(1) as u64,
            queue_wait,
            room: Mutex::new(Room::default()),
            rate: rate_per_second.max(0.1),
            served: Arc::new(AtomicU64::new(0)),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Room> {
        self.room.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The last position let in: a window ahead of every booking finished since
    /// the room opened (admission follows what the server really manages), and
    /// at least `rate` per second.
    fn admitted(&self, r: &Room) -> u64 {
        match r.active_since {
            None => r.next,
            Some(t) => {
                let served = self.served.load(Ordering::Relaxed).saturating_sub(r.served_at_start);
                let floor = (self.rate * t.elapsed().as_secs_f64()) as u64;
                r.next.min(r.admitted_at_start + (served + self.window).max(floor))
            }
        }
    }

    /// Visitors let in per second lately (what a place in line can expect).
    fn pace(&self, r: &Room) -> f64 {
        let Some(t) = r.active_since else { return self.rate };
        let served = self.served.load(Ordering::Relaxed).saturating_sub(r.served_at_start) as f64;
        (served / t.elapsed().as_secs_f64().max(1.0)).max(self.rate)
    }

    /// For operators: bookings being processed now, visitors waiting in the room
    /// (joined but not let in yet), and bookings finished since start.
    pub fn stats(&self) -> (u64, u64, u64) {
        let inflight = self.max_inflight.saturating_sub(self.inflight.available_permits()) as u64;
        let waiting = if self.room_active() {
            let r = self.lock();
            r.next.saturating_sub(self.admitted(&r))
        } else {
            0
        };
        (inflight, waiting, self.served.load(Ordering::Relaxed))
    }

    /// Whether the waiting room is on (switching it off once calm and empty).
    pub fn room_active(&self) -> bool {
        let mut r = self.lock();
        let calm = r.busy_until.is_none_or(|b| Instant::now() > b);
        if calm && r.active_since.is_some() && self.admitted(&r) >= r.next {
            r.active_since = None;
        }
        r.active_since.is_some()
    }

    fn overloaded(&self) {
        let mut r = self.lock();
        r.busy_until = Some(Instant::now() + BUSY_FOR);
        if r.active_since.is_none() {
            r.active_since = Some(Instant::now());
            r.admitted_at_start = r.next;
            r.served_at_start = self.served.load(Ordering::Relaxed);
        }
    }

    /// Let one booking in, or say why not. A booking waits (in arrival order)
    /// up to `queue_wait` for a free place; only then is the server overloaded.
    pub async fn admit(&self, keys: &Keys, pass: Option<&str>) -> Admit {
        if self.room_active() && !pass.is_some_and(|p| Self::pass_valid(keys, p)) {
            return Admit::Wait;
        }
        let permit = match self.inflight.clone().try_acquire_owned() {
            Ok(p) => Some(p),
            Err(_) => tokio::time::timeout(self.queue_wait, self.inflight.clone().acquire_owned())
                .await
                .ok()
                .and_then(Result::ok),
        };
        match permit {
            Some(permit) => Admit::Go(Permit { _inflight: permit, served: self.served.clone() }),
            None => {
                self.overloaded();
                Admit::Busy
            }
        }
    }

    /// Take a place at the back of the line.
    pub fn join(&self, keys: &Keys) -> Place {
        let position = {
            let mut r = self.lock();
            r.next += 1;
            r.next
        };
        let token = format!("{position}.{}", keys.csrf_token(&format!("room:{position}")));
        self.place(keys, &token).unwrap_or(Place {
            token,
            position,
            ahead: 0,
            admitted: true,
            pass: None,
            retry_after: 1,
        })
    }

    /// Where a place stands now; `None` for a forged token.
    pub fn place(&self, keys: &Keys, token: &str) -> Option<Place> {
        let (pos, mac) = token.split_once('.')?;
        let position: u64 = pos.parse().ok()?;
        if !keys.csrf_valid(&format!("room:{position}"), mac) {
            return None;
        }
        let (admitted_upto, pace) = {
            let r = self.lock();
            (if r.active_since.is_none() { u64::MAX } else { self.admitted(&r) }, self.pace(&r))
        };
        let admitted = position <= admitted_upto;
        let ahead = position.saturating_sub(admitted_upto.min(position));
        let pass = admitted.then(|| {
            let exp = unix_now() + PASS_FOR;
            format!("{position}.{exp}.{}", keys.csrf_token(&format!("pass:{position}:{exp}")))
        });
        let retry_after = if admitted { 0 } else { ((ahead as f64 / pace).ceil() as u64).clamp(1, 30) };
        Some(Place { token: token.to_string(), position, ahead, admitted, pass, retry_after })
    }

    pub fn pass_valid(keys: &Keys, pass: &str) -> bool {
        let mut parts = pass.splitn(3, '.');
        let (Some(pos), Some(exp), Some(mac)) = (parts.next(), parts.next(), parts.next()) else { return false };
        let Ok(exp_n) = exp.parse::<u64>() else { return false };
        exp_n >= unix_now() && keys.csrf_valid(&format!("pass:{pos}:{exp}"), mac)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::from_secret(b"0123456789abcdef0123456789abcdef")
    }

    const WAIT: Duration = Duration::from_millis(20);

    #[tokio::test]
    async fn without_pressure_everyone_goes_straight_in() {
        let a = Admission::new(2, 5.0, WAIT);
        let k = keys();
        assert!(matches!(a.admit(&k, None).await, Admit::Go(_)));
        let p = a.join(&k);
        assert!(p.admitted && p.pass.is_some());
    }

    #[tokio::test]
    async fn at_capacity_the_room_opens_and_admits_in_arrival_order() {
        let a = Admission::new(1, 1.0, WAIT);
        let k = keys();
        let held = match a.admit(&k, None).await {
            Admit::Go(p) => p,
            _ => panic!("first is admitted"),
        };
        assert!(matches!(a.admit(&k, None).await, Admit::Busy));
        assert!(a.room_active());
        // Now nobody gets in without a place; the window (4 × the cap) goes first.
        assert!(matches!(a.admit(&k, None).await, Admit::Wait));
        let line: Vec<Place> = (0..6).map(|_| a.join(&k)).collect();
        let admitted: Vec<bool> = line.iter().map(|p| p.admitted).collect();
        assert_eq!(admitted, [true, true, true, true, false, false]);
        assert_eq!(line[5].ahead, line[4].ahead + 1);
        drop(held);
        let fifth = a.place(&k, &line[4].token).unwrap();
        let sixth = a.place(&k, &line[5].token).unwrap();
        assert!(fifth.admitted, "one finished booking lets the next in line in");
        assert!(!sixth.admitted);
        let first = a.place(&k, &line[0].token).unwrap();
        let pass = first.pass.unwrap();
        assert!(Admission::pass_valid(&k, &pass));
        assert!(!Admission::pass_valid(&k, &pass.replace('.', ",")));
        assert!(a.place(&k, "99.forged").is_none());
    }

    #[tokio::test]
    async fn a_burst_waits_briefly_for_a_place_instead_of_being_turned_away() {
        let a = Arc::new(Admission::new(1, 1.0, Duration::from_secs(5)));
        let k = keys();
        let held = match a.admit(&k, None).await {
            Admit::Go(p) => p,
            _ => panic!("first is admitted"),
        };
        let (a2, k2) = (a.clone(), k.clone());
        let waiting = tokio::spawn(async move { matches!(a2.admit(&k2, None).await, Admit::Go(_)) });
        tokio::time::sleep(Duration::from_millis(50)).await;
        drop(held);
        assert!(waiting.await.unwrap(), "the second booking got the place the first left");
        assert!(!a.room_active(), "no overload, no waiting room");
    }
}
