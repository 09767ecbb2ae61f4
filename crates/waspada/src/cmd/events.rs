//! `waspada events`: outbreak events in the store, with their figures and sources.

use std::process::ExitCode;

use anyhow::Result;
use waspada_kb::KnowledgeBase;
use waspada_pipeline::detect::disease_name;
use waspada_store::EventFilter;

use super::data::DataArgs;

/// Arguments of `waspada events`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// Only this disease (id, e.g. `dengue`, `african_swine_fever`).
    #[arg(long)]
    pub disease: Option<String>,
    /// Only this area: a Kemendagri code (`32`, `32.05`) or an ISO alpha-3 country (`IDN`).
    #[arg(long)]
    pub place: Option<String>,
    /// Only events with reports on or after this date (YYYY-MM-DD).
    #[arg(long)]
    pub since: Option<String>,
    /// Only events with reports on or before this date (YYYY-MM-DD).
    #[arg(long)]
    pub until: Option<String>,
    /// How many events.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Source articles listed per event.
    #[arg(long, default_value_t = 3)]
    pub sources: usize,
    /// Print JSON Lines (one event per line, with all its reports).
    #[arg(long)]
    pub json: bool,
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode> {
    let dir = args.data.existing()?;
    let store = dir.store()?;
    let events = store.events(&EventFilter {
        disease_id: args.disease.clone(),
        area: args.place.clone(),
        since: args.since.clone(),
        until: args.until.clone(),
        limit: args.limit,
        ..EventFilter::default()
    })?;
    let kb = KnowledgeBase::embedded();
    if events.is_empty() && !args.json {
        println!("no events match");
    }
    for e in &events {
        let reports = store.event_reports(e.id)?;
        if args.json {
            println!("{}", serde_json::json!({ "event": e, "reports": reports }));
            continue;
        }
        let figures: Vec<String> = e
            .figures
            .iter()
            .map(|f| {
                let who = if f.species == "human" {
                    String::new()
                } else {
                    format!(" {}", f.species)
                };
                format!(
                    "{} {}{} (as of {})",
                    f.value,
                    f.kind.replace('_', " "),
                    who,
                    f.date
                )
            })
            .collect();
        println!(
            "#{} {} — {} [{}]{}",
            e.id,
            disease_name(kb, &e.disease_id),
            e.place_name,
            e.area_code,
            if e.klb_declared { "  KLB declared" } else { "" }
        );
        println!(
            "    {} to {} · {} report(s) from {} distinct stor{}",
            e.first_date,
            e.last_date,
            e.n_reports,
            e.n_stories,
            if e.n_stories == 1 { "y" } else { "ies" }
        );
        if !figures.is_empty() {
            println!("    figures: {}", figures.join(", "));
        }
        for r in reports.iter().rev().take(args.sources) {
            println!(
                "    {} {} — {}{}",
                r.date,
                r.source.as_deref().unwrap_or("?"),
                r.title.as_deref().unwrap_or("(untitled)"),
                r.url
                    .as_deref()
                    .map(|u| format!(" <{u}>"))
                    .unwrap_or_default()
            );
        }
        if reports.len() > args.sources {
            println!("    ... {} more report(s)", reports.len() - args.sources);
        }
    }
    Ok(ExitCode::SUCCESS)
}
