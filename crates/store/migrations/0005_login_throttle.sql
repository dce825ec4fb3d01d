-- The login throttle's state, shared by every instance on this database. The policy and its
-- guarantees are auth's (crates/auth/src/throttle.rs); crates/store/src/postgres/throttle.rs
-- keeps them here: each count an attempt touches is read and written under advisory locks on
-- its username and its client, so concurrent attempts on any instance queue for them.

-- One row per counter, as the memory throttle keeps one queue per counter: the row count is
-- what the policy's `max_counters` bounds.
CREATE TABLE login_failures (
    kind      TEXT     NOT NULL CHECK (kind IN ('username_and_client', 'client', 'username_from_unknown_clients')),
    -- '' where the counter has no username (per client) or no client (per username).
    username  TEXT     NOT NULL,
    client    TEXT     NOT NULL,
    -- Unix seconds of each failure still in the window, oldest first; never more than the
    -- counter's limit, since an attempt at the limit is refused before it is counted.
    failed_at BIGINT[] NOT NULL,
    PRIMARY KEY (kind, username, client)
);

-- Where each account last logged in from: attempts from these clients are exempt from the
-- account's count of failures from unknown clients.
CREATE TABLE login_known_clients (
    username     TEXT   NOT NULL,
    client       TEXT   NOT NULL,
    logged_in_at BIGINT NOT NULL,
    PRIMARY KEY (username, client)
);
