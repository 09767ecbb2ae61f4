//! Reports and the events they form.
//!
//! A report joins the event of the same disease and area whose reports reach within the
//! event window of its date; otherwise it opens a new event. Each event keeps, per kind of
//! figure, the figure of its latest report (ties: the larger), and every report's figures
//! stay in `reports` as the event's history.

use std::collections::BTreeSet;

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use waspada_events::report::{Report, ReportCount};

use crate::{Batch, Result, Store, StoreError};

/// The current figure of one kind in an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFigure {
    /// `cases`, `deaths`, `animals_dead`, ...
    pub kind: String,
    /// `human` or the animal.
    pub species: String,
    /// The figure.
    pub value: u64,
    /// A running total.
    pub cumulative: bool,
    /// Date of the report that gave it.
    pub date: String,
    /// The article that gave it.
    pub article_id: i64,
}

/// A stored event.
#[derive(Debug, Clone, Serialize)]
pub struct EventRow {
    /// Event id.
    pub id: i64,
    /// Disease id.
    pub disease_id: String,
    /// `regency`, `province` or `country`.
    pub area_level: String,
    /// Kemendagri code or ISO alpha-3.
    pub area_code: String,
    /// Place name.
    pub place_name: String,
    /// ISO alpha-3.
    pub country: String,
    /// Kemendagri province code.
    pub province_code: Option<String>,
    /// Kemendagri regency code.
    pub regency_code: Option<String>,
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub lon: Option<f64>,
    /// Date of the earliest report.
    pub first_date: String,
    /// Date of the latest report.
    pub last_date: String,
    /// Some report declared a KLB.
    pub klb_declared: bool,
    /// Current figures.
    pub figures: Vec<EventFigure>,
    /// Reports attached.
    pub n_reports: i64,
    /// Distinct stories among them (syndicated copies count once).
    pub n_stories: i64,
}

/// A report with its article, for an event's history.
#[derive(Debug, Clone, Serialize)]
pub struct ReportRow {
    /// Article id.
    pub article_id: i64,
    /// Story cluster.
    pub cluster_id: i64,
    /// Report date.
    pub date: String,
    /// A KLB was declared.
    pub klb_declared: bool,
    /// Its figures.
    pub counts: Vec<ReportCount>,
    /// Article headline.
    pub title: Option<String>,
    /// Article URL.
    pub url: Option<String>,
    /// Outlet.
    pub source: Option<String>,
}

/// Which events to list.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Only this disease.
    pub disease_id: Option<String>,
    /// Only events whose area is this code or lies in it (`32` matches `32.05`; `IDN`
    /// matches every Indonesian event).
    pub area: Option<String>,
    /// Only events with a report on or after this date.
    pub since: Option<String>,
    /// Only events with a report on or before this date.
    pub until: Option<String>,
    /// Only events with (`true`) or without (`false`) a KLB declaration.
    pub klb_declared: Option<bool>,
    /// At most this many (0: no limit).
    pub limit: usize,
    /// Skip this many first (paging).
    pub offset: usize,
}

const EVENT_COLUMNS: &str = "id, disease_id, area_level, area_code, place_name, country, \
     province_code, regency_code, lat, lon, first_date, last_date, klb_declared, figures, \
     n_reports, n_stories";

fn event_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(EventRow, String)> {
    Ok((
        EventRow {
            id: r.get(0)?,
            disease_id: r.get(1)?,
            area_level: r.get(2)?,
            area_code: r.get(3)?,
            place_name: r.get(4)?,
            country: r.get(5)?,
            province_code: r.get(6)?,
            regency_code: r.get(7)?,
            lat: r.get(8)?,
            lon: r.get(9)?,
            first_date: r.get(10)?,
            last_date: r.get(11)?,
            klb_declared: r.get(12)?,
            figures: Vec::new(),
            n_reports: r.get(14)?,
            n_stories: r.get(15)?,
        },
        r.get(13)?,
    ))
}

/// An event's reports with their articles, in date order; `newest_first` for a page of
/// the latest (index `reports_event_date` serves both orders without sorting).
fn reports_sql(newest_first: bool) -> String {
    let order = if newest_first {
        "ORDER BY r.date DESC, r.article_id DESC LIMIT ?2"
    } else {
        "ORDER BY r.date, r.article_id LIMIT ?2"
    };
    format!(
        "SELECT r.article_id, r.cluster_id, r.date, r.klb_declared, r.counts,
                a.title, a.canonical_url, a.source
         FROM reports r JOIN articles a ON a.id = r.article_id
         WHERE r.event_id = ?1 {order}"
    )
}

fn with_figures((mut row, json): (EventRow, String)) -> Result<EventRow> {
    row.figures = serde_json::from_str(&json).map_err(StoreError::json("event figures"))?;
    Ok(row)
}

