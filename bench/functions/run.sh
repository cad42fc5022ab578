#!/usr/bin/env bash
# C# functions (docs/functions.md): image size, `sdock build` time cold and incremental, and process start of the
# built image against busybox on the same engine, interleaved in one run (this machine is noisy: read the medians
# and the ratios). Uses tests/functions/hello-cgi-cs.
#   bash bench/functions/run.sh        # N=20 rounds
#   N=50 bash bench/functions/run.sh
#   COLD=0 bash bench/functions/run.sh # skip the cold build (it deletes the project's obj/bin first)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export DOCKER_HOST="${DOCKER_HOST:-unix:///run/sdock-engine/docker.sock}"
n="${N:-20}"
image=sdock-bench/hello-cgi-cs
project="$root/tests/functions/hello-cgi-cs"
docker image inspect busybox >/dev/null 2>&1 || { echo "the busybox image is missing: run scripts/images" >&2; exit 1; }
"$root/sdock" --help >/dev/null   # builds the CLI if it is stale, outside the measurement

secs() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@" >&2 || true; exit 1; }
  end=$(date +%s%N)
  awk -v ns=$((end - start)) 'BEGIN { printf "%.1f", ns / 1e9 }'
}
ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

# Build: cold = the project's intermediate output removed (the NuGet cache, ILCompiler included, stays: offline).
cold="skipped"
if [ "${COLD:-1}" = 1 ]; then
  rm -rf "$root/artifacts/obj/HelloCgi" "$root/artifacts/bin/HelloCgi" "$root/artifacts/publish/HelloCgi"
  cold="$(secs "$root/sdock" build "$project" -t "$image")"
fi
incremental="$(secs "$root/sdock" build "$project" -t "$image")"
touch "$project/Program.cs"
touched="$(secs "$root/sdock" build "$project" -t "$image")"
size="$(docker image inspect --format '{{.Size}}' "$image")"

# The executable itself, outside any container, against the host's /bin/true.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"; docker rm -f sdock-bench-extract >/dev/null 2>&1 || true' EXIT
docker create --name sdock-bench-extract "$image" >/dev/null
docker cp -q sdock-bench-extract:/hello-cgi-cs "$tmp/hello-cgi-cs"
docker rm -f sdock-bench-extract >/dev/null

declare -a fn_run bb_run fn_proc true_proc
for ((i = 0; i < n; i++)); do
  fn_run+=("$(ms docker run --rm --network none "$image")")
  bb_run+=("$(ms docker run --rm --network none busybox true)")
  fn_proc+=("$(ms "$tmp/hello-cgi-cs" </dev/null)")
  true_proc+=("$(ms /bin/true)")
done
fr="$(median "${fn_run[@]}")"; br="$(median "${bb_run[@]}")"
fp="$(median "${fn_proc[@]}")"; tp="$(median "${true_proc[@]}")"

echo "| measure (N=$n, medians) | C# function (hello-cgi-cs) | baseline | ratio |"
echo "|---|---|---|---|"
echo "| image size | $(awk -v s="$size" 'BEGIN { printf "%.2f MB", s / 1048576 }') | busybox $(docker image inspect --format '{{.Size}}' busybox | awk '{ printf "%.2f MB", $1 / 1048576 }') | |"
echo "| sdock build, cold (obj/bin removed) | ${cold} s | | |"
echo "| sdock build, nothing changed | ${incremental} s | | |"
echo "| sdock build, Program.cs touched | ${touched} s | | |"
echo "| docker run --rm (create, start, wait, remove) | ${fr} ms | busybox true ${br} ms | $(ratio "$fr" "$br") |"
echo "| process start on the host | ${fp} ms | /bin/true ${tp} ms | $(ratio "$fp" "$tp") |"
docker image rm -f "$image" >/dev/null
