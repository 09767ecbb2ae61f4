//! CSV and GeoJSON exports of events and signals, for spreadsheets and GIS.
//!
//! Text cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`,
//! tab or carriage return) are prefixed with `'`: place and outlet names reach the export
//! from news text, and analysts open exports in Excel.

use serde_json::{Value, json};

use crate::ApiError;
use crate::query::{EventView, SignalView};

/// A text cell made safe for spreadsheets.
pub fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn opt_num(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// The figures of an event as `kind/species=value` pairs joined by `; `.
fn figures(e: &EventView) -> String {
    e.event
        .figures
        .iter()
        .map(|f| format!("{}/{}={}", f.kind, f.species, f.value))
        .collect::<Vec<_>>()
        .join("; ")
}

fn finish(w: csv::Writer<Vec<u8>>) -> Result<String, ApiError> {
    let bytes = w
        .into_inner()
        .map_err(|e| ApiError::internal("writing CSV", e))?;
    String::from_utf8(bytes).map_err(|e| ApiError::internal("writing CSV", e))
}

/// Events as CSV, one row per event.
pub fn events_csv(events: &[EventView]) -> Result<String, ApiError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| ApiError::internal("writing CSV", e);
    w.write_record([
        "id",
        "disease_id",
        "disease_name",
        "area_level",
        "area_code",
        "place_name",
        "country",
        "province_code",
        "regency_code",
        "lat",
        "lon",
        "first_date",
        "last_date",
        "klb_declared",
        "n_reports",
        "n_stories",
        "severity",
        "figures",
    ])
    .map_err(err)?;
    for v in events {
        let e = &v.event;
        w.write_record([
            e.id.to_string(),
            cell(&e.disease_id),
            cell(&v.disease_name),
            cell(&e.area_level),
            cell(&e.area_code),
            cell(&e.place_name),
            cell(&e.country),
            cell(e.province_code.as_deref().unwrap_or_default()),
            cell(e.regency_code.as_deref().unwrap_or_default()),
            opt_num(e.lat),
            opt_num(e.lon),
            e.first_date.clone(),
            e.last_date.clone(),
            e.klb_declared.to_string(),
            e.n_reports.to_string(),
            e.n_stories.to_string(),
            v.severity.to_string(),
            cell(&figures(v)),
        ])
        .map_err(err)?;
    }
    finish(w)
}

/// Signals as CSV, one row per signal.
pub fn signals_csv(signals: &[SignalView]) -> Result<String, ApiError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| ApiError::internal("writing CSV", e);
    w.write_record([
        "id",
        "disease_id",
        "disease_name",
        "area_level",
        "area_code",
        "place_name",
        "frequency",
        "period_start",
        "method",
        "observed",
        "expected",
        "upperbound",
        "score",
        "status",
        "n_stories",
        "event_ids",
        "explanation",
    ])
    .map_err(err)?;
    for s in signals {
        w.write_record([
            s.id.to_string(),
            cell(&s.disease_id),
            cell(&s.disease_name),
            cell(&s.area_level),
            cell(&s.area_code),
            cell(&s.place_name),
            cell(&s.frequency),
            s.period_start.clone(),
            cell(&s.method),
            s.observed.to_string(),
            opt_num(s.expected),
            opt_num(s.upperbound),
            opt_num(s.score),
            cell(&s.status),
            s.n_stories.to_string(),
            s.event_ids
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(" "),
            cell(&s.explanation),
        ])
        .map_err(err)?;
    }
    finish(w)
}

/// Events with coordinates as a GeoJSON FeatureCollection of points (RFC 7946: longitude
/// first). Events without coordinates are counted in the foreign member
/// `without_coordinates`, not dropped silently.
pub fn events_geojson(events: &[EventView]) -> Value {
    let mut features = Vec::new();
    let mut missing = 0usize;
    for v in events {
        let e = &v.event;
        let (Some(lat), Some(lon)) = (e.lat, e.lon) else {
            missing += 1;
            continue;
        };
        features.push(json!({
            "type": "Feature",
            "id": e.id,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "id": e.id,
                "disease_id": e.disease_id,
                "disease_name": v.disease_name,
                "area_level": e.area_level,
                "area_code": e.area_code,
                "place_name": e.place_name,
                "country": e.country,
                "first_date": e.first_date,
                "last_date": e.last_date,
                "klb_declared": e.klb_declared,
                "n_reports": e.n_reports,
                "n_stories": e.n_stories,
                "severity": v.severity,
                "figures": e.figures,
            }
        }));
    }
    json!({
        "type": "FeatureCollection",
        "features": features,
        "without_coordinates": missing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("Garut"), "Garut");
    }

    #[test]
    fn geojson_features_are_as_the_api_document_says() {
        let event = waspada_store::EventRow {
            id: 7,
            disease_id: "dengue".into(),
            area_level: "regency".into(),
            area_code: "32.05".into(),
            place_name: "Garut".into(),
            country: "IDN".into(),
            province_code: Some("32".into()),
            regency_code: Some("32.05".into()),
            lat: Some(-7.2),
            lon: Some(107.9),
            first_date: "2025-09-03".into(),
            last_date: "2025-10-14".into(),
            klb_declared: false,
            figures: Vec::new(),
            n_reports: 4,
            n_stories: 3,
        };
        let mut unplaced = event.clone();
        unplaced.lat = None;
        let views: Vec<EventView> = [event, unplaced]
            .into_iter()
            .map(|e| EventView::new(e, crate::i18n::Lang::En))
            .collect();
        let fc = events_geojson(&views);
        assert_eq!(fc["without_coordinates"], 1);
        let feature = &fc["features"][0];
        assert_eq!(feature["geometry"]["coordinates"], json!([107.9, -7.2]));
        // The time slider reads these two.
        assert_eq!(feature["properties"]["first_date"], "2025-09-03");
        assert_eq!(feature["properties"]["last_date"], "2025-10-14");

        let doc: Value = serde_json::from_str(crate::openapi::DOCUMENT).unwrap();
        let keys = |v: &Value| -> Vec<String> {
            let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            k.sort();
            k
        };
        let schema = &doc["components"]["schemas"];
        assert_eq!(
            keys(&fc),
            keys(&schema["EventFeatureCollection"]["properties"])
        );
        assert_eq!(keys(feature), keys(&schema["EventFeature"]["properties"]));
        assert_eq!(
            keys(&feature["properties"]),
            keys(&schema["EventFeature"]["properties"]["properties"]["properties"]),
            "the GeoJSON feature properties and openapi.json's EventFeature differ"
        );
    }
}
