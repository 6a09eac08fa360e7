#!/usr/bin/env bash
# The JavaScript SDK extra of sdk-compat/run.sh (informative: the caller never fails on it).
# Arguments: BINARY SEED WORK_DIR ACCESS_ID ACCESS_KEY
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
binary="$1" seed="$2" work="$3" access_id="$4" access_key="$5"
modules="$work/js"
server_pid=""
trap '[[ -n "$server_pid" ]] && kill -TERM "$server_pid" 2>/dev/null; wait 2>/dev/null || true' EXIT

mkdir -p "$modules"
cp "$here/package.json" "$here/check.js" "$modules/"
(cd "$modules" && timeout 300 npm install --no-audit --no-fund --silent >/dev/null)

"$binary" --seed "$seed" --ready-file "$work/js.ready" >"$work/js.out" 2>"$work/js.log" &
server_pid=$!
for _ in $(seq 1 300); do
    [[ -s "$work/js.ready" ]] && break
    sleep 0.1
done
host="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).gateway_url)' "$work/js.ready")"
node "$modules/check.js" "$host" "$access_id" "$access_key"