/// Folds one report's figures into an event's current figures: a later report replaces an
/// earlier one's figure; on the same date the larger figure stands. Every store reconciles
/// figures with this one rule.
pub fn merge_figures(
    current: &mut Vec<EventFigure>,
    counts: &[ReportCount],
    date: &str,
    article_id: i64,
) {
    for c in counts {
        let new = EventFigure {
            kind: c.kind.clone(),
            species: c.species.clone(),
            value: c.value,
            cumulative: c.cumulative,
            date: date.to_string(),
            article_id,
        };
        match current
            .iter_mut()
            .find(|f| f.kind == c.kind && f.species == c.species)
        {
            Some(f) => {
                if (new.date.as_str(), new.value) > (f.date.as_str(), f.value) {
                    *f = new;
                }
            }
            None => current.push(new),
        }
    }
    current.sort_by(|a, b| (&a.kind, &a.species).cmp(&(&b.kind, &b.species)));
}

impl Batch<'_> {
    /// Attaches an article's reports to events (opening events where needed). Returns the
    /// ids of the events touched.
    pub fn add_reports(
        &self,
        article_id: i64,
        cluster_id: i64,
        reports: &[Report],
    ) -> Result<Vec<i64>> {
        let mut touched = Vec::with_capacity(reports.len());
        for report in reports {
            let event_id = self.attach(article_id, cluster_id, report)?;
            touched.push(event_id);
        }
        Ok(touched)
    }

    fn attach(&self, article_id: i64, cluster_id: i64, report: &Report) -> Result<i64> {
        let tx = &self.tx;
        let window = format!("{} days", self.options.event_window_days);
        let found: Option<(i64, String, String, String, i64)> = tx
            .prepare_cached(
                "SELECT id, first_date, last_date, figures, klb_declared FROM events
                 WHERE disease_id = ?1 AND area_level = ?2 AND area_code = ?3
                   AND last_date >= date(?4, '-' || ?5) AND first_date <= date(?4, '+' || ?5)
                 ORDER BY last_date DESC, id LIMIT 1",
            )
            .and_then(|mut s| {
                s.query_row(
                    params![
                        report.disease_id,
                        report.area.level,
                        report.area.code,
                        report.date,
                        window
                    ],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .optional()
            })
            .map_err(StoreError::sql("find the event of a report"))?;
        let now = crate::now_ms();
        let event_id = match found {
            Some((id, first, last, figures_json, klb)) => {
                let mut figures: Vec<EventFigure> = serde_json::from_str(&figures_json)
                    .map_err(StoreError::json("event figures"))?;
                merge_figures(&mut figures, &report.counts, &report.date, article_id);
                let new_story: bool = tx
                    .prepare_cached("SELECT NOT EXISTS (SELECT 1 FROM reports WHERE event_id = ?1 AND cluster_id = ?2)")
                    .and_then(|mut s| s.query_row(params![id, cluster_id], |r| r.get(0)))
                    .map_err(StoreError::sql("check an event's stories"))?;
                tx.prepare_cached(
                    "UPDATE events SET first_date = ?2, last_date = ?3, figures = ?4,
                         klb_declared = ?5, n_reports = n_reports + 1,
                         n_stories = n_stories + ?6, updated_at = ?7
                     WHERE id = ?1",
                )
                .and_then(|mut s| {
                    s.execute(params![
                        id,
                        first.as_str().min(report.date.as_str()),
                        last.as_str().max(report.date.as_str()),
                        json(&figures),
                        klb != 0 || report.klb_declared,
                        i64::from(new_story),
                        now,
                    ])
                })
                .map_err(StoreError::sql("update an event"))?;
                id
            }
            None => {
                let mut figures = Vec::new();
                merge_figures(&mut figures, &report.counts, &report.date, article_id);
                tx.prepare_cached(
                    "INSERT INTO events (disease_id, area_level, area_code, place_name, country,
                         province_code, regency_code, lat, lon, first_date, last_date,
                         klb_declared, figures, n_reports, n_stories, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?12, 1, 1, ?13)",
                )
                .and_then(|mut s| {
                    s.execute(params![
                        report.disease_id,
                        report.area.level,
                        report.area.code,
                        report.place_name,
                        report.country,
                        report.province_code,
                        report.regency_code,
                        report.lat,
                        report.lon,
                        report.date,
                        report.klb_declared,
                        json(&figures),
                        now,
                    ])
                })
                .map_err(StoreError::sql("open an event"))?;
                tx.last_insert_rowid()
            }
        };
        tx.prepare_cached(
            "INSERT INTO reports (article_id, cluster_id, event_id, disease_id, area_level,
                 area_code, place_name, country, province_code, regency_code, date,
                 klb_declared, counts)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )
        .and_then(|mut s| {
            s.execute(params![
                article_id,
                cluster_id,
                event_id,
                report.disease_id,
                report.area.level,
                report.area.code,
                report.place_name,
                report.country,
                report.province_code,
                report.regency_code,
                report.date,
                report.klb_declared,
                serde_json::to_string(&report.counts).unwrap_or_else(|_| "[]".into()),
            ])
        })
        .map_err(StoreError::sql("store a report"))?;
        Ok(event_id)
    }

    /// Removes an article's reports (before re-analysis) and recomputes the events they
    /// were in; an event left without reports is deleted with its signal links.
    pub fn remove_reports(&self, article_id: i64) -> Result<()> {
        let tx = &self.tx;
        let events: BTreeSet<i64> = {
            let mut s = tx
                .prepare_cached("SELECT DISTINCT event_id FROM reports WHERE article_id = ?1")
                .map_err(StoreError::sql("prepare finding an article's events"))?;
            let rows = s
                .query_map([article_id], |r| r.get(0))
                .map_err(StoreError::sql("find an article's events"))?;
            rows.collect::<rusqlite::Result<_>>()
                .map_err(StoreError::sql("find an article's events"))?
        };
        tx.prepare_cached("DELETE FROM reports WHERE article_id = ?1")
            .and_then(|mut s| s.execute([article_id]))
            .map_err(StoreError::sql("remove an article's reports"))?;
        for id in events {
            self.recompute_event(id)?;
        }
        Ok(())
    }

    /// Rebuilds an event's summary from its reports.
    fn recompute_event(&self, id: i64) -> Result<()> {
        let tx = &self.tx;
        let reports: Vec<(i64, i64, String, bool, String)> = {
            let mut s = tx
                .prepare_cached(
                    "SELECT article_id, cluster_id, date, klb_declared, counts FROM reports
                     WHERE event_id = ?1 ORDER BY date, id",
                )
                .map_err(StoreError::sql("prepare reading an event's reports"))?;
            let rows = s
                .query_map([id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })
                .map_err(StoreError::sql("read an event's reports"))?;
            rows.collect::<rusqlite::Result<_>>()
                .map_err(StoreError::sql("read an event's reports"))?
        };
        if reports.is_empty() {
            tx.execute("DELETE FROM signal_events WHERE event_id = ?1", [id])
                .map_err(StoreError::sql("unlink an empty event"))?;
            tx.execute("DELETE FROM events WHERE id = ?1", [id])
                .map_err(StoreError::sql("delete an empty event"))?;
            return Ok(());
        }
        let mut figures = Vec::new();
        let mut stories = BTreeSet::new();
        let mut klb = false;
        for (article_id, cluster_id, date, declared, counts) in &reports {
            let counts: Vec<ReportCount> =
                serde_json::from_str(counts).map_err(StoreError::json("report figures"))?;
            merge_figures(&mut figures, &counts, date, *article_id);
            stories.insert(*cluster_id);
            klb |= declared;
        }
        let first = &reports[0].2;
        let last = reports.iter().map(|r| &r.2).max().unwrap_or(first);
        tx.execute(
            "UPDATE events SET first_date = ?2, last_date = ?3, figures = ?4, klb_declared = ?5,
                 n_reports = ?6, n_stories = ?7, updated_at = ?8 WHERE id = ?1",
            params![
                id,
                first,
                last,
                json(&figures),
                klb,
                reports.len() as i64,
                stories.len() as i64,
                crate::now_ms()
            ],
        )
        .map_err(StoreError::sql("update an event"))?;
        Ok(())
    }
}

