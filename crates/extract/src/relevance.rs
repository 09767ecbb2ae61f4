//! Is this an outbreak report? A transparent additive score.
//!
//! Each piece of evidence adds or subtracts a fixed weight, and every weight that
//! fires becomes a reason an analyst can read ("deaths reported", "but: economy
//! story"). The sum goes through a logistic function to give a 0..1 score. The
//! weights were set by hand from what distinguishes an outbreak report in
//! surveillance practice (a named disease, affected people or animals counted, a
//! place and a time, the health authority speaking), not fitted to any test set.

use crate::analysis::Relevance;

/// The evidence the relevance score reads.
#[derive(Debug, Default, Clone)]
pub struct Evidence {
    /// A primary disease with a full (not weak) name.
    pub primary_disease: bool,
    /// The primary disease is named in the title.
    pub disease_in_title: bool,
    /// Any disease mention at all (including weak forms).
    pub any_disease: bool,
    /// Human cases (cases/confirmed/suspected/hospitalized) counted.
    pub human_cases: usize,
    /// Human deaths counted.
    pub human_deaths: usize,
    /// Animal counts (affected or dead).
    pub animal_counts: usize,
    /// Counts in the title.
    pub count_in_title: bool,
    /// A KLB was declared.
    pub klb_declared: bool,
    /// Outbreak vocabulary (wabah, klaster, penularan, outbreak) mentions.
    pub outbreak_words: usize,
    /// Illness vocabulary (terjangkit, keracunan, infected) mentions.
    pub illness_words: usize,
    /// Situation-report vocabulary mentions.
    pub situation_words: usize,
    /// Denials ("belum ada kasus", "hoaks").
    pub denials: usize,
    /// Advice/policy vocabulary mentions.
    pub advice_words: usize,
    /// Economy/politics/sport vocabulary mentions.
    pub off_topic_words: usize,
    /// "saat pandemi", "new normal": the pandemic as a time reference.
    pub pandemic_era: usize,
    /// Health authority named (Dinkes, puskesmas, Ministry of Health).
    pub authority: bool,
    /// A primary place was found (not only the dateline).
    pub primary_place: bool,
    /// Share of sentences that mention a disease (0..1).
    pub disease_density: f64,
    /// Body length in characters.
    pub length: usize,
    /// The title gives advice, an expert view or a question ("Waspada ...",
    /// "Pakar: ...", "Cara mencegah ...", "Apa itu ...?").
    pub advice_title: bool,
    /// The title or lead denies cases ("Belum Ada Kasus ...").
    pub denial_in_title: bool,
}

struct Scored {
    weight: f64,
    reason: String,
}

