//! Outbreak reports: what one analysed article contributes to events and series.
//!
//! An article about an outbreak reports a disease in one or more places on a date, with
//! figures. A [`Report`] is one disease × place of one article: the unit that events
//! gather and that series count. Only the article's *primary* diseases and places make
//! reports; a passing mention ("unlike the dengue season last year") does not.

use serde::{Deserialize, Serialize};
use waspada_extract::analysis::{Analysis, LocationFinding};

/// The area a report is counted in, most specific first.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Area {
    /// `regency` (also Indonesian cities), `province` or `country`.
    pub level: String,
    /// Kemendagri code for Indonesian regencies and provinces (`32.05`, `32`), ISO 3166-1
    /// alpha-3 for countries.
    pub code: String,
}

/// One disease in one place, as reported by one article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Project disease id (`dengue`).
    pub disease_id: String,
    /// The most specific area the report can be placed in.
    pub area: Area,
    /// Human-readable place name (`Kabupaten Garut`).
    pub place_name: String,
    /// ISO 3166-1 alpha-3 country.
    pub country: String,
    /// Kemendagri province code, for Indonesian places.
    pub province_code: Option<String>,
    /// Kemendagri regency code, for Indonesian regencies, cities and districts.
    pub regency_code: Option<String>,
    /// Representative coordinates of the place.
    pub lat: Option<f64>,
    /// Representative longitude.
    pub lon: Option<f64>,
    /// When it happened: the event date, else the publication date (`YYYY-MM-DD`).
    pub date: String,
    /// A KLB was declared.
    pub klb_declared: bool,
    /// Figures for this disease. Empty when the article names several places for the
    /// disease: its figures cannot be split between them.
    pub counts: Vec<ReportCount>,
}

/// One figure of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportCount {
    /// `cases`, `deaths`, `animals_dead`, ... as in the analysis.
    pub kind: String,
    /// The number.
    pub value: u64,
    /// `human` or the animal.
    pub species: String,
    /// A running total rather than new cases.
    pub cumulative: bool,
}

/// The reports of one analysed article: its primary diseases × its primary places.
///
/// Nothing comes out of an article that is not an outbreak report, or that names no
/// disease or no place: such an article cannot be counted anywhere. `fallback_date` is
/// used when the analysis has neither an event date nor a publication date (the day the
/// article was fetched).
pub fn reports_from(analysis: &Analysis, fallback_date: &str) -> Vec<Report> {
    if !analysis.relevance.is_outbreak_report {
        return Vec::new();
    }
    let date = analysis
        .event_date
        .as_deref()
        .or(analysis.published.as_deref())
        .unwrap_or(fallback_date)
        .to_string();
    let places = event_places(&analysis.locations);
    let mut out = Vec::new();
    // A syndrome named inside a primary disease's name ("Ebola haemorrhagic fever") is
    // that disease's report, not a second one.
    let is_primary = |id: &String| analysis.diseases.iter().any(|o| o.primary && &o.id == id);
    for disease in analysis
        .diseases
        .iter()
        .filter(|d| d.primary && !d.syndrome_of.iter().any(is_primary))
    {
        let counts = if places.len() == 1 {
            figures(analysis, &disease.id)
        } else {
            Vec::new()
        };
        for place in &places {
            let Some(area) = area_of(place) else { continue };
            out.push(Report {
                disease_id: disease.id.clone(),
                area,
                place_name: place.name.clone(),
                country: place.country.clone(),
                province_code: place.province_code.clone(),
                regency_code: place.regency_code.clone(),
                lat: place.lat,
                lon: place.lon,
                date: date.clone(),
                klb_declared: analysis.klb_declared,
                counts: counts.clone(),
            });
        }
    }
    out
}

/// Primary places, without those that only contain another primary place (a report
/// "in Garut, West Java" is one report in Garut, not one in Garut and one in West Java).
fn event_places(locations: &[LocationFinding]) -> Vec<&LocationFinding> {
    let primary: Vec<&LocationFinding> = locations.iter().filter(|l| l.primary).collect();
    let mut kept: Vec<&LocationFinding> = Vec::new();
    for place in &primary {
        let contains_another = primary
            .iter()
            .any(|other| !std::ptr::eq(*other, *place) && contains(place, other));
        if !contains_another
            && !kept
                .iter()
                .any(|k| area_of(k).is_some() && area_of(k) == area_of(place))
        {
            kept.push(place);
        }
    }
    kept
}

/// `outer` is a wider area that holds `inner`.
fn contains(outer: &LocationFinding, inner: &LocationFinding) -> bool {
    let rank = |l: &LocationFinding| match l.level {
        "country" => 0,
        "province" => 1,
        _ => 2,
    };
    if rank(outer) >= rank(inner) || outer.country != inner.country {
        return false;
    }
    match outer.level {
        "country" => true,
        "province" => outer.province_code.is_some() && outer.province_code == inner.province_code,
        _ => false,
    }
}

