#!/bin/sh
# Answers "hello, NAME" for /hello/NAME; a POST body is echoed back. stderr goes to the gateway's log.
name="${PATH_INFO#/}"
printf 'Content-Type: text/plain\r\n\r\n'
echo "hello, ${name:-world} (${REQUEST_METHOD} ${REQUEST_URI})"
if [ "${CONTENT_LENGTH:-0}" -gt 0 ]; then
  printf 'you sent: '
  cat
  echo
fi
echo "served ${REQUEST_URI} for ${REMOTE_ADDR}" >&2
