//! The in-memory half of storing a batch.
//!
//! Storing an article one statement at a time asks the server, in turn: is it known, what
//! is it a near-duplicate of, which event does each report join. Each answer costs a round
//! trip, and the next article's question depends on the previous article's insert. Here
//! the rows those questions read are fetched for the whole batch at once (under the
//! batch's locks, so nobody else changes them), and the answers are worked out in memory,
//! article after article, exactly as the statements would have: a batch then costs a few
//! round trips, not several per article. The rules are the SQLite store's
//! ([`nearest_duplicate`], [`merge_figures`]); the tests below pin the cases that exist
//! only inside one batch (an article twice, a copy of an earlier article, two reports of
//! one event).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use waspada_events::report::Report;
use waspada_store::{
    EventFigure, Inserted, MAX_CANDIDATES, NewArticle, merge_figures, nearest_duplicate,
    signature_to_blob,
};

/// What the database already holds about a batch's articles.
#[derive(Debug, Default)]
pub(crate) struct Known {
    /// Stored URL (NUL-free) → article id, for the batch's URLs.
    pub urls: HashMap<String, i64>,
    /// Stored text hash → article id, for the batch's hashes.
    pub hashes: HashMap<Vec<u8>, i64>,
    /// Per article (index in the batch): the near-duplicate candidates sharing an LSH key
    /// (article id, cluster id, signature), at most [`MAX_CANDIDATES`] lowest ids.
    pub candidates: HashMap<usize, Vec<(i64, i64, Vec<u8>)>>,
}

/// A new article's row values decided in memory.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NewRow {
    /// Index in the batch.
    pub index: usize,
    /// Its id (handed out by the sequence before the plan).
    pub id: i64,
    /// Its story.
    pub cluster_id: i64,
    /// Estimated similarity to the article whose story it joined.
    pub similarity: Option<f64>,
}

/// What storing the batch's articles does.
#[derive(Debug, Default)]
pub(crate) struct ArticlePlan {
    /// Per article, in batch order.
    pub outcomes: Vec<Inserted>,
    /// The rows to insert, in batch order.
    pub new: Vec<NewRow>,
    /// URL aliases to record (URL, article id): each URL not yet known, first claim wins.
    pub aliases: Vec<(String, i64)>,
}

/// Decides, article after article, which are copies (of a stored article or of an earlier
/// one in the batch) and which are new, with their story. `urls[i]` are article `i`'s URLs
/// (NUL-free, canonical first, as looked up); `ids` are fresh ids, ascending, one per new
/// article at least.
pub(crate) fn plan_articles(
    articles: &[&NewArticle],
    urls: &[Vec<Cow<'_, str>>],
    known: &Known,
    ids: &[i64],
    threshold: f64,
) -> Result<ArticlePlan, &'static str> {
    let mut plan = ArticlePlan::default();
    let mut ids = ids.iter().copied();
    // What the batch stored so far, as the next article's lookups would see it.
    let mut batch_urls: HashMap<&str, i64> = HashMap::new();
    let mut batch_hashes: HashMap<[u8; 16], i64> = HashMap::new();
    let mut by_key: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut signatures: Vec<(i64, i64, Vec<u8>)> = Vec::new();
    for (index, (a, a_urls)) in articles.iter().zip(urls).enumerate() {
        let url_id = |u: &str| known.urls.get(u).or_else(|| batch_urls.get(u)).copied();
        let found = a_urls
            .iter()
            .find_map(|u| url_id(u))
            .map(|id| Inserted::SameUrl { id })
            .or_else(|| {
                known
                    .hashes
                    .get(&a.content_hash[..])
                    .or_else(|| batch_hashes.get(&a.content_hash))
                    .map(|&id| Inserted::SameText { id })
            });
        let outcome = match found {
            Some(found) => found,
            None => {
                let id = ids.next().ok_or("fewer article ids than new articles")?;
                let near = if a.band_keys.is_empty() || a.minhash.is_empty() {
                    None
                } else {
                    let mut seen = HashSet::new();
                    let mut pool: Vec<&(i64, i64, Vec<u8>)> = known
                        .candidates
                        .get(&index)
                        .into_iter()
                        .flatten()
                        .chain(
                            a.band_keys
                                .iter()
                                .filter_map(|(_, k)| by_key.get(k))
                                .flatten()
                                .map(|&s| &signatures[s]),
                        )
                        .filter(|c| seen.insert(c.0))
                        .collect();
                    pool.sort_by_key(|c| c.0);
                    pool.truncate(MAX_CANDIDATES);
                    nearest_duplicate(&a.minhash, pool.into_iter().cloned(), threshold)
                };
                let cluster_id = near.map_or(id, |(c, _)| c);
                let similarity = near.map(|(_, s)| s);
                batch_hashes.insert(a.content_hash, id);
                if !a.band_keys.is_empty() {
                    let s = signatures.len();
                    signatures.push((id, cluster_id, signature_to_blob(&a.minhash)));
                    for (_, k) in &a.band_keys {
                        by_key.entry(*k).or_default().push(s);
                    }
                }
                plan.new.push(NewRow {
                    index,
                    id,
                    cluster_id,
                    similarity,
                });
                Inserted::New {
                    id,
                    cluster_id,
                    similarity,
                }
            }
        };
        for u in a_urls {
            if !known.urls.contains_key(u.as_ref()) && !batch_urls.contains_key(u.as_ref()) {
                batch_urls.insert(u, outcome.id());
                plan.aliases.push((u.to_string(), outcome.id()));
            }
        }
        plan.outcomes.push(outcome);
    }
    Ok(plan)
}

