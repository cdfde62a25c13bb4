#!/usr/bin/env bash
# A CPU profile of the running gateway under ad-request load (issue 12): starts the bench gateway
# (10k campaigns, BenchGateway serve), warms it for 15 s with 64 connections (LoadOnly), records
# JFR (settings=profile) over 20 s more of the same load, then prints the shares by thread, the
# top frames by self time and the top inclusive frames (perf/jfr-shares.py).
#   ./precis build && [PROFILE_SECONDS=20] perf/gateway-profile.sh OUT_DIR [CAMPAIGNS]
# Needs java 21+ on PATH (or JAVA_HOME) and python3. The load generator runs on the same machine.
set -euo pipefail
out="$1"; campaigns="${2:-10000}"; seconds="${PROFILE_SECONDS:-20}"
bin="${JAVA_HOME:+$JAVA_HOME/bin/}"
mkdir -p "$out"; rm -rf "${out:?}"/*
cp="perf/target/classes:perf/target/lib/*"
. "$(dirname "$0")/bench-gateway.sh"
start_bench_gateway "$out" "$campaigns" -XX:FlightRecorderOptions:stackdepth=256
"${bin}jcmd" "$gw" JFR.start name=load settings=profile filename="$out/gateway.jfr" > /dev/null
"${bin}java" -cp "$cp" io.precis.perf.gateway.LoadOnly "$out/target.json" "$seconds" 64 2>/dev/null | sed 's/^/profiled: /'
"${bin}jcmd" "$gw" JFR.stop name=load > /dev/null
"${bin}jfr" print --json --stack-depth 256 --events jdk.ExecutionSample "$out/gateway.jfr" > "$out/samples.json"
python3 "$(dirname "$0")/jfr-shares.py" "$out/samples.json" 40
