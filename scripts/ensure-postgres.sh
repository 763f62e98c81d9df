#!/usr/bin/env bash
# Makes sure the local PostgreSQL server the test suite uses is running, starting the Debian
# cluster if it is down, and waits until it accepts connections. Used by .ci/run and by the
# test suite's global setup, so `npm test` works on a machine where PostgreSQL stopped.
set -euo pipefail
host="${PGHOST:-127.0.0.1}"
port="${PGPORT:-5432}"

ready() { pg_isready -q -h "$host" -p "$port" 2>/dev/null; }

if ready; then exit 0; fi
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  for version in $(ls /etc/postgresql); do
    echo "PostgreSQL is not answering on $host:$port; starting cluster $version/main" >&2
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
fi
for _ in $(seq 1 60); do
  if ready; then exit 0; fi
  sleep 0.5
done
echo "PostgreSQL did not become ready on $host:$port within 30 s" >&2
exit 1
