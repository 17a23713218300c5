#!/usr/bin/env bash
# Makes sure PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) answer, starting them — or
# installing them from Debian's packages — when they do not. Used by the test command.
set -euo pipefail

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() {  # port, name
  for _ in $(seq 1 30); do listening "$1" && return 0; sleep 1; done
  echo "$2 did not start on 127.0.0.1:$1" >&2
  return 1
}

sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"

if ! listening 5432; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    echo "==> Installing PostgreSQL"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql
    # A test machine: let the postgres user in over loopback without a password, as the test
    # settings and CI expect (Debian's default asks for one).
    hba="$(ls -d /etc/postgresql/*/main | sort -V | tail -n1)/pg_hba.conf"
    $sudo sed -i '1i host all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust' "$hba"
  fi
  echo "==> Starting PostgreSQL"
  $sudo pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start \
    || true
  wait_for 5432 PostgreSQL
fi

if ! listening 6379; then
  if ! command -v redis-server >/dev/null; then
    echo "==> Installing Redis"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server
  fi
  echo "==> Starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no
  wait_for 6379 Redis
fi
