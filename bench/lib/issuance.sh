# shellcheck shell=bash
# Issuance against Pebble inside a running Tomcat (issue #8 item 5), sourced by bench/run.sh.
#
# One Pebble 2.10 (PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 PEBBLE_AUTHZREUSE=0, as in the peer baselines)
# with pebble-challtestsrv as its DNS (every name → 127.0.0.1) serves the whole benchmark. Round-robin, each run
# from empty state (new ACME account):
#   autocert-N  the real Tomcat 11 distribution (catalina.sh run) with the drop-in JAR in lib/ and one
#               <Listener domains="n01.test;…">: N separate certificates over HTTP-01
#   certbot-N   certbot certonly --standalone, one process per certificate, one config dir per batch
#   lego-N      lego … --http run, one process per certificate, one --path per batch
# N = 1 (a.test) and 20 (n01.test … n20.test; --quick: 5). Runs: 1 certificate 5 each, 20 certificates 3 for
# Autocert and 1 for certbot and lego, whose batches take 1–2 minutes of mostly fixed sleeps (--quick: 1 each;
# ISSUANCE_RUNS_1, ISSUANCE_RUNS_20, ISSUANCE_PEER_RUNS_20, ISSUANCE_BATCH override). Pebble's httpPort is Tomcat's
# HTTP connector port, which certbot and lego bind in their turn. Figures (rows in raw.tsv, bench=issuance):
#   autocert-N        (a) launch of catalina.sh run → every name served over TLS with a certificate that verifies
#                         against Pebble's root for that name (polled every 20 ms)
#   autocert-N-acme   (b) the listener's first "Obtaining certificate for" log line → the same end point
#   autocert-N-renew  (c) renewNow over JMX on that running Tomcat (warm JVM, existing account) → every name serves
#                         a new certificate
#   certbot-N, lego-N     start of the first process → exit of the last one (certificates on disk)
# Also holds the Pebble and Tomcat helpers that bench/lib/coldstart.sh uses (prefix ib_).
EXTRA_BENCHES+=(issuance)

# Retry-After seconds Pebble sends for pending authorizations and processing orders. 0: none at all, as Debian's
# Pebble 2.4 of the peer baselines (lego then waits its fixed 5 s). ISSUANCE_RETRY_AFTER=1 shows the other case.
IB_RETRY_AFTER="${ISSUANCE_RETRY_AFTER:-0}"
IB_POLL_INTERVAL="${ISSUANCE_POLL_INTERVAL:-0.02}"
# more attributes of Autocert's <Listener>, e.g. ISSUANCE_LISTENER_EXTRA='maxConcurrentOrders="8"' to try a setting
IB_LISTENER_EXTRA="${ISSUANCE_LISTENER_EXTRA:-}"
IB_SETUP_DONE=0

prereq_issuance() {
    need_pkg "command -v certbot" certbot || { echo "issuance: certbot is missing (apt-get install certbot)" >&2; exit 1; }
    need_pkg "command -v lego" lego || { echo "issuance: lego is missing (apt-get install lego)" >&2; exit 1; }
    ib_prereq
}

# ---------------------------------------------------------------- shared: tools, Pebble, Tomcat, poller
ib_prereq() {   # what issuance and coldstart both need: python3, openssl, curl, Pebble, Tomcat 11, the drop-in JAR
    need_pkg "command -v python3" python3 || { echo "issuance: python3 is missing" >&2; exit 1; }
    need_pkg "command -v openssl" openssl || { echo "issuance: openssl is missing" >&2; exit 1; }
    need_pkg "command -v curl" curl || { echo "issuance: curl is missing" >&2; exit 1; }
    if [ ! -x "$ROOT/.tools/pebble/usr/bin/pebble" ] || [ ! -x "$ROOT/.tools/pebble/usr/bin/pebble-challtestsrv" ]; then
        log "Pebble is missing: scripts/fetch-pebble.sh"
        "$ROOT/scripts/fetch-pebble.sh" >&2 || { echo "issuance: scripts/fetch-pebble.sh failed" >&2; exit 1; }
    fi
    if ! ib_tomcat_home >/dev/null; then
        log "Tomcat 11 distribution not unpacked: mvnw -o -pl tomcat-valve dependency:unpack@unpack-tomcat"
        (cd "$ROOT" && { ./mvnw -B -ntp -q -o -pl tomcat-valve dependency:unpack@unpack-tomcat || ./mvnw -B -ntp -q -pl tomcat-valve dependency:unpack@unpack-tomcat; } >&2) \
            || { echo "issuance: cannot unpack Tomcat 11 (is its tarball in the local Maven repository?): ./mvnw -B -ntp -pl tomcat-valve dependency:unpack@unpack-tomcat" >&2; exit 1; }
        ib_tomcat_home >/dev/null || { echo "issuance: no tomcat-valve/target/dist/apache-tomcat-11.*" >&2; exit 1; }
    fi
    ib_jar >/dev/null || { echo "issuance: the drop-in JAR tomcat-valve/target/autocert-tomcat-*.jar is missing: ./mvnw -B -ntp -o -pl core,testkit,tomcat-valve -am install -DskipTests -DskipITs" >&2; exit 1; }
}

ib_tomcat_home() {   # the unpacked Tomcat 11 distribution the ITs use
    local d
    for d in "$ROOT"/tomcat-valve/target/dist/apache-tomcat-11.*; do
        if [ -x "$d/bin/catalina.sh" ]; then echo "$d"; return 0; fi
    done
    return 1
}

ib_jar() {   # the shaded drop-in JAR
    local j
    for j in "$ROOT"/tomcat-valve/target/autocert-tomcat-*.jar; do
        case "$j" in *-sources.jar|*-javadoc.jar|*/original-*) continue ;; esac
        if [ -f "$j" ]; then echo "$j"; return 0; fi
    done
    return 1
}

