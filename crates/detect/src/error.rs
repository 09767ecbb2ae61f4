//! Errors, worded for the epidemiologist who runs the method, not for a programmer.

/// Why a method cannot run on a series. Messages name the method, the parameters involved and
/// what would fix the problem.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DetectError {
    /// The series has no time point at all.
    #[error("the series is empty: there is nothing to evaluate")]
    EmptySeries,

    /// The series ends before the first point the method can evaluate.
    #[error(
        "{m} with {params} needs at least {needed} {freq} points (the first {unit} it can evaluate is {unit} {needed}); this series has {have}",
        m = display_name(method)
    )]
    TooShort {
        /// Method name.
        method: &'static str,
        /// The parameters that set the needed history, e.g. "b = 3 and w = 3".
        params: String,
        /// Points needed: the first point the method can evaluate.
        needed: usize,
        /// Points in the series.
        have: usize,
        /// "weekly", "monthly" or "daily".
        freq: &'static str,
        /// "week", "month" or "day".
        unit: &'static str,
    },

    /// The requested first time point is earlier than the method allows.
    #[error(
        "{m} with {params} cannot evaluate time point {first}: there is not enough history before it; the earliest time point it can evaluate is {earliest}",
        m = display_name(method)
    )]
    TooEarly {
        /// Method name.
        method: &'static str,
        /// The parameters that set the needed history.
        params: String,
        /// Requested first time point.
        first: usize,
        /// Earliest time point the method can evaluate.
        earliest: usize,
    },

    /// The requested range is empty or reaches past the end of the series.
    #[error(
        "time points {from} to {to} cannot be evaluated: the series has time points 1 to {len}{hint}"
    )]
    BadRange {
        /// Requested first time point.
        from: usize,
        /// Requested last time point.
        to: usize,
        /// Length of the series.
        len: usize,
        /// What to change.
        hint: &'static str,
    },

    /// A method parameter has a value the method cannot use.
    #[error("{m}: {message}", m = display_name(method))]
    InvalidParameter {
        /// Method name.
        method: &'static str,
        /// What is wrong and what is allowed.
        message: String,
    },

    /// The method cannot run on this kind of data (R `surveillance` stops too).
    #[error("{m} cannot be used here: {reason}", m = display_name(method))]
    Unsupported {
        /// Method name.
        method: &'static str,
        /// Why, in words.
        reason: String,
    },

    /// A companion series (deaths, population, dates) does not line up with the counts.
    #[error("the {what} column has {got} values but the series has {expected} time points")]
    LengthMismatch {
        /// "deaths", "population" or "date".
        what: &'static str,
        /// Number of counts.
        expected: usize,
        /// Number of companion values.
        got: usize,
    },
}

/// How a method is named in messages: "Farrington", "EARS C1", ...
pub(crate) fn display_name(method: &str) -> &str {
    match method {
        "ears-c1" => "EARS C1",
        "ears-c2" => "EARS C2",
        "ears-c3" => "EARS C3",
        "farrington" => "Farrington",
        "noufaily" => "Noufaily",
        "cusum" => "CUSUM",
        "klb" => "The KLB criteria",
        other => other,
    }
}