/// The area a place is counted in. Districts count in their regency; places abroad
/// without codes count in their country.
pub fn area_of(place: &LocationFinding) -> Option<Area> {
    if let Some(code) = &place.regency_code {
        return Some(Area {
            level: "regency".into(),
            code: code.clone(),
        });
    }
    if let Some(code) = &place.province_code {
        return Some(Area {
            level: "province".into(),
            code: code.clone(),
        });
    }
    (!place.country.is_empty()).then(|| Area {
        level: "country".into(),
        code: place.country.clone(),
    })
}

/// The article's figures for one disease: exact numbers only, the largest per kind and
/// species (a text that says "12 new cases, 40 in total" reports 40 so far).
fn figures(analysis: &Analysis, disease_id: &str) -> Vec<ReportCount> {
    let mut out: Vec<ReportCount> = Vec::new();
    for c in &analysis.counts {
        let Some(value) = c.value else { continue };
        if c.approximate || c.disease_id.as_deref().is_some_and(|d| d != disease_id) {
            continue;
        }
        match out
            .iter_mut()
            .find(|o| o.kind == c.kind && o.species == c.species)
        {
            Some(o) if value > o.value => {
                o.value = value;
                o.cumulative = c.cumulative;
            }
            Some(_) => {}
            None => out.push(ReportCount {
                kind: c.kind.to_string(),
                value,
                species: c.species.clone(),
                cumulative: c.cumulative,
            }),
        }
    }
    out.sort_by(|a, b| (&a.kind, &a.species).cmp(&(&b.kind, &b.species)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use waspada_extract::{Analyzer, Article};

    fn analyse(title: &str, text: &str) -> Analysis {
        Analyzer::embedded().analyze(&Article {
            id: "t".into(),
            title: Some(title.into()),
            text: text.into(),
            published: Some("2025-03-10".into()),
            ..Article::default()
        })
    }

    #[test]
    fn an_outbreak_in_one_regency_is_one_report_with_its_figures() {
        let a = analyse(
            "Wabah DBD di Garut, 3 warga meninggal",
            "GARUT - Dinas Kesehatan Kabupaten Garut, Jawa Barat, mencatat 120 kasus demam \
             berdarah dengue (DBD) sepanjang Maret 2025. Tiga warga meninggal dunia.",
        );
        let reports = reports_from(&a, "2025-03-11");
        assert_eq!(reports.len(), 1, "{reports:#?}");
        let r = &reports[0];
        assert_eq!(r.disease_id, "dengue");
        assert_eq!(
            r.area,
            Area {
                level: "regency".into(),
                code: "32.05".into()
            }
        );
        assert!(r.counts.iter().any(|c| c.kind == "cases" && c.value == 120));
        assert!(r.counts.iter().any(|c| c.kind == "deaths" && c.value == 3));
    }

    #[test]
    fn an_article_that_is_not_an_outbreak_report_reports_nothing() {
        let a = analyse(
            "Tips menjaga kesehatan saat musim hujan",
            "Minum air putih yang cukup dan istirahat teratur membantu menjaga daya tahan \
             tubuh. Jangan lupa berolahraga setiap pagi.",
        );
        assert!(reports_from(&a, "2025-03-11").is_empty());
    }

    #[test]
    fn a_syndrome_named_inside_the_disease_is_not_a_second_report() {
        let a = analyse(
            "Ebola haemorrhagic fever in Gulu",
            "Uganda's Ministry of Health has reported 63 cases of Ebola haemorrhagic fever, \
             including 30 deaths, in Gulu district. Contacts are being traced.",
        );
        assert!(
            a.diseases
                .iter()
                .any(|d| d.id == "viral_haemorrhagic_fever" && d.primary),
            "{:#?}",
            a.diseases
        );
        let reports = reports_from(&a, "2025-03-11");
        assert!(!reports.is_empty());
        assert!(
            reports.iter().all(|r| r.disease_id == "ebola"),
            "{reports:#?}"
        );
    }

    #[test]
    fn figures_are_not_split_between_several_places() {
        let a = analyse(
            "Kasus DBD meningkat di Garut dan Tasikmalaya",
            "Dinas Kesehatan mencatat 300 kasus demam berdarah dengue di Kabupaten Garut dan \
             Kabupaten Tasikmalaya sepanjang Maret 2025. Warga diminta menguras bak mandi.",
        );
        let reports = reports_from(&a, "2025-03-11");
        assert!(reports.len() >= 2, "{reports:#?}");
        assert!(reports.iter().all(|r| r.counts.is_empty()));
    }
}
