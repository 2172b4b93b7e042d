#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL server on 127.0.0.1, installed from Debian when
# missing. KOMPAS_DATABASE_URL points the whole test suite at it. The server stops on exit.
set -euo pipefail

if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
  echo "Installing Debian postgresql for the PostgreSQL test run"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PGPORT=${KOMPAS_TEST_PGPORT:-55432}
PGDATA=$(mktemp -d /tmp/kompas-pg.XXXXXX)
chown postgres "$PGDATA"

as_postgres() { su postgres -s /bin/bash -c "$*"; }
as_postgres "$PGBIN/initdb -D $PGDATA -A trust -U postgres --no-sync" >/dev/null
as_postgres "$PGBIN/pg_ctl -D $PGDATA -l $PGDATA/server.log -w -o \"-p $PGPORT -k $PGDATA -c listen_addresses=127.0.0.1 -c fsync=off\" start" >/dev/null
trap 'as_postgres "$PGBIN/pg_ctl -D $PGDATA -m fast stop" >/dev/null 2>&1 || true; rm -rf "$PGDATA"' EXIT
as_postgres "$PGBIN/createdb -h 127.0.0.1 -p $PGPORT kompas_test"

export KOMPAS_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/kompas_test"
echo "PostgreSQL test server at 127.0.0.1:$PGPORT"
"$@"
