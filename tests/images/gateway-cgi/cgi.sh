#!/bin/sh
# Plain mode: the first argument picks the behaviour; stdout is the body.
case "$1" in
  plain-echo) echo "plain:"; cat; exit 0 ;;
  plain-fail) echo "partial output"; echo "plain failure" >&2; exit 7 ;;
  plain-sleep) sleep "${2:-30}"; echo done; exit 0 ;;
  plain-big) head -c "${2:-100000}" /dev/zero | tr '\0' 'x'; exit 0 ;;
esac

crlf() { printf '%s\r\n' "$@"; }

case "$PATH_INFO" in
  /env)
    crlf "Content-Type: text/plain" ""
    env | sort
    printf 'BODY:'
    cat
    ;;
  /echo)
    crlf "Content-Type: ${CONTENT_TYPE:-application/octet-stream}" ""
    cat
    ;;
  /status)
    crlf "Status: 418 I'm a teapot" "Content-Type: text/plain" "X-Custom: yes" "Set-Cookie: a=1" "Set-Cookie: b=2" ""
    echo "short and stout"
    ;;
  /local-redirect)
    crlf "Location: $SCRIPT_NAME/env?from=redirect" ""
    ;;
  /redirect-to)
    # A local redirect to whatever the query names (an attacker's function pointing at another function).
    crlf "Location: $QUERY_STRING" ""
    ;;
  /no-content)
    # A body where HTTP allows none, and a forged gateway header.
    crlf "Status: ${QUERY_STRING:-204} No Content" "X-Call-Id: forged" "X-Function: kept" ""
    echo "a body a 204 must not carry"
    ;;
  /client-redirect)
    crlf "Location: http://example.invalid/elsewhere" ""
    ;;
  /split-header)
    # A bare CR inside a value: some clients would read "Set-Cookie: evil=1" as a second header.
    printf 'Content-Type: text/plain\r\nX-A: ok\rSet-Cookie: evil=1\r\n\r\nbody'
    ;;
  /backslash-redirect)
    # Slash + backslash: browsers read it as "//evil.example", so it must not reach the client as a redirect.
    printf 'Location: /\\evil.example/\r\n\r\n'
    ;;
  /malformed)
    echo "this is not a header"
    echo
    echo "body"
    ;;
  /no-blank-line)
    echo "Content-Type: text/plain"
    ;;
  /nothing)
    exit 0
    ;;
  /stream)
    crlf "Content-Type: text/plain" ""
    echo "first"
    sleep 4
    echo "second"
    ;;
  /sleep)
    crlf "Content-Type: text/plain" ""
    sleep 60
    ;;
  /sleep-before-headers)
    sleep 60
    ;;
  /big)
    crlf "Content-Type: text/plain" ""
    head -c "${QUERY_STRING:-100000}" /dev/zero | tr '\0' 'x'
    ;;
  /stderr)
    echo "this line goes to the log" >&2
    crlf "Content-Type: text/plain" ""
    echo "stdout only"
    ;;
  /exit-after-body)
    crlf "Content-Type: text/plain" ""
    echo "body then failure"
    exit 3
    ;;
  /fail)
    echo "failing on purpose" >&2
    exit 1
    ;;
  /limits)
    crlf "Content-Type: text/plain" ""
    echo "pids=$(cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max 2>/dev/null)"
    echo "memory=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max 2>/dev/null)"
    echo "cpu=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cut -d' ' -f1 /sys/fs/cgroup/cpu.max 2>/dev/null)"
    echo "net=$(ls /sys/class/net | tr '\n' ' ')"
    if touch /written 2>/dev/null; then echo "rootfs=writable"; else echo "rootfs=readonly"; fi
    ;;
  *)
    crlf "Status: 404 Not Found" "Content-Type: text/plain" ""
    echo "no such path: $PATH_INFO"
    ;;
esac
