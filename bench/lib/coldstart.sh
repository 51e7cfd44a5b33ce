# shellcheck shell=bash
# Tomcat start-up with the Autocert listener and stored certificates vs without the listener (issue #8 item 6),
# sourced by bench/run.sh. Uses the Pebble and Tomcat helpers of bench/lib/issuance.sh (ib_*).
#
# The real Tomcat 11 distribution (catalina.sh run, stock JVM settings), two CATALINA_BASEs on the same ports:
#   autocert-stored  the drop-in JAR in lib/ and the <Listener> for a.test, its store holding the certificate Pebble
#                    issued in a one-time issuance before the timed runs; Pebble is stopped before them, so no CA
#                    can be asked (the listener adds its HTTPS connector and serves the stored certificate)
#   plain            no JAR, no listener; an HTTPS connector (JSSE, h2 like the listener's) whose PKCS#12 keystore
#                    is a copy of that store's keystore.p12: the same EC P-256 key and Pebble chain
# Alternating, n = 5 each (--quick: 1). Figures (rows in raw.tsv, bench=coldstart): launch of catalina.sh run → first
# TLS handshake (SNI a.test) that serves exactly that certificate (SHA-256 of the leaf, polled every 20 ms); the
# HTTPS port's first accepted connection; Tomcat's "Server initialization/startup in [N] milliseconds"; JVM CPU
# until served; RSS when served and 1 s later.
EXTRA_BENCHES+=(coldstart)

prereq_coldstart() {
    declare -F ib_prereq >/dev/null || { echo "coldstart: needs bench/lib/issuance.sh (its Pebble and Tomcat helpers)" >&2; exit 1; }
    ib_prereq
}