/// A stored event a report may join, as fetched under the batch's locks.
#[derive(Debug, Clone)]
pub(crate) struct StoredEvent {
    /// Its id.
    pub id: i64,
    /// Disease, area level, area code.
    pub key: (String, String, String),
    /// First report date.
    pub first_date: String,
    /// Last report date.
    pub last_date: String,
    /// Current figures.
    pub figures: Vec<EventFigure>,
    /// A KLB declared.
    pub klb_declared: bool,
    /// Which of the batch's stories it already has reports of.
    pub clusters: Vec<i64>,
}

/// A report of a new article, with what its event lookup needs.
#[derive(Debug, Clone)]
pub(crate) struct NewReport<'a> {
    /// The article it comes from.
    pub article_id: i64,
    /// The article's story.
    pub cluster_id: i64,
    /// The report.
    pub report: &'a Report,
    /// Disease, area level, area code (NUL-free).
    pub key: (String, String, String),
    /// Its date (NUL-free).
    pub date: String,
    /// The dates an event must overlap to take it (`date` ± the window), `None` when the
    /// date names no day: such a report opens an event of its own.
    pub window: Option<(String, String)>,
}

/// An event after the batch: a stored one changed, or a new one.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EventState {
    /// Its id (a fresh one for a new event).
    pub id: i64,
    /// For a new event: the report (index in the plan's input) that opened it.
    pub opened_by: Option<usize>,
    /// First report date.
    pub first_date: String,
    /// Last report date.
    pub last_date: String,
    /// Figures after the batch.
    pub figures: Vec<EventFigure>,
    /// A KLB declared.
    pub klb_declared: bool,
    /// Reports added by the batch.
    pub added_reports: i64,
    /// Stories added by the batch.
    pub added_stories: i64,
}

/// What attaching the batch's reports does.
#[derive(Debug, Default)]
pub(crate) struct EventPlan {
    /// Stored events the batch changed.
    pub updated: Vec<EventState>,
    /// Events the batch opens, in the order opened.
    pub opened: Vec<EventState>,
    /// The event of each report, in input order.
    pub event_of: Vec<i64>,
}

struct Working {
    state: EventState,
    key: (String, String, String),
    clusters: HashSet<i64>,
    stored: bool,
    touched: bool,
}

