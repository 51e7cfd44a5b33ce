#!/usr/bin/env bash
# The README's test command: installs what the suite needs on a fresh Debian machine, then runs every
# unit and acceptance test. Extra arguments go to Maven (e.g. `scripts/test.sh -pl core -am`).
# Installs (as root, through apt-get, only what is missing): a JDK 17+, openssl (the TLS client of the
# tests), libssl-dev (libssl.so for Tomcat's FFM OpenSSL engine), BIND 9 and its tools (named, nsupdate:
# DNS-01), PostgreSQL (the cluster store's tests), and Pebble 2.10 into .tools/ (scripts/fetch-pebble.sh).
# Java 25 must already be installed (see below).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v named >/dev/null 2>&1 || [ -x /usr/sbin/named ] || missing+=(bind9)
command -v nsupdate >/dev/null 2>&1 || missing+=(bind9-dnsutils)
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
# Tomcat's FFM OpenSSL engine opens libssl by its unversioned name, which only the -dev package provides
/sbin/ldconfig -p 2>/dev/null | grep -q 'libssl\.so ' || missing+=(libssl-dev)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: missing ${missing[*]}: run as root, or install them with apt-get" >&2
    exit 1
  fi
  echo "test.sh: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Java 25 (the OpenSSL-engine IT, the second run of the distribution ITs) is not in Debian 12's apt: it must be
# installed beside the default JDK (testkit's Jdks looks there) or named by JAVA25_HOME
jdks="$(dirname "$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")"
if [ -z "${JAVA25_HOME:-}" ] && ! grep -qs '^JAVA_VERSION="25' "$jdks"/*/release; then
  echo "test.sh: no Java 25 JDK in $jdks: install one there (e.g. Temurin 25) or set JAVA25_HOME" >&2
  exit 1
fi

scripts/fetch-pebble.sh
./mvnw -B -ntp verify "$@"
# The whole run once more for Spring Boot 3.5 (Tomcat 10.1, Jetty 12.0), the build above being Boot 4.0's: the
# starter's unit tests and the two Boot samples' ITs. Skipped when arguments narrow the run.
if [ $# -eq 0 ]; then
  ./mvnw -B -ntp verify -Dboot3 -pl samples/spring-boot,samples/spring-boot-jetty -am -Darquillian.test=none \
    -Dtest='dev.autocert.spring.**' -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test='SpringBoot*IT' -Dfailsafe.failIfNoSpecifiedTests=false
fi
