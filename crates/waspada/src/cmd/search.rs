//! `waspada search`: full-text search over stored articles, with facets.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{Result, bail};
use waspada_kb::KnowledgeBase;
use waspada_pipeline::detect::{area_name, disease_name};
use waspada_search::{FacetCount, Query};

use super::data::DataArgs;

/// Arguments of `waspada search`.
#[derive(clap::Args)]
pub struct Args {
    /// Words to look for, in Indonesian or English ("demam berdarah Garut"). Word forms
    /// are matched: "penularan" also finds "menular".
    pub query: String,
    #[command(flatten)]
    pub data: DataArgs,
    /// Only articles published on or after this date (YYYY-MM-DD).
    #[arg(long)]
    pub since: Option<String>,
    /// Only articles published on or before this date (YYYY-MM-DD).
    #[arg(long)]
    pub until: Option<String>,
    /// Only articles naming this disease (id, e.g. `dengue`).
    #[arg(long)]
    pub disease: Option<String>,
    /// Only articles naming this place: Kemendagri province (`32`) or regency (`32.05`)
    /// code, or ISO alpha-3 country (`MYS`).
    #[arg(long)]
    pub place: Option<String>,
    /// Only outbreak reports.
    #[arg(long)]
    pub outbreaks: bool,
    /// How many hits.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

fn parse_date(s: &str) -> Result<jiff::civil::Date> {
    s.parse().map_err(|_| {
        anyhow::anyhow!("{s:?} is not a date; write it as YYYY-MM-DD, e.g. 2025-01-31")
    })
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode> {
    let dir = args.data.existing()?;
    let store = dir.store()?;
    let mut indexer = dir.indexer()?;
    indexer.catch_up(&store)?;
    let mut query = Query {
        text: args.query.clone(),
        since: args.since.as_deref().map(parse_date).transpose()?,
        until: args.until.as_deref().map(parse_date).transpose()?,
        disease: args.disease.clone(),
        outbreak_only: args.outbreaks,
        limit: args.limit,
        ..Query::default()
    };
    if let Some(place) = &args.place
        && !query.set_place(place)
    {
        bail!(
            "--place {place:?} is not a code; use a province code (32), a regency code (32.05) \
             or a country (IDN, MYS)"
        );
    }
    let results = indexer.index().search(&query)?;
    let bold = std::io::stdout().is_terminal();
    let kb = KnowledgeBase::embedded();
    let mut hits = Vec::new();
    for hit in &results.hits {
        let Some(article) = store.article(hit.article_id as i64)? else {
            continue;
        };
        let snippet = indexer
            .index()
            .snippet(&args.query, &article.language, &article.clean_text);
        hits.push((hit, article, snippet));
    }
    if args.json {
        let list: Vec<_> = hits
            .iter()
            .map(|(hit, a, s)| {
                serde_json::json!({
                    "article_id": a.id, "score": hit.score, "title": a.title, "url": a.url,
                    "source": a.source, "published": a.published, "language": a.language,
                    "snippet": s.fragment,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::json!({ "total": results.total, "hits": list, "facets": results.facets })
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!("{} matching article(s)", results.total);
    for (i, (_, a, s)) in hits.iter().enumerate() {
        println!(
            "\n{}. {}  [{} · {} · #{}]",
            i + 1,
            a.title.as_deref().unwrap_or("(untitled)"),
            a.source.as_deref().unwrap_or("?"),
            a.published.as_deref().unwrap_or("undated"),
            a.id
        );
        if let Some(url) = &a.url {
            println!("   {url}");
        }
        let snippet = if bold { s.to_ansi() } else { s.to_plain() };
        println!(
            "   {}",
            snippet.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }
    let top = |list: &[FacetCount], name: &dyn Fn(&str) -> String| -> String {
        list.iter()
            .take(6)
            .map(|f| format!("{} {}", name(&f.value), f.count))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if results.total > 0 {
        println!();
        println!(
            "diseases:  {}",
            top(&results.facets.diseases, &|k| disease_name(kb, k))
        );
        println!(
            "provinces: {}",
            top(&results.facets.provinces, &|k| area_name(kb, "province", k))
        );
        println!(
            "countries: {}",
            top(&results.facets.countries, &|k| area_name(kb, "country", k))
        );
    }
    Ok(ExitCode::SUCCESS)
}
