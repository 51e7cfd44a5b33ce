# bench/lib/swap.sh, sourced by bench/run.sh: issue #8 item 4, certificate swaps under full load.
#
# Three embedded Tomcat servers (BenchServer --tls --swap HOW), plus two on the FFM OpenSSL engine under Java 25
# (openssl-keystore-reload, openssl-autocert-sync: one SSLHostConfig per name, reloaded per host), each with a SwapControl socket that
# replaces the certificate of bench.test on command and times it (SwapDriver):
#   keystore-reload  baseline, a certbot deploy hook's way: new PKCS#12 file renamed over the connector's,
#                    then Tomcat's reloadSslHostConfigs()
#   autocert         Autocert's renewal: FileStore.saveCertificate, then LiveCertificates.install
#   autocert-sync    the same, then what AutocertListener also does when a connector keystore covers
#                    the name: that file rewritten and the host's TLS configuration reloaded
# latency = t1 - t0: t0 when the store step returned, t1 when a new JSSE handshake (new SSLContext)
# first presented the new certificate. During every batch of swaps the server is under full load:
# tls-load ($TLS_THREADS threads, new handshake + GET each) and wrk -t2 -c32 over HTTPS keep-alive.
# Failed requests = tls-load failures + wrk errors and non-2xx + failed probe handshakes.
#
# Output: $OUT/swap.tsv (one row per swap), $OUT/swap-batches.tsv (one row per batch), rows
# swap-tls-load / swap-wrk in raw.tsv, and $OUT/summary-swap.md (SwapSummary).
EXTRA_BENCHES+=(swap)

SWAP_COUNT="${SWAP_COUNT:-100}"          # timed swaps per configuration, spread over SWAP_ROUNDS batches
SWAP_ROUNDS="${SWAP_ROUNDS:-2}"          # batches per configuration, round-robin, the first configuration rotating
SWAP_PERIOD_MS="${SWAP_PERIOD_MS:-250}"  # one swap starts every this many ms (at once when the previous ran late)
SWAP_WARMUP="${SWAP_WARMUP:-5}"          # untimed swaps per server first, under the same load (JIT, class loading)
SWAP_LEAD_SECS=2                         # load before the first swap of a batch
SWAP_TAIL_SECS=2                         # load after the last one's due time, plus a fifth of the batch (late swaps)
SWAP_NAME=bench.test

prereq_swap() {
    need_pkg "command -v gcc" gcc || { echo "run.sh: gcc is missing" >&2; exit 1; }
    need_pkg "test -f /usr/include/openssl/ssl.h" libssl-dev || { echo "run.sh: OpenSSL headers (libssl-dev) are missing" >&2; exit 1; }
    need_pkg "command -v wrk" wrk || { echo "run.sh: wrk is missing (apt-get install wrk)" >&2; exit 1; }
}

SWAP_CONFIGS=(keystore-reload autocert autocert-sync)
# Tomcat's FFM OpenSSL engine (Java 22+): the stock reload and Autocert's renewal on it, the server on an installed
# JDK 25 with tomcat-coyote-ffm.jar (ffm_setup, bench/lib/engines.sh); skipped with a note when either is missing
swap_openssl_setup() {
    ffm_setup
    if [ -n "$FFM_JDK25" ] && [ -n "$FFM_JAR" ]; then
        SWAP_CONFIGS+=(openssl-keystore-reload openssl-autocert-sync)
    else
        log "swap: no JDK 25 or no tomcat-coyote-ffm.jar (build tomcat-valve to verify): OpenSSL-engine swaps skipped"
    fi
}
SWAP_LOAD_PIDS=()

