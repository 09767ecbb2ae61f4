-- MinHash LSH buckets as one B-tree keyed by bucket. Before, every bucket row went into a
-- rowid table and two indexes (three B-tree inserts per band, 32 bands per article), and
-- the band number was stored though the key already names the band (keys are seeded per
-- band). Nothing looks buckets up by article.
CREATE TABLE lsh_bucket (
    key         INTEGER NOT NULL,
    article_id  INTEGER NOT NULL REFERENCES articles(id),
    PRIMARY KEY (key, article_id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO lsh_bucket (key, article_id) SELECT key, article_id FROM lsh_band;
DROP TABLE lsh_band;
