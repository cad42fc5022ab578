#!/bin/sh
# Fans the work out to child containers through this function's own scoped Docker API.
set -e
word="${1:-hello}"
echo "parent: my scope shows $(docker ps -aq | wc -l) container(s); the host's others are invisible"
for i in 1 2 3; do
  docker run --rm --network none busybox echo "child $i says $word"
done
# Left running on purpose: the proxy removes it when this function's container is removed.
docker run -d --network none --label io.sdock.example.word="$word" busybox sleep 600 >/dev/null
echo "parent: left 1 child running; it goes away with me"
