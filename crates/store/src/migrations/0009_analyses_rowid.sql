-- Analyses in a rowid table. Keyed WITHOUT ROWID by (article, analyser version), a row
-- longer than about 1 kB (every analysis JSON, 1.5 kB packed, 2.9 kB as text) spilled its
-- tail into an overflow page of its own, mostly empty: 4.5 kB on disk per analysis. A
-- rowid table keeps rows up to 4 kB on its leaf pages, and rows arrive in rowid order;
-- the unique index keeps the key (and what `INSERT OR REPLACE` replaces). The rows are
-- copied as they are: old JSON stays TEXT.
CREATE TABLE analyses_by_row (
    article_id        INTEGER NOT NULL REFERENCES articles(id),
    analyzer_version  TEXT NOT NULL,
    analysed_at       INTEGER NOT NULL,
    is_outbreak       INTEGER NOT NULL,
    category          TEXT NOT NULL,
    relevance         REAL NOT NULL,
    json              TEXT NOT NULL          -- packed (BLOB) or, before compression, TEXT
);
INSERT INTO analyses_by_row
    (article_id, analyzer_version, analysed_at, is_outbreak, category, relevance, json)
    SELECT article_id, analyzer_version, analysed_at, is_outbreak, category, relevance, json
    FROM analyses ORDER BY article_id, analyzer_version;
DROP TABLE analyses;
ALTER TABLE analyses_by_row RENAME TO analyses;
CREATE UNIQUE INDEX analyses_key ON analyses(article_id, analyzer_version);
