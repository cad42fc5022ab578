#!/usr/bin/env bash
# Whole-process start-up of the CLI, side by side with docker's, interleaved in one run (this machine is noisy:
# read the medians and the ratios): ./sdock, the installed .NET tool (packed from this checkout), docker and the full
# build. Prints a markdown table for docs/benchmarks.md.
#   bash bench/cli/run.sh          # N=20 rounds
#   N=50 bash bench/cli/run.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export DOCKER_HOST="${DOCKER_HOST:-unix:///run/sdock-engine/docker.sock}"
n="${N:-20}"
docker image inspect leftpad >/dev/null 2>&1 || { echo "the leftpad image is missing: run scripts/images" >&2; exit 1; }
bash "$root/scripts/cli" >/dev/null 2>&1 || { echo "scripts/cli failed: run it to see why" >&2; exit 1; }
full=(dotnet "$root/artifacts/bin/ServerlessDocker.Cli/release/sdock.dll")   # the JIT build, for comparison

# The .NET tool as a user gets it: ServerlessDocker.Cli packed from this checkout, `dotnet tool install`ed.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet pack "$root/src/ServerlessDocker.Cli" -c Release --no-build -nologo -v quiet -o "$work/feed" >&2 \
  || { echo "packing the tool failed" >&2; exit 1; }
version="$(basename "$work"/feed/ServerlessDocker.Cli.[0-9]*.nupkg .nupkg)"; version="${version#ServerlessDocker.Cli.}"
printf '<configuration><packageSources><clear/><add key="feed" value="%s"/><add key="nuget.org" value="https://api.nuget.org/v3/index.json"/></packageSources></configuration>\n' \
  "$work/feed" >"$work/NuGet.config"
NUGET_PACKAGES="$work/packages" dotnet tool install ServerlessDocker.Cli --version "$version" --tool-path "$work/tools" \
  --configfile "$work/NuGet.config" >&2 || { echo "installing the tool failed" >&2; exit 1; }
tool=(env -u SDOCK_FULL_CLI "$work/tools/sdock")

# Milliseconds of one run of "$@", output discarded; fails the benchmark if the command fails.
ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

declare -a sdock_run docker_run full_run tool_run sdock_help docker_help full_help tool_help
for ((i = 0; i < n; i++)); do
  sdock_run+=("$(ms "$root/sdock" run --network none leftpad foo 5)")
  docker_run+=("$(ms docker run --rm --network none leftpad foo 5)")
  full_run+=("$(ms "${full[@]}" run --network none leftpad foo 5)")
  tool_run+=("$(ms "${tool[@]}" run --network none leftpad foo 5)")
  sdock_help+=("$(ms "$root/sdock" --help)")
  docker_help+=("$(ms docker --help)")
  full_help+=("$(ms "${full[@]}" --help)")
  tool_help+=("$(ms "${tool[@]}" --help)")
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
sr=$(median "${sdock_run[@]}"); dr=$(median "${docker_run[@]}"); fr=$(median "${full_run[@]}"); tr=$(median "${tool_run[@]}")
sh=$(median "${sdock_help[@]}"); dh=$(median "${docker_help[@]}"); fh=$(median "${full_help[@]}"); th=$(median "${tool_help[@]}")
echo "| command (N=$n, interleaved) | ./sdock (native) median (ms) | installed tool median (ms) | docker median (ms) | ./sdock / docker | tool / docker | full build (JIT) median (ms) | full / docker |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
echo "| \`run --network none leftpad foo 5\` (\`docker run --rm\`) | $sr | $tr | $dr | $(ratio "$sr" "$dr") | $(ratio "$tr" "$dr") | $fr | $(ratio "$fr" "$dr") |"
echo "| \`--help\` | $sh | $th | $dh | $(ratio "$sh" "$dh") | $(ratio "$th" "$dh") | $fh | $(ratio "$fh" "$dh") |"