fn json(figures: &[EventFigure]) -> String {
    serde_json::to_string(figures).unwrap_or_else(|_| "[]".into())
}

impl EventFilter {
    /// The `WHERE` clause and its arguments.
    fn clause(&self) -> (String, Vec<String>) {
        let mut sql = String::from(" WHERE 1 = 1");
        let mut args: Vec<String> = Vec::new();
        if let Some(d) = &self.disease_id {
            args.push(d.clone());
            sql += &format!(" AND disease_id = ?{}", args.len());
        }
        if let Some(a) = &self.area {
            args.push(a.clone());
            let n = args.len();
            sql += &format!(
                " AND (area_code = ?{n} OR country = ?{n} OR province_code = ?{n} OR regency_code = ?{n})"
            );
        }
        if let Some(s) = &self.since {
            args.push(s.clone());
            sql += &format!(" AND last_date >= ?{}", args.len());
        }
        if let Some(u) = &self.until {
            args.push(u.clone());
            sql += &format!(" AND first_date <= ?{}", args.len());
        }
        if let Some(k) = self.klb_declared {
            sql += &format!(" AND klb_declared = {}", i32::from(k));
        }
        (sql, args)
    }
}

impl Store {
    /// Events, latest first (then by number of stories).
    pub fn events(&self, filter: &EventFilter) -> Result<Vec<EventRow>> {
        let (clause, args) = filter.clause();
        let mut sql = format!("SELECT {EVENT_COLUMNS} FROM events{clause}");
        sql += " ORDER BY last_date DESC, n_stories DESC, id";
        if filter.limit > 0 || filter.offset > 0 {
            let limit = if filter.limit == 0 {
                -1
            } else {
                filter.limit as i64
            };
            sql += &format!(" LIMIT {limit} OFFSET {}", filter.offset);
        }
        let mut stmt = self
            .conn
            .prepare(&sql)
            .map_err(StoreError::sql("prepare listing events"))?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args), event_from_row)
            .map_err(StoreError::sql("list events"))?;
        rows.map(|r| {
            r.map_err(StoreError::sql("read an event"))
                .and_then(with_figures)
        })
        .collect()
    }

    /// How many events match (ignoring `limit` and `offset`).
    pub fn count_events(&self, filter: &EventFilter) -> Result<u64> {
        let (clause, args) = filter.clause();
        self.conn
            .query_row(
                &format!("SELECT COUNT(*) FROM events{clause}"),
                rusqlite::params_from_iter(args),
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as u64)
            .map_err(StoreError::sql("count events"))
    }

    /// One event.
    pub fn event(&self, id: i64) -> Result<Option<EventRow>> {
        self.conn
            .query_row(
                &format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = ?1"),
                [id],
                event_from_row,
            )
            .optional()
            .map_err(StoreError::sql("read an event"))?
            .map(with_figures)
            .transpose()
    }

    /// A fingerprint of the events table that changes whenever an event is opened,
    /// removed, or gains or loses a report (which is how its dates, figures and KLB flag
    /// change): answers built from events can be cached under it.
    pub fn events_version(&self) -> Result<String> {
        self.conn
            .query_row(
                "SELECT COUNT(*), COALESCE(MAX(id), 0), COALESCE(SUM(n_reports), 0),
                        COALESCE(SUM(klb_declared), 0), COALESCE(MAX(last_date), '')
                 FROM events",
                [],
                |r| {
                    Ok(format!(
                        "{}:{}:{}:{}:{}",
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, String>(4)?
                    ))
                },
            )
            .map_err(StoreError::sql("read the events' version"))
    }

    /// An event's reports with their articles, oldest first: its history.
    pub fn event_reports(&self, event_id: i64) -> Result<Vec<ReportRow>> {
        self.reports_of(event_id, None)
    }

    /// The latest `limit` reports of an event, oldest first: what a page shows of a large
    /// event without reading its whole history.
    pub fn latest_event_reports(&self, event_id: i64, limit: usize) -> Result<Vec<ReportRow>> {
        let mut out = self.reports_of(event_id, Some(limit))?;
        out.reverse();
        Ok(out)
    }

    /// All reports oldest first, or the newest `limit` newest first.
    fn reports_of(&self, event_id: i64, limit: Option<usize>) -> Result<Vec<ReportRow>> {
        let mut stmt = self
            .conn
            .prepare_cached(&reports_sql(limit.is_some()))
            .map_err(StoreError::sql("prepare reading an event's reports"))?;
        let limit = limit.map_or(-1, |n| n.min(i64::MAX as usize) as i64);
        let rows = stmt
            .query_map(params![event_id, limit], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, bool>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ))
            })
            .map_err(StoreError::sql("read an event's reports"))?;
        let mut out = Vec::new();
        for row in rows {
            let (article_id, cluster_id, date, klb_declared, counts, title, url, source) =
                row.map_err(StoreError::sql("read a report"))?;
            out.push(ReportRow {
                article_id,
                cluster_id,
                date,
                klb_declared,
                counts: serde_json::from_str(&counts)
                    .map_err(StoreError::json("report figures"))?,
                title,
                url,
                source,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plan SQLite picks for the event page's newest reports: no sort of all of an
    /// event's reports, whatever its size.
    #[test]
    fn newest_reports_are_read_from_the_index_without_sorting() {
        let store = Store::in_memory().unwrap();
        for newest_first in [true, false] {
            let plan: Vec<String> = store
                .conn
                .prepare(&format!("EXPLAIN QUERY PLAN {}", reports_sql(newest_first)))
                .unwrap()
                .query_map(params![1, 100], |r| r.get::<_, String>(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            let plan = plan.join("; ");
            assert!(plan.contains("reports_event_date"), "{plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{plan}");
        }
    }
}
