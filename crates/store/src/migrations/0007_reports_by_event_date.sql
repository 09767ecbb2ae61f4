-- An event page shows the newest reports of an event: read them newest first from an
-- index instead of sorting all of a large event's reports (thousands for a long outbreak).
CREATE INDEX reports_event_date ON reports(event_id, date, article_id);