bench_swap() {
    local count="$SWAP_COUNT" rounds="$SWAP_ROUNDS" warmup="$SWAP_WARMUP"
    [ "$QUICK" = 1 ] && count=20 rounds=1 warmup=3
    if [ ! -x "$TLS_LOAD" ] || [ "$HERE/tls-load.c" -nt "$TLS_LOAD" ]; then
        gcc -O2 -Wall -pthread -o "$TLS_LOAD" "$HERE/tls-load.c" -lssl -lcrypto
    fi
    trap 'swap_stop_load; stop_all' EXIT
    swap_openssl_setup
    local www="$WORK/www-swap" c
    mkdir -p "$www"; echo "hello" >"$www/index.html"
    rm -f "$OUT/swap.tsv"
    printf 'run\tconfig\tround\tswaps\twindow_ms\tload_secs\telapsed_ms\tunder_load\n' >"$OUT/swap-batches.tsv"
    log "swap: servers ${SWAP_CONFIGS[*]}; $warmup warm-up + $count timed swaps each ($rounds batch(es), one every ${SWAP_PERIOD_MS} ms) under tls-load -t $TLS_THREADS -g + wrk -t2 -c32 over HTTPS"
    for c in "${SWAP_CONFIGS[@]}"; do
        swap_keystore "$WORK/swap-$c.p12"
        case "$c" in
            keystore-reload) start_server "swap-$c" --tls --keystore "$WORK/swap-$c.p12" --webroot "$www" --sni "$SWAP_NAME" --swap "$c" ;;
            openssl-keystore-reload)
                SERVER_JAVA="$FFM_JDK25/bin/java --enable-native-access=ALL-UNNAMED" SERVER_CP="$CP:$FFM_JAR" \
                    start_server "swap-$c" --tls --openssl --keystore "$WORK/swap-$c.p12" --webroot "$www" --sni "$SWAP_NAME" --swap keystore-reload ;;
            openssl-*)
                SERVER_JAVA="$FFM_JDK25/bin/java --enable-native-access=ALL-UNNAMED" SERVER_CP="$CP:$FFM_JAR" \
                    start_server "swap-$c" --tls --openssl --keystore "$WORK/swap-$c.p12" --webroot "$www" --sni "$SWAP_NAME" --autocert --certs 1 --swap "${c#openssl-}" ;;
            *) start_server "swap-$c" --tls --keystore "$WORK/swap-$c.p12" --webroot "$www" --sni "$SWAP_NAME" --autocert --certs 1 --swap "$c" ;;
        esac
    done
    for c in "${SWAP_CONFIGS[@]}"; do await_server "swap-$c"; swap_check "$c"; done

    for c in "${SWAP_CONFIGS[@]}"; do swap_batch "$c" w "$warmup"; done
    local r i n="${#SWAP_CONFIGS[@]}" per=$(( (count + rounds - 1) / rounds )) left
    for r in $(seq "$rounds"); do
        left=$(( count - (r - 1) * per )); [ "$left" -lt "$per" ] && per="$left"
        for i in $(seq 0 $((n - 1))); do
            swap_batch "${SWAP_CONFIGS[$(( (i + r - 1) % n ))]}" "$r" "$per"
        done
    done
    for c in "${SWAP_CONFIGS[@]}"; do record_rss "swap-$c"; done
    stop_all
    trap 'stop_all' EXIT
    java -cp "$CP" dev.autocert.bench.SwapSummary "$OUT" keystore-reload >/dev/null
}

swap_keystore() {   # swap_keystore <file>: the connector's keystore, made as the TLS benchmark makes its own
    rm -f "$1"
    keytool -genkeypair -alias server -keyalg EC -groupname secp256r1 -sigalg SHA256withECDSA \
        -dname "CN=$SWAP_NAME" -ext "SAN=dns:$SWAP_NAME" -validity 365 -storetype PKCS12 -keystore "$1" \
        -storepass changeit -keypass changeit >>"$LOGS/keytool.log" 2>&1
}

swap_check() {   # swap_check <config>: the server serves TLS 1.3, an Autocert one its live certificate
    local ready="$WORK/swap-$1.ready" probe
    probe="$("$TLS_LOAD" -c "127.0.0.1:$(kv "$ready" port)" -s "$SWAP_NAME" -F -g /index.html)" \
        || { echo "run.sh: probe of swap-$1 failed" >&2; exit 1; }
    printf 'swap-%s\tprobe\t%s\n' "$1" "$probe" >>"$SERVERS"
    [[ "$probe" == *"version=TLSv1.3"* ]] || { echo "run.sh: swap-$1 does not serve TLS 1.3" >&2; exit 1; }
    if [[ "$1" != *keystore-reload ]]; then
        [[ "$probe" == *"fingerprint=$(kv "$ready" live_fingerprint)"* ]] \
            || { echo "run.sh: swap-$1 does not serve its live certificate" >&2; exit 1; }
    fi
}