/// Attaches each report, in order, to the event of its disease and area whose dates
/// overlap its window (the latest such event; on a tie the oldest), or opens one with the
/// next of `ids` (fresh ids, ascending).
pub(crate) fn plan_events(
    reports: &[NewReport<'_>],
    stored: Vec<StoredEvent>,
    ids: &[i64],
) -> Result<EventPlan, &'static str> {
    let mut ids = ids.iter().copied();
    let mut events: Vec<Working> = stored
        .into_iter()
        .map(|e| Working {
            state: EventState {
                id: e.id,
                opened_by: None,
                first_date: e.first_date,
                last_date: e.last_date,
                figures: e.figures,
                klb_declared: e.klb_declared,
                added_reports: 0,
                added_stories: 0,
            },
            key: e.key,
            clusters: e.clusters.into_iter().collect(),
            stored: true,
            touched: false,
        })
        .collect();
    let mut event_of = Vec::with_capacity(reports.len());
    for (i, r) in reports.iter().enumerate() {
        let joins = r.window.as_ref().and_then(|(lo, hi)| {
            events
                .iter()
                .enumerate()
                .filter(|(_, e)| {
                    e.key == r.key
                        && e.state.last_date.as_str() >= lo.as_str()
                        && e.state.first_date.as_str() <= hi.as_str()
                })
                // ORDER BY last_date DESC, id
                .max_by(|(_, a), (_, b)| {
                    a.state
                        .last_date
                        .cmp(&b.state.last_date)
                        .then(b.state.id.cmp(&a.state.id))
                })
                .map(|(n, _)| n)
        });
        let n = match joins {
            Some(n) => {
                let e = &mut events[n];
                let s = &mut e.state;
                if r.date < s.first_date {
                    s.first_date.clone_from(&r.date);
                }
                if r.date > s.last_date {
                    s.last_date.clone_from(&r.date);
                }
                s.klb_declared |= r.report.klb_declared;
                s.added_reports += 1;
                if e.clusters.insert(r.cluster_id) {
                    s.added_stories += 1;
                }
                merge_figures(&mut s.figures, &r.report.counts, &r.date, r.article_id);
                e.touched = true;
                n
            }
            None => {
                let id = ids.next().ok_or("fewer event ids than new events")?;
                let mut figures = Vec::new();
                merge_figures(&mut figures, &r.report.counts, &r.date, r.article_id);
                events.push(Working {
                    state: EventState {
                        id,
                        opened_by: Some(i),
                        first_date: r.date.clone(),
                        last_date: r.date.clone(),
                        figures,
                        klb_declared: r.report.klb_declared,
                        added_reports: 1,
                        added_stories: 1,
                    },
                    key: r.key.clone(),
                    clusters: HashSet::from([r.cluster_id]),
                    stored: false,
                    touched: true,
                });
                events.len() - 1
            }
        };
        event_of.push(events[n].state.id);
    }
    let mut plan = EventPlan {
        event_of,
        ..EventPlan::default()
    };
    for e in events.into_iter().filter(|e| e.touched) {
        if e.stored {
            plan.updated.push(e.state);
        } else {
            plan.opened.push(e.state);
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use waspada_events::report::{Area, ReportCount};

    fn article(url: &str, hash: u8, keys: &[u64], minhash: Vec<u64>) -> NewArticle {
        NewArticle {
            external_id: None,
            url: None,
            canonical_url: Some(url.into()),
            content_hash: [hash; 16],
            source: None,
            source_id: None,
            title: None,
            raw_text: "t".into(),
            clean_text: "t".into(),
            language: "id".into(),
            language_hint: None,
            published: None,
            fetched_at: 0,
            minhash,
            band_keys: keys.iter().map(|&k| (0, k)).collect(),
            simhash: 0,
            packed: None,
        }
    }

    fn urls_of(articles: &[&NewArticle]) -> Vec<Vec<Cow<'static, str>>> {
        articles
            .iter()
            .map(|a| {
                [a.canonical_url.clone(), a.url.clone()]
                    .into_iter()
                    .flatten()
                    .map(Cow::Owned)
                    .collect()
            })
            .collect()
    }

    #[test]
    fn copies_inside_the_batch_answer_with_the_earlier_article() {
        let first = article("https://a.example/1", 1, &[], vec![]);
        let same_url = article("https://a.example/1", 2, &[], vec![]);
        let mut same_text = article("https://b.example/x", 1, &[], vec![]);
        same_text.url = Some("https://b.example/x?ref=1".into());
        let stored = article("https://c.example/old", 3, &[], vec![]);
        let all = [&first, &same_url, &same_text, &stored];
        let known = Known {
            urls: HashMap::from([("https://c.example/old".to_string(), 7)]),
            ..Known::default()
        };
        let plan = plan_articles(&all, &urls_of(&all), &known, &[10, 11, 12, 13], 0.5).unwrap();
        assert_eq!(
            plan.outcomes,
            vec![
                Inserted::New {
                    id: 10,
                    cluster_id: 10,
                    similarity: None
                },
                Inserted::SameUrl { id: 10 },
                Inserted::SameText { id: 10 },
                Inserted::SameUrl { id: 7 },
            ]
        );
        // The copy's URLs become aliases of the first; a known URL is left alone.
        assert_eq!(
            plan.aliases,
            vec![
                ("https://a.example/1".to_string(), 10),
                ("https://b.example/x".to_string(), 10),
                ("https://b.example/x?ref=1".to_string(), 10),
            ]
        );
        assert_eq!(plan.new.len(), 1);
    }

    #[test]
    fn a_copy_of_an_earlier_article_in_the_batch_joins_its_story() {
        let sig: Vec<u64> = (0..128).collect();
        let mut other: Vec<u64> = (1000..1128).collect();
        other[0] = 0;
        let first = article("https://a.example/1", 1, &[5, 6], sig.clone());
        let copy = article("https://b.example/1", 2, &[6], sig);
        let unrelated = article("https://c.example/1", 3, &[9], other);
        let all = [&first, &copy, &unrelated];
        let plan = plan_articles(&all, &urls_of(&all), &Known::default(), &[4, 5, 6], 0.5).unwrap();
        assert_eq!(
            plan.new.iter().map(|n| n.cluster_id).collect::<Vec<_>>(),
            vec![4, 4, 6]
        );
        assert_eq!(plan.new[1].similarity, Some(1.0));
        // A stored candidate with a lower id wins a tie.
        let copy2 = article("https://d.example/1", 8, &[6], (0..128).collect());
        let all = [&copy2];
        let known = Known {
            candidates: HashMap::from([(
                0,
                vec![(2, 1, signature_to_blob(&(0..128).collect::<Vec<u64>>()))],
            )]),
            ..Known::default()
        };
        let plan = plan_articles(&all, &urls_of(&all), &known, &[20], 0.5).unwrap();
        assert_eq!(plan.new[0].cluster_id, 1);
    }

    #[test]
    fn running_out_of_ids_is_an_error_not_a_panic() {
        let a = article("https://a.example/1", 1, &[], vec![]);
        let all = [&a];
        assert!(plan_articles(&all, &urls_of(&all), &Known::default(), &[], 0.5).is_err());
    }

    fn report(date: &str, cases: u64, klb: bool) -> Report {
        Report {
            disease_id: "dengue".into(),
            area: Area {
                level: "regency".into(),
                code: "32.05".into(),
            },
            place_name: "Garut".into(),
            country: "ID".into(),
            province_code: Some("32".into()),
            regency_code: Some("32.05".into()),
            lat: None,
            lon: None,
            date: date.into(),
            klb_declared: klb,
            counts: vec![ReportCount {
                kind: "cases".into(),
                value: cases,
                species: "human".into(),
                cumulative: false,
            }],
        }
    }

    fn new_report<'a>(
        r: &'a Report,
        article_id: i64,
        cluster_id: i64,
        window: Option<(&str, &str)>,
    ) -> NewReport<'a> {
        NewReport {
            article_id,
            cluster_id,
            report: r,
            key: ("dengue".into(), "regency".into(), "32.05".into()),
            date: r.date.clone(),
            window: window.map(|(a, b)| (a.into(), b.into())),
        }
    }

    #[test]
    fn reports_of_one_batch_share_an_event_and_count_stories_once() {
        let (r1, r2, r3) = (
            report("2024-03-01", 5, false),
            report("2024-03-10", 9, true),
            report("2024-03-11", 3, false),
        );
        let reports = [
            new_report(&r1, 1, 1, Some(("2024-01-31", "2024-03-31"))),
            new_report(&r2, 2, 2, Some(("2024-02-09", "2024-04-09"))),
            // The same story as the first article: a report, not a story.
            new_report(&r3, 3, 1, Some(("2024-02-10", "2024-04-10"))),
        ];
        let plan = plan_events(&reports, vec![], &[50, 51, 52]).unwrap();
        assert_eq!(plan.event_of, vec![50, 50, 50]);
        assert!(plan.updated.is_empty());
        let e = &plan.opened[0];
        assert_eq!(
            (e.first_date.as_str(), e.last_date.as_str()),
            ("2024-03-01", "2024-03-11")
        );
        assert_eq!((e.added_reports, e.added_stories), (3, 2));
        assert!(e.klb_declared);
        assert_eq!(e.figures[0].value, 3, "the latest report's figure stands");
    }

    #[test]
    fn a_report_joins_the_latest_overlapping_stored_event_or_opens_one() {
        let stored = |id: i64, first: &str, last: &str| StoredEvent {
            id,
            key: ("dengue".into(), "regency".into(), "32.05".into()),
            first_date: first.into(),
            last_date: last.into(),
            figures: vec![],
            klb_declared: false,
            clusters: vec![1],
        };
        let (r1, r2, r3) = (
            report("2024-03-05", 1, false),
            report("kemarin", 1, false),
            report("2024-09-01", 1, false),
        );
        let reports = [
            new_report(&r1, 9, 1, Some(("2024-02-04", "2024-04-04"))),
            new_report(&r2, 9, 1, None),
            new_report(&r3, 9, 1, Some(("2024-08-02", "2024-10-01"))),
        ];
        let events = vec![
            stored(3, "2024-02-01", "2024-02-20"),
            stored(4, "2024-02-25", "2024-03-01"),
        ];
        let plan = plan_events(&reports, events, &[60, 61, 62]).unwrap();
        assert_eq!(plan.event_of, vec![4, 60, 61]);
        assert_eq!(plan.updated.len(), 1);
        let e = &plan.updated[0];
        assert_eq!((e.id, e.last_date.as_str()), (4, "2024-03-05"));
        assert_eq!((e.added_reports, e.added_stories), (1, 0));
        assert_eq!(plan.opened.len(), 2);
        assert_eq!(plan.opened[0].opened_by, Some(1));
    }
}
