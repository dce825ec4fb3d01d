-- A family's revocation, kept apart from its tokens: a refresh that races the revocation
-- records its new token after the revoking UPDATE has run, so that token would escape a
-- revocation made only on the rows that existed. Both sides lock this row first
-- (crates/store/src/postgres/sessions.rs), so one of them sees the other.
CREATE TABLE refresh_families (
    family     TEXT   PRIMARY KEY,
    -- The last expiry of a token in it: the row is kept while anything could be presented.
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
