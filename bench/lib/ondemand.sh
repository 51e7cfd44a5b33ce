# shellcheck shell=bash
# bench/lib/ondemand.sh, sourced by bench/run.sh: issue #15's benchmark of on-demand TLS.
#
# The run's own Pebble (as in issuance.sh: challtestsrv answers 127.0.0.1 for every name, HTTP-01 on the server's
# HTTP port) and OnDemandServer: embedded Tomcat 11 with the listener, one listed certificate (listed.test) and
# onDemand approving *.od.test. Measured:
#   (1) the first handshake for a new name, from the client's connect to a verified chain (Python ssl, trusting
#       only Pebble's root), ONDEMAND_NAMES names one after the other: p50/p99/max
#   (2) the server's CPU per new TLS 1.3 handshake (tls-load, no resumption) for an on-demand name once issued vs
#       the listed name, alternating, ONDEMAND_ROUNDS rounds of TLS_SECS each: the on-demand ÷ listed ratio
# Output: $OUT/summary-ondemand.md, rows in raw.tsv (bench=ondemand) and $OUT/ondemand-first.tsv.
EXTRA_BENCHES+=(ondemand)

ONDEMAND_NAMES="${ONDEMAND_NAMES:-50}"
ONDEMAND_ROUNDS="${ONDEMAND_ROUNDS:-3}"

prereq_ondemand() {
    need_pkg "command -v gcc" gcc || { echo "run.sh: gcc is missing" >&2; exit 1; }
    need_pkg "command -v python3" python3 || { echo "ondemand: python3 is missing" >&2; exit 1; }
    need_pkg "command -v curl" curl || { echo "ondemand: curl is missing" >&2; exit 1; }
    if [ ! -x "$ROOT/.tools/pebble/usr/bin/pebble" ]; then
        "$ROOT/scripts/fetch-pebble.sh" >&2 || { echo "ondemand: scripts/fetch-pebble.sh failed" >&2; exit 1; }
    fi
}

bench_ondemand() {
    local d="$WORK/ondemand" http https dead pid names="$ONDEMAND_NAMES" rounds="$ONDEMAND_ROUNDS" secs="$TLS_SECS" r c
    [ "$QUICK" = 1 ] && names=10 rounds=1
    if [ ! -x "$TLS_LOAD" ] || [ "$HERE/tls-load.c" -nt "$TLS_LOAD" ]; then
        gcc -O2 -Wall -pthread -o "$TLS_LOAD" "$HERE/tls-load.c" -lssl -lcrypto
    fi
    IB_PEBBLE_BIN="$ROOT/.tools/pebble/usr/bin"
    IB_RETRY_AFTER=0
    rm -rf "$d"; mkdir -p "$d"
    read -r http https dead <<<"$(ib_free_ports 3)"
    ib_pebble_start "$d/pebble" "$http" "$dead"
    # shellcheck disable=SC2086
    java $BENCH_JAVA_OPTS -cp "$CP" dev.autocert.bench.OnDemandServer "$http" "$https" "$IB_DIRECTORY" "$IB_CA" \
        "$d/base" listed.test od.test "$WORK/ondemand-server.ready" >"$LOGS/ondemand-server.log" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    echo "$pid" >"$WORK/ondemand-server.pid"
    await_server ondemand-server
    log "ondemand: Pebble at $IB_DIRECTORY, server pid $pid on 127.0.0.1:$https; $names first handshakes, $rounds x ${secs}s per name"
    python3 - "$https" "$IB_ROOTS" "$names" "$OUT/ondemand-first.tsv" <<'PY' >&2 || { echo "ondemand: first handshakes failed, see $LOGS/ondemand-server.log" >&2; exit 1; }
import socket, ssl, sys, time
port, roots, names, out = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
ctx = ssl.create_default_context(cafile=roots)
def handshake(name, timeout=30):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as raw:
        with ctx.wrap_socket(raw, server_hostname=name) as s:
            return s.version()
deadline = time.time() + 60
while True:   # the listed certificate first: the account is ready, the JIT has seen a handshake
    try:
        handshake("listed.test", 5); break
    except (OSError, ssl.SSLError):
        if time.time() > deadline: raise
        time.sleep(0.05)
rows = []
for i in range(1, names + 1):
    name = "n%02d.od.test" % i
    t0 = time.perf_counter(); handshake(name); rows.append((name, time.perf_counter() - t0))
with open(out, "w") as f:
    f.write("name\tseconds\n")
    for n, s in rows: f.write("%s\t%.4f\n" % (n, s))
PY
    "$TLS_LOAD" -c "127.0.0.1:$https" -s n01.od.test -F >"$WORK/ondemand-probe.txt" \
        || { echo "ondemand: probe of n01.od.test failed" >&2; exit 1; }
    for c in listed.test n01.od.test; do
        tls_run ondemand "$c" w "ondemand-server" "$TLS_WARMUP_SECS" "$TLS_THREADS" -c "127.0.0.1:$https" -s "$c" -m "$TLS_WARMUP_HANDSHAKES"
    done
    for r in $(seq "$rounds"); do
        for c in $( [ $((r % 2)) = 1 ] && echo "listed.test n01.od.test" || echo "n01.od.test listed.test"); do
            tls_run ondemand "$c" "$r" "ondemand-server" "$secs" "$TLS_THREADS" -c "127.0.0.1:$https" -s "$c"
        done
    done
    ondemand_summary "$pid"
    stop_all
}

