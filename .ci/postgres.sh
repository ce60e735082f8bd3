# Starts a PostgreSQL cluster on 127.0.0.1:5432 with database optbench_test (user/password
# optbench/optbench) and exports OPTBENCH_TEST_PG (and OPTBENCH_TEST_PG_CTL, to restart it) for the
# tests. Safe to call twice.
start_postgres() {
  local ver
  ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
  if ! pg_lsclusters -h 2>/dev/null | grep -q online; then
    if ! pg_lsclusters -h 2>/dev/null | grep -q "^$ver"; then
      pg_createcluster "$ver" main >/dev/null
    fi
    pg_ctlcluster "$ver" main start
  fi
  for _ in $(seq 1 30); do
    su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1 && break
    sleep 1
  done
  su postgres -c "psql -qtAc \"select 1 from pg_roles where rolname='optbench'\"" | grep -q 1 ||
    su postgres -c "psql -qc \"create role optbench login password 'optbench' createdb\""
  su postgres -c "psql -qtAc \"select 1 from pg_database where datname='optbench_test'\"" | grep -q 1 ||
    su postgres -c "createdb -O optbench optbench_test"
  export OPTBENCH_TEST_PG="postgresql://127.0.0.1:5432/optbench_test?user=optbench&password=optbench"
  # How PostgresOutageTest restarts, stops and starts this server (it appends the action).
  export OPTBENCH_TEST_PG_CTL="pg_ctlcluster $ver main"
}
