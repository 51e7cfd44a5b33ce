# bench/lib/engines.sh, sourced by bench/run.sh: issue #16, the TLS engines side by side.
#
# New TLS 1.3 handshakes (P-256, tls-load, same client and settings as §1) against one server per configuration,
# round-robin in one run:
#   tomcat-jsse-17 / tomcat-jsse-25        stock embedded Tomcat, JSSE, the keytool keystore, on Java 17 / 25
#   autocert-jsse-17 / autocert-jsse-25    the same wired by Autocert (TomcatWiring.wireTls), 1 live certificate
#   tomcat-openssl-25                      stock Tomcat on its FFM OpenSSL engine (Java 25, tomcat-coyote-ffm.jar)
#   autocert-openssl-25                    the same wired by Autocert (TomcatWiring.serveOpenSsl: a host per name)
#   jetty-jsse-17 / jetty-conscrypt-17     embedded Jetty 12 (JettyBenchServer --tls), JSSE / Conscrypt as the provider
#   autocert-jetty-{jsse,conscrypt}-17     the same with JettyAutocert.install, 1 live certificate
#   caddy                                  Debian's caddy serving a P-256 certificate (openssl req), TLS 1.3 only
# Server CPU = Δ(utime+stime) of the server PID per successful handshake, as in §1.
# Output: rows "engines" in raw.tsv and $OUT/summary-engines.md (medians over the timed rounds, ratio to caddy).
EXTRA_BENCHES+=(engines)

ENGINES_PASSES="${ENGINES_PASSES:-2}"   # fresh servers per pass
ENGINES_ROUNDS="${ENGINES_ROUNDS:-2}"   # timed rounds per pass, the starting configuration rotating

prereq_engines() {
    need_pkg "command -v gcc" gcc || { echo "run.sh: gcc is missing" >&2; exit 1; }
    need_pkg "test -f /usr/include/openssl/ssl.h" libssl-dev || { echo "run.sh: OpenSSL headers (libssl-dev) are missing" >&2; exit 1; }
    need_pkg "command -v caddy" caddy || log "engines: caddy is missing (apt-get install caddy): its row is skipped"
}

# ffm_setup: FFM_JDK25 (an installed JDK 25: JAVA25_HOME, else beside the default java) and FFM_JAR (Tomcat's
# tomcat-coyote-ffm.jar from the distribution the build unpacked into tomcat-valve/target/dist); empty when missing
ffm_setup() {
    local jvm r
    jvm="$(dirname "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")"
    FFM_JDK25=""
    for r in "${JAVA25_HOME:-/nonexistent}/release" "$jvm"/*/release; do
        grep -qs '^JAVA_VERSION="25' "$r" && { FFM_JDK25="$(dirname "$r")"; break; }
    done
    FFM_JAR="$(ls "$ROOT"/tomcat-valve/target/dist/apache-tomcat-11.*/lib/tomcat-coyote-ffm.jar 2>/dev/null | head -n1)"
}

# engines_start <config> <keystore> <www>: starts that configuration's server (pid in $WORK/engines-<config>.pid)
engines_start() {
    local c="$1" ks="$2" www="$3" java25="$FFM_JDK25/bin/java --enable-native-access=ALL-UNNAMED"
    local common=(--tls --keystore "$ks" --webroot "$www" --sni "$TLS_SNI")
    case "$c" in
        tomcat-jsse-17) start_server "engines-$c" "${common[@]}" ;;
        autocert-jsse-17) start_server "engines-$c" "${common[@]}" --autocert --certs 1 ;;
        tomcat-jsse-25) SERVER_JAVA="$java25" start_server "engines-$c" "${common[@]}" ;;
        autocert-jsse-25) SERVER_JAVA="$java25" start_server "engines-$c" "${common[@]}" --autocert --certs 1 ;;
        tomcat-openssl-25) SERVER_JAVA="$java25" SERVER_CP="$CP:$FFM_JAR" start_server "engines-$c" "${common[@]}" --openssl ;;
        autocert-openssl-25) SERVER_JAVA="$java25" SERVER_CP="$CP:$FFM_JAR" start_server "engines-$c" "${common[@]}" --openssl --autocert --certs 1 ;;
        jetty-jsse-17|jetty-conscrypt-17|autocert-jetty-jsse-17|autocert-jetty-conscrypt-17)
            local jetty=(--tls --keystore "$ks" --webroot "$www" --sni "$TLS_SNI")
            [[ "$c" == *conscrypt* ]] && jetty+=(--conscrypt)
            [[ "$c" == autocert-* ]] && jetty+=(--autocert)
            SERVER_CP="$TARGET/classes:$TARGET/lib-jetty/*" SERVER_MAIN=dev.autocert.bench.JettyBenchServer \
                start_server "engines-$c" "${jetty[@]}" ;;
        caddy)
            local port
            port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
            cat >"$WORK/Caddyfile" <<EOF
{
	admin off
	auto_https off
	servers {
		protocols h1
	}
}
https://$TLS_SNI:$port {
	bind 127.0.0.1
	tls $WORK/caddy-cert.pem $WORK/caddy-key.pem {
		protocols tls1.3
	}
	respond "hello"
}
EOF
            XDG_DATA_HOME="$WORK/caddy-data" XDG_CONFIG_HOME="$WORK/caddy-config" caddy run --config "$WORK/Caddyfile" --adapter caddyfile >"$LOGS/engines-caddy.log" 2>&1 &
            PIDS+=("$!"); echo "$!" >"$WORK/engines-caddy.pid"
            printf 'pid=%s\nport=%s\n' "$!" "$port" >"$WORK/engines-caddy.ready.tmp"
            local i; for i in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
            mv "$WORK/engines-caddy.ready.tmp" "$WORK/engines-caddy.ready" ;;
    esac
}

