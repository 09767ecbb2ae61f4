//! `waspada eval`: scores `analyze --json` output against gold labels, printing the same
//! figures as `shared/tools/score.py`, and optionally which articles went wrong and why.

use anyhow::Context as _;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

/// Arguments of `waspada eval`.
#[derive(clap::Args)]
pub struct Args {
    /// Gold file (JSON Lines with a `gold` object per article), e.g. ../shared/eval/id_news_dev.jsonl.
    #[arg(long, value_name = "FILE")]
    gold: PathBuf,
    /// Output of `waspada analyze --json` on the gold file. Without it, the gold file is
    /// analysed first with this very binary.
    #[arg(long, value_name = "FILE")]
    pred: Option<PathBuf>,
    /// Print the figures as one JSON object (as `score.py --json`). With --explain, one JSON
    /// line per article with problems comes first and the figures object is the last line.
    #[arg(long)]
    json: bool,
    /// Also list, article by article, what was missed or wrong (false-positive relevance,
    /// missed disease, wrong province, missed count, KLB...).
    #[arg(long)]
    explain: bool,
}

/// Runs the command. Exit status 0 when the figures were printed.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let gold = waspada_eval::load_gold(&args.gold)?;
    let preds = match &args.pred {
        Some(path) => waspada_eval::load_predictions(path)?,
        None => analyse_gold(&args.gold)?,
    };
    let figures = waspada_eval::score(&gold, &preds);
    let reports = if args.explain {
        waspada_eval::explain(&gold, &preds)
    } else {
        Vec::new()
    };
    if args.json {
        for r in reports.iter().filter(|r| !r.problems.is_empty()) {
            println!("{}", serde_json::to_string(r)?);
        }
        println!("{}", figures.to_json_line());
    } else {
        if args.explain {
            print!("{}", waspada_eval::render_text(&reports));
            println!();
        }
        print!("{}", figures.to_text());
    }
    Ok(ExitCode::SUCCESS)
}

/// Analyses the gold file with this binary (`waspada analyze --json FILE`) and reads its
/// output as predictions.
///
/// Running the binary rather than calling `waspada_extract` keeps this command identical to
/// what a user would score by hand (`analyze --json > pred; eval --pred pred`). `analyze`
/// exits with 1 when some lines could not be read; those lines still print an object with
/// an `error`, so the run is scored, and its stderr messages reach the user.
fn analyse_gold(path: &Path) -> anyhow::Result<HashMap<String, Value>> {
    let exe =
        std::env::current_exe().context("cannot locate the waspada binary to run `analyze`")?;
    let output = Command::new(&exe)
        .arg("analyze")
        .arg("--json")
        .arg(path)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| {
            format!(
                "cannot run `{} analyze --json {}`",
                exe.display(),
                path.display()
            )
        })?;
    match output.status.code() {
        Some(0 | 1) => {}
        _ => anyhow::bail!(
            "`waspada analyze --json {}` failed ({}); run it alone to see why, or pass --pred",
            path.display(),
            output.status
        ),
    }
    let source = PathBuf::from(format!("<analyze --json {}>", path.display()));
    Ok(waspada_eval::parse_predictions(&source, &output.stdout)?)
}