ib_setup() {   # once per run: frozen copy of the JAR, Tomcat home, the poller and log scripts, the JMX client
    [ "$IB_SETUP_DONE" = 1 ] && return 0
    IB_DIR="$WORK/ib"
    mkdir -p "$IB_DIR"
    IB_TOMCAT_HOME="$(ib_tomcat_home)"
    local jar
    jar="$(ib_jar)"
    # the lead may rebuild the JAR during the run: every Tomcat of this run gets the same copy
    IB_JAR="$IB_DIR/$(basename "$jar")"
    cp "$jar" "$IB_JAR"
    IB_JAR_SHA="$(sha256sum "$IB_JAR" | cut -c1-12)"
    IB_JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    IB_PEBBLE_BIN="$ROOT/.tools/pebble/usr/bin"
    IB_PEBBLE_VERSION="$("$IB_PEBBLE_BIN/pebble" -version 2>&1 | head -n1 || true)"
    if [ -f "$ROOT/.tools/pebble/usr/share/doc/pebble/changelog.Debian.gz" ]; then
        IB_PEBBLE_VERSION="$IB_PEBBLE_VERSION (Debian package $(zcat "$ROOT/.tools/pebble/usr/share/doc/pebble/changelog.Debian.gz" | head -n1 | sed -n 's/^pebble (\([^)]*\)).*/\1/p'))"
    fi
    IB_TOMCAT_VERSION="$(basename "$IB_TOMCAT_HOME" | sed 's/^apache-tomcat-//')"
    ib_write_scripts
    IB_SETUP_DONE=1
    log "issuance/coldstart: Tomcat $IB_TOMCAT_VERSION (catalina.sh run), $(basename "$jar") (sha256 $IB_JAR_SHA…), $IB_PEBBLE_VERSION"
}

ib_write_scripts() {
    IB_POLL="$IB_DIR/tls-poll.py"
    cat >"$IB_POLL" <<'PY'
# Polls TLS handshakes on 127.0.0.1:PORT, one name after the other (SNI), every INTERVAL s, until each name serves
# the wanted certificate: chain and name verified against --cafile, and/or leaf SHA-256 equal to --fp, and/or
# different from the one listed for it in --old. With --gate, a name is only probed once that file exists (and was
# modified at or after --gate-after): it keeps useless handshakes off the server. Prints "ready", "port <epoch>"
# on the first TCP connect, "ok <name> <epoch> <sha256>" per name, and "end cpu=<s> probes=<n>".
import argparse, hashlib, os, socket, ssl, sys, time
ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--names", required=True)
ap.add_argument("--cafile")
ap.add_argument("--fp")
ap.add_argument("--old")
ap.add_argument("--gate")
ap.add_argument("--gate-after", type=float, default=0.0)
ap.add_argument("--interval", type=float, default=0.02)
ap.add_argument("--timeout", type=float, default=180.0)
a = ap.parse_args()
old = {}
if a.old:
    with open(a.old) as f:
        for line in f:
            if line.strip():
                n, fp = line.split()[:2]
                old[n] = fp
if a.cafile:
    ctx = ssl.create_default_context(cafile=a.cafile)
else:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
probes = 0
port_seen = False
last_error = ""
def end(code):
    c = os.times()
    print("end cpu=%.3f probes=%d last_error=%s" % (c.user + c.system, probes, last_error.replace(" ", "_")[:120]), flush=True)
    sys.exit(code)
print("ready", flush=True)
deadline = time.time() + a.timeout
for name in a.names.split(","):
    gate = a.gate.replace("{}", name) if a.gate else None
    while True:
        if time.time() > deadline:
            print("timeout " + name, flush=True)
            end(1)
        if gate:
            try:
                ready = os.stat(gate).st_mtime >= a.gate_after
            except OSError:
                ready = False
            if not ready:
                time.sleep(a.interval)
                continue
        probes += 1
        try:
            with socket.create_connection(("127.0.0.1", a.port), timeout=5) as s:
                if not port_seen:
                    port_seen = True
                    print("port %.6f" % time.time(), flush=True)
                with ctx.wrap_socket(s, server_hostname=name) as t:
                    done = time.time()
                    der = t.getpeercert(binary_form=True)
            fp = hashlib.sha256(der).hexdigest()
            if a.fp and fp != a.fp:
                raise ValueError("other certificate " + fp[:16])
            if old.get(name) == fp:
                raise ValueError("still the old certificate")
            print("ok %s %.6f %s" % (name, done, fp), flush=True)
            break
        except (OSError, ValueError) as e:
            last_error = type(e).__name__ + ":" + str(e)
            time.sleep(a.interval)
end(0)
PY
    IB_LOGTIMES="$IB_DIR/log-times.py"
    cat >"$IB_LOGTIMES" <<'PY'
# Reads a Tomcat console log (JULI OneLineFormatter, -Duser.timezone=UTC) and prints key=value: epochs of the lines
# that mark Tomcat's start-up and each step of Autocert's issuance (first and last occurrence), and Tomcat's own
# start-up figures. Usage: log-times.py <catalina console log> [SINCE [UNTIL]] (epochs: only lines in [SINCE, UNTIL))
import calendar, re, sys
from datetime import datetime
since = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
until = float(sys.argv[3]) if len(sys.argv) > 3 else float("inf")
line_re = re.compile(r"^(\d\d-\w\w\w-\d{4} \d\d:\d\d:\d\d\.\d{3}) (\w+) \[([^\]]*)\] (\S+) (.*)$")
marks = [
    ("log", r""),
    ("configured", r"Autocert manages \d+ certificate"),
    ("deployed", r"Deployment of web application directory .* has finished in \[([\d,]+)\] ms"),
    ("init_done", r"Server initialization in \[(\d+)\] milliseconds"),
    ("started", r"Server startup in \[(\d+)\] milliseconds"),
    ("obtaining", r"Obtaining certificate for"),
    ("renewing", r"Renewing certificate for"),
    ("account", r"ACME account .* at "),
    ("ordered", r"Ordered a certificate for"),
    ("answering", r": answering "),
    ("preflight", r": preflight passed"),
    ("preflight_warn", r"asking the CA anyway"),
    ("validated", r": validated over "),
    ("issued", r"Certificate for .* issued by"),
    ("live", r"Certificate for .* is live, valid until"),
    ("reloaded", r"keystore .* rewritten with the certificate"),
    ("failed", r"Could not obtain the certificate"),
    ("severe", r"^SEVERE$"),
]
first, last, count, value = {}, {}, {}, {}
for raw in open(sys.argv[1], errors="replace"):
    m = line_re.match(raw.rstrip("\n"))
    if not m:
        continue
    ts = datetime.strptime(m.group(1), "%d-%b-%Y %H:%M:%S.%f")
    epoch = calendar.timegm(ts.timetuple()) + ts.microsecond / 1e6
    if epoch < since or epoch >= until:
        continue
    for key, pat in marks:
        subject = m.group(2) if key == "severe" else m.group(5)
        mm = re.search(pat, subject)
        if mm:
            first.setdefault(key, epoch)
            last[key] = epoch
            count[key] = count.get(key, 0) + 1
            if mm.groups():
                value.setdefault(key + "_ms", mm.group(1).replace(",", ""))
    v = re.search(r": validated over (\S+)", m.group(5))
    if v:
        count["via_" + v.group(1)] = count.get("via_" + v.group(1), 0) + 1
for k in first:
    print("%s_first=%.3f" % (k, first[k]))
    print("%s_last=%.3f" % (k, last[k]))
for k in count:
    print("%s_count=%d" % (k, count[k]))
for k in value:
    print("%s=%s" % (k, value[k]))
PY
    IB_JMX="$IB_DIR/jmx"
    mkdir -p "$IB_JMX"
    cat >"$IB_JMX/IbRenewNow.java" <<'JAVA'
import com.sun.tools.attach.VirtualMachine;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/** IbRenewNow PID NAME...: attaches to the Tomcat JVM, then calls renewNow on each certificate's MXBean; prints "trigger EPOCH". */
public class IbRenewNow {
    public static void main(String[] args) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        String address = vm.startLocalManagementAgent();
        vm.detach();
        try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
            MBeanServerConnection mbeans = c.getMBeanServerConnection();
            ObjectName[] names = new ObjectName[args.length - 1];
            for (int i = 1; i < args.length; i++) {
                // one Autocert instance in this Tomcat: its instance key (the store folder) is whatever it is
                names[i - 1] = mbeans.queryNames(new ObjectName("dev.autocert:type=Certificate,name="
                        + ObjectName.quote(args[i]) + ",*"), null).iterator().next();
                mbeans.getAttribute(names[i - 1], "NotAfter");
            }
            long t = System.currentTimeMillis();
            for (ObjectName n : names) {
                mbeans.invoke(n, "renewNow", new Object[0], new String[0]);
            }
            System.out.printf("trigger %.3f invoked_ms=%d%n", t / 1000.0, System.currentTimeMillis() - t);
        }
    }
}
JAVA
    javac -d "$IB_JMX" "$IB_JMX/IbRenewNow.java" >"$LOGS/ib-javac.log" 2>&1 \
        || { echo "issuance: cannot compile the JMX client:" >&2; cat "$LOGS/ib-javac.log" >&2; exit 1; }
}

