//! Staying up when a quota opens: per-address limits, a cap on bookings being
//! processed at once, and a waiting room that admits visitors in the order they
//! arrived (with their position shown) once the cap is reached, instead of
//! letting everyone retry.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use satuatap_service::crypto::Keys;
use serde::Serialize;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How long the room stays on after the last time the cap was reached.
const BUSY_FOR: Duration = Duration::from_secs(120);
/// How long an admission lets its holder book.
const PASS_FOR: u64 = 600;

pub struct Admission {
    inflight: std::sync::Arc<Semaphore>,
    room: Mutex<Room>,
    /// Visitors let through per second while the room is on.
    rate: f64,
}

#[derive(Default)]
struct Room {
    next: u64,
    active_since: Option<Instant>,
    admitted_at_start: u64,
    busy_until: Option<Instant>,
}

/// A place in the waiting room.
#[derive(Debug, Clone, Serialize)]
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
    Go(OwnedSemaphorePermit),
    /// At capacity right now: try again shortly.
    Busy,
    /// The waiting room is on and the caller has no admission.
    Wait,
}

fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

impl Admission {
    pub fn new(max_inflight: usize, rate_per_second: f64) -> Admission {
        Admission {
            inflight: std::sync::Arc::new(Semaphore::new(max_inflight.max(1))),
            room: Mutex::new(Room::default()),
            rate: rate_per_second.max(0.1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Room> {
        self.room.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn admitted(&self, r: &Room) -> u64 {
        match r.active_since {
            None => r.next,
            Some(t) => r.next.min(r.admitted_at_start + (self.rate * t.elapsed().as_secs_f64()) as u64),
        }
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
        }
    }

    /// Let one booking in, or say why not.
    pub fn admit(&self, keys: &Keys, pass: Option<&str>) -> Admit {
        if self.room_active() && !pass.is_some_and(|p| Self::pass_valid(keys, p)) {
            return Admit::Wait;
        }
        match self.inflight.clone().try_acquire_owned() {
            Ok(permit) => Admit::Go(permit),
            Err(_) => {
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
        let admitted_upto = {
            let r = self.lock();
            if r.active_since.is_none() { u64::MAX } else { self.admitted(&r) }
        };
        let admitted = position <= admitted_upto;
        let ahead = position.saturating_sub(admitted_upto.min(position));
        let pass = admitted.then(|| {
            let exp = unix_now() + PASS_FOR;
            format!("{position}.{exp}.{}", keys.csrf_token(&format!("pass:{position}:{exp}")))
        });
        let retry_after = if admitted { 0 } else { ((ahead as f64 / self.rate).ceil() as u64).clamp(2, 30) };
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

    #[test]
    fn without_pressure_everyone_goes_straight_in() {
        let a = Admission::new(2, 5.0);
        let k = keys();
        assert!(matches!(a.admit(&k, None), Admit::Go(_)));
        let p = a.join(&k);
        assert!(p.admitted && p.pass.is_some());
    }

    #[test]
    fn at_capacity_the_room_opens_and_admits_in_arrival_order() {
        let a = Admission::new(1, 1.0);
        let k = keys();
        let _held = match a.admit(&k, None) {
            Admit::Go(p) => p,
            _ => panic!("first is admitted"),
        };
        assert!(matches!(a.admit(&k, None), Admit::Busy));
        assert!(a.room_active());
        // Now nobody gets in without a place.
        assert!(matches!(a.admit(&k, None), Admit::Wait));
        let first = a.join(&k);
        let second = a.join(&k);
        assert!(!first.admitted && !second.admitted);
        assert_eq!(second.ahead, first.ahead + 1);
        std::thread::sleep(Duration::from_millis(1100));
        let first = a.place(&k, &first.token).unwrap();
        let second = a.place(&k, &second.token).unwrap();
        assert!(first.admitted, "the first in line goes first");
        assert!(!second.admitted);
        let pass = first.pass.unwrap();
        assert!(Admission::pass_valid(&k, &pass));
        assert!(!Admission::pass_valid(&k, &pass.replace('.', ",")));
        assert!(a.place(&k, "99.forged").is_none());
    }
}
