#!/usr/bin/env bash
# The demo: a local ACME CA (Pebble) and a real Tomcat 11 distribution with the Autocert drop-in JAR
# and one <Listener> line; prints the certificate chain Tomcat serves once the CA has issued it.
# Pass --keep to leave both running until Enter.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/fetch-pebble.sh
echo "Building the drop-in JAR (first run downloads Maven, dependencies and Tomcat)..."
./mvnw -B -ntp -q -pl samples/tomcat-demo -am install -DskipTests -DskipITs
exec ./mvnw -B -ntp -q -pl samples/tomcat-demo exec:java -Dexec.args="$*"
