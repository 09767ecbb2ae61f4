//! `waspada analyze`: read articles, print what happened where.
//!
//! Inputs are read one after another, analysed in parallel batches on all cores,
//! and printed in input order. A line or file that cannot be read yields an
//! `{"id", "error"}` object and a message on stderr; the run goes on, and the
//! exit status is 1 if anything failed.

use anyhow::Result;
use rayon::prelude::*;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use waspada_extract::{Analysis, AnalyzeOptions, Analyzer};
use waspada_pipeline::files::{self as input, InputItem};
use waspada_text::Language;

/// Arguments of `waspada analyze`.
#[derive(clap::Args)]
pub struct Args {
    /// Files (.jsonl, .html, .txt), directories (files read in name order), or `-` for
    /// standard input (JSON Lines). Without any, standard input is read.
    pub inputs: Vec<PathBuf>,
    /// Print JSON Lines: one object per article, in input order.
    #[arg(long)]
    pub json: bool,
    /// Include `clean_text`, the text that mention offsets refer to.
    #[arg(long)]
    pub with_text: bool,
    /// Publication date for inputs that carry none (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub published: Option<String>,
    /// Force a language instead of detecting it.
    #[arg(long, default_value = "auto", value_parser = ["auto", "id", "en", "ms"])]
    pub lang: String,
}

fn parse_date(s: &str) -> Result<String, String> {
    s.parse::<jiff::civil::Date>()
        .map(|d| d.to_string())
        .map_err(|_| format!("'{s}' is not a date; write it as YYYY-MM-DD, e.g. 2025-09-30"))
}

/// Articles analysed per parallel batch: large enough to keep both cores busy,
/// small enough that output starts at once and memory stays flat.
const BATCH: usize = 256;

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode> {
    let options = AnalyzeOptions {
        with_text: args.with_text,
        language: match args.lang.as_str() {
            "auto" => None,
            code => Language::from_code(code),
        },
        default_published: args.published.clone(),
    };
    let analyzer = Analyzer::embedded();
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut failed = 0usize;
    let mut analysed = 0usize;
    let mut batch: Vec<InputItem> = Vec::with_capacity(BATCH);

    let mut flush =
        |batch: &mut Vec<InputItem>, out: &mut BufWriter<std::io::StdoutLock>| -> Result<()> {
            let results: Vec<Result<Analysis, (String, String)>> = batch
                .par_drain(..)
                .map(|item| match item {
                    InputItem::Article(article) => {
                        // Last line of defence: a bug on one article must not lose the others.
                        std::panic::catch_unwind(|| analyzer.analyze_with(&article, &options))
                            .map_err(|_| {
                                (
                                article.id.clone(),
                                "internal error while analysing this article (please report it)"
                                    .to_string(),
                            )
                            })
                    }
                    InputItem::Failed { id, error } => Err((id, error)),
                })
                .collect();
            for r in results {
                match r {
                    Ok(analysis) => {
                        analysed += 1;
                        if args.json {
                            serde_json::to_writer(&mut *out, &analysis)?;
                            out.write_all(b"\n")?;
                        } else {
                            write_human(out, &analysis)?;
                        }
                    }
                    Err((id, error)) => {
                        failed += 1;
                        eprintln!("waspada analyze: {id}: {error}");
                        if args.json {
                            serde_json::to_writer(
                                &mut *out,
                                &serde_json::json!({"id": id, "error": error}),
                            )?;
                            out.write_all(b"\n")?;
                        }
                    }
                }
            }
            out.flush()?;
            Ok(())
        };

    let inputs = if args.inputs.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.inputs.clone()
    };
    for item in input::read_all(&inputs) {
        batch.push(item);
        if batch.len() >= BATCH {
            flush(&mut batch, &mut out)?;
        }
    }
    flush(&mut batch, &mut out)?;
    if !args.json {
        writeln!(
            out,
            "{analysed} article(s) analysed, {failed} could not be read"
        )?;
    }
    out.flush()?;
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A compact report for a person reading the terminal.
fn write_human(out: &mut impl Write, a: &Analysis) -> std::io::Result<()> {
    let verdict = if a.relevance.is_outbreak_report {
        "OUTBREAK REPORT"
    } else {
        "not an outbreak report"
    };
    writeln!(
        out,
        "── {} [{}] {}",
        a.id,
        a.language,
        a.title.as_deref().unwrap_or("")
    )?;
    writeln!(
        out,
        "   {verdict} ({}, score {:.2})",
        a.relevance.category, a.relevance.score
    )?;
    writeln!(
        out,
        "   why: {}",
        a.relevance
            .reasons
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("; ")
    )?;
    let diseases: Vec<String> = a
        .diseases
        .iter()
        .map(|d| {
            // "Viral haemorrhagic fever (A99, syndrome of Ebola disease)".
            let of: Vec<&str> = d
                .syndrome_of
                .iter()
                .filter_map(|id| a.diseases.iter().find(|o| &o.id == id))
                .map(|o| o.name_en.as_str())
                .collect();
            format!(
                "{}{} ({}{})",
                if d.primary { "*" } else { "" },
                d.name_en,
                d.icd10.as_deref().unwrap_or("animal"),
                if of.is_empty() {
                    String::new()
                } else {
                    format!(", syndrome of {}", of.join(" and "))
                }
            )
        })
        .collect();
    if !diseases.is_empty() {
        writeln!(out, "   diseases: {}", diseases.join(", "))?;
    }
    let places: Vec<String> = a
        .locations
        .iter()
        .map(|l| {
            let code = l
                .regency_code
                .as_deref()
                .or(l.province_code.as_deref())
                .unwrap_or(&l.country);
            format!("{}{} [{}]", if l.primary { "*" } else { "" }, l.name, code)
        })
        .collect();
    if !places.is_empty() {
        writeln!(out, "   places: {}", places.join(", "))?;
    }
    let counts: Vec<String> = a
        .counts
        .iter()
        .map(|c| {
            let value = c.value.map_or("some".to_string(), |v| v.to_string());
            let approx = if c.approximate { "~" } else { "" };
            format!("{approx}{value} {} ({})", c.kind, c.species)
        })
        .collect();
    if !counts.is_empty() {
        writeln!(out, "   counts: {}", counts.join(", "))?;
    }
    if let Some(d) = &a.event_date {
        writeln!(out, "   event date: {d}")?;
    }
    if a.klb_declared {
        writeln!(out, "   KLB declared")?;
    }
    writeln!(out, "   (* = primary)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use waspada_extract::{Analyzer, Article};

    #[test]
    fn the_readable_summary_says_which_disease_a_syndrome_belongs_to() {
        let a = Analyzer::embedded().analyze(&Article {
            id: "t".into(),
            title: Some("Ebola haemorrhagic fever in Gulu".into()),
            text: "The Ministry of Health has reported 63 cases of Ebola haemorrhagic fever, \
                   including 30 deaths, in Gulu district."
                .into(),
            published: Some("2000-10-20".into()),
            ..Article::default()
        });
        let mut out = Vec::new();
        write_human(&mut out, &a).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.contains("*Viral haemorrhagic fever (A99, syndrome of Ebola disease)"),
            "{out}"
        );
        assert!(out.contains("*Ebola disease (A98)"), "{out}");
    }
}
