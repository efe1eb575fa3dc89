# A throw-away PostgreSQL server, for scripts/test and scripts/bench. Source it after
# lib/common.sh; it defines functions and the state they share:
#   start_throwaway_postgres DBNAME fast|durable   sets PGBIN, PG_URL, PG_PORT, PG_TMP; stopped on exit
#   stop_throwaway_postgres
#   pg_as_owner CMD...                             runs a tool as the server's owner
# "fast" turns durability off (tests: the cluster is thrown away); "durable" keeps
# PostgreSQL's defaults (fsync, synchronous commit, full-page writes), as a benchmark needs,
# with a production server's memory and checkpoint settings.
# shellcheck shell=bash

PG_TMP=""
PG_STARTED=""
PG_RUN=() # prefix that runs a command as the server's OS user

# Run a PostgreSQL tool as the server's owner, from a directory that user may enter.
pg_as_owner() { (cd "$PG_TMP" && "${PG_RUN[@]}" "$@"); }

stop_throwaway_postgres() {
  if [ -n "$PG_STARTED" ]; then
    pg_as_owner "$PGBIN/pg_ctl" -D "$PG_TMP/data" stop -m fast -w >/dev/null 2>&1 ||
      echo "warning: could not stop the throw-away PostgreSQL server (data in $PG_TMP)" >&2
    PG_STARTED=""
  fi
  if [ -n "$PG_TMP" ]; then
    rm -rf "$PG_TMP"
    PG_TMP=""
  fi
}

start_throwaway_postgres() {
  local dbname=$1 durability=$2 t0 base port attempt
  t0=$(now)
  echo "== postgres"
  # The newest installed major version (Debian installs under /usr/lib/postgresql/<ver>/bin).
  PGBIN=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ] || die "no PostgreSQL server under /usr/lib/postgresql/*/bin"

  base=${TMPDIR:-/tmp}
  if [ "$(id -u)" -eq 0 ]; then
    # postgres refuses to run as root: the cluster belongs to the postgres OS user.
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' OS user"
    PG_RUN=(runuser -u postgres --)
    # That user must be able to reach the temp dir (TMPDIR may sit under /root).
    runuser -u postgres -- test -x "$base" || base=/tmp
  fi
  PG_TMP=$(mktemp -d "$base/vigie-pg.XXXXXX")
  trap stop_throwaway_postgres EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_TMP"

  # -U postgres: the superuser is "postgres" whoever runs this; trust: no passwords.
  pg_as_owner "$PGBIN/initdb" -D "$PG_TMP/data" -U postgres --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$PG_TMP/initdb.log" 2>&1 ||
    { cat "$PG_TMP/initdb.log" >&2; die "initdb failed"; }
  # Loopback only; socket in the temp dir (not /run/postgresql, which may not exist or be ours).
  cat >>"$PG_TMP/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_TMP'
max_connections = 300
EOF
  case "$durability" in
    fast) printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' >>"$PG_TMP/data/postgresql.conf" ;;
    # A production server's memory and checkpoint settings (see README, Operations); its
    # durability is PostgreSQL's default: fsync, synchronous commit and full-page writes stay on.
    # With the default 128 MB of shared buffers and 1 GB of WAL between checkpoints, a bulk
    # load writes index pages back and again after each checkpoint (full-page images).
    durable) cat >>"$PG_TMP/data/postgresql.conf" <<EOF
shared_buffers = 1GB
max_wal_size = 8GB
checkpoint_timeout = 30min
wal_compression = lz4
maintenance_work_mem = 512MB
EOF
      ;;
    *) die "start_throwaway_postgres: durability is fast or durable, not '$durability'" ;;
  esac

  # Default port first, the next ones if busy (another run, another cluster).
  port=${VIGIE_TEST_PG_PORT:-54329}
  for attempt in $(seq 1 20); do
    if ! port_busy "$port"; then
      rm -f "$PG_TMP/server.log"
      if pg_as_owner "$PGBIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -o "-p $port" \
        -w -t 60 start >"$PG_TMP/pg_ctl.log" 2>&1; then
        PG_STARTED=1
        break
      fi
      # Lost a race for the port: try the next one; any other failure is fatal.
      grep -q 'could not bind\|already in use' "$PG_TMP/server.log" 2>/dev/null ||
        { cat "$PG_TMP/pg_ctl.log" "$PG_TMP/server.log" >&2 || true; die "PostgreSQL did not start"; }
    fi
    port=$((port + 1))
  done
  [ -n "$PG_STARTED" ] || die "no free port for PostgreSQL after $attempt tries"

  # pg_ctl -w already waited; this makes sure TCP on 127.0.0.1 answers too.
  for attempt in $(seq 1 60); do
    "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$port" && break
    [ "$attempt" -eq 60 ] && { cat "$PG_TMP/server.log" >&2; die "PostgreSQL does not accept connections"; }
    sleep 0.5
  done
  "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U postgres "$dbname"
  PG_PORT=$port
  PG_URL="postgres://postgres@127.0.0.1:$port/$dbname"
  echo "== postgres: $PG_URL (data in $PG_TMP, $durability) in $(elapsed_since "$t0") s"
}
