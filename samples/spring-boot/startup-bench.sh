#!/bin/bash
# usage: samples/spring-boot/startup-bench.sh samples/spring-boot/target/autocert-sample-spring-boot-<v>.jar [runs]
# Per start: Boot's "Started ... in X seconds" and the JVM's CPU seconds (user+sys) at that moment, with the starter
# on and off (autocert.enabled=false), alternating; prints each mode's values sorted (no CA is contacted).
jar=$1; runs=${2:-5}; work=$(mktemp -d)
tck=$(getconf CLK_TCK)
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
for i in $(seq 1 $runs); do
  for mode in on off; do
    p=$(port); hp=$(port); log=$work/$mode-$i.log
    extra=(); [ $mode = off ] && extra=(--autocert.enabled=false)
    java -jar "$jar" --server.address=127.0.0.1 --server.port=$p --autocert.https-port=$hp --autocert.https-address=127.0.0.1 \
      --autocert.domains=bench.test --autocert.directory=https://127.0.0.1:9/dir --autocert.storage=$work/store-$i \
      "${extra[@]}" > $log 2>&1 &
    pid=$!
    for t in $(seq 1 1200); do grep -q "Started SampleApplication" $log && break; sleep 0.05; done
    cpu=$(awk -v t=$tck '{printf "%.2f", ($14+$15)/t}' /proc/$pid/stat)
    kill $pid; wait $pid 2>/dev/null
    echo "$mode $(grep -o 'Started SampleApplication in [0-9.]* seconds' $log | grep -o '[0-9.]*' | head -1) $cpu"
  done
done | sort -k1,1 -k2,2n | awk '{w[$1]=w[$1]" "$2; c[$1]=c[$1]" "$3} END {for (m in w) print m, "wall:" w[m], "| cpu:" c[m]}'
rm -rf "$work"
