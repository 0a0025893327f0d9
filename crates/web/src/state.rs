//! Shared state of the web layer and small helpers for handlers.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use satuatap_service::App;

use crate::ctx::Ctx;
use crate::error::{ApiError, WebError};

#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Mark cookies `Secure` (served over HTTPS).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (behind a reverse proxy).
    pub trust_proxy: bool,
    /// Login attempts per minute from one address (pages and API together).
    pub login_per_minute: u32,
    /// Account registrations per hour from one address.
    pub register_per_hour: u32,
    /// Queue tickets per minute from one address (a kiosk, or a phone).
    pub tickets_per_minute: u32,
    /// The address visitors reach this server at (for QR codes); default: the request's Host.
    pub public_url: Option<String>,
    /// Booking attempts per minute from one address.
    pub bookings_per_minute: u32,
    /// Availability reads per minute from one address.
    pub reads_per_minute: u32,
    /// Survey answers per minute from one address (each also needs its own
    /// finished ticket or one-time code).
    pub surveys_per_minute: u32,
    /// Complaints filed per hour from one address.
    pub complaints_per_hour: u32,
    /// Lookups by booking code (page, QR, check-in) per minute from one address.
    pub code_lookups_per_minute: u32,
    /// Open connections one address may hold (0: no limit).
    pub max_connections_per_address: usize,
    /// How long a client may take to send a request's head, and then its body.
    pub read_timeout: std::time::Duration,
    /// Bookings processed at the same time before the waiting room opens.
    pub max_inflight_bookings: usize,
    /// Visitors the waiting room lets through per second at least.
    pub admit_per_second: f64,
    /// How long a booking may wait for one of those places before the server
    /// counts as overloaded and the waiting room opens.
    pub admission_wait_ms: u64,
    /// Where to serve `/metrics` (Prometheus text format); none: not served.
    pub metrics_listen: Option<String>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            trust_proxy: false,
            login_per_minute: 20,
            register_per_hour: 10,
            tickets_per_minute: 30,
            public_url: None,
            bookings_per_minute: 10,
            reads_per_minute: 240,
            surveys_per_minute: 30,
            complaints_per_hour: 20,
            code_lookups_per_minute: 60,
            max_connections_per_address: 512,
            read_timeout: std::time::Duration::from_secs(10),
            max_inflight_bookings: 64,
            admit_per_second: 20.0,
            admission_wait_ms: 1000,
            metrics_listen: None,
        }
    }
}

/// What a rate limit counts; each has its own allowance per address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    Login,
    Register,
    Ticket,
    Booking,
    /// Availability reads and tracking-code lookups.
    Read,
    /// Anything reached by a booking code (its page, QR, check-in).
    BookingCode,
    Survey,
    Complaint,
}

/// Per-address rate limits on public writes and lookups (in memory, per node;
/// the database-backed login lockout holds across nodes).
pub struct Limits {
    limiters: Vec<(Bucket, DefaultKeyedRateLimiter<IpAddr>)>,
}

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN)
}

impl Limits {
    pub fn new(cfg: &WebConfig) -> Limits {
        let per_minute = |n| RateLimiter::keyed(Quota::per_minute(nz(n)));
        let per_hour = |n| RateLimiter::keyed(Quota::per_hour(nz(n)));
        Limits {
            limiters: vec![
                (Bucket::Login, per_minute(cfg.login_per_minute)),
                (Bucket::Register, per_hour(cfg.register_per_hour)),
                (Bucket::Ticket, per_minute(cfg.tickets_per_minute)),
                (Bucket::Booking, per_minute(cfg.bookings_per_minute)),
                (Bucket::Read, per_minute(cfg.reads_per_minute)),
                (Bucket::BookingCode, per_minute(cfg.code_lookups_per_minute)),
                (Bucket::Survey, per_minute(cfg.surveys_per_minute)),
                (Bucket::Complaint, per_hour(cfg.complaints_per_hour)),
            ],
        }
    }

    /// Seconds to wait when `ip` has used up its allowance in `bucket`.
    pub fn check(&self, bucket: Bucket, ip: Option<&str>) -> Option<u64> {
        let ip: IpAddr = ip?.parse().ok()?;
        let limiter = &self.limiters.iter().find(|(b, _)| *b == bucket)?.1;
        match limiter.check_key(&ip) {
            Ok(()) => None,
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                Some(wait.as_secs().max(1))
            }
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub web: Arc<WebConfig>,
    pub limits: Arc<Limits>,
    pub admission: Arc<crate::admission::Admission>,
    pub metrics: Arc<crate::metrics::Metrics>,
}

impl AppState {
    pub fn new(app: App, web: WebConfig) -> AppState {
        let limits = Arc::new(Limits::new(&web));
        let admission = Arc::new(crate::admission::Admission::new(
            web.max_inflight_bookings,
            web.admit_per_second,
            std::time::Duration::from_millis(web.admission_wait_ms),
        ));
        // A fresh registry cannot hold a name twice, so this cannot fail.
        let metrics = Arc::new(crate::metrics::Metrics::new().expect("metrics registry"));
        AppState { app, web: Arc::new(web), limits, admission, metrics }
    }
}

/// Attach the visitor's language to a service error.
pub trait WebResultExt<T> {
    fn web(self, c: &Ctx) -> Result<T, WebError>;
    fn api(self, c: &Ctx) -> Result<T, ApiError>;
}

impl<T> WebResultExt<T> for Result<T, satuatap_service::Error> {
    fn web(self, c: &Ctx) -> Result<T, WebError> {
        self.map_err(|e| WebError::In(c.lang, e))
    }
    fn api(self, c: &Ctx) -> Result<T, ApiError> {
        self.map_err(|e| ApiError::new(c.lang, e))
    }
}
