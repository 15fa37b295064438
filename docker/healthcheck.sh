#!/bin/bash
# The images' HEALTHCHECK: GET /healthz on 127.0.0.1:PORT over HTTP/1.0, with
# bash's /dev/tcp, healthy on a 200. No curl needed in the image.
#   rtm-healthcheck PORT
set -euo pipefail
exec 3<>"/dev/tcp/127.0.0.1/$1"
printf 'GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
read -r _ status _ <&3
[ "$status" = 200 ]