ondemand_summary() {   # $OUT/summary-ondemand.md from ondemand-first.tsv and the timed "ondemand" rows of raw.tsv
    local orders
    orders="$(grep -c 'Added order "' "$LOGS/pebble-pebble.log" 2>/dev/null || echo "?")"
    {
        echo "## On-demand TLS: first handshake for a new name, and handshakes once issued (issue #15)"
        echo
        echo "Run \`$STAMP\`: embedded Tomcat 11 with the listener (\`domains=listed.test\`, \`onDemand=true\`, \`onDemandAllow=*.od.test\`),"
        echo "HTTP-01 against the run's Pebble ($orders orders placed in all)."
        echo
        awk -F'\t' 'NR > 1 { v[++n] = $2 }
            END { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
                p50 = v[int((n + 1) / 2)]; p99 = v[int(0.99 * n + 0.999)]
                print "| first handshake for a new name (connect → verified chain) | n | p50 | p99 | max |"
                print "|---|---|---|---|---|"
                printf "| one name after the other | %d | %.3f s | %.3f s | %.3f s |\n\n", n, p50, p99, v[n] }' "$OUT/ondemand-first.tsv"
        awk -F'\t' '$2 == "ondemand" && $4 ~ /^[0-9]+$/ { if (!($3 in n)) name[++k] = $3; n[$3]++; cpu[$3, n[$3]] = $10; rate[$3, n[$3]] = $8; ok[$3] += $6; fails[$3] += $7 }
            function median(a, c, m,   i, j, t, v) { for (i = 1; i <= m; i++) v[i] = a[c, i]
                for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
                return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2 }
            END { base = median(cpu, "listed.test", n["listed.test"])
                print "| new TLS 1.3 handshakes (tls-load) | handshakes/s | server CPU per handshake | ÷ listed | handshakes (failed) | rounds |"
                print "|---|---|---|---|---|---|"
                for (i = 1; i <= k; i++) { c = name[i]; m = median(cpu, c, n[c])
                    printf "| %s | %.0f | %.3f ms | %.2f | %d (%d) | %d |\n", c == "listed.test" ? "listed certificate (listed.test)" : "on-demand certificate (n01.od.test)",
                        median(rate, c, n[c]), m / 1000, m / base, ok[c], fails[c], n[c] } }' "$RAW"
    } >"$OUT/summary-ondemand.md"
    cat "$OUT/summary-ondemand.md" >&2
}
