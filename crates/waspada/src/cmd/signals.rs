//! `waspada signals`: what detection raised, newest first.

use std::process::ExitCode;

use anyhow::Result;
use waspada_kb::KnowledgeBase;
use waspada_pipeline::detect::{DetectOptions, area_name, detect, disease_name};

use super::data::DataArgs;

/// Arguments of `waspada signals`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// Run detection over the stored series first.
    #[arg(long)]
    pub refresh: bool,
    /// How many signals.
    #[arg(long, default_value_t = 30)]
    pub limit: usize,
    /// Print JSON Lines.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode> {
    let dir = args.data.existing()?;
    let mut store = dir.store()?;
    if args.refresh {
        let d = detect(&mut store, &DetectOptions::default())?;
        eprintln!(
            "detection as of {}: {} series over {} periods",
            d.as_of.as_deref().unwrap_or("-"),
            d.series,
            d.periods
        );
    }
    let kb = KnowledgeBase::embedded();
    let signals = store.signals(args.limit)?;
    if signals.is_empty() && !args.json {
        println!("no signals; run `waspada signals --refresh` after ingesting");
    }
    for s in &signals {
        if args.json {
            println!("{}", serde_json::to_string(s)?);
            continue;
        }
        let expected = s
            .expected
            .map(|e| format!(", expected {e:.1}"))
            .unwrap_or_default();
        println!(
            "#{} [{}] {} — {} in {} ({} {}): observed {}{} · {} · events {:?}",
            s.id,
            s.status,
            s.period_start,
            disease_name(kb, &s.disease_id),
            area_name(kb, &s.area_level, &s.area_code),
            s.area_level,
            s.area_code,
            s.observed,
            expected,
            s.method,
            s.event_ids
        );
        println!("    {}", s.explanation);
    }
    Ok(ExitCode::SUCCESS)
}
