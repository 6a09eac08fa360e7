#!/usr/bin/env bash
# Official-SDK compatibility check for keyless-fake-gateway.
#
# Builds the fake's binary, installs the official Akeyless Python SDK (pinned in
# requirements.txt) into a virtual environment, starts the fake from seed.yaml and drives it
# through the SDK twice: over plain HTTP and over HTTPS with the CA the fake generates.
# When node and npm are present, the JavaScript SDK check runs too; it is informative only and
# never fails this script.
#
# Environment:
#   CARGO_TARGET_DIR      where cargo builds (default: <repo>/target)
#   SDK_COMPAT_PROFILE    "debug" (default) or "release"
#   SDK_COMPAT_VENV       virtual environment path (default: $CARGO_TARGET_DIR/sdk-compat-venv)
#   SDK_COMPAT_SKIP_JS    set to 1 to skip the JavaScript extra
#
# Exit status: 0 when every Python check passed in both runs, non-zero otherwise.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$repo/target}"
profile="${SDK_COMPAT_PROFILE:-debug}"
venv="${SDK_COMPAT_VENV:-$target_dir/sdk-compat-venv}"
work="$(mktemp -d "${TMPDIR:-/tmp}/sdk-compat.XXXXXX")"
server_pid=""

# Credentials of seed.yaml (throw-away values for a loopback fake).
access_id="p-xt3sT2nah7gpam"
access_key="c2RrLWNvbXBhdC1hY2Nlc3Mta2V5LW5vdC1hLXJlYWwtb25l"
reader_access_id="p-rd9sT2nah7gpam"
reader_access_key="c2RrLWNvbXBhdC1yZWFkZXIta2V5LW5vdC1hLXJlYWwtb25l"

stop_server() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$server_pid" 2>/dev/null; then
            echo "sdk-compat: the fake did not stop on SIGTERM within 5 s; killing it" >&2
            kill -KILL "$server_pid" 2>/dev/null || true
        fi
        wait "$server_pid" 2>/dev/null || true
    fi
    server_pid=""
}

cleanup() {
    stop_server
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

started=$SECONDS
echo "sdk-compat: building keyless-fake-gateway ($profile)"
build_flags=(-p keyless-fake --bin keyless-fake-gateway)
if [[ "$profile" == "release" ]]; then
    build_flags+=(--release)
fi
(cd "$repo" && CARGO_TARGET_DIR="$target_dir" cargo build --quiet "${build_flags[@]}")
binary="$target_dir/$profile/keyless-fake-gateway"

echo "sdk-compat: preparing the Python SDK in $venv"
if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
fi
if ! cmp -s "$here/requirements.txt" "$venv/.sdk-compat-requirements" 2>/dev/null; then
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
    cp "$here/requirements.txt" "$venv/.sdk-compat-requirements"
fi

# Start the fake and wait for its ready file, which names the URLs it serves.
start_server() {
    local name="$1"
    shift
    local ready="$work/$name.ready"
    "$binary" --seed "$here/seed.yaml" --ready-file "$ready" "$@" \
        >"$work/$name.out" 2>"$work/$name.log" &
    server_pid=$!
    for _ in $(seq 1 300); do
        if [[ -s "$ready" ]]; then
            return 0
        fi
        if ! kill -0 "$server_pid" 2>/dev/null; then
            echo "sdk-compat: the fake exited before it was ready; its log:" >&2
            cat "$work/$name.log" >&2
            return 1
        fi
        sleep 0.1
    done
    echo "sdk-compat: the fake was not ready within 30 s" >&2
    return 1
}

ready_field() {
    "$venv/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
        "$1" "$2"
}

failures=0
run_python_check() {
    local name="$1"
    shift
    echo "sdk-compat: python check over $name"
    start_server "$name" "$@"
    local host
    host="$(ready_field "$work/$name.ready" gateway_url)"
    local ca_args=()
    if [[ "$host" == https://* ]]; then
        ca_args=(--ca-cert "$(ready_field "$work/$name.ready" ca_pem_file)")
    fi
    if ! "$venv/bin/python" "$here/check_python.py" --host "$host" \
        --access-id "$access_id" --access-key "$access_key" \
        --reader-access-id "$reader_access_id" --reader-access-key "$reader_access_key" \
        "${ca_args[@]}"; then
        failures=$((failures + 1))
        echo "sdk-compat: the fake's log for the failed run ($name):" >&2
        tail -n 40 "$work/$name.log" >&2
    fi
    stop_server
}

run_python_check http
run_python_check https --tls --ca-out "$work/ca.pem"

if [[ "${SDK_COMPAT_SKIP_JS:-0}" != "1" && -x "$(command -v node || true)" \
    && -x "$(command -v npm || true)" ]]; then
    echo "sdk-compat: JavaScript SDK extra (informative, never fails the check)"
    if bash "$here/js/run.sh" "$binary" "$here/seed.yaml" "$work" \
        "$access_id" "$access_key"; then
        echo "sdk-compat: JavaScript SDK extra passed"
    else
        echo "sdk-compat: JavaScript SDK extra did not pass (not a failure of this check)"
    fi
fi

elapsed=$((SECONDS - started))
if [[ "$failures" -ne 0 ]]; then
    echo "sdk-compat: FAILED ($failures of 2 Python runs failed, ${elapsed}s)"
    exit 1
fi
echo "sdk-compat: all Python SDK checks passed over HTTP and HTTPS (${elapsed}s)"
