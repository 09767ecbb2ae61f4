//! Reading the shared evaluation files in place (never copied into the repository).

use std::path::PathBuf;

/// The JSON lines of `../shared/eval/<name>`, or `None` (with a SKIPPED message) when
/// the shared folder is not beside the checkout.
pub fn eval_rows(name: &str) -> Option<Vec<serde_json::Value>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/eval")
        .join(name);
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("SKIPPED: {} not present", path.display());
        return None;
    };
    Some(
        text.lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect(),
    )
}
