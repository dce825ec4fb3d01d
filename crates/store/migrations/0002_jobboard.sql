-- Companies, jobs and applications. Every limit equals the domain's (crates/domain/src/
-- company.rs, job.rs), so whatever the domain accepts fits; the CHECKs catch what bypassed it.
CREATE TABLE companies (
    handle        VARCHAR(25)   PRIMARY KEY CHECK (handle ~ '^[a-z0-9][a-z0-9-]*$'),
    name          VARCHAR(100)  NOT NULL UNIQUE CHECK (btrim(name) <> ''),
    description   VARCHAR(2000) NOT NULL,
    num_employees INTEGER       CHECK (num_employees >= 0),
    logo_url      VARCHAR(2048) CHECK (logo_url ~ '^https?://')
);

CREATE TABLE jobs (
    id             SERIAL       PRIMARY KEY,
    title          VARCHAR(100) NOT NULL CHECK (btrim(title) <> ''),
    salary         INTEGER      CHECK (salary >= 0),
    -- NUMERIC, never a float: 0.1 stays 0.1.
    equity         NUMERIC      CHECK (equity >= 0 AND equity <= 1),
    company_handle VARCHAR(25)  NOT NULL REFERENCES companies ON DELETE CASCADE
);
CREATE INDEX jobs_company_handle ON jobs (company_handle);

CREATE TABLE applications (
    username   VARCHAR(25) NOT NULL REFERENCES users ON DELETE CASCADE,
    job_id     INTEGER     NOT NULL REFERENCES jobs ON DELETE CASCADE,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (username, job_id)
);
CREATE INDEX applications_job_id ON applications (job_id);
