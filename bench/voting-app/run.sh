#!/usr/bin/env bash
# The voting app's figures, side by side: `scripts/voting-app up` under a bench name (image build times and sizes),
# PostgreSQL's ready time, GET /result latency warm (the app's own function) and cold (the same image served by a
# cold function added for the bench), GET /vote latency (cold: scoped functions are never warm) and vote-to-counted
# time (POST /vote until /result/votes shows it). Prints medians and the cold/warm ratio; tears everything down.
#   N=30 bash bench/voting-app/run.sh          (BUILD=0: reuse the images on the engine: no build times)
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
cd "$SDOCK_ROOT" || exit 1
n="${N:-30}"
export VOTING_APP_NAME="sdock-bench-voting" VOTING_APP_PORT="${VOTING_APP_PORT:-8097}"
export VOTING_APP_STATE="$SDOCK_ROOT/.sdock/$VOTING_APP_NAME"
url="http://127.0.0.1:$VOTING_APP_PORT"
out="$(mktemp -d)"
trap 'bash scripts/voting-app down >/dev/null 2>&1 || true; rm -rf "$out"' EXIT

median() { sort -n "$1" | awk '{a[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
p90() { sort -n "$1" | awk '{a[NR]=$1} END {i=int(NR*0.9+0.999); if (i<1) i=1; print a[i]}'; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.4f\n", b - a}'; }

up_command=up
[ "${BUILD:-1}" = 0 ] && export VOTING_APP_BUILD=0
log "scripts/voting-app $up_command"
up_started=$(now)
bash scripts/voting-app "$up_command" 2>"$out/up.log" >"$out/up.out" || { cat "$out/up.log" >&2; die "$up_command failed"; }
up_total=$(elapsed "$up_started" "$(now)")
DOCKER_HOST="${DOCKER_HOST:-unix://$SDOCK_ENGINE_SOCK}"
export DOCKER_HOST

echo "## Images"
printf '| image | size (MB) | build (s) |\n|---|---:|---:|\n'
for image in voting-postgres voting-vote voting-record-vote voting-result; do
  size=$(docker image inspect -f '{{.Size}}' "$image")
  secs=$(sed -n "s/.*built $image (\([0-9]*\) s).*/\1/p" "$out/up.log" | tail -n 1)
  printf '| %s | %.1f | %s |\n' "$image" "$(awk -v s="$size" 'BEGIN {print s / 1000000}')" "${secs:-?}"
done
echo "scripts/voting-app $up_command, until the app answers: ${up_total} s"

# PostgreSQL: container start to accepting connections (the data directory is initialised in the image).
net="$VOTING_APP_NAME-readynet"
docker network create --internal --label "io.sdock.voting-app=$VOTING_APP_NAME" "$net" >/dev/null
for i in 1 2 3 4 5; do
  started=$(now)
  docker run -d --name "$VOTING_APP_NAME-ready-$i" --label "io.sdock.voting-app=$VOTING_APP_NAME" --network "$net" voting-postgres >/dev/null
  until docker exec "$VOTING_APP_NAME-ready-$i" pg_isready -q 2>/dev/null; do sleep 0.02; done
  elapsed "$started" "$(now)" >>"$out/ready"
  docker rm -f -v "$VOTING_APP_NAME-ready-$i" >/dev/null
done
docker network rm "$net" >/dev/null
echo "PostgreSQL ready after docker run (median of 5, includes docker run and exec): $(median "$out/ready") s"

# A cold twin of the warm result function, same image and settings, for the side-by-side figure.
python3 - "$VOTING_APP_STATE/functions.yaml" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
block = text[text.index("  result:"):]
cold = block.replace("  result:", "  result-cold:", 1).replace("route: /result", "route: /result-cold", 1)
cold = re.sub(r"\n    warm:.*", "", cold)
open(path, "w").write(text.rstrip("\n") + "\n" + cold)
PY
for ((i = 0; i < 100; i++)); do curl -fsS -o /dev/null "$url/result-cold/votes" 2>/dev/null && break; sleep 0.2; done

get() { curl -fsS -o /dev/null -w '%{time_total}\n' "$url$1"; }
for ((i = 0; i < n; i++)); do
  get /result >>"$out/result-warm"
  get /result-cold >>"$out/result-cold"
  get /vote >>"$out/vote-get"
done

# Vote to counted: a new voter posts, then /result/votes (warm) is polled until the total grows.
total() { curl -fsS "$url/result/votes" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["a"]+d["b"])'; }
for ((i = 0; i < n; i++)); do
  before=$(total)
  started=$(now)
  curl -fsS -o /dev/null -w '%{time_total}\n' -d vote=a "$url/vote" >>"$out/vote-post"
  until [ "$(total)" -gt "$before" ]; do sleep 0.02; done
  elapsed "$started" "$(now)" >>"$out/counted"
done

echo
echo "## Latency (n=$n each, interleaved; seconds)"
printf '| request | function | p50 | p90 |\n|---|---|---:|---:|\n'
printf '| GET /result | warm (min 1, max 4) | %s | %s |\n' "$(median "$out/result-warm")" "$(p90 "$out/result-warm")"
printf '| GET /result | cold (same image) | %s | %s |\n' "$(median "$out/result-cold")" "$(p90 "$out/result-cold")"
printf '| GET /vote | cold (scoped) | %s | %s |\n' "$(median "$out/vote-get")" "$(p90 "$out/vote-get")"
printf '| POST /vote | cold (scoped), starts record-vote | %s | %s |\n' "$(median "$out/vote-post")" "$(p90 "$out/vote-post")"
printf '| vote to counted | POST /vote until /result/votes shows it | %s | %s |\n' "$(median "$out/counted")" "$(p90 "$out/counted")"
echo
echo "GET /result cold/warm p50 ratio: $(awk -v c="$(median "$out/result-cold")" -v w="$(median "$out/result-warm")" 'BEGIN {printf "%.1fx\n", c / w}')"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