ib_free_ports() {   # ib_free_ports N: N distinct free TCP ports on 127.0.0.1 (bound at once, then released)
    python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

ib_forget() {   # ib_forget PID: drop it from PIDS (it was stopped or has exited)
    local p keep=()
    for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
    PIDS=("${keep[@]}")
}
ib_stop() { stop_pid "$1"; ib_forget "$1"; }

ib_cticks() {   # IB_CT = CPU ticks of this shell's waited-for children so far (cutime+cstime), without forking
    local l
    read -r l <"/proc/$$/stat"
    l="${l##*) }"
    # shellcheck disable=SC2086
    set -- $l
    IB_CT=$(( ${14} + ${15} ))
}

ib_test_ca() {   # ib_test_ca DIR: a P-256 CA (ca.pem) and a leaf for 127.0.0.1/localhost (cert.pem, key.pem) for Pebble's HTTPS
    local d="$1"
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$d/ca.key" 2>/dev/null
    openssl req -x509 -new -key "$d/ca.key" -sha256 -days 365 -subj "/CN=Autocert bench CA $RANDOM$RANDOM" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
        -out "$d/ca.pem" 2>/dev/null
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$d/key.pem" 2>/dev/null
    openssl req -new -key "$d/key.pem" -subj "/CN=localhost" -out "$d/leaf.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' >"$d/leaf.ext"
    openssl x509 -req -in "$d/leaf.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 365 -sha256 \
        -extfile "$d/leaf.ext" -out "$d/cert.pem" 2>/dev/null
}

# ib_pebble_start DIR HTTP_PORT TLS_PORT: challtestsrv (DNS: every A query → 127.0.0.1, no AAAA) and Pebble on free
# ports of 127.0.0.1. Sets IB_DIRECTORY, IB_CA (trust for Pebble's HTTPS), IB_ROOTS (Pebble's issuing root),
# IB_DNS_PORT, IB_PEBBLE_PID, IB_CTS_PID.
ib_pebble_start() {
    local d="$1" http="$2" tls="$3" acme mgmt cts help i
    local cmd=()
    mkdir -p "$d"
    read -r acme mgmt IB_DNS_PORT cts <<<"$(ib_free_ports 4)"
    ib_test_ca "$d"
    cat >"$d/pebble-config.json" <<EOF
{
  "pebble": {
    "listenAddress": "127.0.0.1:$acme",
    "managementListenAddress": "127.0.0.1:$mgmt",
    "certificate": "$d/cert.pem",
    "privateKey": "$d/key.pem",
    "httpPort": $http,
    "tlsPort": $tls,
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false,
    "retryAfter": {"authz": $IB_RETRY_AFTER, "order": $IB_RETRY_AFTER},
    "keyAlgorithm": "ecdsa",
    "certificateValidityPeriod": 7776000,
    "profiles": {"default": {"description": "bench: 90 days", "validityPeriod": 7776000}}
  }
}
EOF
    help="$("$IB_PEBBLE_BIN/pebble-challtestsrv" -h 2>&1 || true)"
    cmd=("$IB_PEBBLE_BIN/pebble-challtestsrv")
    # Pebble 2.10 calls the DNS listener -dnsserver; older builds -dns01
    if [[ "$help" == *-dnsserver* ]]; then cmd+=(-dnsserver "127.0.0.1:$IB_DNS_PORT"); else cmd+=(-dns01 "127.0.0.1:$IB_DNS_PORT"); fi
    for i in -http01 -https01 -tlsalpn01 -doh; do
        if [[ "$help" == *"$i "* ]]; then cmd+=("$i" ""); fi
    done
    cmd+=(-management "127.0.0.1:$cts" -defaultIPv4 127.0.0.1 -defaultIPv6 "")
    "${cmd[@]}" >"$LOGS/$(basename "$d")-challtestsrv.log" 2>&1 &
    IB_CTS_PID=$!
    PIDS+=("$IB_CTS_PID")
    PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 PEBBLE_AUTHZREUSE=0 \
        "$IB_PEBBLE_BIN/pebble" -config "$d/pebble-config.json" -dnsserver "127.0.0.1:$IB_DNS_PORT" \
        >"$LOGS/$(basename "$d")-pebble.log" 2>&1 &
    IB_PEBBLE_PID=$!
    PIDS+=("$IB_PEBBLE_PID")
    IB_CA="$d/ca.pem"
    IB_DIRECTORY="https://127.0.0.1:$acme/dir"
    IB_ROOTS="$d/roots.pem"
    for i in $(seq 300); do
        if curl -fsS --cacert "$IB_CA" "$IB_DIRECTORY" 2>/dev/null | grep -q newOrder \
            && curl -fsS --cacert "$IB_CA" -o "$IB_ROOTS" "https://127.0.0.1:$mgmt/roots/0" 2>/dev/null \
            && (exec 3<>"/dev/tcp/127.0.0.1/$cts") 2>/dev/null; then
            return 0
        fi
        kill -0 "$IB_PEBBLE_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "issuance: Pebble did not come up:" >&2
    tail -n 20 "$LOGS/$(basename "$d")-pebble.log" "$LOGS/$(basename "$d")-challtestsrv.log" >&2
    exit 1
}
ib_pebble_stop() { ib_stop "$IB_PEBBLE_PID"; ib_stop "$IB_CTS_PID"; }
ib_ca_ticks() { echo $(( $(proc_ticks "$IB_PEBBLE_PID") + $(proc_ticks "$IB_CTS_PID") )); }

# ib_tomcat_base BASE HTTP_PORT SERVER_LINE SERVICE_LINES: a CATALINA_BASE as the ITs lay it out (testkit
# TomcatDistribution): the stock conf/, a ROOT webapp with index.html, server.xml changed only in its shutdown port
# (-1: stopped by PID), its HTTP connector (HTTP_PORT on 127.0.0.1), SERVER_LINE after the stock <Listener>s and
# SERVICE_LINES after the HTTP connector (either may be empty).
ib_tomcat_base() {
    local base="$1" http="$2" server_line="$3" service_lines="$4"
    rm -rf "$base"
    mkdir -p "$base/conf" "$base/lib" "$base/logs" "$base/temp" "$base/webapps/ROOT" "$base/work"
    find "$IB_TOMCAT_HOME/conf" -maxdepth 1 -type f -exec cp {} "$base/conf/" \;
    echo "hello from ROOT" >"$base/webapps/ROOT/index.html"
    python3 - "$base/conf/server.xml" "$http" "$server_line" "$service_lines" <<'PY'
import sys
path, http, server_line, service_lines = sys.argv[1:5]
xml = open(path).read()
anchor = '  <Listener className="org.apache.catalina.core.JreMemoryLeakPreventionListener" />'
for old in ('<Server port="8005"', '<Connector port="8080" protocol="HTTP/1.1"', anchor):
    if xml.count(old) != 1:
        sys.exit("the stock server.xml changed shape: " + old)
xml = xml.replace('<Server port="8005"', '<Server port="-1"')
xml = xml.replace('<Connector port="8080" protocol="HTTP/1.1"', '<Connector port="%s" address="127.0.0.1" protocol="HTTP/1.1"' % http)
if server_line:
    xml = xml.replace(anchor, anchor + "\n  " + server_line)
if service_lines:
    i = xml.index('<Connector port="%s"' % http)
    j = xml.index("/>", i) + 2
    xml = xml[:j] + "\n" + service_lines + xml[j:]
open(path, "w").write(xml)
PY
}

# ib_tomcat_launch BASE CONSOLE_LOG: `catalina.sh run` (it execs the JVM: the PID is the JVM's). Sets IB_T0 (epoch
# right before the launch) and IB_TC_PID. Stock JVM settings; only -Duser.timezone=UTC, for the log timestamps.
ib_tomcat_launch() {
    IB_T0="$EPOCHREALTIME"
    JAVA_HOME="$IB_JAVA_HOME" CATALINA_HOME="$IB_TOMCAT_HOME" CATALINA_BASE="$1" CATALINA_PID="" \
        CATALINA_OPTS="-Duser.timezone=UTC ${ISSUANCE_CATALINA_OPTS:-}" JAVA_OPTS="" \
        "$IB_TOMCAT_HOME/bin/catalina.sh" run >"$2" 2>&1 &
    IB_TC_PID=$!
    PIDS+=("$IB_TC_PID")
}

# ib_poll_start OUT ARGS...: starts the TLS poller, returns once it is ready (imports done). Sets IB_POLL_PID.
ib_poll_start() {
    local out="$1" i
    shift
    python3 "$IB_POLL" --interval "$IB_POLL_INTERVAL" "$@" >"$out" 2>&1 &
    IB_POLL_PID=$!
    PIDS+=("$IB_POLL_PID")
    for i in $(seq 500); do
        [ -s "$out" ] && return 0
        sleep 0.01
    done
    echo "issuance: the TLS poller did not start" >&2
    cat "$out" >&2
    exit 1
}
ib_poll_wait() {   # IB_POLL_RC = the poller's exit code
    IB_POLL_RC=0
    wait "$IB_POLL_PID" || IB_POLL_RC=$?
    ib_forget "$IB_POLL_PID"
}

ib_key_of() { openssl x509 -in "$1" -noout -text 2>/dev/null | sed -n 's/.*ASN1 OID: \([a-z0-9]*\).*/\1/p; s/.*Public-Key: (\([0-9]*\) bit).*/\1bit/p' | tail -n1; }
ib_rss_kb() { awk '/^VmRSS/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
ib_calc() { awk "BEGIN{printf \"%.3f\", $1}"; }
ib_foreign() {   # ib_foreign MACHINE_TICKS KNOWN_CPU_S WALL_S: CPU of other processes as a share of all cores, %
    awk -v m="$1" -v k="$2" -v w="$3" -v hz="$CLK_TCK" -v n="$NCPU" 'BEGIN{f = 100 * (m / hz - k) / (w * n); if (f < 0) f = 0; printf "%.1f", f}'
}

# ib_row CONFIG ROUND SECS OPS FAILS SRV_CPU_S CLI_CPU_S BUSY FOREIGN NOTE [BENCH]: one raw.tsv row
ib_row() {
    awk -v run="$STAMP" -v bench="${11:-issuance}" -v config="$1" -v round="$2" -v secs="$3" -v ops="$4" -v fails="$5" \
        -v srv="$6" -v cli="$7" -v busy="$8" -v foreign="$9" -v note="${10}" 'BEGIN {
        rate = secs > 0 ? ops / secs : 0
        srvop = ops > 0 && srv != "-" ? sprintf("%.1f", 1e6 * srv / ops) : "-"
        cliop = ops > 0 && cli != "-" ? sprintf("%.1f", 1e6 * cli / ops) : "-"
        printf "%s\t%s\t%s\t%s\t%.3f\t%d\t%d\t%.3f\t%s\t%s\t%s\t%s\t-\t-\t%s\t%s\t-\t-\t%s\n",
            run, bench, config, round, secs, ops, fails, rate, srv, srvop, cli, cliop, busy, foreign, note
    }' >>"$RAW"
}

# ---------------------------------------------------------------- the benchmark
bench_issuance() {
    ib_setup
    local n1=5 n20=3 p20=1 r i t
    # --quick: a batch of 5 names instead of 20 (certbot's and lego's batch alone would take 3 minutes)
    IB_BATCH=20
    [ "$QUICK" = 1 ] && n1=1 n20=1 p20=1 IB_BATCH=5
    IB_BATCH="${ISSUANCE_BATCH:-$IB_BATCH}"
    n1="${ISSUANCE_RUNS_1:-$n1}"
    n20="${ISSUANCE_RUNS_20:-$n20}"
    # certbot's and lego's 20-certificate batches take ≈ 1 and ≈ 2 minutes, almost all of it fixed sleeps (peer
    # baselines: spread 4–10 % over n = 3); one batch each keeps the full run near 6 minutes
    p20="${ISSUANCE_PEER_RUNS_20:-$p20}"
    [ "$p20" -le "$n20" ] || p20="$n20"
    IBW="$WORK/issuance"
    mkdir -p "$IBW"
    read -r IB_HTTP_PORT IB_HTTPS_PORT IB_DEAD_PORT <<<"$(ib_free_ports 3)"
    # Pebble validates HTTP-01 on Tomcat's HTTP port; its TLS-ALPN-01 port is one nothing listens on, so every
    # tool is validated over HTTP-01 (Autocert would prefer http-01 anyway)
    ib_pebble_start "$IBW/pebble" "$IB_HTTP_PORT" "$IB_DEAD_PORT"
    IB_NAMES1="a.test"
    IB_NAMES20="$(seq -f 'n%02g.test' 1 "$IB_BATCH" | paste -sd, -)"
    log "issuance: Pebble at $IB_DIRECTORY (Retry-After: ${IB_RETRY_AFTER} s, 0 = none), HTTP-01 on 127.0.0.1:$IB_HTTP_PORT, Tomcat HTTPS on $IB_HTTPS_PORT; round-robin: 1 certificate x $n1, $IB_BATCH certificates x $n20 (certbot, lego x $p20)"
    local tools=(autocert certbot lego)
    for r in $(seq "$n1"); do
        for i in 0 1 2; do
            t="${tools[$(( (i + r - 1) % 3 ))]}"
            "ib_issue_$t" 1 "$r" "$IB_NAMES1"
        done
    done
    for r in $(seq "$n20"); do
        for i in 0 1 2; do
            t="${tools[$(( (i + r - 1) % 3 ))]}"
            [ "$t" = autocert ] || [ "$r" -le "$p20" ] || continue
            "ib_issue_$t" "$IB_BATCH" "$r" "$IB_NAMES20"
        done
    done
    printf 'pebble\tcpu_s_total\t%s\n' "$(ib_calc "$(ib_ca_ticks) / $CLK_TCK")" >>"$SERVERS"
    printf 'pebble\trss_kb_end\t%s\n' "$(ib_rss_kb "$IB_PEBBLE_PID")" >>"$SERVERS"
    ib_pebble_stop
    rm -rf "$IBW"/*/work "$IBW"/*/webapps
    ib_summary_issuance
}

ib_issue_autocert() {   # ib_issue_autocert N ROUND NAMES
    local n="$1" r="$2" names="$3" cfg="autocert-$1"
    local base="$IBW/$cfg-r$r" console="$LOGS/issuance-$cfg-r$r.log" busy ca0 ca1 m0 m1 tc rss
    local first last wall cli b fails=0 started obtaining note renew_s="" renew_note="" cut=""
    ib_tomcat_base "$base" "$IB_HTTP_PORT" "<Listener className=\"dev.autocert.tomcat.AutocertListener\" domains=\"${names//,/;}\" email=\"bench@example.test\" acceptTerms=\"true\" directory=\"$IB_DIRECTORY\" caTrust=\"$IB_CA\" httpsPort=\"$IB_HTTPS_PORT\" httpsAddress=\"127.0.0.1\" dnsResolver=\"127.0.0.1:$IB_DNS_PORT\" httpChallengePort=\"$IB_HTTP_PORT\"${IB_LISTENER_EXTRA:+ $IB_LISTENER_EXTRA}/>" ""
    cp "$IB_JAR" "$base/lib/"
    busy="$(wait_quiet)"
    ib_poll_start "$base/poll-a.out" --port "$IB_HTTPS_PORT" --names "$names" --cafile "$IB_ROOTS" \
        --gate "$base/conf/autocert/certificates/{}/meta.json" --timeout 180
    ca0="$(ib_ca_ticks)"
    m0="$(machine_busy_ticks)"
    ib_tomcat_launch "$base" "$console"
    ib_poll_wait
    tc="$(proc_ticks "$IB_TC_PID" 2>/dev/null || echo 0)"
    m1="$(machine_busy_ticks)"
    ca1="$(ib_ca_ticks)"
    rss="$(ib_rss_kb "$IB_TC_PID")"
    if [ "$IB_POLL_RC" != 0 ]; then
        fails="$n"
        log "issuance: $cfg round $r: not all names served ($(tail -n 2 "$base/poll-a.out" | tr '\n' ' ')); log: $console"
        tail -n 15 "$console" >&2
    fi
    first="$(awk '$1=="ok"{print $3; exit}' "$base/poll-a.out")"
    last="$(awk '$1=="ok"{t=$3} END{print t}' "$base/poll-a.out")"
    cli="$(sed -n 's/^end cpu=\([0-9.]*\).*/\1/p' "$base/poll-a.out")"
    [ -n "$last" ] || last="$EPOCHREALTIME"
    [ -n "$first" ] || first="$last"
    wall="$(ib_calc "$last - $IB_T0")"

    # (c) renewNow over JMX on the running, serving Tomcat: warm JVM, existing account
    if [ "$fails" = 0 ]; then
        local rb="$base/poll-c.out" trigger_c cli_pid rrc=0
        awk '$1=="ok"{print $2, $4}' "$base/poll-a.out" >"$base/served-a.fp"
        sleep 0.2
        cut="$EPOCHREALTIME"
        ib_poll_start "$rb" --port "$IB_HTTPS_PORT" --names "$names" --cafile "$IB_ROOTS" --old "$base/served-a.fp" \
            --gate "$base/conf/autocert/certificates/{}/meta.json" --gate-after "$EPOCHREALTIME" --timeout 120
        # shellcheck disable=SC2086
        java -cp "$IB_JMX" IbRenewNow "$IB_TC_PID" ${names//,/ } >"$base/renew.out" 2>&1 &
        cli_pid=$!
        PIDS+=("$cli_pid")
        wait "$cli_pid" || rrc=$?
        ib_forget "$cli_pid"
        ib_poll_wait
        trigger_c="$(awk '$1=="trigger"{print $2}' "$base/renew.out")"
        if [ "$rrc" = 0 ] && [ "$IB_POLL_RC" = 0 ] && [ -n "$trigger_c" ]; then
            renew_s="$(ib_calc "$(awk '$1=="ok"{t=$3} END{print t}' "$rb") - $trigger_c")"
            renew_note="$(awk '$1=="end"{print $2, $3}' "$rb")"
            python3 "$IB_LOGTIMES" "$console" "$cut" >"$base/log-times-c.txt"
            renew_note="$renew_note renewing_s=$(ib_calc "$(kv "$base/log-times-c.txt" renewing_first) - $trigger_c") issued_last_s=$(ib_calc "$(kv "$base/log-times-c.txt" issued_last) - $trigger_c") live_last_s=$(ib_calc "$(kv "$base/log-times-c.txt" live_last) - $trigger_c") jmx_$(awk '$1=="trigger"{print $3}' "$base/renew.out")"
        else
            log "issuance: $cfg round $r: renewNow over JMX failed ($(tr '\n' ' ' <"$base/renew.out" | cut -c1-200); $(tail -n1 "$rb"))"
        fi
    fi
    ib_stop "$IB_TC_PID"

    # Tomcat's and Autocert's own log lines
    python3 "$IB_LOGTIMES" "$console" 0 ${cut:+"$cut"} >"$base/log-times.txt"
    started="$(kv "$base/log-times.txt" started_first)"
    obtaining="$(kv "$base/log-times.txt" obtaining_first)"
    local via severe preflight_warn
    via="$(kv "$base/log-times.txt" via_http-01_count)"
    severe="$(kv "$base/log-times.txt" severe_count)"
    preflight_warn="$(kv "$base/log-times.txt" preflight_warn_count)"
    if [ "${via:-0}" -lt "$n" ] && [ "$fails" = 0 ]; then log "issuance: $cfg round $r: only ${via:-0} of $n names validated over http-01"; fi
    note="first_served_s=$(ib_calc "$first - $IB_T0") tomcat_started_s=$( [ -n "$started" ] && ib_calc "$started - $IB_T0" || echo -)"
    note="$note init_ms=$(kv "$base/log-times.txt" init_done_ms) startup_ms=$(kv "$base/log-times.txt" started_ms) deploy_ms=$(kv "$base/log-times.txt" deployed_ms)"
    note="$note obtaining_s=$( [ -n "$obtaining" ] && ib_calc "$obtaining - $IB_T0" || echo -)"
    for k in log_first configured_first account_first ordered_first preflight_first validated_first validated_last issued_first issued_last live_last; do
        local v
        v="$(kv "$base/log-times.txt" "$k")"
        note="$note ${k}_s=$( [ -n "$v" ] && ib_calc "$v - $IB_T0" || echo -)"
    done
    note="$note via_http01=${via:-0} preflight_warnings=${preflight_warn:-0} severe=${severe:-0} key=$(ib_key_of "$base/conf/autocert/certificates/${names%%,*}/fullchain.pem") rss_kb=$rss ca_cpu_s=$(ib_calc "($ca1 - $ca0) / $CLK_TCK") poller=$(awk '$1=="end"{print $3}' "$base/poll-a.out") jar_sha=$IB_JAR_SHA"
    local srv foreign
    srv="$(ib_calc "$tc / $CLK_TCK")"
    foreign="$(ib_foreign "$((m1 - m0))" "$(ib_calc "$srv + ${cli:-0} + ($ca1 - $ca0) / $CLK_TCK")" "$wall")"
    ib_row "$cfg" "$r" "$wall" "$((n - fails))" "$fails" "$srv" "${cli:--}" "$busy" "$foreign" "(a) launch -> all served; $note"
    if [ -n "$obtaining" ]; then
        b="$(ib_calc "$last - $obtaining")"
        ib_row "$cfg-acme" "$r" "$b" "$((n - fails))" "$fails" "-" "-" "$busy" "-" "(b) first 'Obtaining certificate' log line -> all served"
    fi
    if [ -n "$renew_s" ]; then
        ib_row "$cfg-renew" "$r" "$renew_s" "$n" 0 "-" "-" "-" "-" "(c) renewNow over JMX -> all serve a new certificate; $renew_note"
    fi
    printf '  %-14s %-16s round %-2s (a) %7.3f s   (b) %7s s   (c) %7s s   server CPU %6.2f s  busy %s%%  foreign %s%%\n' \
        issuance "$cfg" "$r" "$wall" "${b:--}" "${renew_s:--}" "$srv" "$busy" "$foreign" >&2
}

ib_issue_certbot() { ib_issue_cli certbot "$@"; }
ib_issue_lego() { ib_issue_cli lego "$@"; }

ib_issue_cli() {   # ib_issue_cli certbot|lego N ROUND NAMES: sequential processes, one certificate each, one account per batch
    local tool="$1" n="$2" r="$3" names="$4" cfg="$1-$2"
    local d="$IBW/$cfg-r$r" busy ca0 ca1 m0 m1 c0 c1 t0 t1 name pid rc=0 ok=0 fails wall srv foreign key="" crt
    mkdir -p "$d"
    busy="$(wait_quiet)"
    ca0="$(ib_ca_ticks)"
    m0="$(machine_busy_ticks)"
    ib_cticks
    c0="$IB_CT"
    t0="$EPOCHREALTIME"
    for name in ${names//,/ }; do
        if [ "$tool" = certbot ]; then
            REQUESTS_CA_BUNDLE="$IB_CA" certbot certonly --standalone --non-interactive --agree-tos \
                --register-unsafely-without-email --server "$IB_DIRECTORY" --http-01-port "$IB_HTTP_PORT" \
                --http-01-address 127.0.0.1 --config-dir "$d/conf" --work-dir "$d/work" --logs-dir "$d/logs" \
                -d "$name" >>"$d/out.log" 2>&1 &
        else
            LEGO_CA_CERTIFICATES="$IB_CA" lego --server "$IB_DIRECTORY" --accept-tos --email bench@example.test \
                --path "$d" --key-type ec256 --domains "$name" --http --http.port "127.0.0.1:$IB_HTTP_PORT" run \
                >>"$d/out.log" 2>&1 &
        fi
        pid=$!
        PIDS+=("$pid")
        wait "$pid" || rc=$?
        ib_forget "$pid"
        [ "$rc" = 0 ] || break
    done
    t1="$EPOCHREALTIME"
    ib_cticks
    c1="$IB_CT"
    m1="$(machine_busy_ticks)"
    ca1="$(ib_ca_ticks)"
    for name in ${names//,/ }; do
        if [ "$tool" = certbot ]; then crt="$d/conf/live/$name/fullchain.pem"; else crt="$d/certificates/$name.crt"; fi
        if [ -s "$crt" ]; then
            ok=$((ok + 1))
            [ -n "$key" ] || key="$(ib_key_of "$crt")"
        fi
    done
    fails=$((n - ok))
    [ "$fails" = 0 ] || { log "issuance: $cfg round $r: $ok of $n certificates (exit $rc); see $d/out.log"; tail -n 10 "$d/out.log" >&2; }
    wall="$(ib_calc "$t1 - $t0")"
    srv="$(ib_calc "($c1 - $c0) / $CLK_TCK")"
    foreign="$(ib_foreign "$((m1 - m0))" "$(ib_calc "$srv + ($ca1 - $ca0) / $CLK_TCK")" "$wall")"
    ib_row "$cfg" "$r" "$wall" "$ok" "$fails" "$srv" "-" "$busy" "$foreign" \
        "start -> exit ($n processes); key=${key:-?} ca_cpu_s=$(ib_calc "($ca1 - $ca0) / $CLK_TCK") exit=$rc"
    printf '  %-14s %-16s round %-2s      %7.3f s   %d/%d certificates   CPU %6.2f s  busy %s%%  foreign %s%%\n' \
        issuance "$cfg" "$r" "$wall" "$ok" "$n" "$srv" "$busy" "$foreign" >&2
}

# ---------------------------------------------------------------- summary-issuance.md
ib_summary_issuance() {
    python3 - "$RAW" "$LOGS" "$OUT/summary-issuance.md" "$IB_PEBBLE_VERSION" "$IB_TOMCAT_VERSION" "$(basename "$IB_JAR") (sha256 $IB_JAR_SHA…)" \
        "$IB_RETRY_AFTER" "$(certbot --version 2>&1 | head -n1)" "lego $(dpkg-query -W -f='${Version}' lego 2>/dev/null || echo '?')" "$IB_BATCH" <<'PY'
import csv, statistics as st, sys, re
raw, logs, out, pebble, tomcat, jar, retry_after, certbot_v, lego_v, batch = sys.argv[1:11]
rows = [r for r in csv.DictReader(open(raw), delimiter="\t") if r["bench"] == "issuance"]
def med(xs):
    xs = sorted(xs)
    if not xs:
        return "–"
    return "%.3f (%.3f–%.3f)" % (st.median(xs), xs[0], xs[-1]) if len(xs) > 1 else "%.3f" % xs[0]
def by(cfg, key="secs", ok_only=True):
    return [float(r[key]) for r in rows if r["config"] == cfg and (not ok_only or r["fails"] == "0") and r[key] not in ("-", "")]
def rounds(cfg):
    return {r["round"]: float(r["secs"]) for r in rows if r["config"] == cfg and r["fails"] == "0"}
def note(cfg, key):
    vals = []
    for r in rows:
        if r["config"] == cfg and r["fails"] == "0":
            m = re.search(r"\b" + re.escape(key) + r"=([0-9.]+)", r["note"])
            if m:
                vals.append(float(m.group(1)))
    return vals
def paired(num, den):
    a, b = rounds(num), rounds(den)
    if not a or not b:
        return "–"
    rs = sorted(a[k] / b[k] for k in a if k in b and b[k] > 0)
    if len(rs) == len(a) == len(b) and len(rs) > 1:
        return "%.2f (%.2f–%.2f), paired, n = %d" % (st.median(rs), rs[0], rs[-1], len(rs))
    # unequal run counts: ratio of the medians, with the range over all pairs of runs
    allr = sorted(x / y for x in a.values() for y in b.values() if y > 0)
    m = st.median(list(a.values())) / st.median(list(b.values()))
    return "%.2f (%.2f–%.2f), medians, n = %d / %d" % (m, allr[0], allr[-1], len(a), len(b)) if len(allr) > 1 else "%.2f, n = 1 / 1" % m
L = []
L.append("## Issuance against Pebble: Autocert in Tomcat vs certbot and lego (issue #8 item 5)\n")
L.append("%s; Tomcat %s (`catalina.sh run`, stock JVM settings) with %s; %s; %s. Pebble: PEBBLE_VA_NOSLEEP=1 "
         "PEBBLE_WFE_NONCEREJECT=0 PEBBLE_AUTHZREUSE=0, Retry-After %s. Every run starts from empty state (new account); "
         "%s certificates = %s separate certificates (Autocert: `domains=\"n01.test;…;n%s.test\"`, one account; certbot "
         "and lego: %s processes in sequence sharing one config dir / path, so one account). All HTTP-01.\n"
         % (pebble, tomcat, jar, certbot_v, lego_v, "none (as Debian's Pebble 2.4 in the peer baselines)" if retry_after == "0" else retry_after + " s",
            batch, batch, batch, batch))
L.append("* **(a)** Autocert: launch of `catalina.sh run` → every name served over TLS with a certificate that verifies "
         "against Pebble's root for that name (Python `ssl` poller, every 20 ms, probing a name once its store file exists). "
         "certbot/lego: start of the first process → exit of the last one (certificate on disk).")
L.append("* **(b)** Autocert: the listener's first `Obtaining certificate for` log line (the issuance starting, after Tomcat "
         "started) → the same end point. Includes the new account, the cold JVM's class loading and JIT of the ACME path.")
L.append("* **(c)** Autocert: `renewNow` over JMX on that running Tomcat (warm JVM, account known) → every name serves "
         "a new certificate. The steady-state cost of an issuance inside a running container.\n")
L.append("| figure | config | seconds, median (min–max) | n | per certificate | CPU s (tool / JVM) | failures |")
L.append("|---|---|---|---|---|---|---|")
for n in ("1", batch):
    for cfg, fig in (("autocert-" + n, "(a) launch → all served"), ("autocert-%s-acme" % n, "(b) trigger → all served"),
                     ("autocert-%s-renew" % n, "(c) renewNow → all served"), ("certbot-" + n, "start → exit"),
                     ("lego-" + n, "start → exit")):
        xs = by(cfg)
        allr = [r for r in rows if r["config"] == cfg]
        if not allr:
            continue
        fails = sum(int(r["fails"]) for r in allr)
        cpu = by(cfg, "srv_cpu_s")
        per = "%.3f" % (st.median(xs) / int(n)) if xs else "–"
        L.append("| %s | %s | %s | %d | %s | %s | %d |" % (fig, cfg, med(xs), len(xs), per, "%.2f" % st.median(cpu) if cpu else "–", fails))
L.append("\nRatios (> 1: Autocert is faster): paired by round where both have the same runs, else the ratio of the medians "
         "with the range over all pairs of runs:\n")
L.append("| ratio | 1 certificate | %s certificates |" % batch)
L.append("|---|---|---|")
for num, den, label in (("certbot", "autocert", "certbot ÷ autocert (a)"), ("lego", "autocert", "lego ÷ autocert (a)"),
                        ("certbot", "autocert-%s-acme", "certbot ÷ autocert (b)"), ("lego", "autocert-%s-acme", "lego ÷ autocert (b)")):
    cells = []
    for n in ("1", batch):
        d = den % n if "%s" in den else den + "-" + n
        cells.append(paired(num + "-" + n, d))
    L.append("| %s | %s | %s |" % (label, cells[0], cells[1]))
L.append("\nWhere Autocert's time goes in (a): Tomcat's log, seconds after the launch, median (min–max):\n")
cfgs = [c for c in ("autocert-1", "autocert-" + batch) if by(c)]
L.append("| milestone | " + " | ".join(cfgs) + " |")
L.append("|---|" + "---|" * len(cfgs))
for label, key in (("first log line (JVM running, Tomcat loading `server.xml`)", "log_first_s"),
                   ("listener configured (`Autocert manages …`)", "configured_first_s"),
                   ("Tomcat started (`Server startup in` logged)", "tomcat_started_s"),
                   ("first `Obtaining certificate for` = trigger of (b)", "obtaining_s"),
                   ("ACME account created (new key)", "account_first_s"),
                   ("first order created", "ordered_first_s"),
                   ("first preflight self-check passed", "preflight_first_s"),
                   ("first name validated", "validated_first_s"),
                   ("last name validated", "validated_last_s"),
                   ("last certificate issued (downloaded)", "issued_last_s"),
                   ("last certificate live (stored, installed)", "live_last_s"),
                   ("first name served (poller)", "first_served_s")):
    L.append("| %s | %s |" % (label, " | ".join(med(note(c, key)) for c in cfgs)))
L.append("| **all names served (poller) = (a)** | %s |" % " | ".join(med(by(c)) for c in cfgs))
L.append("| Tomcat's own `Server initialization in` / `Server startup in` / ROOT deployment, ms | %s |" % " | ".join(
    "%s / %s / %s" % tuple("%.0f" % st.median(note(c, k)) if note(c, k) else "–" for k in ("init_ms", "startup_ms", "deploy_ms")) for c in cfgs))
cc = [c + "-renew" for c in cfgs if by(c + "-renew")]
if cc:
    L.append("\nAnd in (c), seconds after the `renewNow` calls:\n")
    L.append("| milestone | " + " | ".join(cc) + " |")
    L.append("|---|" + "---|" * len(cc))
    for label, key in (("`Renewing certificate for` logged", "renewing_s"), ("last certificate issued", "issued_last_s"),
                       ("last certificate live", "live_last_s")):
        L.append("| %s | %s |" % (label, " | ".join(med(note(c, key)) for c in cc)))
    L.append("| **all names serve the new certificate = (c)** | %s |" % " | ".join(med(by(c)) for c in cc))
if note("autocert-1", "rss_kb") or note("autocert-" + batch, "rss_kb"):
    L.append("\nTomcat RSS when all were served: autocert-1 %s MB, autocert-%s %s MB (median)." % (
        "%.0f" % (st.median(note("autocert-1", "rss_kb")) / 1000) if note("autocert-1", "rss_kb") else "–", batch,
        "%.0f" % (st.median(note("autocert-" + batch, "rss_kb")) / 1000) if note("autocert-" + batch, "rss_kb") else "–"))
busy = [float(r["busy_before_pct"]) for r in rows if r["busy_before_pct"] not in ("-", "")]
foreign = [float(r["foreign_pct"]) for r in rows if r["foreign_pct"] not in ("-", "")]
if busy:
    L.append("Machine: busy before the runs %s %% (median %s), foreign CPU during them %s %%. Raw rows: `raw.tsv` "
             "(bench=issuance; the note column holds the log timeline), consoles: `logs/issuance-*.log`.\n"
             % ("%.0f–%.0f" % (min(busy), max(busy)), "%.0f" % st.median(busy), "%.1f–%.1f" % (min(foreign), max(foreign)) if foreign else "–"))
open(out, "w").write("\n".join(L) + "\n")
PY
}