/// Scores the evidence and explains the verdict.
pub fn score(e: &Evidence) -> Relevance {
    let mut parts: Vec<Scored> = Vec::new();
    let mut add = |weight: f64, reason: String| parts.push(Scored { weight, reason });

    // Cases and deaths reported with outbreak vocabulary: an outbreak of a disease
    // not (yet) named, or named only in a headline we did not get.
    let unnamed_outbreak = e.human_cases > 0 && e.human_deaths > 0 && e.outbreak_words > 0;
    if e.primary_disease {
        add(1.5, "names a disease as its subject".into());
    } else if e.any_disease {
        add(0.3, "mentions a disease in passing".into());
    } else if unnamed_outbreak {
        add(
            -1.0,
            "but: names no disease (cases and deaths of an unnamed illness)".into(),
        );
    } else {
        add(-3.0, "but: names no disease".into());
    }
    if e.disease_in_title {
        add(1.2, "disease named in the title".into());
    }
    if e.klb_declared {
        add(3.0, "KLB declared".into());
    }
    // Figures matter when they are figures of a disease: deaths in a clash or a road
    // accident are not an outbreak.
    let figure_weight = if e.primary_disease || unnamed_outbreak {
        1.0
    } else {
        0.35
    };
    if e.human_deaths > 0 {
        add(1.2 * figure_weight, "deaths reported".into());
    }
    if e.human_cases > 0 {
        let w = 1.0 + 0.3 * (e.human_cases.min(4) as f64 - 1.0);
        add(
            w * figure_weight,
            format!("{} case figure(s) reported", e.human_cases),
        );
    }
    if e.human_cases > 0 && e.human_deaths > 0 {
        // "N cases including M deaths": the canonical form of an outbreak report.
        add(
            1.0 * figure_weight,
            "cases and deaths reported together".into(),
        );
    }
    if e.animal_counts > 0 {
        add(
            1.3 * figure_weight,
            "affected or dead animals counted".into(),
        );
    }
    if e.count_in_title {
        add(0.8, "a count in the title".into());
    }
    if e.outbreak_words > 0 {
        add(
            0.4 * (e.outbreak_words.min(5) as f64),
            format!("outbreak vocabulary ({}×)", e.outbreak_words),
        );
    }
    if e.illness_words > 0 {
        add(
            0.3 * (e.illness_words.min(5) as f64),
            format!("illness vocabulary ({}×)", e.illness_words),
        );
    }
    if e.situation_words > 0 {
        add(
            0.3 * (e.situation_words.min(3) as f64),
            "situation-report vocabulary".into(),
        );
    }
    if e.authority {
        add(0.4, "health authority cited".into());
    }
    if e.primary_place {
        add(0.3, "event located".into());
    }
    if e.disease_density >= 0.25 {
        add(
            0.8,
            format!(
                "disease named in {:.0}% of sentences",
                e.disease_density * 100.0
            ),
        );
    } else if e.primary_disease && e.disease_density < 0.08 {
        add(-1.0, "but: the disease is rarely mentioned".into());
    }
    if e.advice_title {
        add(
            -2.2,
            "but: the headline gives advice or an expert view".into(),
        );
    }
    if e.denial_in_title {
        add(-2.5, "but: the headline says there are no cases".into());
    }
    if e.denials > 0 {
        add(
            -1.2 * e.denials.min(2) as f64,
            "but: says there are no cases".into(),
        );
    }
    if e.advice_words >= 2 {
        add(
            -0.25 * (e.advice_words.min(8) as f64),
            format!("but: advice or policy vocabulary ({}×)", e.advice_words),
        );
    }
    if e.off_topic_words >= 2 {
        add(
            -0.35 * (e.off_topic_words.min(8) as f64),
            format!(
                "but: economy/politics/sport vocabulary ({}×)",
                e.off_topic_words
            ),
        );
    }
    if e.pandemic_era > 0 {
        add(
            -0.8 * e.pandemic_era.min(2) as f64,
            "but: the pandemic only as a time reference".into(),
        );
    }
    let no_figures =
        e.human_cases == 0 && e.human_deaths == 0 && e.animal_counts == 0 && !e.klb_declared;
    if no_figures {
        add(
            -1.2,
            "but: no cases, deaths or affected animals counted".into(),
        );
    }

    let bias = -3.2;
    let total: f64 = bias + parts.iter().map(|p| p.weight).sum::<f64>();
    let score = 1.0 / (1.0 + (-total).exp());
    let is_report = score >= 0.5;
    let situation =
        e.situation_words >= 2 && !e.klb_declared && e.human_deaths + e.human_cases >= 2;
    let category = match (is_report, situation) {
        (true, true) => "situation_report",
        (true, false) => "outbreak_report",
        (false, _) if e.primary_disease => "outbreak_related",
        _ => "not_relevant",
    };
    parts.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
    Relevance {
        is_outbreak_report: is_report,
        category,
        score: (score * 1000.0).round() / 1000.0,
        reasons: parts.into_iter().map(|p| p.reason).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counted_disease_event_is_a_report() {
        let e = Evidence {
            primary_disease: true,
            disease_in_title: true,
            any_disease: true,
            human_cases: 2,
            illness_words: 3,
            authority: true,
            primary_place: true,
            disease_density: 0.4,
            length: 2000,
            ..Default::default()
        };
        let r = score(&e);
        assert!(r.is_outbreak_report, "{r:?}");
        assert_eq!(r.category, "outbreak_report");
        assert!(r.reasons.iter().any(|x| x.contains("case figure")));
    }

    #[test]
    fn passing_mention_in_economy_news_is_not() {
        let e = Evidence {
            any_disease: true,
            off_topic_words: 6,
            pandemic_era: 1,
            length: 2000,
            ..Default::default()
        };
        let r = score(&e);
        assert!(!r.is_outbreak_report);
        assert_eq!(r.category, "not_relevant");
        assert!(r.reasons.iter().any(|x| x.starts_with("but:")));
    }

    #[test]
    fn a_klb_declaration_weighs_heavily() {
        let base = Evidence {
            primary_disease: true,
            any_disease: true,
            disease_density: 0.3,
            ..Default::default()
        };
        let with_klb = Evidence {
            klb_declared: true,
            ..base.clone()
        };
        assert!(score(&with_klb).score > score(&base).score);
        assert!(score(&with_klb).is_outbreak_report);
    }
}