# swap_batch <config> <round> <swaps>: starts the load, asks the server for <swaps> swaps, waits for both
swap_batch() {
    local config="$1" round="$2" swaps="$3" server="swap-$1"
    local ready="$WORK/swap-$1.ready" port window_ms load_secs out="$WORK/swap-$1-$2.out" elapsed under=1 line
    port="$(kv "$ready" port)"
    window_ms=$(( swaps * SWAP_PERIOD_MS ))
    load_secs=$(( SWAP_LEAD_SECS + (window_ms * 6 / 5 + 999) / 1000 + SWAP_TAIL_SECS ))
    [ "$round" = w ] || wait_quiet >/dev/null
    # both load clients at once, in the background; rounds are labelled b<n> (w: warm-up) so the helpers
    # start at once instead of each waiting for a quiet machine
    tls_run swap-tls-load "$config" "b$round" "$server" "$load_secs" "$TLS_THREADS" -c "127.0.0.1:$port" -s "$SWAP_NAME" -g /index.html &
    SWAP_LOAD_PIDS+=("$!"); PIDS+=("$!")
    http_run swap-wrk "$config" "b$round" "$server" "$load_secs" "https://127.0.0.1:$port/index.html" &
    SWAP_LOAD_PIDS+=("$!"); PIDS+=("$!")
    sleep "$SWAP_LEAD_SECS"
    swap_command "$(kv "$ready" control_port)" "$swaps" "$window_ms" $(( load_secs + 60 )) >"$out"
    wait "${SWAP_LOAD_PIDS[@]}" || true
    SWAP_LOAD_PIDS=()
    line="$(tail -n1 "$out")"
    [[ "$line" == "end elapsed_ms="* ]] || { echo "run.sh: swaps on $server failed: $line" >&2; tail -n 30 "$LOGS/$server.log" >&2; exit 1; }
    elapsed="${line#end elapsed_ms=}"
    # every swap must have been under load: the last one ended before the load did
    [ $(( SWAP_LEAD_SECS * 1000 + elapsed )) -le $(( load_secs * 1000 )) ] || under=0
    [ "$under" = 1 ] || log "swap: $config batch $round ran ${elapsed} ms, past the ${load_secs} s of load (raise SWAP_PERIOD_MS)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$STAMP" "$config" "$round" "$swaps" "$window_ms" "$load_secs" "$elapsed" "$under" >>"$OUT/swap-batches.tsv"
    [ -f "$OUT/swap.tsv" ] || printf 'run\tconfig\tround\t%s\n' "$(head -n1 "$out")" >"$OUT/swap.tsv"
    sed '1d;$d' "$out" | sed "s/^/$STAMP\t$config\t$round\t/" >>"$OUT/swap.tsv"
    sed '1d;$d' "$out" | sort -t$'\t' -k4,4g | awk -F'\t' -v cfg="$config" -v b="$round" -v ms="$elapsed" '
        { n++; s[n] = $4; f += $6; if (!$9) u++ }
        END { printf "  swap %-16s batch %-2s %3d swaps in %6d ms  latency p50 %7.1f ms  max %7.1f ms  failed probes %d  not served %d\n",
              cfg, b, n, ms, s[int((n + 1) / 2)], s[n], f, u }' >&2
}

# swap_command <control port> <swaps> <window ms> <timeout s>: runs the swaps, prints the server's answer
swap_command() {
    local fd
    exec {fd}<>"/dev/tcp/127.0.0.1/$1"
    printf 'swaps %s %s\n' "$2" "$3" >&"$fd"
    timeout "$4" cat <&"$fd" || true
    exec {fd}>&-
}

swap_stop_load() {   # the load clients of an interrupted batch, with the processes they started, by PID
    local pid
    for pid in "${SWAP_LOAD_PIDS[@]}"; do swap_stop_tree "$pid"; done
    SWAP_LOAD_PIDS=()
}
swap_stop_tree() {
    local child
    for child in $(pgrep -P "$1" 2>/dev/null); do swap_stop_tree "$child"; done
    kill -TERM "$1" 2>/dev/null || true
}
