#!/bin/sh
# leftpad STRING LENGTH [CHAR]: pads STRING on the left to LENGTH characters.
set -eu
if [ $# -lt 2 ]; then
  echo "usage: leftpad STRING LENGTH [CHAR]" >&2
  exit 2
fi
str=$1 len=$2 ch=${3:- }
case $len in ''|*[!0-9]*) echo "leftpad: LENGTH must be a number, got '$len'" >&2; exit 2 ;; esac
pad=$((len - ${#str}))
out=$str
while [ "$pad" -gt 0 ]; do out="$ch$out"; pad=$((pad - 1)); done
printf '%s\n' "$out"
