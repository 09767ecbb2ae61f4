-- An article's LSH band keys are kept with its signature, as one blob (8-byte big-endian
-- keys, one after another), instead of as rows of an index keyed by bucket. The keys are
-- uniform hashes, so each batch inserted its rows all over that index: once it outgrew
-- the page cache, every commit rewrote most of its pages. The writer now builds the bucket
-- index in memory from these blobs (see `buckets.rs`); each row is appended once.
ALTER TABLE article_signatures ADD COLUMN band_keys BLOB;
UPDATE article_signatures SET band_keys = b.keys
    FROM (SELECT article_id, unhex(group_concat(printf('%016x', key), '')) AS keys
          FROM lsh_bucket GROUP BY article_id) AS b
    WHERE b.article_id = article_signatures.article_id;
DROP TABLE lsh_bucket;
