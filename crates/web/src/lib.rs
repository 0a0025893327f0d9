//! HTTP for satuatap: HTML pages, the JSON API under `/api/v1` (with its
//! OpenAPI document), health checks and static assets. No business rules:
//! a page and its API twin call the same `service` operation.

pub mod admission;
pub mod api;
pub mod assets;
pub mod ctx;
pub mod error;
pub mod flash;
pub mod i18n;
pub mod metrics;
pub mod pages;
pub mod state;
pub mod svg;
pub mod throttle;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::{RequestBodyDeadlineLayer, RequestBodyTimeoutLayer};
use tower_http::trace::TraceLayer;

pub use state::{AppState, WebConfig};

use pages::{account, admin, booking, complaint, device, evaluation, national, public, queue, survey};

/// The largest request body accepted (forms and JSON).
pub const MAX_BODY: usize = 1024 * 1024;

/// The longest a request body may take to arrive, however steadily it comes.
pub const BODY_DEADLINE: std::time::Duration = std::time::Duration::from_secs(120);

pub fn router(state: AppState) -> Router {
    let read_timeout = state.web.read_timeout;
    let pages = Router::new()
        .route("/", get(public::home))
        .route("/provinsi/{code}", get(public::province))
        .route("/cari", get(public::search))
        .route("/tentang-data", get(public::about_data))
        .route("/mpp/{slug}", get(public::mpp))
        .route("/mpp/{slug}/layanan", get(public::catalogue))
        .route("/mpp/{slug}/layanan/{code}", get(public::service))
        .route("/mpp/{slug}/layanan/{code}/cetak", get(public::service_print))
        .route("/mpp/{slug}/layanan/{code}/pesan", get(booking::book_form).post(booking::book))
        .route("/pemesanan", get(booking::manage_form).post(booking::manage))
        .route("/pemesanan/batal", post(booking::cancel))
        .route("/pemesanan/ubah", post(booking::reschedule))
        .route("/pemesanan/{code}", get(booking::booking))
        .route("/pemesanan/{code}/qr.svg", get(booking::booking_qr))
        .route("/antre-masuk", get(booking::waiting))
        .route("/demo/pesan", get(booking::demo_messages))
        .route("/admin/pemesanan", get(booking::day))
        .route("/admin/pemesanan/{id}/nik", post(booking::reveal))
        .route("/admin/layanan/{id}/pemesanan", get(booking::rules).post(booking::save_rules))
        .route("/admin/layanan/{id}/antrean", get(admin::queue::walk_in).post(admin::queue::save_walk_in))
        .route("/mpp/{slug}/kiosk", get(queue::kiosk))
        .route("/mpp/{slug}/papan", get(queue::board))
        .route("/tiket/{token}", get(queue::ticket))
        .route("/tiket/{token}/cetak", get(queue::ticket_print))
        .route("/tiket/{token}/kabari", post(queue::ticket_alert))
        .route("/tiket/{token}/qr.svg", get(queue::ticket_qr))
        .route("/konsol", get(queue::console_pick))
        .route("/konsol/{id}", get(queue::console))
        .route("/konsol/{id}/survei", get(survey::tablet))
        .route("/tiket/{token}/survei", get(survey::ticket_form).post(survey::ticket_submit))
        .route("/tiket/{token}/survei/qr.svg", get(survey::ticket_qr))
        .route("/survei", get(survey::code_entry).post(survey::code_lookup))
        .route("/survei/kode/{code}", get(survey::code_form).post(survey::code_submit))
        .route("/survei/terima-kasih", get(survey::thank_you))
        .route("/mpp/{slug}/ikm", get(survey::mpp_ikm))
        .route("/mpp/{slug}/ikm/cetak", get(survey::mpp_ikm_print))
        .route("/mpp/{slug}/ikm.csv", get(survey::mpp_ikm_csv))
        .route("/ikm", get(survey::national_ikm))
        .route("/ikm/cetak", get(survey::national_ikm_print))
        .route("/ikm.csv", get(survey::national_ikm_csv))
        .route("/admin/survei", get(admin::survey::page))
        .route("/admin/survei/tindak-lanjut", post(admin::survey::create_followup))
        .route("/admin/survei/tindak-lanjut/{id}", post(admin::survey::update_followup))
        .route("/admin/survei/kertas", get(admin::survey::paper_form).post(admin::survey::paper_submit))
        .route("/admin/survei/kode", post(admin::survey::create_codes))
        .route(
            "/mpp/{slug}/pengaduan",
            get(complaint::form).post(complaint::submit).layer(DefaultBodyLimit::max(api::UPLOAD_LIMIT)),
        )
        .route("/berkas", get(pages::application::entry).post(pages::application::lookup))
        .route("/berkas/{code}", get(pages::application::track))
        .route("/admin/mpp/{id}/dasbor", get(admin::dashboard::of_mpp))
        .route("/admin/laporan-bulanan", get(admin::dashboard::monthly))
        .route("/mpp/{slug}/oss", get(pages::oss::desk))
        .route("/oss/sesi/{id}", get(pages::oss::session).post(pages::oss::register))
        .route("/admin/oss", get(admin::oss::page))
        .route("/admin/oss/buka", post(admin::oss::open))
        .route("/admin/oss/sesi", post(admin::oss::create_session))
        .route("/admin/oss/sesi/{id}", get(admin::oss::session))
        .route("/admin/oss/sesi/{id}/hadir", post(admin::oss::attended))
        .route("/admin/oss/sesi/{id}/batal", post(admin::oss::cancel_session))
        .route("/admin/oss/konsultasi/baru", get(admin::oss::new_consultation).post(admin::oss::create_consultation))
        .route("/admin/oss/konsultasi/{id}/tindak-lanjut", post(admin::oss::finish_follow_up))
        .route("/admin/berkas", get(admin::application::list))
        .route("/admin/berkas/baru", get(admin::application::new_form).post(admin::application::create))
        .route("/admin/berkas/{id}", get(admin::application::detail))
        .route("/admin/berkas/{id}/langkah", post(admin::application::step))
        .route("/admin/berkas/{id}/tanda-terima", get(admin::application::receipt))
        .route("/pengaduan", get(complaint::track_entry).post(complaint::track_lookup))
        .route("/pengaduan/{code}", get(complaint::track))
        .route("/pengaduan/{code}/komentar", post(complaint::comment).layer(DefaultBodyLimit::max(api::UPLOAD_LIMIT)))
        .route("/pengaduan/{code}/nilai", post(complaint::rate))
        .route("/pengaduan/{code}/buka-kembali", post(complaint::reopen))
        .route("/pengaduan/{code}/lampiran/{id}", get(complaint::attachment))
        .route("/admin/pengaduan", get(admin::complaint::list))
        .route("/admin/pengaduan/ekspor", get(admin::complaint::export))
        .route("/admin/pengaduan/lampiran/{id}", get(admin::complaint::attachment))
        .route("/admin/pengaduan/{id}", get(admin::complaint::detail))
        .route(
            "/admin/pengaduan/{id}/langkah",
            post(admin::complaint::step).layer(DefaultBodyLimit::max(api::UPLOAD_LIMIT)),
        )
        .route(
            "/admin/pengaduan/{id}/komentar",
            post(admin::complaint::comment).layer(DefaultBodyLimit::max(api::UPLOAD_LIMIT)),
        )
        .route("/masuk", get(account::login_form).post(account::login))
        .route("/keluar", post(account::logout))
        .route("/daftar", get(account::register_form).post(account::register))
        .route("/akun", get(account::account))
        .route("/akun/sandi", get(account::password_form).post(account::password))
        .route("/admin", get(admin::dashboard))
        .route("/admin/mpp", get(admin::mpps::list))
        .route("/admin/mpp/baru", get(admin::mpps::new_form).post(admin::mpps::create))
        .route("/admin/mpp/{id}", get(admin::mpps::edit_form).post(admin::mpps::update))
        .route("/admin/mpp/{id}/libur", get(admin::mpps::mpp_holidays).post(admin::mpps::add_local))
        .route("/admin/libur", get(admin::mpps::national_holidays).post(admin::mpps::add_national))
        .route("/admin/libur/{id}/hapus", post(admin::mpps::delete_holiday))
        .route("/admin/mpp/{id}/instansi", get(admin::providers::list))
        .route("/admin/mpp/{id}/instansi/baru", get(admin::providers::new_form).post(admin::providers::create))
        .route("/admin/instansi/{id}", get(admin::providers::edit_form).post(admin::providers::update))
        .route("/admin/instansi/{id}/loket", post(admin::providers::add_counter))
        .route("/admin/loket/{id}", post(admin::providers::update_counter))
        .route("/admin/lembaga", get(admin::providers::agencies).post(admin::providers::agency_create))
        .route("/admin/lembaga/{id}", get(admin::providers::agency_edit).post(admin::providers::agency_update))
        .route("/admin/layanan", get(admin::catalog::list))
        .route("/admin/mpp/{id}/layanan/baru", get(admin::catalog::new_form).post(admin::catalog::create))
        .route("/admin/layanan/{id}", get(admin::catalog::edit_form).post(admin::catalog::update))
        .route("/admin/layanan/{id}/status", post(admin::catalog::set_status))
        .route("/admin/pengguna", get(admin::people::users))
        .route("/admin/pengguna/baru", get(admin::people::new_user).post(admin::people::create_user))
        .route("/admin/pengguna/{id}", get(admin::people::edit_user).post(admin::people::update_user))
        .route("/admin/token", get(admin::people::tokens).post(admin::people::issue_token))
        .route("/admin/token/{id}/cabut", post(admin::people::revoke_token))
        .route("/admin/audit", get(admin::people::audit))
        .route("/admin/mpp/{id}/antrean", get(admin::queue::settings).post(admin::queue::save_settings))
        .route("/admin/mpp/{id}/perangkat", get(admin::devices::list).post(admin::devices::create))
        .route("/admin/perangkat/{id}/kode", post(admin::devices::repair))
        .route("/admin/perangkat/{id}/cabut", post(admin::devices::revoke))
        .route("/perangkat", get(device::form).post(device::pair))
        .route("/nasional", get(national::programme))
        .route("/nasional.csv", get(national::programme_csv_download))
        .route("/nasional/wilayah/{code}", get(national::regency))
        .route("/nasional/wilayah/{code}/kajian", get(national::study::study))
        .route("/nasional/wilayah/{code}/kajian/cetak", get(national::study::study_print))
        .route("/nasional/wilayah/{code}/kajian/pengaturan", post(national::study::save_settings))
        .route("/nasional/wilayah/{code}/kajian/penduduk", post(national::study::save_population))
        .route("/nasional/wilayah/{code}/kajian/penduduk.csv", get(national::study::population_csv))
        .route("/nasional/jangkauan", get(national::study::ranking))
        .route("/nasional/jangkauan.csv", get(national::study::ranking_csv))
        .route("/nasional/dasbor", get(national::dashboard::dashboard))
        .route("/nasional/dasbor.csv", get(national::dashboard::dashboard_csv_download))
        .route("/nasional/dasbor/{slug}", get(national::dashboard::drill))
        .route("/evaluasi", get(evaluation::results))
        .route("/admin/evaluasi", get(evaluation::list))
        .route("/admin/evaluasi/saya", get(evaluation::mine))
        .route("/admin/evaluasi/siklus", get(evaluation::open_cycle_get).post(evaluation::open_cycle))
        .route("/admin/evaluasi/siklus/{id}", get(evaluation::cycle))
        .route("/admin/evaluasi/siklus/{id}/evaluator", post(evaluation::assign))
        .route("/admin/evaluasi/siklus/{id}/umumkan", post(evaluation::publish))
        .route("/admin/evaluasi/bukti/{id}", get(evaluation::evidence))
        .route("/evaluasi/rapor/{id}", get(evaluation::card))
        .route("/evaluasi/rapor/{id}/cetak", get(evaluation::card_print))
        .route("/evaluasi/insentif/{id}", get(evaluation::incentives).post(evaluation::save_incentives))
        .route("/evaluasi/insentif/{id}/cetak", get(evaluation::incentives_print))
        .route("/evaluasi/insentif/{id}/csv", get(evaluation::incentives_csv))
        .route(
            "/admin/evaluasi/penilaian/{id}",
            get(evaluation::assessment).post(evaluation::act).layer(DefaultBodyLimit::max(api::UPLOAD_LIMIT)),
        )
        .route("/admin/evaluasi/instrumen/{id}", get(evaluation::show).post(evaluation::save))
        .route("/admin/evaluasi/instrumen/{id}/salin", post(evaluation::clone))
        .route("/admin/nasional", get(national::register::home))
        .route("/admin/nasional/usulan/{id}", post(national::register::decide))
        .route("/admin/nasional/target", post(national::register::set_target))
        .route("/admin/nasional/impor", post(national::register::import))
        .route("/admin/nasional/ekspor.csv", get(national::register::export))
        .route("/admin/nasional/wilayah/{code}", get(national::register::regency))
        .route("/admin/nasional/wilayah/{code}/lokasi", post(national::register::create_location))
        .route("/admin/nasional/lokasi/{id}", post(national::register::update_location))
        .route("/admin/nasional/lokasi/{id}/peristiwa", post(national::register::add_event))
        .route("/admin/nasional/peristiwa/{id}/hapus", post(national::register::delete_event))
        .route(
            "/admin/loket/{id}/layanan",
            get(admin::queue::counter_services).post(admin::queue::save_counter_services),
        );

    Router::new()
        .merge(pages)
        .merge(api::router())
        .route_layer(middleware::from_fn_with_state(state.clone(), metrics::track))
        .fallback(public::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), ctx::context))
        .route("/static/{*name}", get(assets::file))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"),
        ))
        // A client gets `read_timeout` between two pieces of its body and two
        // minutes for all of it (three attachments over a slow phone line).
        .layer(RequestBodyTimeoutLayer::new(read_timeout))
        .layer(RequestBodyDeadlineLayer::new(BODY_DEADLINE))
        // Pages go gzipped to browsers that ask (the national map is ~370 KB of
        // SVG, ~100 KB gzipped); event streams and images are left as they are.
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(s): State<AppState>) -> impl IntoResponse {
    match s.app.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "database not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}