bench_coldstart() {
    ib_setup
    local n=5 r http https dead base_a base_p stored fp
    [ "$QUICK" = 1 ] && n=1
    n="${COLDSTART_RUNS:-$n}"
    CSW="$WORK/coldstart"
    mkdir -p "$CSW"
    read -r http https dead <<<"$(ib_free_ports 3)"
    base_a="$CSW/autocert-stored"
    base_p="$CSW/plain"

    # once, untimed: Pebble issues a.test into the listener's store; then Pebble goes away
    ib_pebble_start "$CSW/pebble" "$http" "$dead"
    ib_tomcat_base "$base_a" "$http" "<Listener className=\"dev.autocert.tomcat.AutocertListener\" domains=\"a.test\" email=\"bench@example.test\" acceptTerms=\"true\" directory=\"$IB_DIRECTORY\" caTrust=\"$IB_CA\" httpsPort=\"$https\" httpsAddress=\"127.0.0.1\" dnsResolver=\"127.0.0.1:$IB_DNS_PORT\" httpChallengePort=\"$http\"/>" ""
    cp "$IB_JAR" "$base_a/lib/"
    ib_poll_start "$CSW/issue.out" --port "$https" --names a.test --cafile "$IB_ROOTS" \
        --gate "$base_a/conf/autocert/certificates/{}/meta.json" --timeout 120
    ib_tomcat_launch "$base_a" "$LOGS/coldstart-issue.log"
    ib_poll_wait
    ib_stop "$IB_TC_PID"
    [ "$IB_POLL_RC" = 0 ] || { echo "coldstart: the one-time issuance failed:" >&2; tail -n 20 "$LOGS/coldstart-issue.log" >&2; exit 1; }
    ib_pebble_stop
    stored="$base_a/conf/autocert/certificates/a.test"
    fp="$(openssl x509 -in "$stored/fullchain.pem" -outform DER | sha256sum | cut -d' ' -f1)"
    [ "$(awk '$1=="ok"{print $4}' "$CSW/issue.out")" = "$fp" ] || { echo "coldstart: served and stored certificate differ" >&2; exit 1; }
    log "coldstart: store holds a.test ($(openssl x509 -in "$stored/fullchain.pem" -noout -issuer | sed 's/^issuer=//'), sha256 ${fp:0:16}…); Pebble stopped; $n alternating start(s) each of autocert-stored and plain, HTTPS on $https"

    ib_tomcat_base "$base_p" "$http" "" "    <Connector port=\"$https\" address=\"127.0.0.1\" protocol=\"org.apache.coyote.http11.Http11NioProtocol\" SSLEnabled=\"true\"
               sslImplementationName=\"org.apache.tomcat.util.net.jsse.JSSEImplementation\">
        <UpgradeProtocol className=\"org.apache.coyote.http2.Http2Protocol\" />
        <SSLHostConfig>
            <Certificate certificateKeystoreFile=\"conf/a.test.p12\" certificateKeystoreType=\"PKCS12\"
                         certificateKeystorePassword=\"changeit\" certificateKeyAlias=\"autocert\" type=\"EC\" />
        </SSLHostConfig>
    </Connector>"
    cp "$stored/keystore.p12" "$base_p/conf/a.test.p12"
    local configs=(autocert-stored plain) c i
    declare -A bases=([autocert-stored]="$base_a" [plain]="$base_p")

    for r in $(seq "$n"); do
        for i in $(seq 0 $(( ${#configs[@]} - 1 ))); do
            c="${configs[$(( (i + r - 1) % ${#configs[@]} ))]}"
            cs_start "$c" "${bases[$c]}" "$r" "$https" "$fp"
        done
    done
    rm -rf "$CSW"/*/work "$CSW"/*/webapps
    cs_summary
}

cs_start() {   # cs_start CONFIG BASE ROUND HTTPS_PORT FINGERPRINT: one timed start
    local cfg="$1" base="$2" r="$3" https="$4" fp="$5" console="$LOGS/coldstart-$1-r$3.log"
    local busy m0 m1 tc rss rss_idle hwm first port wall cli srv foreign note fails=0
    busy="$(wait_quiet)"
    ib_poll_start "$CSW/$cfg-r$r.poll" --port "$https" --names a.test --fp "$fp" --timeout 60
    m0="$(machine_busy_ticks)"
    ib_tomcat_launch "$base" "$console"
    ib_poll_wait
    tc="$(proc_ticks "$IB_TC_PID" 2>/dev/null || echo 0)"
    m1="$(machine_busy_ticks)"
    rss="$(ib_rss_kb "$IB_TC_PID")"
    sleep 1
    rss_idle="$(ib_rss_kb "$IB_TC_PID")"
    hwm="$(awk '/^VmHWM/{print $2}' "/proc/$IB_TC_PID/status" 2>/dev/null || echo 0)"
    ib_stop "$IB_TC_PID"
    if [ "$IB_POLL_RC" != 0 ]; then
        fails=1
        log "coldstart: $cfg round $r: a.test was not served with the stored certificate ($(tail -n 2 "$CSW/$cfg-r$r.poll" | tr '\n' ' ')); log: $console"
        tail -n 15 "$console" >&2
    fi
    first="$(awk '$1=="ok"{print $3; exit}' "$CSW/$cfg-r$r.poll")"
    port="$(awk '$1=="port"{print $2; exit}' "$CSW/$cfg-r$r.poll")"
    cli="$(sed -n 's/^end cpu=\([0-9.]*\).*/\1/p' "$CSW/$cfg-r$r.poll")"
    [ -n "$first" ] || first="$EPOCHREALTIME"
    wall="$(ib_calc "$first - $IB_T0")"
    python3 "$IB_LOGTIMES" "$console" >"$CSW/$cfg-r$r.times"
    note="port_open_s=$( [ -n "$port" ] && ib_calc "$port - $IB_T0" || echo -) init_ms=$(kv "$CSW/$cfg-r$r.times" init_done_ms) startup_ms=$(kv "$CSW/$cfg-r$r.times" started_ms)"
    note="$note deploy_ms=$(kv "$CSW/$cfg-r$r.times" deployed_ms) log_first_s=$(ib_calc "$(kv "$CSW/$cfg-r$r.times" log_first) - $IB_T0") started_s=$(ib_calc "$(kv "$CSW/$cfg-r$r.times" started_first) - $IB_T0")"
    note="$note rss_kb=$rss rss_idle_kb=$rss_idle hwm_kb=$hwm ca_contact=$(( $(kv "$CSW/$cfg-r$r.times" obtaining_count) + $(kv "$CSW/$cfg-r$r.times" renewing_count) + 0 )) severe=$(( $(kv "$CSW/$cfg-r$r.times" severe_count) + 0 )) poller=$(awk '$1=="end"{print $3}' "$CSW/$cfg-r$r.poll")"
    srv="$(ib_calc "$tc / $CLK_TCK")"
    foreign="$(ib_foreign "$((m1 - m0))" "$(ib_calc "$srv + ${cli:-0}")" "$wall")"
    ib_row "$cfg" "$r" "$wall" "$((1 - fails))" "$fails" "$srv" "${cli:--}" "$busy" "$foreign" "launch -> first handshake with the stored certificate; $note" coldstart
    printf '  %-14s %-16s round %-2s %7.3f s  port open %6s s  startup %5s ms  CPU %5.2f s  RSS %4d MB  busy %s%%  foreign %s%%\n' \
        coldstart "$cfg" "$r" "$wall" "$( [ -n "$port" ] && ib_calc "$port - $IB_T0" || echo -)" "$(kv "$CSW/$cfg-r$r.times" started_ms)" "$srv" "$((rss / 1000))" "$busy" "$foreign" >&2
}

cs_summary() {
    python3 - "$RAW" "$OUT/summary-coldstart.md" "$IB_TOMCAT_VERSION" "$(basename "$IB_JAR") (sha256 $IB_JAR_SHA…)" <<'PY'
import csv, re, statistics as st, sys
raw, out, tomcat, jar = sys.argv[1:5]
rows = [r for r in csv.DictReader(open(raw), delimiter="\t") if r["bench"] == "coldstart"]
def vals(cfg, key):
    xs = []
    for r in rows:
        if r["config"] != cfg or r["fails"] != "0":
            continue
        if key in r:
            v = r[key]
        else:
            m = re.search(r"\b" + re.escape(key) + r"=(-?[0-9.]+)", r["note"])
            v = m.group(1) if m else ""
        try:
            xs.append(float(v))
        except ValueError:
            pass
    return xs
def med(xs, fmt="%.3f", scale=1.0):
    xs = sorted(x * scale for x in xs)
    if not xs:
        return "–"
    return (fmt + " (" + fmt + "–" + fmt + ")") % (st.median(xs), xs[0], xs[-1]) if len(xs) > 1 else fmt % xs[0]
def paired(key, scale=1.0):
    a = {r["round"]: r for r in rows if r["config"] == "autocert-stored" and r["fails"] == "0"}
    b = {r["round"]: r for r in rows if r["config"] == "plain" and r["fails"] == "0"}
    rs = []
    for k in a:
        if k in b:
            x = vals_of(a[k], key)
            y = vals_of(b[k], key)
            if x is not None and y:
                rs.append(x / y)
    rs.sort()
    if not rs:
        return "–"
    return ("%.2f (%.2f–%.2f)" % (st.median(rs), rs[0], rs[-1]) if len(rs) > 1 else "%.2f" % rs[0])
def vals_of(r, key):
    if key in r:
        try:
            return float(r[key])
        except ValueError:
            return None
    m = re.search(r"\b" + re.escape(key) + r"=(-?[0-9.]+)", r["note"])
    return float(m.group(1)) if m else None
n = {c: len(vals("%s" % c, "secs")) for c in ("autocert-stored", "plain")}
fails = sum(int(r["fails"]) for r in rows)
contacts = sum(int(float(vals_of(r, "ca_contact") or 0)) for r in rows if r["config"] == "autocert-stored")
L = ["## Tomcat start-up: Autocert listener with stored certificates vs no listener (issue #8 item 6)\n"]
L.append("Tomcat %s (`catalina.sh run`, stock JVM settings, ROOT webapp only), alternating, n = %d / %d, %d failures. "
         "**autocert-stored**: %s in `lib/` and the `<Listener>` for a.test; its store holds the certificate Pebble issued "
         "in a one-time issuance before the timed runs, and Pebble was stopped before them (%s). **plain**: no JAR, no "
         "listener; an HTTPS connector (JSSE, h2) with a PKCS#12 copy of the same key and chain (EC P-256). "
         "Served = a TLS handshake with SNI a.test that presents exactly the stored leaf (SHA-256), polled every 20 ms.\n"
         % (tomcat, n["autocert-stored"], n["plain"], fails, jar,
            "no issuance or renewal was started in any run" if contacts == 0 else "**%d issuance/renewal log lines: the CA was asked**" % contacts))
L.append("| figure | autocert-stored | plain | ratio with / without, paired |")
L.append("|---|---|---|---|")
for label, key, fmt, scale in (("**launch → first handshake with the stored certificate**, s", "secs", "%.3f", 1.0),
                               ("launch → HTTPS port accepts, s", "port_open_s", "%.3f", 1.0),
                               ("launch → first log line (JVM up), s", "log_first_s", "%.3f", 1.0),
                               ("Tomcat's `Server initialization in [N] ms`", "init_ms", "%.0f", 1.0),
                               ("Tomcat's `Server startup in [N] ms`", "startup_ms", "%.0f", 1.0),
                               ("ROOT webapp deployment (`has finished in [N] ms`)", "deploy_ms", "%.0f", 1.0),
                               ("JVM CPU, launch → served, s", "srv_cpu_s", "%.2f", 1.0),
                               ("RSS when served, MB", "rss_kb", "%.1f", 0.001),
                               ("RSS 1 s later, MB", "rss_idle_kb", "%.1f", 0.001),
                               ("peak RSS (VmHWM), MB", "hwm_kb", "%.1f", 0.001)):
    L.append("| %s | %s | %s | %s |" % (label, med(vals("autocert-stored", key), fmt, scale), med(vals("plain", key), fmt, scale), paired(key)))
busy = [float(r["busy_before_pct"]) for r in rows]
foreign = [float(r["foreign_pct"]) for r in rows]
L.append("\nMedian (min–max). Machine: busy before the starts %.0f–%.0f %%, foreign CPU during them %.1f–%.1f %%. Raw rows: "
         "`raw.tsv` (bench=coldstart), consoles: `logs/coldstart-*.log`.\n" % (min(busy), max(busy), min(foreign), max(foreign)))
open(out, "w").write("\n".join(L) + "\n")
PY
}
