# shellcheck shell=bash
# bench/lib/cluster.sh, sourced by bench/run.sh: issue #13's benchmark of the PostgreSQL cluster store.
#
# A throw-away PostgreSQL (Debian's initdb + pg_ctl in $WORK/cluster, 127.0.0.1 on a free port, password
# authentication, as nobody when root; stopped by PID) and ClusterBench: the time from the lease holder
# storing a renewal to three other nodes serving it (LISTEN/NOTIFY), p50/p99 over CLUSTER_RENEWALS, and the
# challenge path per second answered from the node's own board vs. another node's answer in the database
# (cold and cached). Output: $OUT/summary-cluster.md and $OUT/cluster.tsv (one row per measurement).
EXTRA_BENCHES+=(cluster)

CLUSTER_RENEWALS="${CLUSTER_RENEWALS:-50}"
CLUSTER_SECS="${CLUSTER_SECS:-5}"

cluster_pg_bin() {
    local d
    if command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v initdb)")"; return; fi
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$d/initdb" ] && { echo "$d"; return; }
    done
}

prereq_cluster() {
    [ -n "$(cluster_pg_bin)" ] || need_pkg "false" postgresql
    [ -n "$(cluster_pg_bin)" ] || { echo "run.sh: PostgreSQL is missing (apt-get install postgresql)" >&2; exit 1; }
}

bench_cluster() {
    local bin dir port pw as=() renewals="$CLUSTER_RENEWALS" secs="$CLUSTER_SECS" pid
    [ "$QUICK" = 1 ] && renewals=10 secs=1
    bin="$(cluster_pg_bin)"
    dir="$WORK/cluster"
    rm -rf "$dir"; mkdir -p "$dir"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    pw="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    echo "$pw" >"$dir/pwfile"
    if [ "$(id -u)" = 0 ]; then chown -R nobody "$dir"; as=(runuser -u nobody --); fi
    "${as[@]}" "$bin/initdb" -D "$dir/data" -U autocert --pwfile="$dir/pwfile" --auth-host=scram-sha-256 \
        --auth-local=scram-sha-256 -E UTF8 --locale=C --no-sync >"$LOGS/cluster-initdb.log" 2>&1
    # the server's own log stays in its folder (the server's user writes it), copied to $LOGS afterwards
    "${as[@]}" "$bin/pg_ctl" start -w -D "$dir/data" -l "$dir/postgres.log" \
        -o "-p $port -c listen_addresses=127.0.0.1 -k $dir" >>"$LOGS/cluster-initdb.log" 2>&1 \
        || { echo "cluster: PostgreSQL did not start, see $LOGS/cluster-initdb.log" >&2; return 1; }
    pid="$(head -1 "$dir/data/postmaster.pid")"
    log "cluster: PostgreSQL on 127.0.0.1:$port (pid $pid); $renewals renewals, ${secs} s per challenge path"
    PGPASSWORD="$pw" "$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U autocert -d postgres -c "CREATE DATABASE bench" \
        >>"$LOGS/cluster-initdb.log" 2>&1
    java -cp "$CP" dev.autocert.bench.ClusterBench "jdbc:postgresql://127.0.0.1:$port/bench" autocert "$pw" \
        "$dir/nodes" "$renewals" "$secs" >"$LOGS/cluster.out" 2>"$LOGS/cluster.err" || true
    kill -INT "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    cp "$dir/postgres.log" "$LOGS/cluster-postgres.log" 2>/dev/null || true
    [ -f "$dir/nodes/done" ] || { echo "cluster: ClusterBench failed, see $LOGS/cluster.err" >&2; tail -20 "$LOGS/cluster.err" >&2; return 1; }
    grep -v '^\[raw\]' "$LOGS/cluster.out" >"$OUT/summary-cluster.md"
    { printf 'what\tcase\tvalue\n'; grep '^\[raw\]' "$LOGS/cluster.out" | cut -f2-; } >"$OUT/cluster.tsv"
    cat "$OUT/summary-cluster.md" >&2
}
