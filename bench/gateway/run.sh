#!/usr/bin/env bash
# Load test of the gateway with `hey` (Debian): requests/second and p50/p99 at concurrency 1, 8 and 32 against the
# same CGI function served by `sdock serve` cold (a container per request) and warm (a pooled container, a fresh
# process per request), level by level side by side. Fails if any request fails below the concurrency limit or if a
# container is left behind. Prints a markdown table and the warm/cold ratios (paste them into docs/gateway.md).
#
#   bash bench/gateway/run.sh            # default request counts: 100 / 200 / 320 (hey needs >= 100 for a p99)
#   N1=100 N8=100 N32=100 bash bench/gateway/run.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export DOCKER_HOST="${DOCKER_HOST:-unix:///run/sdock-engine/docker.sock}"
art="${SDOCK_BENCH_ARTIFACTS:-/tmp/art-gateway-bench}"
port="${SDOCK_BENCH_PORT:-18080}"
command -v hey >/dev/null || { echo "hey is missing: apt-get install -y hey" >&2; exit 1; }

docker image inspect sdock-test/gateway-cgi >/dev/null 2>&1 || docker build -q -t sdock-test/gateway-cgi "$root/tests/images/gateway-cgi" >/dev/null
dotnet build "$root/src/ServerlessDocker.Cli" -c Release --artifacts-path "$art" -nologo -v quiet -clp:ErrorsOnly >&2
sdock="$art/bin/ServerlessDocker.Cli/release/sdock.dll"
[ -x "$root/artifacts/warm-agent/sdock-agent" ] || bash "$root/scripts/agent"
export SDOCK_WARM_AGENT="$root/artifacts/warm-agent/sdock-agent"

work="$(mktemp -d)"
cp "$root/bench/gateway/functions.yaml" "$work/functions.yaml"
dotnet "$sdock" serve -f "$work/functions.yaml" --listen "127.0.0.1:$port" 2>"$work/gateway.log" &
gw=$!
cleanup() { kill "$gw" 2>/dev/null || true; wait "$gw" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
base="http://127.0.0.1:$port/function"
curl -fsS "$base/bench/echo" >/dev/null        # warm-up: image and page cache
curl -fsS "$base/bench-warm/echo" >/dev/null   # starts the warm pool

echo "| function | concurrency | requests | req/s | p50 (s) | p99 (s) | non-2xx / errors |"
echo "|---|---:|---:|---:|---:|---:|---:|"
failed=0
declare -A rps_of
for c in 1 8 32; do
  n_var="N$c"; n="${!n_var:-$(( c == 1 ? 100 : c == 8 ? 200 : 320 ))}"
  for fn in bench bench-warm; do
    out="$(hey -n "$n" -c "$c" -t 120 "$base/$fn/echo")"
    rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
    p50="$(awk '/ 50% in/ {print $3}' <<<"$out")"
    p99="$(awk '/ 99% in/ {print $3}' <<<"$out")"
    ok="$(awk '/\[200\]/ {print $2}' <<<"$out")"; ok="${ok:-0}"
    bad=$(( n - ok ))
    (( bad == 0 )) || { failed=1; echo "$out" >&2; }
    rps_of[$fn$c]="$rps"
    printf '| %s | %s | %s | %.2f | %s | %s | %s |\n' "$([ "$fn" = bench ] && echo cold || echo warm)" "$c" "$n" "$rps" "$p50" "$p99" "$bad"
  done
done
echo
for c in 1 8 32; do
  awk -v w="${rps_of[bench-warm$c]}" -v k="${rps_of[bench$c]}" -v c="$c" 'BEGIN {printf "warm/cold req/s at c=%s: %.1fx\n", c, w / k}'
done

kill "$gw"; wait "$gw" 2>/dev/null || true
left="$({ docker ps -a -q --filter label=io.sdock.gateway.function=bench; docker ps -a -q --filter label=io.sdock.gateway.function=bench-warm; } | wc -l)"
echo
echo "Containers left after the run: $left"
(( left == 0 )) || { echo "leaked containers" >&2; exit 1; }
(( failed == 0 )) || { echo "some requests failed below the concurrency limit" >&2; exit 1; }
