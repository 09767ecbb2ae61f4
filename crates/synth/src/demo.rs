//! The demo corpus: 90 days of regional news in which a few outbreaks grow over time.

use crate::data::Regency;
use crate::id_news::{self, OutbreakSpec};
use crate::{Rng, SynthArticle, mixed_article, text};
use jiff::civil::Date;

/// First day of the demo corpus.
pub const DEMO_START: &str = "2025-10-01";
/// Days covered by the demo corpus.
pub const DEMO_DAYS: i64 = 90;
/// Ordinary articles per day around the scenarios.
const BACKGROUND_PER_DAY: u64 = 20;
/// Share (%) of ordinary articles that report a small outbreak somewhere. Regional news is
/// mostly not about outbreaks; with half of it outbreaks (the benchmark mix), the demo's
/// four scenarios drowned among hundreds of rule signals from sporadic reports.
const BACKGROUND_OUTBREAK_PCT: u64 = 8;
/// Share (%) of those sporadic reports whose KLB declaration is kept: a KLB is rare.
const BACKGROUND_KLB_KEEP_PCT: u64 = 15;

/// About 2,200 articles over 90 days from [`DEMO_START`]: ordinary news (the languages and
/// kinds of [`crate::generate`], but mostly not outbreaks, as in real regional news, with
/// now and then a small sporadic outbreak) plus four outbreaks that grow, each marked in
/// `truth.scenario`:
/// - `dengue_garut`: dengue in Kabupaten Garut, from a dozen cases to over a thousand,
///   with deaths, and a KLB in the last month;
/// - `rabies_sikka`: dog bites and rising rabies deaths in Kabupaten Sikka (NTT);
/// - `mbg_poisoning_cianjur`: a school-meal (MBG) poisoning in Kabupaten Cianjur over one
///   week, declared a KLB on its second day;
/// - `asf_ntt`: African swine fever killing more and more pigs in Belu and Kupang (NTT).
///
/// Articles come in date order with ids `demo-00000`, `demo-00001`, ...
pub fn demo_corpus(seed: u64) -> Vec<SynthArticle> {
    let start: Date = DEMO_START.parse().unwrap_or_default();
    let mut out = Vec::new();

    let mut bg = Rng::new(seed);
    for day in 0..DEMO_DAYS {
        let date = text::add_days(start, day);
        for _ in 0..bg.range(BACKGROUND_PER_DAY - 4, BACKGROUND_PER_DAY + 4) {
            out.push(mixed_article(
                &mut bg,
                String::new(),
                date,
                BACKGROUND_OUTBREAK_PCT,
                |rng, spec| spec.klb = spec.klb && rng.chance(BACKGROUND_KLB_KEEP_PCT),
            ));
        }
    }

    // Each scenario has its own stream, so changing one leaves the others as they were.
    let mut rng = Rng::new(seed ^ 0xD05E_A5E5);
    for day in 15..DEMO_DAYS {
        let k = (day - 15) as u64;
        for _ in 0..(1 + k / 15 + u64::from(rng.chance(40))) {
            let spec = scenario_spec(&mut rng, "dengue", "32.05", "dengue_garut", |s| {
                s.cases = 12 + k * k / 4 + s.cases % 7;
                s.deaths = k / 12;
                s.hospitalized = 0;
                s.klb = k >= 55;
            });
            out.push(id_news::outbreak(
                &mut rng,
                String::new(),
                text::add_days(start, day),
                &spec,
            ));
        }
    }

    let mut rng = Rng::new(seed ^ 0x000A_B1E5);
    for day in (25..DEMO_DAYS).filter(|d| d % 3 == 0 || *d > 70) {
        let k = (day - 25) as u64;
        let spec = scenario_spec(&mut rng, "rabies", "53.07", "rabies_sikka", |s| {
            s.cases = 40 + 6 * k;
            s.deaths = 1 + k / 10;
            s.klb = k >= 40;
        });
        out.push(id_news::outbreak(
            &mut rng,
            String::new(),
            text::add_days(start, day),
            &spec,
        ));
    }

    let mut rng = Rng::new(seed ^ 0x3B6);
    for day in 45..52 {
        let k = (day - 45) as u64;
        for _ in 0..(3 - k.min(2)) {
            let spec = scenario_spec(
                &mut rng,
                "food_poisoning",
                "32.03",
                "mbg_poisoning_cianjur",
                |s| {
                    s.cases = 90 + 40 * k.min(3);
                    s.hospitalized = 60 + 30 * k.min(3);
                    s.klb = k >= 1;
                },
            );
            out.push(id_news::outbreak(
                &mut rng,
                String::new(),
                text::add_days(start, day),
                &spec,
            ));
        }
    }

    let mut rng = Rng::new(seed ^ 0xA5F);
    for day in 10..80 {
        let k = (day - 10) as u64;
        if !rng.chance(60) {
            continue;
        }
        let code = if rng.chance(60) { "53.04" } else { "53.01" };
        let spec = scenario_spec(&mut rng, "african_swine_fever", code, "asf_ntt", |s| {
            s.animals = 30 + 25 * k;
            s.klb = false;
        });
        out.push(id_news::outbreak(
            &mut rng,
            String::new(),
            text::add_days(start, day),
            &spec,
        ));
    }

    out.sort_by(|a, b| a.published.cmp(&b.published));
    for (i, a) in out.iter_mut().enumerate() {
        a.id = format!("demo-{i:05}");
    }
    out
}

fn scenario_spec(
    rng: &mut Rng,
    disease: &'static str,
    regency_code: &str,
    scenario: &str,
    adjust: impl FnOnce(&mut OutbreakSpec),
) -> OutbreakSpec {
    let mut spec = OutbreakSpec::random(rng, disease);
    if let Some(r) = Regency::by_code(regency_code) {
        spec.regency = r;
    }
    spec.scenario = Some(scenario.to_owned());
    adjust(&mut spec);
    spec
}
