#!/usr/bin/env bash
# Whole-process start-up of the CLI, side by side with docker's, interleaved in one run (this machine is noisy:
# read the medians and the ratios). Prints a markdown table for docs/benchmarks.md.
#   bash bench/cli/run.sh          # N=20 rounds
#   N=50 bash bench/cli/run.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export DOCKER_HOST="${DOCKER_HOST:-unix:///run/sdock-engine/docker.sock}"
n="${N:-20}"
docker image inspect leftpad >/dev/null 2>&1 || { echo "the leftpad image is missing: run scripts/images" >&2; exit 1; }
bash "$root/scripts/cli" >/dev/null 2>&1 || { echo "scripts/cli failed: run it to see why" >&2; exit 1; }
full=(dotnet "$root/artifacts/bin/ServerlessDocker.Cli/release/sdock.dll")   # the JIT build, for comparison

# Milliseconds of one run of "$@", output discarded; fails the benchmark if the command fails.
ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

declare -a sdock_run docker_run full_run sdock_help docker_help full_help
for ((i = 0; i < n; i++)); do
  sdock_run+=("$(ms "$root/sdock" run --network none leftpad foo 5)")
  docker_run+=("$(ms docker run --rm --network none leftpad foo 5)")
  full_run+=("$(ms "${full[@]}" run --network none leftpad foo 5)")
  sdock_help+=("$(ms "$root/sdock" --help)")
  docker_help+=("$(ms docker --help)")
  full_help+=("$(ms "${full[@]}" --help)")
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
sr=$(median "${sdock_run[@]}"); dr=$(median "${docker_run[@]}"); fr=$(median "${full_run[@]}")
sh=$(median "${sdock_help[@]}"); dh=$(median "${docker_help[@]}"); fh=$(median "${full_help[@]}")
echo "| command (N=$n, interleaved) | ./sdock (native) median (ms) | docker median (ms) | ./sdock / docker | full build (JIT) median (ms) | full / docker |"
echo "|---|---:|---:|---:|---:|---:|"
echo "| \`run --network none leftpad foo 5\` (\`docker run --rm\`) | $sr | $dr | $(ratio "$sr" "$dr") | $fr | $(ratio "$fr" "$dr") |"
echo "| \`--help\` | $sh | $dh | $(ratio "$sh" "$dh") | $fh | $(ratio "$fh" "$dh") |"
