# shellcheck shell=bash
# bench/lib/crash.sh, sourced by bench/run.sh: issue #12's crash-safety figure. Runs the failsafe test
# CrashDuringIssuanceIT (tomcat-valve) with CRASH_RUNS kills (default 50, --quick 5; CI runs it with 5): the real
# Tomcat distribution killed with SIGKILL at a random instant of an issuance, restarted, and checked to serve every
# certificate from an undamaged store. Output: $OUT/summary-crash.md (the test's [measure] line).
EXTRA_BENCHES+=(crash)

prereq_crash() {
    [ -x "$ROOT/mvnw" ] || { echo "crash: needs the Maven wrapper at the project root" >&2; exit 1; }
}

bench_crash() {
    local runs="${CRASH_RUNS:-50}"
    [ "$QUICK" = 1 ] && runs=5
    log "crash: $runs x kill -9 of the real Tomcat during an issuance (CrashDuringIssuanceIT)"
    if ! (cd "$ROOT" && ./mvnw -B -ntp -o -pl tomcat-valve -am verify -Dtest=none -Dit.test=CrashDuringIssuanceIT \
            -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false -Darquillian.test=none \
            -Dspotbugs.skip -Dspotless.check.skip -Dautocert.java25.skip=true -Dautocert.crashRuns="$runs") >"$LOGS/crash.log" 2>&1; then
        echo "crash: CrashDuringIssuanceIT failed, see $LOGS/crash.log" >&2
        grep -E 'measure|FAIL|Expect' "$LOGS/crash.log" | head -20 >&2
        return 1
    fi
    { echo "## Crash safety (kill -9 during an issuance)"; echo
      grep -m1 '^\[measure\]' "$LOGS/crash.log" | sed 's/^\[measure\] /- /'; } >"$OUT/summary-crash.md"
    cat "$OUT/summary-crash.md" >&2
}
