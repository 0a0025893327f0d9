//! Load scenarios for satuatap, each compared with a ceiling measured in the
//! same run. Run in release mode; see docs/BENCHMARKS.md.
//!
//!   cargo run --release -p satuatap-bench -- queue  --engine sqlite
//!   cargo run --release -p satuatap-bench -- fanout --engine postgres --boards 1000,10000
//!   cargo run --release -p satuatap-bench -- storm  --engine sqlite --crash-after 5
//!   cargo run --release -p satuatap-bench -- ikm    --engine postgres --responses 10000000
//!   cargo run --release -p satuatap-bench -- national --engine sqlite

mod ceiling;
mod dashboard;
mod fanout;
mod ikm;
mod national;
mod queue;
mod setup;
mod storm;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "satuatap load benchmarks")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Tickets issued and called per second over HTTP vs the same writes done directly on the database.
    Queue {
        #[command(flatten)]
        common: setup::Common,
        #[command(flatten)]
        args: queue::Args,
    },
    /// A quota-opening rush: open-loop reads and bookings ramping past capacity vs the raw
    /// database; audit that no slot is over capacity; optionally kill -9 mid-storm.
    Storm {
        #[command(flatten)]
        common: setup::Common,
        #[command(flatten)]
        args: storm::Args,
    },
    /// Latency from a call to its event on 1,000s of connected display boards.
    Fanout {
        #[command(flatten)]
        common: setup::Common,
        #[command(flatten)]
        args: fanout::Args,
    },
    /// IKM over millions of survey responses: the rollup via the application vs the raw
    /// aggregate over every response (identical index required), and the results over HTTP.
    Ikm {
        #[command(flatten)]
        common: setup::Common,
        #[command(flatten)]
        args: ikm::Args,
    },
    /// The MPP manager's dashboard for a year of a large MPP (1,500 visitors a day, 30
    /// services) over HTTP vs the same service call in-process.
    Dashboard {
        #[command(flatten)]
        common: setup::Common,
        #[command(flatten)]
        args: dashboard::Args,
    },
    /// The national pages with all 514 regencies: programme, every regency's study, ranking,
    /// ministry dashboard over HTTP vs the same service calls in-process; the whole-country
    /// study in one run; the map sizes.
    National {
        #[command(flatten)]
        common: setup::Common,
        #[command(flatten)]
        args: national::Args,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().cmd {
        Cmd::Queue { common, args } => queue::run(&common, &args).await,
        Cmd::Fanout { common, args } => fanout::run(&common, &args).await,
        Cmd::Storm { common, args } => storm::run(&common, &args).await,
        Cmd::Ikm { common, args } => ikm::run(&common, &args).await,
        Cmd::National { common, args } => national::run(&common, &args).await,
        Cmd::Dashboard { common, args } => dashboard::run(&common, &args).await,
    }
}
