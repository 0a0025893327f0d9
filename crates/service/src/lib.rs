//! The operations a person can perform on satuatap, with their authorization
//! and transactions. Pages and API routes both call these functions; nothing
//! here knows about HTTP.

pub mod access;
pub mod actor;
pub mod application;
pub mod atlas;
pub mod audit;
pub mod auth;
pub mod board;
pub mod booking;
pub mod catalog;
pub mod complaint;
pub mod crypto;
pub mod csv;
pub mod dashboard;
pub mod demo;
pub mod demo_evaluation;
pub mod demo_files;
pub mod demo_history;
pub mod demo_national;
pub mod demo_oss;
pub mod devices;
pub mod error;
pub mod evaluation;
pub mod events;
pub mod holidays;
pub mod input;
pub mod mpps;
pub mod national;
pub mod operations;
pub mod oss;
pub mod outbox;
pub mod providers;
pub mod queue;
pub mod registry;
pub mod rollout;
pub mod survey;
pub mod ticket_alerts;
pub mod upload;
pub mod users;

use std::sync::{Arc, RwLock};

use chrono::{DateTime, SubsecRound, Utc};
pub use satuatap_domain as domain;
pub use satuatap_store as store;
use satuatap_store::Store;

pub use actor::Actor;
pub use error::{Error, Refusal, Result};

/// Settings the operations depend on.
#[derive(Clone, Debug)]
pub struct Config {
    /// Sessions end after this long without use.
    pub session_idle: chrono::Duration,
    /// Failed logins for one account *from one address* (within an hour) before
    /// that address must wait; each further failure doubles the wait. The owner
    /// signing in from elsewhere is not affected.
    pub lockout_after: usize,
    /// Failed logins from one address, to any accounts, within `lockout_window`
    /// before the address is blocked for the rest of it (credential stuffing).
    pub ip_lockout_after: usize,
    pub lockout_window: chrono::Duration,
    /// Failed logins to one account from anywhere within `lockout_window` after
    /// which its owner is told (once), though nobody is locked out by them.
    pub notify_after: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            session_idle: chrono::Duration::hours(12),
            lockout_after: 5,
            ip_lockout_after: 30,
            lockout_window: chrono::Duration::minutes(15),
            notify_after: 20,
        }
    }
}

/// The current time; tests may fix it, and the demo may run shifted (ticking
/// from another moment) so it can be tried as if the MPP were open.
#[derive(Clone, Default)]
pub struct Clock {
    fixed: Arc<RwLock<Option<DateTime<Utc>>>>,
    shift: Arc<RwLock<chrono::Duration>>,
}

impl Clock {
    /// Now, to the microsecond (what both databases keep).
    pub fn now(&self) -> DateTime<Utc> {
        let fixed = self.fixed.read().map(|f| *f).unwrap_or(None);
        let shift = self.shift.read().map(|s| *s).unwrap_or_default();
        fixed.unwrap_or_else(|| Utc::now() + shift).trunc_subsecs(6)
    }

    /// Let the clock tick on from `at` (instead of the real time).
    pub fn start_at(&self, at: DateTime<Utc>) {
        if let Ok(mut s) = self.shift.write() {
            *s = at - Utc::now();
        }
    }

    /// Fix the clock at `at` (`None` returns to real time).
    pub fn set(&self, at: Option<DateTime<Utc>>) {
        if let Ok(mut f) = self.fixed.write() {
            *f = at;
        }
    }
}

/// Everything the operations share; cheap to clone.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub config: Config,
    pub clock: Clock,
    pub keys: crypto::Keys,
    pub catalog: catalog::SearchCatalog,
    pub events: events::EventBus,
    pub board: board::BoardFeed,
    averages: queue::Averages,
    changed: events::Changed,
    availability: booking::AvailabilityCache,
    nik_limiter: Arc<governor::DefaultKeyedRateLimiter<String>>,
    pub messaging: outbox::Messaging,
    stop: Arc<tokio::sync::watch::Sender<bool>>,
}

impl App {
    pub fn new(store: Store, keys: crypto::Keys, config: Config) -> App {
        App {
            store,
            config,
            clock: Clock::default(),
            keys,
            catalog: catalog::SearchCatalog::default(),
            events: events::EventBus::default(),
            board: board::BoardFeed::default(),
            averages: queue::Averages::default(),
            changed: events::Changed::default(),
            availability: booking::AvailabilityCache::default(),
            // A person books a handful of times an hour at most; more is a bot.
            nik_limiter: Arc::new(governor::RateLimiter::keyed(governor::Quota::per_hour(
                std::num::NonZeroU32::new(20).unwrap_or(std::num::NonZeroU32::MIN),
            ))),
            messaging: outbox::Messaging::default(),
            stop: Arc::new(tokio::sync::watch::channel(false).0),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Ask background tasks to end (on shutdown).
    pub fn shutdown(&self) {
        let _ = self.stop.send(true);
    }

    /// Resolves once [`App::shutdown`] has been called.
    pub fn stopped(&self) -> impl std::future::Future<Output = ()> + Send + use<> {
        let mut rx = self.stop.subscribe();
        async move {
            while !*rx.borrow_and_update() {
                if rx.changed().await.is_err() {
                    return;
                }
            }
        }
    }
}
