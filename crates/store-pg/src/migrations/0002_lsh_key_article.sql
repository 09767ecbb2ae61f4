-- Schema version 2: LSH buckets indexed by key and article, so that the lowest article ids
-- of one key are read in order from the index and the near-duplicate lookup stops after
-- the candidates it keeps, however many stored articles share a popular key (it read
-- every match before: the costliest statement of a batch, growing with the archive).
CREATE INDEX lsh_band_key_article ON lsh_band (key, article_id);
DROP INDEX lsh_band_key;
