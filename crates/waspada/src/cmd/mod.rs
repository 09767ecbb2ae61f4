//! One module per subcommand.

pub mod analyze;
pub mod detect;
pub mod eval;
