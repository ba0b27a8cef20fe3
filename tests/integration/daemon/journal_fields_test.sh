#!/usr/bin/env bash
# journal_fields_test.sh BUILD_DIR — wedge's log lines reach a real journald with their fields, so
# that `journalctl STATION=pick-1` selects a station's lines (issue 22, item 5).
#
# journald does not run on a build machine, and sd_journal_send(3) always writes to
# /run/systemd/journal/socket. So the test re-runs itself in a private mount namespace (unshare:
# root, or a user namespace) with tmpfs over /run/systemd and /run/log, and starts the system's own
# systemd-journald there; nothing outside the namespace sees it. Then, as under systemd:
#   - wedge runs with stdout/stderr on journald's stream socket (systemd-cat) and JOURNAL_STREAM set
#     to that socket's device:inode, so `log.target: auto` must detect the journal by itself;
#   - a real mosquitto carries a pick_list for order O-J1 to station pick-1 (scanner scanner-1);
#   - `wedgectl scan pick-1` injects a scan the station refuses;
#   - journalctl (the real one, reading the namespace's journal files) must find the lines by
#     STATION=, ORDER_ID=, DEVICE= and EVENT_ID=, with PRIORITY= and SYSLOG_IDENTIFIER=wedge.
set -uo pipefail

build_dir=$(cd "$1" && pwd)
if [ "${WEDGE_JOURNAL_NAMESPACE:-}" != 1 ]; then
  unshare_flags=(--mount --propagation private)
  [ "$(id -u)" -eq 0 ] || unshare_flags+=(--map-root-user)
  exec env WEDGE_JOURNAL_NAMESPACE=1 unshare "${unshare_flags[@]}" bash "$0" "$@"
fi

tmp=$(mktemp -d /tmp/wedge-journal-test.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
die() { echo "FAIL: $*" >&2; for f in "$tmp"/*.log; do echo "--- $f" >&2; cat "$f" >&2; done; exit 1; }
# wait_for SECONDS COMMAND...: poll every 0.1 s until COMMAND succeeds.
wait_for() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    [ $SECONDS -lt "$deadline" ] || return 1
    sleep 0.1
  done
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# --- a journald of our own ------------------------------------------------------------------------
mkdir -p /run/systemd /run/log
mount -t tmpfs tmpfs /run/systemd || die "cannot mount a tmpfs on /run/systemd in the namespace"
mount -t tmpfs tmpfs /run/log || die "cannot mount a tmpfs on /run/log in the namespace"
mkdir -p /run/systemd/journal
/lib/systemd/systemd-journald >"$tmp/journald.log" 2>&1 &
pids+=($!)
wait_for 10 test -S /run/systemd/journal/stdout || die "systemd-journald did not open its sockets"
journal() { journalctl -D /run/log/journal --no-pager "$@"; }

# --- broker, config, wedge --------------------------------------------------------------------------
broker_port=$(free_port) http_port=$(free_port) scanner_port=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$broker_port" >"$tmp/mosquitto.conf"
mosquitto -c "$tmp/mosquitto.conf" >"$tmp/mosquitto.log" 2>&1 &
pids+=($!)
wait_for 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$broker_port" 2>/dev/null || die "mosquitto did not start"

cat >"$tmp/wedge.yaml" <<YAML
site: s1
gateway: gw1
state_dir: $tmp/state
log:
  level: debug
  target: auto
broker:
  uri: mqtt://127.0.0.1:$broker_port
http:
  listen: 127.0.0.1:$http_port
devices:
  - {id: scanner-1, kind: scanner, driver: tcp, host: 127.0.0.1, port: $scanner_port}
stations:
  - {id: pick-1, steps: [pick], scanner: scanner-1}
YAML
# As systemd runs a service: stdout and stderr on journald's stream socket, JOURNAL_STREAM naming it.
systemd-cat -t wedge-stderr bash -c \
  'export JOURNAL_STREAM=$(stat -L -c "%d:%i" /proc/self/fd/2); exec "$0" --config "$1"' \
  "$build_dir/daemon/wedge" "$tmp/wedge.yaml" &
pids+=($!)
wait_for 20 bash -c "exec 3<>/dev/tcp/127.0.0.1/$http_port" 2>/dev/null || die "wedge did not listen on $http_port"

mosquitto_pub -p "$broker_port" -q 1 -t wedge/v1/s1/gw1/cmd/pick_list -m \
  '{"schema":1,"id":"c-j1","type":"pick_list","order_id":"O-J1","station":"pick-1","data":{"lines":[{"sku":"A-1","qty":1,"gtins":["4006381330428"]}]}}' ||
  die "mosquitto_pub failed"
has_entry() { [ -n "$(journal "$@" -o cat)" ]; }
wait_for 20 has_entry STATION=pick-1 ORDER_ID=O-J1 || die "no journal entry with STATION=pick-1 ORDER_ID=O-J1 after the pick list"
pass "journalctl STATION=pick-1 ORDER_ID=O-J1 finds: $(journal STATION=pick-1 ORDER_ID=O-J1 -o cat | head -1)"

"$build_dir/tools/wedgectl/wedgectl" --url "http://127.0.0.1:$http_port" scan pick-1 4000000000000 >"$tmp/wedgectl.log" 2>&1
wait_for 10 bash -c "journalctl -D /run/log/journal --no-pager -o cat STATION=pick-1 | grep -q 'scan refused'" ||
  fail "the refused scan has no STATION=pick-1 entry"
refused=$(journal STATION=pick-1 -o json | grep 'scan refused' | head -1)
grep -q '"ORDER_ID":"O-J1"' <<<"$refused" && pass "the refused scan carries ORDER_ID=O-J1" ||
  fail "the refused scan lacks ORDER_ID=O-J1: $refused"
grep -q '"PRIORITY":"6"' <<<"$refused" && pass "the refused scan is filed at PRIORITY=6 (info)" ||
  fail "the refused scan has another priority: $refused"
grep -q '"SYSLOG_IDENTIFIER":"wedge"' <<<"$refused" && pass "SYSLOG_IDENTIFIER=wedge" ||
  fail "no SYSLOG_IDENTIFIER=wedge: $refused"
grep -q '"_TRANSPORT":"journal"' <<<"$refused" && pass "sent natively (_TRANSPORT=journal), not as a stderr line" ||
  fail "not sent natively: $refused"

stored=$(journal ORDER_ID=O-J1 -o json | grep '"EVENT_ID":' | head -1)
[ -n "$stored" ] && grep -q '"PRIORITY":"7"' <<<"$stored" &&
  pass "the order's events carry EVENT_ID= (debug): $(journal ORDER_ID=O-J1 -o cat | grep event_id= | head -1)" ||
  fail "no entry of order O-J1 with EVENT_ID= at PRIORITY=7"
has_entry DEVICE=scanner-1 && pass "journalctl DEVICE=scanner-1 finds: $(journal DEVICE=scanner-1 -o cat | head -1)" ||
  fail "no journal entry with DEVICE=scanner-1"
has_entry STATION=pick-9 && fail "an unknown station matched entries" || pass "journalctl STATION=pick-9 finds nothing"
[ -z "$(journal -t wedge-stderr -o cat)" ] && pass "nothing came as plain stderr lines" ||
  fail "lines went to stderr: $(journal -t wedge-stderr -o cat | head -3)"

if [ "$failures" -ne 0 ]; then
  for f in "$tmp"/*.log; do echo "--- $f" >&2; cat "$f" >&2; done
  journal -o short >&2
  exit 1
fi
echo "all journal checks passed"
