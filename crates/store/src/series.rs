//! Series: reports per disease × area × period, counted in distinct stories.
//!
//! The counts are rebuilt from `reports` in one statement rather than kept incrementally:
//! re-analysis and late, back-dated articles then need no special care, and the rebuild
//! of a few hundred thousand reports takes well under a second.

use rusqlite::params;
use serde::Serialize;

use crate::{Batch, Result, Store, StoreError};

/// One period of a series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeriesPoint {
    /// First day of the period (`YYYY-MM-DD`; weeks start on Monday, as ISO weeks).
    pub period_start: String,
    /// Distinct stories reporting the disease in the area in that period.
    pub reports: u32,
}

/// A sparse series: only periods with reports are listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesRow {
    /// Disease id.
    pub disease_id: String,
    /// `regency`, `province` or `country`.
    pub area_level: String,
    /// Kemendagri code or ISO alpha-3.
    pub area_code: String,
    /// Periods with reports, oldest first.
    pub points: Vec<SeriesPoint>,
}

/// The area columns each level is counted under.
const LEVELS: [(&str, &str); 3] = [
    ("regency", "regency_code"),
    ("province", "province_code"),
    ("country", "country"),
];

/// SQL for the Monday that starts the ISO week of `d`.
const WEEK_START: &str =
    "date(d, '-' || ((CAST(strftime('%w', d) AS INTEGER) + 6) % 7) || ' days')";

impl Batch<'_> {
    /// Rebuilds `series_counts` (daily and weekly, every level) from the reports.
    pub fn refresh_series(&self) -> Result<()> {
        self.tx
            .execute("DELETE FROM series_counts", [])
            .map_err(StoreError::sql("clear the series"))?;
        for (level, column) in LEVELS {
            for (frequency, period) in [("daily", "d"), ("weekly", WEEK_START)] {
                let sql = format!(
                    "INSERT INTO series_counts
                         (disease_id, area_level, area_code, frequency, period_start, reports)
                     SELECT disease_id, ?1, area, ?2, {period}, COUNT(DISTINCT cluster_id)
                     FROM (SELECT disease_id, {column} AS area, date(date) AS d, cluster_id
                           FROM reports WHERE {column} IS NOT NULL AND date(date) IS NOT NULL)
                     GROUP BY disease_id, area, {period}"
                );
                self.tx
                    .execute(&sql, params![level, frequency])
                    .map_err(StoreError::sql("count reports into series"))?;
            }
        }
        Ok(())
    }
}

/// Groups (disease, level, area, period start, reports) points, ordered by key, into
/// series: how every store turns its `series_counts` rows into [`SeriesRow`]s.
pub fn group_series(
    points: impl IntoIterator<Item = (String, String, String, String, u32)>,
) -> Vec<SeriesRow> {
    let mut out: Vec<SeriesRow> = Vec::new();
    for (disease_id, area_level, area_code, period_start, reports) in points {
        let point = SeriesPoint {
            period_start,
            reports,
        };
        match out.last_mut() {
            Some(s)
                if s.disease_id == disease_id
                    && s.area_level == area_level
                    && s.area_code == area_code =>
            {
                s.points.push(point)
            }
            _ => out.push(SeriesRow {
                disease_id,
                area_level,
                area_code,
                points: vec![point],
            }),
        }
    }
    out
}

/// The report column that holds a series' area at `level` (`regency`, `province`,
/// anything else: country).
pub fn area_column(level: &str) -> &'static str {
    match level {
        "regency" => "regency_code",
        "province" => "province_code",
        _ => "country",
    }
}

impl Store {
    /// Every series of one frequency (`daily` or `weekly`), sparse, ordered by key.
    pub fn series(&self, frequency: &str) -> Result<Vec<SeriesRow>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT disease_id, area_level, area_code, period_start, reports FROM series_counts
                 WHERE frequency = ?1 ORDER BY disease_id, area_level, area_code, period_start",
            )
            .map_err(StoreError::sql("prepare reading series"))?;
        let rows = stmt
            .query_map([frequency], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, u32>(4)?,
                ))
            })
            .map_err(StoreError::sql("read series"))?;
        let points = rows
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(StoreError::sql("read a series point"))?;
        Ok(group_series(points))
    }

    /// The latest report date in the store, when there is one: "now" for detection over
    /// an archive.
    pub fn latest_report_date(&self) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT MAX(date(date)) FROM reports", [], |r| r.get(0))
            .map_err(StoreError::sql("read the latest report date"))
    }
}
