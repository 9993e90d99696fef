#!/usr/bin/env bash
# `make bench`'s services: PostgreSQL and Redis answering on 127.0.0.1, and the bench's databases.
#
#   bench/services.sh            # idempotent: services already answering are left as they are
#
# When PostgreSQL (as portal/portal on 127.0.0.1:5432) or Redis (127.0.0.1:6379) does not answer, it installs
# and starts them the way .ci/run does (Debian 12, root; .ci/run itself is unchanged), but PostgreSQL with
# its production settings (autovacuum on, fsync on): the bench measures what a province's server runs.
# Services it starts keep running after the bench (stop them with pg_ctlcluster / redis-cli shutdown).
#
# Then the databases, owned by portal: portal_bench (the province), portal_bench_demo (the 30-school demo, for
# the comparison) and portal_bench_empty (for the councils and pack parts, which want an empty one). They are
# dropped and created empty unless BENCH_KEEP=1 (keep the seeded province: seed_scale leaves it as it is).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$ROOT/.ci/work"
mkdir -p "$WORK"
DB_USER=portal
DB_PASSWORD=portal
PG_HOST=127.0.0.1
PG_PORT="${BENCH_PG_PORT:-5432}"
REDIS_PORT=6379
export PGPASSWORD="$DB_PASSWORD"

die() { printf '\n!!! bench/services.sh: %s\n' "$*" >&2; exit 1; }
pg_answers() { psql -h "$PG_HOST" -p "$PG_PORT" -U "$DB_USER" -d postgres -qtAc "SELECT 1" >/dev/null 2>&1; }

if ! pg_answers || ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    [[ "$(id -u)" -eq 0 ]] || die "PostgreSQL (portal/portal on $PG_HOST:$PG_PORT) or Redis does not answer; run as root to install and start them."
    export DEBIAN_FRONTEND=noninteractive
    if ! command -v pg_ctlcluster >/dev/null || ! command -v redis-server >/dev/null; then
        echo "apt-get install postgresql redis-server"
        apt-get update -q >"$WORK/bench-apt.log" 2>&1 && apt-get install -y -q --no-install-recommends postgresql redis-server \
            >>"$WORK/bench-apt.log" 2>&1 || { tail -n 30 "$WORK/bench-apt.log" >&2; die "apt-get install failed"; }
    fi
fi

if ! pg_answers; then
    PG_VERSION="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)"
    [[ -n "$PG_VERSION" ]] || die "PostgreSQL is not installed (/usr/lib/postgresql is empty)."
    if ! pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" {found=1} END {exit !found}'; then
        pg_createcluster "$PG_VERSION" main >/dev/null || die "pg_createcluster $PG_VERSION main failed."
    fi
    install -d -o postgres -g postgres -m 2775 /var/run/postgresql
    if ! pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" && $4 ~ /online/ {found=1} END {exit !found}'; then
        pg_ctlcluster "$PG_VERSION" main start \
            || { tail -n 30 "/var/log/postgresql/postgresql-$PG_VERSION-main.log" >&2 || true; die "PostgreSQL did not start."; }
    fi
    PORT_FOUND="$(pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" {print $3}')"
    [[ "$PORT_FOUND" == "$PG_PORT" ]] || die "PostgreSQL $PG_VERSION/main listens on $PORT_FOUND, not $PG_PORT (set BENCH_PG_PORT)."
    for _ in $(seq 1 60); do pg_isready -q -h "$PG_HOST" -p "$PG_PORT" && break; sleep 0.5; done
    psql_su() { runuser -u postgres -- psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -qtA "$@"; }
    if [[ "$(psql_su -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" != "1" ]]; then
        psql_su -c "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD' CREATEDB" || die "could not create role $DB_USER."
    fi
    pg_answers || die "cannot log in to PostgreSQL as $DB_USER over TCP (check pg_hba.conf)."
fi
echo "PostgreSQL: $(psql -h "$PG_HOST" -p "$PG_PORT" -U "$DB_USER" -d postgres -qtAc "SELECT version()" | cut -d' ' -f1-2)," \
    "autovacuum $(psql -h "$PG_HOST" -p "$PG_PORT" -U "$DB_USER" -d postgres -qtAc "SHOW autovacuum")"

if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
        --logfile "$WORK/redis.log" --pidfile "$WORK/redis.pid" --dir "$WORK" || die "redis-server did not start."
    for _ in $(seq 1 40); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.25; done
fi
[[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == "PONG" ]] || die "Redis does not answer PING."
echo "Redis: answers on 127.0.0.1:$REDIS_PORT"

for db in portal_bench portal_bench_demo portal_bench_empty; do
    exists="$(psql -h "$PG_HOST" -p "$PG_PORT" -U "$DB_USER" -d postgres -qtAc "SELECT 1 FROM pg_database WHERE datname = '$db'")"
    if [[ "$exists" == "1" && ( "${BENCH_KEEP:-0}" == "1" && "$db" != "portal_bench_empty" ) ]]; then
        echo "database $db kept (BENCH_KEEP=1)"
        continue
    fi
    [[ "$exists" == "1" ]] && dropdb -h "$PG_HOST" -p "$PG_PORT" -U "$DB_USER" "$db"
    createdb -h "$PG_HOST" -p "$PG_PORT" -U "$DB_USER" -E UTF8 -T template0 "$db" || die "could not create database $db."
    echo "database $db created empty"
done
