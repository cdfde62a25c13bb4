#!/usr/bin/env bash
# Bytes the running gateway allocates per ad request, by thread (issue 12): starts the bench
# gateway (10k campaigns, BenchGateway serve), warms it for 15 s with 64 connections (LoadOnly),
# then records JFR's per-thread allocation counters (jdk.ThreadAllocationStatistics, every second)
# over 20 s more of the same load and divides by the requests answered. Allocation per request
# hardly changes with the machine's other work, unlike latency, so it can be compared across runs.
#   ./precis build && perf/gateway-alloc.sh OUT_DIR [JVM options of the gateway...]
# Needs java 21+ on PATH (or JAVA_HOME) and python3. The load generator runs on the same machine.
set -euo pipefail
out="$1"; shift
bin="${JAVA_HOME:+$JAVA_HOME/bin/}"
mkdir -p "$out"; rm -rf "${out:?}"/*
cp="perf/target/classes:perf/target/lib/*"
cat > "$out/alloc.jfc" <<'JFC'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0">
  <event name="jdk.ThreadAllocationStatistics"><setting name="enabled">true</setting><setting name="period">1 s</setting></event>
</configuration>
JFC
. "$(dirname "$0")/bench-gateway.sh"
start_bench_gateway "$out" 10000 "$@"
"${bin}jcmd" "$gw" JFR.start name=alloc settings="$out/alloc.jfc" filename="$out/alloc.jfr" > /dev/null
sleep 1.5 # a first sample of every thread before the load
"${bin}java" -cp "$cp" io.precis.perf.gateway.LoadOnly "$out/target.json" 20 64 2>/dev/null | tee "$out/load.txt" | sed 's/^/measured: /'
sleep 1.5 # and a last one after it
"${bin}jcmd" "$gw" JFR.stop name=alloc > /dev/null
"${bin}jfr" print --json --events jdk.ThreadAllocationStatistics "$out/alloc.jfr" > "$out/alloc.json"
python3 - "$out/alloc.json" "$out/load.txt" <<'PY'
import json, re, sys
events = json.load(open(sys.argv[1]))["recording"]["events"]
first, last = {}, {}
for e in events:
    v = e["values"]
    if not v.get("thread"):
        continue
    tid, name = v["thread"]["javaThreadId"], v["thread"]["javaName"] or "?"
    first.setdefault(tid, v["allocated"])
    last[tid] = (v["allocated"], re.sub(r"[-0-9]+$", "", name))
load = open(sys.argv[2]).read()
answered = float(re.search(r"answered (\d+)/s", load).group(1)) * 20
by = {}
for tid, (a, name) in last.items():
    by[name] = by.get(name, 0) + a - first[tid]
total = sum(by.values())
print("%.1f KB per request (%.0f MB over %.0f requests)" % (total / answered / 1e3, total / 1e6, answered))
for name, b in sorted(by.items(), key=lambda x: -x[1])[:6]:
    print("  %-32s %6.1f KB" % (name, b / answered / 1e3))
PY
