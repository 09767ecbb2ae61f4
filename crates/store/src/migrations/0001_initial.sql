-- Waspada store, schema version 1.
-- Times are Unix epoch milliseconds (INTEGER); dates are 'YYYY-MM-DD' (TEXT).

-- Where articles come from: configured feeds and pages, files, the push API.
CREATE TABLE sources (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    url         TEXT,
    kind        TEXT NOT NULL,            -- feed | page | file | push
    country     TEXT,                     -- ISO 3166-1 alpha-3 hint
    language    TEXT,                     -- ISO 639-1 hint (decides id vs ms)
    created_at  INTEGER NOT NULL
);

-- Conditional-GET validators and health of every fetched URL (feeds and pages).
CREATE TABLE fetch_state (
    url                   TEXT PRIMARY KEY,
    source_id             INTEGER REFERENCES sources(id),
    etag                  TEXT,
    last_modified         TEXT,
    last_attempt_at       INTEGER,
    last_success_at       INTEGER,
    last_status           INTEGER,
    last_error            TEXT,
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    next_attempt_at       INTEGER,
    items_seen            INTEGER NOT NULL DEFAULT 0,
    items_new             INTEGER NOT NULL DEFAULT 0
);

-- One row per distinct text. `cluster_id` is the first article of its near-duplicate
-- cluster (itself when it has none): a syndicated story counts once.
CREATE TABLE articles (
    id             INTEGER PRIMARY KEY,
    external_id    TEXT,
    canonical_url  TEXT UNIQUE,
    content_hash   BLOB NOT NULL UNIQUE,
    source         TEXT,
    source_id      INTEGER REFERENCES sources(id),
    title          TEXT,
    raw_text       TEXT NOT NULL,
    clean_text     TEXT NOT NULL,
    language       TEXT NOT NULL,
    language_hint  TEXT,
    published      TEXT,
    fetched_at     INTEGER NOT NULL,
    cluster_id     INTEGER NOT NULL,
    similarity     REAL,                  -- estimated Jaccard to the cluster's first article
    simhash        INTEGER NOT NULL
);
CREATE INDEX articles_cluster ON articles(cluster_id);
CREATE INDEX articles_published ON articles(published);

-- MinHash signatures, apart from the wide article rows: the near-duplicate lookup reads
-- many of them and none of the text.
CREATE TABLE article_signatures (
    article_id  INTEGER PRIMARY KEY REFERENCES articles(id),
    cluster_id  INTEGER NOT NULL,
    minhash     BLOB NOT NULL
);

-- Every URL under which an article was seen (variants, syndication copies).
CREATE TABLE article_urls (
    url         TEXT PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles(id)
) WITHOUT ROWID;

-- MinHash LSH buckets: articles sharing a (band, key) are near-duplicate candidates.
CREATE TABLE lsh_band (
    band        INTEGER NOT NULL,
    key         INTEGER NOT NULL,
    article_id  INTEGER NOT NULL REFERENCES articles(id)
);
CREATE INDEX lsh_band_key ON lsh_band(key);
CREATE INDEX lsh_band_article ON lsh_band(article_id);

-- The `analyze` JSON, one row per article and analyser version (re-analysis adds a row).
CREATE TABLE analyses (
    article_id        INTEGER NOT NULL REFERENCES articles(id),
    analyzer_version  TEXT NOT NULL,
    analysed_at       INTEGER NOT NULL,
    is_outbreak       INTEGER NOT NULL,
    category          TEXT NOT NULL,
    relevance         REAL NOT NULL,
    json              TEXT NOT NULL,
    PRIMARY KEY (article_id, analyzer_version)
) WITHOUT ROWID;

-- Outbreak events: one disease in one area over a stretch of time.
CREATE TABLE events (
    id             INTEGER PRIMARY KEY,
    disease_id     TEXT NOT NULL,
    area_level     TEXT NOT NULL,
    area_code      TEXT NOT NULL,
    place_name     TEXT NOT NULL,
    country        TEXT NOT NULL,
    province_code  TEXT,
    regency_code   TEXT,
    lat            REAL,
    lon            REAL,
    first_date     TEXT NOT NULL,
    last_date      TEXT NOT NULL,
    klb_declared   INTEGER NOT NULL DEFAULT 0,
    figures        TEXT NOT NULL DEFAULT '{}', -- current figure per kind, JSON
    n_reports      INTEGER NOT NULL DEFAULT 0,
    n_stories      INTEGER NOT NULL DEFAULT 0, -- distinct near-duplicate clusters
    updated_at     INTEGER NOT NULL
);
CREATE INDEX events_key ON events(disease_id, area_code, last_date);
CREATE INDEX events_last ON events(last_date);

-- One disease × place of one article, attached to an event. Its figures are the
-- event's history.
CREATE TABLE reports (
    id             INTEGER PRIMARY KEY,
    article_id     INTEGER NOT NULL REFERENCES articles(id),
    cluster_id     INTEGER NOT NULL,
    event_id       INTEGER NOT NULL REFERENCES events(id),
    disease_id     TEXT NOT NULL,
    area_level     TEXT NOT NULL,
    area_code      TEXT NOT NULL,
    place_name     TEXT NOT NULL,
    country        TEXT NOT NULL,
    province_code  TEXT,
    regency_code   TEXT,
    date           TEXT NOT NULL,
    klb_declared   INTEGER NOT NULL,
    counts         TEXT NOT NULL           -- JSON array of figures
);
CREATE INDEX reports_article ON reports(article_id);
CREATE INDEX reports_event ON reports(event_id, cluster_id);

-- Reports per disease × area × period, distinct stories only. Rebuilt from `reports`.
CREATE TABLE series_counts (
    disease_id    TEXT NOT NULL,
    area_level    TEXT NOT NULL,
    area_code     TEXT NOT NULL,
    frequency     TEXT NOT NULL,           -- daily | weekly
    period_start  TEXT NOT NULL,
    reports       INTEGER NOT NULL,
    PRIMARY KEY (disease_id, area_level, area_code, frequency, period_start)
) WITHOUT ROWID;

-- What detection raised, one row per series × period × method; triage lives here.
CREATE TABLE signals (
    id             INTEGER PRIMARY KEY,
    disease_id     TEXT NOT NULL,
    area_level     TEXT NOT NULL,
    area_code      TEXT NOT NULL,
    frequency      TEXT NOT NULL,
    period_start   TEXT NOT NULL,
    method         TEXT NOT NULL,
    observed       INTEGER NOT NULL,
    expected       REAL,
    upperbound     REAL,
    score          REAL,
    explanation    TEXT NOT NULL,
    detected_at    INTEGER NOT NULL,
    status         TEXT NOT NULL DEFAULT 'new',
    UNIQUE (disease_id, area_level, area_code, frequency, period_start, method)
);
CREATE TABLE signal_events (
    signal_id  INTEGER NOT NULL REFERENCES signals(id),
    event_id   INTEGER NOT NULL REFERENCES events(id),
    PRIMARY KEY (signal_id, event_id)
) WITHOUT ROWID;

-- Notifications sent or due, per channel.
CREATE TABLE alerts (
    id          INTEGER PRIMARY KEY,
    signal_id   INTEGER NOT NULL REFERENCES signals(id),
    channel     TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER,
    status      TEXT NOT NULL DEFAULT 'pending',
    payload     TEXT
);
