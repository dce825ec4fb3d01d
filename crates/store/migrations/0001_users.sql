-- Column limits equal the domain's (crates/domain/src/user.rs), so anything the domain accepts
-- fits, and the CHECKs catch anything that bypassed it.
CREATE TABLE users (
    username      VARCHAR(25)  PRIMARY KEY CHECK (username ~ '^[A-Za-z0-9_.-]+$'),
    password_hash TEXT         NOT NULL,
    first_name    VARCHAR(30)  NOT NULL CHECK (btrim(first_name) <> ''),
    last_name     VARCHAR(30)  NOT NULL CHECK (btrim(last_name) <> ''),
    email         VARCHAR(254) NOT NULL CHECK (position('@' IN email) > 1),
    is_admin      BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
);
