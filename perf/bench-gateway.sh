# Sourced by the gateway profiling scripts: start_bench_gateway OUT CAMPAIGNS [JVM options...]
# starts the bench gateway (BenchGateway serve) in the background with its log in OUT, sets $gw to
# its pid (killed when the script exits), waits until it serves, then warms it for 15 s with 64
# connections (LoadOnly). Needs $bin (a java bin dir prefix, or empty) and $cp (perf's class path).
start_bench_gateway() {
  local out="$1" campaigns="$2"
  shift 2
  "${bin}java" --add-modules jdk.incubator.vector "$@" -cp "$cp" io.precis.perf.gateway.BenchGateway serve \
    "$campaigns" "$out/target.json" "$out/data" > "$out/gateway.log" 2>&1 &
  gw=$!
  trap 'kill "$gw" 2>/dev/null || true' EXIT
  until [ -f "$out/target.json" ]; do
    kill -0 "$gw" 2>/dev/null || { tail -20 "$out/gateway.log" >&2; exit 1; }
    sleep 1
  done
  "${bin}java" -cp "$cp" io.precis.perf.gateway.LoadOnly "$out/target.json" 15 64 2>/dev/null | sed 's/^/warm-up: /'
}
