//! One module per subcommand.

pub mod alerts;
pub mod analyze;
pub mod bench;
pub mod bench_cluster;
pub mod bench_ingest;
pub mod cluster;
pub mod data;
pub mod demo;
pub mod detect;
pub mod eval;
pub mod events;
pub mod ingest;
pub mod reanalyze;
pub mod run;
pub mod search;
pub mod serve;
pub mod signals;
pub mod status;
pub mod token;
pub mod user;
pub mod workplace;
