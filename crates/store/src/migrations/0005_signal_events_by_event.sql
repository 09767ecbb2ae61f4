-- An event page lists the signals raised on the event: look them up by event, not by
-- scanning every signal's links.
CREATE INDEX signal_events_event ON signal_events(event_id, signal_id);
