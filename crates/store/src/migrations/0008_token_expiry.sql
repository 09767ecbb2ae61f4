-- API tokens expire: a token leaked in a script or a log stops working by itself.
-- NULL: never (made with `waspada token add --never-expires`).
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
