#!/bin/sh
# Entrypoint of the Postgres image `cargo xtask setup` builds when no registry is reachable.
# It mimics what tests rely on in the official image's entrypoint: POSTGRES_USER,
# POSTGRES_PASSWORD, POSTGRES_DB and POSTGRES_HOST_AUTH_METHOD are honoured, the server listens on every address, extra
# arguments go to `postgres` (testcontainers passes `-c fsync=off`), and "ready to accept
# connections" is logged once on stdout by the init server and once on stderr by the final one,
# which is what testcontainers' Postgres module waits for.
set -eu

: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
: "${PGDATA:=/var/lib/postgresql/data}"
: "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"
export PGDATA

as_postgres() {
    # Postgres refuses to run as root; Debian's minbase has setpriv, not gosu.
    setpriv --reuid=postgres --regid=postgres --init-groups "$@"
}

if [ "${1:-}" = postgres ]; then shift; fi

mkdir -p "$PGDATA" /var/run/postgresql
chown postgres:postgres "$PGDATA" /var/run/postgresql
chmod 700 "$PGDATA"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
        echo "error: POSTGRES_PASSWORD must be set (or POSTGRES_HOST_AUTH_METHOD=trust)" >&2
        exit 1
    fi
    pwfile=$(mktemp)
    printf '%s\n' "${POSTGRES_PASSWORD:-postgres}" > "$pwfile"
    chown postgres "$pwfile"
    as_postgres initdb --username="$POSTGRES_USER" --pwfile="$pwfile" \
        --auth-local=trust --auth-host="$POSTGRES_HOST_AUTH_METHOD" --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
    echo "host all all all $POSTGRES_HOST_AUTH_METHOD" >> "$PGDATA/pg_hba.conf"

    as_postgres pg_ctl --wait --options="-c listen_addresses='' $*" start
    if [ "$POSTGRES_DB" != postgres ]; then
        as_postgres psql --quiet --set=ON_ERROR_STOP=1 --username="$POSTGRES_USER" --dbname=postgres \
            --command="CREATE DATABASE \"$POSTGRES_DB\""
    fi
    as_postgres pg_ctl --wait --mode=fast stop
fi

exec setpriv --reuid=postgres --regid=postgres --init-groups postgres -c listen_addresses='*' "$@"
