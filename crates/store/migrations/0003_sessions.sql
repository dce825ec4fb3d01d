-- Sessions (crates/auth/src/sessions.rs). Times are Unix seconds given by the application's
-- clock, not now(): the same rules then hold under the tests' fake clock.
CREATE TABLE refresh_tokens (
    jti         TEXT   PRIMARY KEY,
    family      TEXT   NOT NULL,
    subject     TEXT   NOT NULL,
    expires_at  BIGINT NOT NULL,
    consumed_at BIGINT,
    revoked_at  BIGINT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at);

CREATE TABLE revoked_access_tokens (
    jti        TEXT   PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
CREATE INDEX revoked_access_tokens_expires_at ON revoked_access_tokens (expires_at);

-- Not a column of users: a user deleted and re-registered under the same name must not
-- inherit a version that old tokens still match.
CREATE TABLE token_versions (
    subject TEXT   PRIMARY KEY,
    version BIGINT NOT NULL
);
