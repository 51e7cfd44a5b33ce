# bench/lib/jetty.sh, sourced by bench/run.sh: issue #8 items i and ii in embedded Jetty 12.
#
# Two JettyBenchServer JVMs per pass, plain HTTP on 127.0.0.1, a context / whose ResourceHandler serves
# the webroot: "no-autocert" (stock) and "autocert" (JettyAutocert.install, i.e. AcmeChallengeHandler
# below the Server, with the token pending on its board). The method is the Tomcat HTTP benchmarks':
# fresh JVMs per pass, a wrk warm-up per server and path, then timed wrk -t2 -c32 rounds, round-robin
# with the starting configuration rotating. Rows in raw.tsv, summarised by Summary.java:
#   jetty-overhead  GET /static/<token> (the file): no-autocert vs autocert (the handler's prefix check)
#   jetty-http01    GET /.well-known/acme-challenge/<token>: webroot (ResourceHandler, the file) vs
#                   autocert (AcmeChallengeHandler, from memory)
EXTRA_BENCHES+=(jetty)

prereq_jetty() {
    need_pkg "command -v wrk" wrk || { echo "run.sh: wrk is missing (apt-get install wrk)" >&2; exit 1; }
    need_pkg "command -v curl" curl || { echo "run.sh: curl is missing" >&2; exit 1; }
}

# start_jetty_server <name> <args...>: start_server for dev.autocert.bench.JettyBenchServer, on the Jetty
# class path (target/lib-jetty: autocert-jetty + autocert-core, Jetty 12); await_server works as for BenchServer
start_jetty_server() {
    local name="$1"; shift
    rm -f "$WORK/$name.ready"
    # shellcheck disable=SC2086
    java $BENCH_JAVA_OPTS -cp "$TARGET/classes:$TARGET/lib-jetty/*" dev.autocert.bench.JettyBenchServer \
        --base "$WORK/$name" --ready "$WORK/$name.ready" "$@" >"$LOGS/$name.log" 2>&1 &
    PIDS+=("$!")
    echo "$!" >"$WORK/$name.pid"
}

bench_jetty() {
    local www="$WORK/www-jetty" pass
    [ -d "$TARGET/lib-jetty" ] || { echo "run.sh: bench/target/lib-jetty is missing (build bench/ again)" >&2; exit 1; }
    mkdir -p "$www/static" "$www/.well-known/acme-challenge"
    printf '%s' "$HTTP_KEYAUTH" >"$www/static/$HTTP_TOKEN"
    printf '%s' "$HTTP_KEYAUTH" >"$www/.well-known/acme-challenge/$HTTP_TOKEN"
    printf '%s' x >"$www/.well-known/acme-challenge/diskonlytoken0000000000"
    log "Jetty: servers no-autocert (stock, ResourceHandler webroot) and autocert (JettyAutocert, token pending); $HTTP_PASSES pass(es) with fresh JVMs"
    for pass in $(seq "$HTTP_PASSES"); do
        jetty_pass "$pass" "$www"
    done
}

jetty_pass() {   # jetty_pass <pass> <webroot>
    local pass="$1" www="$2" q="-p$1" token="$HTTP_TOKEN" challenge="/.well-known/acme-challenge/$HTTP_TOKEN"
    start_jetty_server "jetty-no-autocert$q" --webroot "$www"
    start_jetty_server "jetty-autocert$q" --webroot "$www" --autocert --token "$token" --keyauth "$HTTP_KEYAUTH"
    await_server "jetty-no-autocert$q"; await_server "jetty-autocert$q"
    local p0 pa
    p0="$(kv "$WORK/jetty-no-autocert$q.ready" port)"; pa="$(kv "$WORK/jetty-autocert$q.ready" port)"
    check_same_answers "$p0" "$pa"
    [ "$pass" = 1 ] && log "Jetty $(kv "$WORK/jetty-autocert$q.ready" jetty): both servers answer both paths with the same 87 bytes"

    http_plan_rounds "$pass" "Jetty pass $pass" \
        "jetty-overhead no-autocert jetty-no-autocert$q $p0 /static/$token" \
        "jetty-overhead autocert jetty-autocert$q $pa /static/$token" \
        "jetty-http01 webroot jetty-no-autocert$q $p0 $challenge" \
        "jetty-http01 autocert jetty-autocert$q $pa $challenge"
    record_rss "jetty-no-autocert$q"; record_rss "jetty-autocert$q"
    stop_all
}
