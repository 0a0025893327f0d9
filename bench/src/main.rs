//! Load scenarios for satuatap, each compared with a ceiling measured in the
//! same run. Run in release mode; see docs/BENCHMARKS.md.
//!
//!   cargo run --release -p satuatap-bench -- queue  --engine sqlite
//!   cargo run --release -p satuatap-bench -- fanout --engine postgres --boards 1000,10000

mod fanout;
mod queue;
mod setup;

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
    /// Latency from a call to its event on 1,000s of connected display boards.
    Fanout {
        #[command(flatten)]
        common: setup::Common,
        #[command(flatten)]
        args: fanout::Args,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().cmd {
        Cmd::Queue { common, args } => queue::run(&common, &args).await,
        Cmd::Fanout { common, args } => fanout::run(&common, &args).await,
    }
}