bench_engines() {
    if [ ! -x "$TLS_LOAD" ] || [ "$HERE/tls-load.c" -nt "$TLS_LOAD" ]; then
        gcc -O2 -Wall -pthread -o "$TLS_LOAD" "$HERE/tls-load.c" -lssl -lcrypto
    fi
    ffm_setup
    local configs=(tomcat-jsse-17 autocert-jsse-17)
    [ -n "$FFM_JDK25" ] && configs+=(tomcat-jsse-25 autocert-jsse-25)
    [ -n "$FFM_JDK25" ] && [ -n "$FFM_JAR" ] && configs+=(tomcat-openssl-25 autocert-openssl-25)
    [ -d "$TARGET/lib-jetty" ] && configs+=(jetty-jsse-17 autocert-jetty-jsse-17 jetty-conscrypt-17 autocert-jetty-conscrypt-17)
    command -v caddy >/dev/null 2>&1 && configs+=(caddy)
    local ks="$WORK/engines.p12" www="$WORK/www-engines" passes="$ENGINES_PASSES" rounds="$ENGINES_ROUNDS" secs="$TLS_SECS"
    [ "$QUICK" = 1 ] && passes=1 rounds=1
    mkdir -p "$www"; echo "hello" >"$www/index.html"
    rm -f "$ks"
    keytool -genkeypair -alias server -keyalg EC -groupname secp256r1 -sigalg SHA256withECDSA -dname "CN=$TLS_SNI" \
        -ext "SAN=dns:$TLS_SNI" -validity 365 -storetype PKCS12 -keystore "$ks" -storepass changeit -keypass changeit >>"$LOGS/keytool.log" 2>&1
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$TLS_SNI" \
        -addext "subjectAltName=DNS:$TLS_SNI" -days 365 -keyout "$WORK/caddy-key.pem" -out "$WORK/caddy-cert.pem" 2>>"$LOGS/keytool.log"
    log "engines: ${configs[*]}; $passes pass(es) x $rounds round(s) x ${secs}s, $TLS_THREADS client threads (JDK 25: ${FFM_JDK25:-none})"
    local pass r i c n="${#configs[@]}" probe port
    for pass in $(seq "$passes"); do
        for c in "${configs[@]}"; do engines_start "$c" "$ks" "$www"; done
        for c in "${configs[@]}"; do
            [ "$c" = caddy ] || await_server "engines-$c"
            port="$(kv "$WORK/engines-$c.ready" port)"
            probe="$("$TLS_LOAD" -c "127.0.0.1:$port" -s "$TLS_SNI" -F)" || { echo "run.sh: probe of $c failed" >&2; exit 1; }
            printf 'engines-%s-p%s\tprobe\t%s\n' "$c" "$pass" "$probe" >>"$SERVERS"
            [[ "$probe" == *"version=TLSv1.3"*"key=EC/prime256v1"* ]] || { echo "run.sh: $c does not serve TLS 1.3 with P-256: $probe" >&2; exit 1; }
            if [[ "$c" == autocert-* ]]; then
                [[ "$probe" == *"fingerprint=$(kv "$WORK/engines-$c.ready" live_fingerprint)"* ]] \
                    || { echo "run.sh: $c does not serve its live certificate" >&2; exit 1; }
            fi
            tls_run engines "$c" "w$pass" "engines-$c" "$TLS_WARMUP_SECS" "$TLS_THREADS" -c "127.0.0.1:$port" -s "$TLS_SNI" -m "$TLS_WARMUP_HANDSHAKES"
        done
        for r in $(seq "$rounds"); do
            for i in $(seq 0 $((n - 1))); do
                c="${configs[$(( (i + r + pass) % n ))]}"
                tls_run engines "$c" "$(( (pass - 1) * rounds + r ))" "engines-$c" "$secs" "$TLS_THREADS" \
                    -c "127.0.0.1:$(kv "$WORK/engines-$c.ready" port)" -s "$TLS_SNI"
            done
        done
        for c in "${configs[@]}"; do record_rss "engines-$c" 2>/dev/null || true; done
        stop_all
    done
    engines_summary
}

engines_summary() {   # $OUT/summary-engines.md from the timed "engines" rows of raw.tsv
    awk -F'\t' -v run="$STAMP" '
        $2 == "engines" && $4 ~ /^[0-9]+$/ { if (!($3 in n)) name[++k] = $3
            n[$3]++; cpu[$3, n[$3]] = $10; rate[$3, n[$3]] = $8; fails[$3] += $7; ok[$3] += $6 }
        function median(a, c, m,   i, j, t, v) { for (i = 1; i <= m; i++) v[i] = a[c, i]
            for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
            return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2 }
        END {
            base = ("caddy" in n) ? median(cpu, "caddy", n["caddy"]) : 0
            print "## TLS engines side by side (issue #16)\n"
            printf "Run `%s`: new TLS 1.3 handshakes (P-256, no resumption) from `tls-load`; medians over the timed rounds.\n\n", run
            print "| config | handshakes/s | server CPU per handshake | × Caddy | handshakes (failed) | rounds |"
            print "|---|---|---|---|---|---|"
            for (i = 1; i <= k; i++) { c = name[i]; m = median(cpu, c, n[c])
                printf "| %s | %.0f | %.3f ms | %s | %d (%d) | %d |\n", c, median(rate, c, n[c]), m / 1000,
                    base ? sprintf("%.2f", m / base) : "-", ok[c], fails[c], n[c] }
        }' "$RAW" >"$OUT/summary-engines.md"
    cat "$OUT/summary-engines.md" >&2
}
