#!/usr/bin/env bash
# Autocert benchmark suite: builds bench/, runs the benchmarks, writes bench/results/<run>/ and prints
# the summary. Everything binds and targets 127.0.0.1 only, every run is bounded in time, and every
# process started here is stopped by its PID on exit (also on Ctrl-C).
#
#   bench/run.sh                      the whole suite (≈ 13–15 min on a busy machine)
#   bench/run.sh --quick              short durations: a smoke test of the scripts (≈ 3 min)
#   bench/run.sh --only tls           one benchmark: tls, http-overhead, http01, jmh (comma-separated list)
#   bench/run.sh --help               all options and environment knobs
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"

usage() {
    cat <<'EOF'
usage: bench/run.sh [--quick] [--only LIST] [--no-build] [--passes N] [--rounds N] [--secs S] [--threads N] [--certs N]

  --quick        short runs (3 s, 1 round per pass, 2,000 certificates): checks that everything works
  --only LIST    comma-separated subset of: tls, http-overhead, http01, jmh and those of bench/lib/*.sh
                 (default: all)
  --no-build     use the existing bench/target (skips Maven)
  --passes N     passes, each with freshly started server JVMs (default: tls 3, http 2): JVM-to-JVM
                 variation (JIT, GC) then shows up in the spread instead of posing as a difference
  --rounds N     timed rounds per configuration and pass (default 2)
  --secs S       seconds per timed run (default: tls 8, http 10)
  --threads N    tls-load client threads (default 4)
  --certs N      live certificates of the big configuration (default 10000)

environment: BENCH_JAVA_OPTS (server JVM flags, default "-Xms1g -Xmx1g": the same heap for every
server whatever its live set; set it to "" for the JVM's ergonomics),
TLS_WARMUP_HANDSHAKES (10000 per server and pass, at most TLS_WARMUP_SECS = 45 s),
HTTP_WARMUP_SECS (5 per server and path), QUIET_PCT (25: before each timed run, wait until the
machine is less busy than this, at most QUIET_MAX_SECS = 3 s), JMH_ARGS (extra JMH options).
results: bench/results/<UTC time>[-quick]/ {summary.md, raw.tsv, servers.tsv, jmh.csv, env.txt, logs/};
bench/results/latest points to the newest.
EOF
}

# ---------------------------------------------------------------- options
QUICK=0
ONLY=""
BUILD=1
TLS_PASSES=3
HTTP_PASSES=2
TLS_ROUNDS=2
HTTP_ROUNDS=2
TLS_SECS=8
HTTP_SECS=10
TLS_THREADS=4
CERTS=10000
TLS_WARMUP_HANDSHAKES="${TLS_WARMUP_HANDSHAKES:-10000}"
TLS_WARMUP_SECS="${TLS_WARMUP_SECS:-45}"
HTTP_WARMUP_SECS="${HTTP_WARMUP_SECS:-5}"
QUIET_PCT="${QUIET_PCT:-25}"
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS--Xms1g -Xmx1g}"
QUIET_MAX_SECS="${QUIET_MAX_SECS:-3}"
JMH_RUN="-f 1 -wi 3 -w 1s -i 5 -r 1s"
rounds_set="" secs_set="" certs_set=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --only) ONLY="$2"; shift ;;
        --no-build) BUILD=0 ;;
        --rounds) rounds_set="$2"; shift ;;
        --passes) TLS_PASSES="$2" HTTP_PASSES="$2"; shift ;;
        --secs) secs_set="$2"; shift ;;
        --threads) TLS_THREADS="$2"; shift ;;
        --certs) certs_set="$2"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
if [ "$QUICK" = 1 ]; then
    TLS_PASSES=2 TLS_ROUNDS=1 HTTP_ROUNDS=1 TLS_SECS=3 HTTP_SECS=3 CERTS=2000
    TLS_WARMUP_HANDSHAKES=2000 TLS_WARMUP_SECS=5 HTTP_WARMUP_SECS=2 QUIET_MAX_SECS=0
    JMH_RUN="-f 1 -wi 1 -w 300ms -i 2 -r 300ms"
fi
[ -n "$rounds_set" ] && TLS_ROUNDS="$rounds_set" HTTP_ROUNDS="$rounds_set"
[ -n "$secs_set" ] && TLS_SECS="$secs_set" HTTP_SECS="$secs_set"
[ -n "$certs_set" ] && CERTS="$certs_set"
# More benchmarks live in bench/lib/<name>.sh, one file each: it appends its name to EXTRA_BENCHES and
# defines bench_<name> (run after the built-in ones, with every helper below) and may define
# prereq_<name> (packages it needs). It may write $OUT/summary-<name>.md, which the summary appends.
EXTRA_BENCHES=()
for f in "$HERE"/lib/*.sh; do
    if [ -e "$f" ]; then . "$f"; fi
done
for b in ${ONLY//,/ }; do
    case " tls http-overhead http01 jmh ${EXTRA_BENCHES[*]} " in *" $b "*) ;; *) echo "run.sh: unknown benchmark '$b'" >&2; exit 2 ;; esac
done
[ -n "$ONLY" ] || ONLY="$(IFS=,; echo "tls,http-overhead,http01,jmh${EXTRA_BENCHES[*]:+,${EXTRA_BENCHES[*]}}")"
wants() { [[ ",$ONLY," == *",$1,"* ]]; }

# ---------------------------------------------------------------- folders, cleanup
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
[ "$QUICK" = 1 ] && STAMP="$STAMP-quick"
OUT="$HERE/results/$STAMP"
WORK="$OUT/work"
LOGS="$OUT/logs"
mkdir -p "$WORK" "$LOGS"
ln -sfn "$STAMP" "$HERE/results/latest"

PIDS=()
stop_pid() {   # stop one process we started, by PID: TERM, then KILL after 10 s
    local pid="$1" i
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
stop_all() {
    local pid
    for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
    PIDS=()
}
trap 'stop_all' EXIT
trap 'echo "run.sh: interrupted" >&2; exit 130' INT TERM

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# ---------------------------------------------------------------- prerequisites
need_pkg() {   # need_pkg <test command> <debian package>
    if ! eval "$1" >/dev/null 2>&1; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            log "installing $2"
            apt-get install -y -qq "$2" >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$2" >/dev/null 2>&1; } || true
        fi
    fi
    eval "$1" >/dev/null 2>&1
}
if wants tls; then
    need_pkg "command -v gcc" gcc || { echo "run.sh: gcc is missing" >&2; exit 1; }
    need_pkg "test -f /usr/include/openssl/ssl.h" libssl-dev || { echo "run.sh: OpenSSL headers (libssl-dev) are missing" >&2; exit 1; }
fi
if wants http-overhead || wants http01; then
    need_pkg "command -v wrk" wrk || { echo "run.sh: wrk is missing (apt-get install wrk)" >&2; exit 1; }
    need_pkg "command -v curl" curl || { echo "run.sh: curl is missing" >&2; exit 1; }
fi
for b in "${EXTRA_BENCHES[@]}"; do
    if wants "$b" && declare -F "prereq_$b" >/dev/null; then "prereq_$b"; fi
done

# ---------------------------------------------------------------- build
TARGET="$HERE/target"
if [ "$BUILD" = 1 ]; then
    # -am: the modules under test come from this checkout's reactor, not from an earlier `install`
    build=(./mvnw -B -ntp -q -P bench -pl bench -am package -DskipTests -DskipITs -Dspotbugs.skip=true)
    log "building bench/ (${build[*]:4})"
    if ! (cd "$ROOT" && "${build[@]}" -o >"$LOGS/build.log" 2>&1); then
        log "offline build failed (first use fetches JMH): retrying online"
        (cd "$ROOT" && "${build[@]}" >"$LOGS/build.log" 2>&1) \
            || { tail -n 30 "$LOGS/build.log" >&2; exit 1; }
    fi
fi
CP="$TARGET/classes:$TARGET/lib/*"
[ -f "$TARGET/classes/dev/autocert/bench/BenchServer.class" ] || { echo "run.sh: bench/target is not built" >&2; exit 1; }
if wants tls; then
    gcc -O2 -Wall -pthread -o "$TARGET/tls-load" "$HERE/tls-load.c" -lssl -lcrypto
fi
TLS_LOAD="$TARGET/tls-load"

# ---------------------------------------------------------------- environment record
CLK_TCK="$(getconf CLK_TCK)"
NCPU="$(nproc)"
{
    echo "run=$STAMP"
    echo "mode=$([ "$QUICK" = 1 ] && echo quick || echo full)"
    echo "machine=$(uname -sr), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(awk '/MemTotal/{printf "%.0f GB RAM", $2/1e6}' /proc/meminfo)"
    echo "cpus=$NCPU (client and server share them)"
    echo "load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "java=$(java -version 2>&1 | sed -n 2p)"
    echo "openssl=$(openssl version 2>/dev/null || echo '?')"
    echo "wrk=$( (wrk -v 2>&1 || true) | head -n1 | cut -d' ' -f1-2)"
    echo "settings=tls ${TLS_PASSES} passes (fresh JVMs each) x ${TLS_ROUNDS} rounds x ${TLS_SECS}s, ${TLS_THREADS} client threads, warm-up ${TLS_WARMUP_HANDSHAKES} handshakes (<= ${TLS_WARMUP_SECS}s) per server, ${CERTS} certs; http ${HTTP_PASSES} passes x ${HTTP_ROUNDS} rounds x ${HTTP_SECS}s, warm-up ${HTTP_WARMUP_SECS}s per server and path; quiet wait <= ${QUIET_MAX_SECS}s for < ${QUIET_PCT}% busy; server JVM opts '${BENCH_JAVA_OPTS}'"
} >"$OUT/env.txt"

RAW="$OUT/raw.tsv"
printf 'run\tbench\tconfig\tround\tsecs\tops\tfails\tops_per_s\tsrv_cpu_s\tsrv_us_per_op\tcli_cpu_s\tcli_us_per_op\tlat_mean_ms\tlat_p99_ms\tbusy_before_pct\tforeign_pct\tgc_count\tgc_ms\tnote\n' >"$RAW"
SERVERS="$OUT/servers.tsv"
printf 'server\tkey\tvalue\n' >"$SERVERS"

# ---------------------------------------------------------------- measuring helpers
proc_ticks() {   # utime+stime of a PID, in clock ticks
    local s
    s="$(cat "/proc/$1/stat")"
    s="${s##*) }"
    set -- $s
    echo $(( ${12} + ${13} ))
}
machine_busy_ticks() {   # all CPUs: busy ticks (total minus idle and iowait)
    awk '/^cpu /{t=0; for(i=2;i<=9;i++) t+=$i; print t-$5-$6; exit}' /proc/stat
}
busy_pct() {   # machine busy share over a short sample
    local a b
    a="$(machine_busy_ticks)"; sleep "$1"; b="$(machine_busy_ticks)"
    awk -v d="$((b - a))" -v s="$1" -v n="$NCPU" -v hz="$CLK_TCK" 'BEGIN{printf "%.0f", 100*d/(s*n*hz)}'
}
wait_quiet() {   # wait (bounded) for other processes to calm down; prints the last busy share
    local waited=0 pct
    pct="$(busy_pct 0.5)"
    while [ "$pct" -gt "$QUIET_PCT" ] && [ "$waited" -lt "$QUIET_MAX_SECS" ]; do
        sleep 1; waited=$((waited + 1)); pct="$(busy_pct 0.5)"
    done
    echo "$pct"
}
kv() { sed -n "s/^$2=//p" "$1" | head -n1; }   # kv <file> <key>
gc_stats() {   # collections and total GC time (ms) of a JVM so far, from jstat; "- -" when unavailable (caddy)
    { jstat -gc "$1" 2>/dev/null || true; } | awk 'NR==1{for(i=1;i<=NF;i++)h[$i]=i} NR==2{printf "%d %.0f\n", $h["YGC"]+$h["FGC"]+$h["CGC"], 1000*$h["GCT"]; ok=1} END{if(!ok) print "- -"}'
}

start_server() {   # start_server <name> <args...>: starts a BenchServer JVM, waits until it serves
    local name="$1"; shift
    local ready="$WORK/$name.ready" pid i
    rm -f "$ready"
    # shellcheck disable=SC2086
    # SERVER_JAVA / SERVER_CP / SERVER_MAIN: another JDK (and its options), class path or main class for this server only
    ${SERVER_JAVA:-java} $BENCH_JAVA_OPTS -cp "${SERVER_CP:-$CP}" "${SERVER_MAIN:-dev.autocert.bench.BenchServer}" --base "$WORK/$name" --ready "$ready" "$@" \
        >"$LOGS/$name.log" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    echo "$pid" >"$WORK/$name.pid"
}
await_server() {   # await_server <name>: waits for the ready file, records it in servers.tsv
    local name="$1" ready="$WORK/$1.ready" pid i
    pid="$(cat "$WORK/$name.pid")"
    for i in $(seq 1800); do
        [ -f "$ready" ] && break
        kill -0 "$pid" 2>/dev/null || { echo "run.sh: server $name exited:" >&2; tail -n 30 "$LOGS/$name.log" >&2; exit 1; }
        sleep 0.1
    done
    [ -f "$ready" ] || { echo "run.sh: server $name not ready after 180 s" >&2; exit 1; }
    while IFS='=' read -r k v; do printf '%s\t%s\t%s\n' "$name" "$k" "$v" >>"$SERVERS"; done <"$ready"
}
record_rss() {   # record_rss <name>
    local pid rss
    pid="$(cat "$WORK/$1.pid")"
    rss="$(awk '/^VmRSS/{print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)"
    printf '%s\t%s\t%s\n' "$1" rss_kb_end "$rss" >>"$SERVERS"
}

# tls_run <bench> <config> <round> <server name> <secs> <threads> <tls-load target args...>
tls_run() {
    local bench="$1" config="$2" round="$3" server="$4" secs="$5" threads="$6"; shift 6
    local pid busy c0 c1 m0 m1 line gc0 gc1
    pid="$(cat "$WORK/$server.pid")"
    busy=0; [[ "$round" =~ ^[0-9]+$ ]] && busy="$(wait_quiet)"
    gc0="$(gc_stats "$pid")"
    c0="$(proc_ticks "$pid")"; m0="$(machine_busy_ticks)"
    line="$("$TLS_LOAD" -t "$threads" -d "$secs" "$@")"
    c1="$(proc_ticks "$pid")"; m1="$(machine_busy_ticks)"
    gc1="$(gc_stats "$pid")"
    echo "$bench $config $round: $line" >>"$LOGS/tls-load.log"
    echo "$line" | tr ' ' '\n' | awk -F= -v run="$STAMP" -v bench="$bench" -v config="$config" -v round="$round" \
        -v srv="$((c1 - c0))" -v mach="$((m1 - m0))" -v hz="$CLK_TCK" -v n="$NCPU" -v busy="$busy" \
        -v gc0="$gc0" -v gc1="$gc1" -v note="tls-load -t $threads -d $secs $*" '
        { v[$1] = $2 }
        END {
            ok = v["ok"]; secs = v["secs"]; cli = v["cli_user_s"] + v["cli_sys_s"]; s = srv / hz
            foreign = 100 * (mach / hz - s - cli) / (secs * n); if (foreign < 0) foreign = 0
            split(gc0, a, " "); split(gc1, b, " ")
            gcn = a[1] == "-" || b[1] == "-" ? "-" : b[1] - a[1]; gct = a[2] == "-" || b[2] == "-" ? "-" : b[2] - a[2]
            printf "%s\t%s\t%s\t%s\t%.3f\t%d\t%d\t%.1f\t%.2f\t%.1f\t%.2f\t%.1f\t%.3f\t%.3f\t%s\t%.1f\t%s\t%s\t%s\n",
                run, bench, config, round, secs, ok, v["fail"], v["rate"], s, ok ? 1e6 * s / ok : 0, cli,
                ok ? 1e6 * cli / ok : 0, v["lat_mean_ms"], v["lat_p99_ms"], busy, foreign, gcn, gct, note
        }' >>"$RAW"
    tail -n1 "$RAW" | awk -F'\t' '{printf "  %-14s %-22s round %-3s %8.0f /s  server %7.1f us/op  fails %s  busy %s%%  foreign %s%%\n", $2, $3, $4, $8, $10, $7, $15, $16}' >&2
}

# http_run <bench> <config> <round> <server name> <secs> <url>
http_run() {
    local bench="$1" config="$2" round="$3" server="$4" secs="$5" url="$6"
    local pid busy c0 c1 m0 m1 out tf gc0 gc1
    pid="$(cat "$WORK/$server.pid")"
    busy=0; [[ "$round" =~ ^[0-9]+$ ]] && busy="$(wait_quiet)"
    out="$WORK/wrk.out"; tf="$WORK/wrk.time"
    gc0="$(gc_stats "$pid")"
    c0="$(proc_ticks "$pid")"; m0="$(machine_busy_ticks)"
    { TIMEFORMAT='%3U %3S'; time wrk -t2 -c32 -d"${secs}s" --latency "$url" >"$out" 2>&1; } 2>"$tf"
    c1="$(proc_ticks "$pid")"; m1="$(machine_busy_ticks)"
    gc1="$(gc_stats "$pid")"
    { echo "== $bench $config $round $url"; cat "$out"; } >>"$LOGS/wrk.log"
    awk -v run="$STAMP" -v bench="$bench" -v config="$config" -v round="$round" -v srv="$((c1 - c0))" \
        -v mach="$((m1 - m0))" -v hz="$CLK_TCK" -v n="$NCPU" -v busy="$busy" -v cli="$(awk '{print $1+$2}' "$tf")" \
        -v gc0="$gc0" -v gc1="$gc1" -v note="wrk -t2 -c32 -d${secs}s --latency $url" '
        function ms(x) { if (x ~ /us$/) return x / 1000; if (x ~ /ms$/) return x + 0; if (x ~ /s$/) return x * 1000; return x }
        / requests in / { ops = $1; secs = $4; sub(/s,?$/, "", secs) }
        /Socket errors:/ { gsub(/,/, ""); errs = $4 + $6 + $8 + $10 }
        /Non-2xx or 3xx responses:/ { bad = $5 }
        /^    Latency/ { mean = ms($2) }
        /^ +99%/ { p99 = ms($2) }
        END {
            fails = errs + bad; good = ops - bad; s = srv / hz
            foreign = 100 * (mach / hz - s - cli) / (secs * n); if (foreign < 0) foreign = 0
            split(gc0, a, " "); split(gc1, b, " ")
            gcn = a[1] == "-" || b[1] == "-" ? "-" : b[1] - a[1]; gct = a[2] == "-" || b[2] == "-" ? "-" : b[2] - a[2]
            printf "%s\t%s\t%s\t%s\t%.3f\t%d\t%d\t%.1f\t%.2f\t%.1f\t%.2f\t%.1f\t%.3f\t%.3f\t%s\t%.1f\t%s\t%s\t%s\n",
                run, bench, config, round, secs, good, fails, good / secs, s, good ? 1e6 * s / good : 0, cli,
                good ? 1e6 * cli / good : 0, mean, p99, busy, foreign, gcn, gct, note
        }' "$out" >>"$RAW"
    tail -n1 "$RAW" | awk -F'\t' '{printf "  %-14s %-22s round %-3s %8.0f /s  server %7.1f us/op  fails %s  busy %s%%  foreign %s%%\n", $2, $3, $4, $8, $10, $7, $15, $16}' >&2
}

# ---------------------------------------------------------------- the extra live certificates
# Generated once (SelfSigned.temporary: its own new P-256 key each, ≈ 2.5 ms per certificate on this
# machine) into bench/target/cert-cache/, then read back by the 10,000-certificate server and by JMH.
cert_cache() { echo "$TARGET/cert-cache/bench.test-$1.bin"; }
fill_cert_cache() {
    local n=$((CERTS - 1)) msg
    msg="$(java -cp "$CP" dev.autocert.bench.Fixtures "$(cert_cache "$n")" bench.test "$n")"
    log "certificates: $msg ($(cert_cache "$n" | sed "s|^$ROOT/||"))"
}

# ---------------------------------------------------------------- TLS handshakes (issue #3)
TLS_SNI=bench.test
bench_tls() {
    local keystore="$WORK/keystore.p12" pass
    log "TLS: keystore (keytool, EC P-256, CN=$TLS_SNI); servers plain, autocert-1, autocert-$CERTS; $TLS_PASSES pass(es) with fresh JVMs"
    keytool -genkeypair -alias server -keyalg EC -groupname secp256r1 -sigalg SHA256withECDSA \
        -dname "CN=$TLS_SNI" -ext "SAN=dns:$TLS_SNI" -validity 365 -storetype PKCS12 -keystore "$keystore" \
        -storepass changeit -keypass changeit >"$LOGS/keytool.log" 2>&1
    mkdir -p "$WORK/www-tls"; echo "hello" >"$WORK/www-tls/index.html"
    fill_cert_cache
    for pass in $(seq "$TLS_PASSES"); do
        tls_pass "$pass" --tls --keystore "$keystore" --webroot "$WORK/www-tls" --sni "$TLS_SNI"
    done
}

tls_pass() {   # tls_pass <pass> <common server args...>: fresh servers, probe, warm-up, timed rounds
    local pass="$1"; shift
    local sni="$TLS_SNI" q="-p$pass" big="autocert-$CERTS" extra=$((CERTS - 1))
    start_server "tls-autocert-big$q" "$@" --autocert --certs "$CERTS" --cert-cache "$(cert_cache "$extra")"
    start_server "tls-plain$q" "$@"
    start_server "tls-autocert-1$q" "$@" --autocert --certs 1
    await_server "tls-plain$q"; await_server "tls-autocert-1$q"; await_server "tls-autocert-big$q"
    declare -A port
    local s
    for s in plain autocert-1 autocert-big; do port[$s]="$(kv "$WORK/tls-$s$q.ready" port)"; done
    log "TLS pass $pass: servers up; $extra extra certificates installed, heap per certificate $(kv "$WORK/tls-autocert-big$q.ready" heap_per_cert_bytes) B"

    # what each configuration really serves
    local probe fp_live
    for s in plain autocert-1 autocert-big; do
        probe="$("$TLS_LOAD" -c "127.0.0.1:${port[$s]}" -s "$sni" -F -g /index.html)" || { echo "run.sh: probe of $s failed" >&2; exit 1; }
        printf 'tls-%s%s\tprobe\t%s\n' "$s" "$q" "$probe" >>"$SERVERS"
        [ "$pass" = 1 ] && echo "  probe $s: $probe" >&2
        fp_live="$(kv "$WORK/tls-$s$q.ready" live_fingerprint)"
        case "$s" in
            plain) [[ "$probe" == *"version=TLSv1.3"* && "$probe" == *"key=EC/prime256v1"* ]] \
                       || { echo "run.sh: plain does not serve TLS 1.3 with a P-256 key" >&2; exit 1; } ;;
            *) [[ "$probe" == *"fingerprint=$fp_live"* && "$probe" == *"version=TLSv1.3"* ]] \
                   || { echo "run.sh: $s does not serve its live certificate for $sni" >&2; exit 1; } ;;
        esac
    done
    probe="$("$TLS_LOAD" -c "127.0.0.1:${port[autocert-big]}" -S "n%05d.$sni" -n "$extra" -F)"
    [[ "$probe" != *"fingerprint=$(kv "$WORK/tls-autocert-big$q.ready" live_fingerprint)"* ]] \
        || { echo "run.sh: random SNI got the main certificate" >&2; exit 1; }

    log "TLS pass $pass: JVM warm-up, $TLS_WARMUP_HANDSHAKES handshakes per server ($TLS_THREADS threads, at most ${TLS_WARMUP_SECS}s)"
    local wm=(-m "$TLS_WARMUP_HANDSHAKES")
    tls_run tls-warmup plain "w$pass" "tls-plain$q" "$TLS_WARMUP_SECS" "$TLS_THREADS" "${wm[@]}" -c "127.0.0.1:${port[plain]}" -s "$sni"
    tls_run tls-warmup autocert-1 "w$pass" "tls-autocert-1$q" "$TLS_WARMUP_SECS" "$TLS_THREADS" "${wm[@]}" -c "127.0.0.1:${port[autocert-1]}" -s "$sni"
    tls_run tls-warmup "$big" "w$pass" "tls-autocert-big$q" "$TLS_WARMUP_SECS" "$TLS_THREADS" "${wm[@]}" -c "127.0.0.1:${port[autocert-big]}" -S "n%05d.$sni" -n "$extra"

    log "TLS pass $pass: $TLS_ROUNDS rounds x ${TLS_SECS}s, round-robin (start rotates), $TLS_THREADS client threads"
    local configs=(plain autocert-1 "$big" "$big-rnd") r g i c
    for r in $(seq "$TLS_ROUNDS"); do
        g=$(( (pass - 1) * TLS_ROUNDS + r ))
        for i in 0 1 2 3; do
            c="${configs[$(( (i + g - 1) % 4 ))]}"
            case "$c" in
                plain) tls_run tls "$c" "$g" "tls-plain$q" "$TLS_SECS" "$TLS_THREADS" -c "127.0.0.1:${port[plain]}" -s "$sni" ;;
                autocert-1) tls_run tls "$c" "$g" "tls-autocert-1$q" "$TLS_SECS" "$TLS_THREADS" -c "127.0.0.1:${port[autocert-1]}" -s "$sni" ;;
                "$big") tls_run tls "$c" "$g" "tls-autocert-big$q" "$TLS_SECS" "$TLS_THREADS" -c "127.0.0.1:${port[autocert-big]}" -s "$sni" ;;
                "$big-rnd") tls_run tls "$c" "$g" "tls-autocert-big$q" "$TLS_SECS" "$TLS_THREADS" -c "127.0.0.1:${port[autocert-big]}" -S "n%05d.$sni" -n "$extra" ;;
            esac
        done
    done
    for s in plain autocert-1 autocert-big; do record_rss "tls-$s$q"; done
    sed -i "s/^tls-autocert-big$q\t/tls-$big$q\t/" "$SERVERS"
    stop_all
}

# ---------------------------------------------------------------- plain HTTP: valve overhead, HTTP-01 answers (issue #8)
HTTP_TOKEN=evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA
HTTP_KEYAUTH="$HTTP_TOKEN.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI"   # 87 bytes, as in the peer baselines
bench_http() {
    local www="$WORK/www-http" pass
    mkdir -p "$www/static" "$www/.well-known/acme-challenge"
    printf '%s' "$HTTP_KEYAUTH" >"$www/static/$HTTP_TOKEN"
    printf '%s' "$HTTP_KEYAUTH" >"$www/.well-known/acme-challenge/$HTTP_TOKEN"
    printf '%s' x >"$www/.well-known/acme-challenge/diskonlytoken0000000000"
    log "HTTP: servers no-valve (stock, webroot) and valve (AcmeChallengeValve, token pending on the board); $HTTP_PASSES pass(es) with fresh JVMs"
    for pass in $(seq "$HTTP_PASSES"); do
        http_pass "$pass" "$www"
    done
}

# http_plan_rounds <pass> <label> <"bench config server port path">...: the HTTP benchmarks' method for
# one pass over running servers: a warm-up of HTTP_WARMUP_SECS per server and path, then HTTP_ROUNDS
# timed rounds of every item, the starting item rotating from round to round
http_plan_rounds() {
    local pass="$1" label="$2"; shift 2
    local plan=("$@") item b c s p u r g i n="$#"
    log "$label: JVM warm-up, ${HTTP_WARMUP_SECS}s per server and path"
    for item in "${plan[@]}"; do
        read -r b c s p u <<<"$item"
        http_run "$b-warmup" "$c" "w$pass" "$s" "$HTTP_WARMUP_SECS" "http://127.0.0.1:$p$u"
    done
    log "$label: $HTTP_ROUNDS rounds x ${HTTP_SECS}s, round-robin (start rotates), wrk -t2 -c32"
    for r in $(seq "$HTTP_ROUNDS"); do
        g=$(( (pass - 1) * HTTP_ROUNDS + r ))
        for i in $(seq 0 $((n - 1))); do
            read -r b c s p u <<<"${plan[$(( (i + g - 1) % n ))]}"
            http_run "$b" "$c" "$g" "$s" "$HTTP_SECS" "http://127.0.0.1:$p$u"
        done
    done
}

# check_same_answers <baseline port> <autocert port>: both serve the key authorization on the static and the
# challenge path, and Autocert answers the challenge path from memory (a token only on disk gets 404 there)
check_same_answers() {
    local path body p
    for path in "/static/$HTTP_TOKEN" "/.well-known/acme-challenge/$HTTP_TOKEN"; do
        for p in "$1" "$2"; do
            body="$(curl -fsS "http://127.0.0.1:$p$path")" || { echo "run.sh: GET $path on $p failed" >&2; exit 1; }
            [ "$body" = "$HTTP_KEYAUTH" ] || { echo "run.sh: wrong body for $path on $p" >&2; exit 1; }
        done
    done
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$2/.well-known/acme-challenge/diskonlytoken0000000000")" = 404 ] \
        || { echo "run.sh: the Autocert server on $2 did not answer the challenge path itself" >&2; exit 1; }
}

http_pass() {   # http_pass <pass> <webroot>
    local pass="$1" www="$2" q="-p$1" token="$HTTP_TOKEN"
    start_server "http-no-valve$q" --http --webroot "$www"
    start_server "http-valve$q" --http --webroot "$www" --valve --token "$token" --keyauth "$HTTP_KEYAUTH"
    await_server "http-no-valve$q"; await_server "http-valve$q"
    local p0 pv
    p0="$(kv "$WORK/http-no-valve$q.ready" port)"; pv="$(kv "$WORK/http-valve$q.ready" port)"
    check_same_answers "$p0" "$pv"

    local plan=()
    wants http-overhead && plan+=("http-overhead no-valve http-no-valve$q $p0 /static/$token" "http-overhead valve http-valve$q $pv /static/$token")
    wants http01 && plan+=("http01 webroot http-no-valve$q $p0 /.well-known/acme-challenge/$token" "http01 valve http-valve$q $pv /.well-known/acme-challenge/$token")
    http_plan_rounds "$pass" "HTTP pass $pass" "${plan[@]}"
    record_rss "http-no-valve$q"; record_rss "http-valve$q"
    stop_all
}

# ---------------------------------------------------------------- JMH (issue #8 iii)
bench_jmh() {
    local params=()
    [ "$QUICK" = 1 ] && params=(-p "certs=1,$CERTS")
    [ "$QUICK" = 0 ] && [ "$CERTS" != 10000 ] && params=(-p "certs=1,$CERTS")
    log "JMH: $JMH_RUN ${params[*]:-}"
    fill_cert_cache
    # shellcheck disable=SC2086
    java -Dautocert.bench.certCache="$(cert_cache '{n}')" -cp "$CP" org.openjdk.jmh.Main $JMH_RUN ${JMH_ARGS:-} "${params[@]}" -rf csv -rff "$OUT/jmh.csv" \
        'dev.autocert.bench.jmh.' >"$LOGS/jmh.log" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    wait "$pid" || { tail -n 30 "$LOGS/jmh.log" >&2; exit 1; }
    PIDS=()
    sed -n '/^Benchmark  /,$p' "$LOGS/jmh.log" >&2
}

T0=$SECONDS
log "results: bench/results/$STAMP"
wants tls && bench_tls
{ wants http-overhead || wants http01; } && bench_http
wants jmh && bench_jmh
for b in "${EXTRA_BENCHES[@]}"; do
    if wants "$b"; then "bench_$b"; fi
done
rm -rf "$WORK"/*/work "$WORK"/*/webapps
echo "elapsed=$((SECONDS - T0))s" >>"$OUT/env.txt"
log "done in $((SECONDS - T0)) s"
java -cp "$CP" dev.autocert.bench.Summary "$OUT"
