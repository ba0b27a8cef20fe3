"""The driver behind scripts/demo: starts the broker, the simulators and the daemon, lets the OMS
simulator push the orders and play the shift, takes the broker away in the middle, then prints the
report and checks it against what the OMS received. Exit 0 only when every check holds.

Processes are started in their own process groups and stopped in reverse order on exit (also on
SIGINT/SIGTERM), unless --keep.
"""
import argparse
import datetime
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request

from omssim import check as chk
from omssim import messages
from omssim import orders as od
from omssim.client import OmsClient
from omssim.player import Player
from omssim.returns import Returns

T0 = time.monotonic()
CARRIER_TRACKING = "1Z999AA10123456784"
SAY_LOCK = threading.Lock()


def say(text):
    with SAY_LOCK:
        print(f"[{time.monotonic() - T0:5.1f}s] {text}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout_s):
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


class Procs:
    def __init__(self, run_dir):
        self.run_dir = run_dir
        self.procs = []   # (name, Popen)

    def start(self, name, argv, stdin=subprocess.DEVNULL, log=None):
        out = open(os.path.join(self.run_dir, (log or name) + ".log"), "ab")
        p = subprocess.Popen(argv, stdin=stdin, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append((name, p))
        return p

    def stop(self, name=None, timeout_s=5):
        for n, p in reversed(list(self.procs)):
            if name is not None and n != name:
                continue
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout_s)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
            self.procs.remove((n, p))

    def pids(self):
        return [p.pid for _, p in self.procs if p.poll() is None]


def outbox_figures(state_dir):
    """(last seq, depth) from the daemon's own outbox (read-only; WAL allows a concurrent reader)."""
    db = sqlite3.connect(f"file:{state_dir}/outbox.db?mode=ro", uri=True, timeout=2)
    try:
        max_seq, depth = db.execute("SELECT COALESCE(MAX(seq),0), COUNT(*) FROM events").fetchone()
        meta = db.execute("SELECT COALESCE((SELECT value FROM meta WHERE key='last_seq'),0)").fetchone()[0]
        return max(max_seq, meta), depth
    finally:
        db.close()


KPI_INTERVAL_S = 10  # kpi.interval_s in config/demo.yaml


def ms_of(rfc3339):
    """Unix ms of the gateway's RFC 3339 UTC timestamps (2026-11-27T10:00:00.000Z)."""
    import datetime
    return datetime.datetime.strptime(rfc3339, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp() * 1000.0


def kpi_windows_after(client, t_ms):
    """Stations whose station.kpi window closed after t_ms."""
    return len({e["station"] for e in client.find("station.kpi") if ms_of(e["data"]["window_end"]) > t_ms})


def kpi_sums(client):
    """The station.kpi windows the OMS received, summed over the run."""
    sums = {"windows": 0, "units": 0, "refused": {}, "mismatches": 0, "weighings": 0, "completed": {},
            "cancellations": {}, "at_risk": 0}
    for e in client.find("station.kpi"):
        d = e["data"]
        sums["windows"] += 1
        sums["units"] += d["units_picked"]
        sums["weighings"] += d["weighings"]
        sums["mismatches"] += d["weight_mismatches"]
        sums["at_risk"] += sum(d["orders_at_risk"].values())
        sums["completed"][e["station"]] = sums["completed"].get(e["station"], 0) + d["orders_completed"]
        for k, v in d["refused_by_reason"].items():
            sums["refused"][k] = sums["refused"].get(k, 0) + v
        for k, v in d["cancellations_intercepted"].items():
            sums["cancellations"][k] = sums["cancellations"].get(k, 0) + v
    return sums


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=3) as r:
            return r.read().decode("utf-8")
    except OSError:
        return None


def step_quantiles(metrics_text):
    """{(station, step): {"0.5": s, "0.9": s}} from wedge_station_step_duration_seconds."""
    out = {}
    for m in re.finditer(r'^wedge_station_step_duration_seconds\{station="([^"]*)",step="([^"]*)",'
                         r'quantile="([^"]*)"\} (\S+)$', metrics_text or "", re.M):
        out.setdefault((m.group(1), m.group(2)), {})[m.group(3)] = float(m.group(4))
    return out


def kpi_row_text(row):
    def show(v):
        if v is None:
            return "–"
        if row.get("unit") == "ratio":
            return f"{v * 100:.1f} %"
        if row.get("unit") == "s":
            return f"{v:.1f} s"
        if row.get("unit") == "per_hour":
            return f"{v:.0f}/h"
        return f"{v:g}"
    name = row.get("label", row["name"]) + (f" ({row['station']})" if row.get("station") else "")
    target = "" if row.get("target") is None else f"   target {show(row['target'])}: {'MISSED' if row['missed'] else 'ok'}"
    return f"  {name:<38} {show(row.get('value')):>9}{target}"


def write_config(root, run_dir, ports):
    with open(os.path.join(root, "config", "demo.yaml"), encoding="utf-8") as f:
        text = f.read()
    text = text.replace("mqtt://127.0.0.1:1883", f"mqtt://127.0.0.1:{ports['broker']}")
    text = text.replace("listen: 127.0.0.1:8080", f"listen: 127.0.0.1:{ports['http']}")
    text = re.sub(r"(?m)^state_dir: .*$", f"state_dir: {run_dir}/state", text)
    text = re.sub(r"(?m)^(\s*template_dir:) templates", rf"\1 {root}/config/templates", text)
    for default, key in ((21001, "pick"), (21002, "pack"), (21003, "ship"), (21004, "scale"),
                         (21005, "light"), (21006, "printer"), (21007, "returns")):
        text = text.replace(f"port: {default}", f"port: {ports[key]}")
    path = os.path.join(run_dir, "wedge.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def plan_parcels(order):
    """Orders in several parcels (issue 20): the OMS plans this order in two parcels, the first
    unit of the first line in parcel 1 and everything else in parcel 2."""
    lines = order["data"]["lines"]
    lines[0]["qty"] = 2
    rest = [{"sku": l["sku"], "qty": l["qty"] - (1 if i == 0 else 0)} for i, l in enumerate(lines)]
    order["data"]["parcels"] = [{"lines": [{"sku": lines[0]["sku"], "qty": 1}]},
                                {"lines": [l for l in rest if l["qty"] > 0]}]


def percentile(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100.0 * (len(values) - 1))))]


def main(argv):
    ap = argparse.ArgumentParser(prog="oms-sim play")
    ap.add_argument("--root", required=True)
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--run-dir", required=True)
    ap.add_argument("--orders", type=int, default=30)
    ap.add_argument("--outage-s", type=float, default=15)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args(argv)
    procs = Procs(args.run_dir)
    stopping = threading.Event()

    def on_signal(signo, _frame):
        # One interruption is enough: a second SIGTERM/SIGINT (scripts/demo's traps send TERM on
        # both INT and EXIT) must not cut the clean-up below short and leave simulators running.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        rc = run(args, procs)
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    finally:
        stopping.set()
        if args.keep and procs.pids():
            pids = " ".join(map(str, procs.pids()))
            stop = os.path.join(args.run_dir, "stop")
            with open(stop, "w") as f:
                f.write(f"#!/bin/sh\n# stops what scripts/demo --keep left running\nkill {pids} 2>/dev/null\n"
                        f"sleep 2\nkill -9 {pids} 2>/dev/null\nexit 0\n")
            os.chmod(stop, 0o755)
            print(f"\ndemo: left running (--keep): broker, simulators, daemon (pids {pids})."
                  f"\n  scan by hand: echo CODE > {args.run_dir}/pick-1.fifo"
                  f"\n  stop everything: {stop}")
        else:
            procs.stop()
    # A WEDGE_SANITIZE build: a sanitizer report of the daemon (a leak shows only at its exit) fails
    # the demo whatever the figures say.
    report = sanitizer_report(os.path.join(args.run_dir, "wedge.log"))
    if report and not args.keep:
        print(f"demo: the daemon printed a sanitizer report:\n{report}", file=sys.stderr)
        return 1
    return rc


def sanitizer_report(log_path):
    """The first ASan/LSan/UBSan report in a log, or "" (same markers as tests/support/process.cpp)."""
    try:
        with open(log_path, errors="replace") as f:
            text = f.read()
    except OSError:
        return ""
    found = [i for i in (text.find(m) for m in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                                                ": runtime error: ")) if i >= 0]
    if not found:
        return ""
    start = text.rfind("\n", 0, min(found)) + 1
    return text[start:start + 8000]


def run(args, procs):
    root, run_dir = args.root, args.run_dir
    ports = {k: free_port() for k in ("broker", "http", "pick", "pack", "ship", "scale", "light", "printer",
                                      "printer_ctl", "returns")}
    sim = os.path.join(root, "scripts", "sim")
    # Broker with persistence, so the outage restart keeps the sessions and their queued messages.
    conf = os.path.join(run_dir, "mosquitto.conf")
    with open(conf, "w") as f:
        f.write(f"listener {ports['broker']} 127.0.0.1\nallow_anonymous true\npersistence true\n"
                f"persistence_location {run_dir}/\nautosave_interval 1\nset_tcp_nodelay true\n")
    procs.start("mosquitto", ["/usr/sbin/mosquitto", "-c", conf])
    if not wait_port(ports["broker"], 10):
        raise SystemExit("demo: mosquitto did not start")
    # Scanner FIFOs and the scale control FIFO, each held open by a sleeper so that the simulators
    # never see end-of-input (and --keep users can `echo CODE > FIFO`).
    fifos = {}
    for name in ("pick-1", "pack-1", "ship-1", "scale", "returns-1"):
        path = os.path.join(run_dir, f"{name}.fifo")
        os.mkfifo(path)
        fifos[name] = path
        fd = os.open(path, os.O_RDWR)
        procs.start(f"hold-{name}", ["sleep", "infinity"], stdin=fd)
        os.close(fd)
    for st in ("pick", "pack", "ship", "returns"):
        procs.start(f"scanner-{st}-1", [sys.executable, os.path.join(sim, "scanner-sim"), "--tcp-listen",
                                        str(ports[st]), "--input", fifos[f"{st}-1"]])
    modbus = os.path.join(args.build_dir, "tools", "modbus-sim", "modbus-sim")
    procs.start("scale", [modbus, "--mode", "scale", "--port", str(ports["scale"]), "--control", fifos["scale"]])
    procs.start("light", [modbus, "--mode", "light", "--port", str(ports["light"])])
    os.makedirs(os.path.join(run_dir, "labels"))
    procs.start("printer", [sys.executable, os.path.join(sim, "zpl-printer-sim"), "--port", str(ports["printer"]),
                            "--control-port", str(ports["printer_ctl"]), "--out-dir", os.path.join(run_dir, "labels")])
    for k in ("pick", "pack", "ship", "scale", "light", "printer", "printer_ctl", "returns"):
        if not wait_port(ports[k], 10):
            raise SystemExit(f"demo: simulator {k} did not start")
    config = write_config(root, run_dir, ports)
    wedge = os.path.join(args.build_dir, "daemon", "wedge")
    subprocess.run([wedge, "--check-config", config], check=True)
    procs.start("wedge", [wedge, "--config", config])

    cfg = messages.load_config()
    msgs = messages.CustomerMessages(cfg)
    customer = []
    client = OmsClient(f"mqtt://127.0.0.1:{ports['broker']}", "wedge/v1", "demo-site", "demo-gw",
                       client_id="oms-sim-demo", record=os.path.join(run_dir, "oms.jsonl"))
    player_ref = []

    def on_event(env, recv_ms):
        if player_ref:
            player_ref[0].on_event(env, recv_ms)
        m = msgs.render(env)
        if m:
            customer.append(m)
            if m[0] != "order_confirmed":
                say(f"customer message ({m[0]}): {m[1]}")
    client.on_event = on_event
    if not client.start(10):
        raise SystemExit("demo: OMS simulator cannot connect")
    if not client.wait_for(lambda: any(s.get("online") for s in client.status.values()), 20):
        raise SystemExit(f"demo: the gateway never came online (see {run_dir}/wedge.log)")
    http_url = f"http://127.0.0.1:{ports['http']}"
    try:
        urllib.request.urlopen(http_url + "/healthz", timeout=2).read()
    except urllib.error.HTTPError:
        pass
    except OSError:
        http_url = None
    say(f"gateway online; broker mqtt://127.0.0.1:{ports['broker']}; HTTP "
        f"{http_url or 'not served by this daemon build'}")
    # Wait until the daemon's scanner drivers connected to the simulators.
    for st in ("pick", "pack", "ship", "returns"):
        end = time.monotonic() + 10
        while time.monotonic() < end and b"CONNECTED" not in open(os.path.join(run_dir, f"scanner-{st}-1.log"), "rb").read():
            time.sleep(0.05)

    orders = [od.make_order(i) for i in range(args.orders)]
    if len(orders) > 4:
        orders[3]["data"]["lines"][-1]["qty"] = 2      # the short pick leaves one unit
        orders[4]["data"]["lines"][0]["qty"] = 2       # cancelled after the first of two units
    if len(orders) > 6:
        # The paper-out order may spend 1 s in pack (the station allows 600): it runs late, and the
        # OMS gets order.at_risk while the printer is refilled.
        orders[6]["data"]["time_limits"] = {"pack_s": 1}
    if len(orders) > 8:
        plan_parcels(orders[8])
    if orders:
        # The carrier's own label: printed byte for byte instead of the template, verified and
        # shipped by its tracking number.
        orders[0]["data"]["carrier_labels"] = [od.carrier_label(orders[0], CARRIER_TRACKING)]
    if len(orders) > 9:
        # The early warning: a cut-off 30 minutes away. Before any step is measured the prediction
        # counts the step limits (900 + 600 + 3600 s) and misses it, so the OMS gets order.at_risk
        # (reason ship_by) at once, long before the cut-off and any limit; once the stations have
        # measured each step, the prediction recovers and order.back_on_track follows.
        orders[9]["data"]["ship_by"] = od.ship_by_in(30)
        # It also ships with serials and comes back unannounced (returns).
        orders[9]["data"]["lines"][0]["capture_serials"] = True
    say(f"OMS: pushing {len(orders)} orders")
    for o in orders:
        reply = client.command("pick_list", order_id=o["order_id"], station=o["station"], data=o["data"], timeout_s=20)
        if not reply or reply.get("status") != "accepted":
            raise SystemExit(f"demo: pick_list {o['order_id']} not accepted: {reply}")
    outage_window = []

    def outage():
        say(f"BROKER OUTAGE: stopping mosquitto for {args.outage_s:g} s (stations keep working)")
        outage_window.append(time.time() * 1000.0)
        procs.stop("mosquitto")
        time.sleep(args.outage_s)
        procs.start("mosquitto", ["/usr/sbin/mosquitto", "-c", conf])
        wait_port(ports["broker"], 10)
        outage_window.append(time.time() * 1000.0)
        say("broker back: the gateway replays its outbox")

    player = Player(client, orders, {s: fifos[s] for s in ("pick-1", "pack-1", "ship-1")}, fifos["scale"],
                    printer_control=("127.0.0.1", ports["printer_ctl"]), http_url=http_url,
                    outage_at=len(orders) // 2 if len(orders) < 20 else 15,
                    outage=outage if args.outage_s > 0 else None, log=say)
    player_ref.append(player)
    done = threading.Event()

    def progress():
        while not done.wait(3):
            shipped = len({e["order_id"] for e in client.find("order.shipped")})
            try:
                depth = outbox_figures(os.path.join(run_dir, "state"))[1]
            except sqlite3.Error:
                depth = "?"
            say(f"progress: picked {player.picked}/{len(orders)}, packed {player.packed}, shipped {shipped}; "
                f"OMS has {len(client.events)} events; gateway outbox {depth} waiting; broker "
                f"{'up' if client.connected else 'DOWN'}")
    threading.Thread(target=progress, daemon=True).start()
    player.run()
    done.set()
    returns = Returns(client, fifos["returns-1"], log=say)
    if len(orders) > 9:
        say("RETURNS: one announced (RMA) with a damaged unit, one unannounced with a foreign serial")
        returns.announced_damaged(orders[0])
        returns.unannounced_foreign_serial(orders[9])
    player.returns = returns

    # Drain: the gateway's outbox empty and every event it stored received by the OMS.
    state = os.path.join(run_dir, "state")
    end = time.monotonic() + 20
    last_seq, depth = outbox_figures(state)
    while time.monotonic() < end:
        last_seq, depth = outbox_figures(state)
        if depth == 0 and client.wait_for(lambda: len(client.events) >= last_seq, 0.2):
            break
        time.sleep(0.2)
    time.sleep(0.5)  # late duplicates
    # Every fact so far is in a station.kpi window once the window open at the drain has closed.
    drained_ms = time.time() * 1000.0
    client.wait_for(lambda: kpi_windows_after(client, drained_ms) >= 3, KPI_INTERVAL_S + 5)
    time.sleep(0.5)
    last_seq, depth = outbox_figures(state)
    return report(args, client, player, orders, customer, last_seq, depth, outage_window, run_dir, http_url, ports,
                  procs)


def rfc3339(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def demo_scenario_problems(orders, ev):
    """The carrier label and the early warning (issue 20's demo) as the OMS saw them."""
    problems = []
    if orders:
        oid = orders[0]["order_id"]
        printed = [e for e in ev("label.printed") if e["order_id"] == oid and e["data"].get("carrier_label")]
        shipped = [e for e in ev("order.shipped") if e["order_id"] == oid]
        if not printed or not shipped or shipped[0]["data"].get("tracking") != CARRIER_TRACKING:
            problems.append(f"{oid} did not print the carrier's label and ship by its tracking {CARRIER_TRACKING}")
    if len(orders) > 9:
        oid, ship_by = orders[9]["order_id"], orders[9]["data"]["ship_by"]
        early = [e for e in ev("order.at_risk") if e["order_id"] == oid and e["data"].get("reason") == "ship_by"]
        if not early:
            problems.append(f"{oid} (ship_by {ship_by}) got no early warning")
        elif not (early[0]["data"].get("elapsed_s", 0) < early[0]["data"].get("limit_s", 0)
                  and rfc3339(early[0]["ts"]) < rfc3339(ship_by)):
            problems.append(f"{oid}'s early warning came after its step limit or its cut-off: {early[0]}")
        if not any(e["order_id"] == oid for e in ev("order.back_on_track")):
            problems.append(f"{oid} never got back on track once the stations had measured their steps")
    return problems


def report(args, client, player, orders, customer, last_seq, depth, outage_window, run_dir, http_url, ports, procs):
    ev = client.find
    shipped = {e["order_id"] for e in ev("order.shipped")}
    refused = {}
    for e in ev("scan.refused"):
        refused[e["data"].get("reason")] = refused.get(e["data"].get("reason"), 0) + 1
    cancelled = [(e["order_id"], e["data"].get("intercepted_step")) for e in ev("order.cancelled")]
    labels = len(ev("label.printed"))
    return_labels = len(ev("return.item_graded"))
    try:
        with socket.create_connection(("127.0.0.1", ports["printer_ctl"]), timeout=3) as s:
            s.sendall(b"count\n")
            printer_count = s.makefile().readline().strip()
    except OSError:
        printer_count = "?"
    lat = [l for _, l in player.latencies_ms]
    lat_calm = [l for w, l in player.latencies_ms
                if not (len(outage_window) == 2 and outage_window[0] - 2000 <= w <= outage_window[1] + 5000)]
    result = chk.check_events(chk.load_record(os.path.join(run_dir, "oms.jsonl")), 1, last_seq)
    g = result["gateways"].get("demo-site/demo-gw", {})
    specials = player.special
    expected_cancel = [o for o, k in specials.items() if k.startswith("cancel")]
    expect_shipped = len(orders) - len(expected_cancel)
    short_n = len(ev("pick.short"))
    kinds = {}
    for k, _ in customer:
        kinds[k] = kinds.get(k, 0) + 1

    print("\n================ wedge demo report ================")
    print(f"orders pushed                 {len(orders)}")
    print(f"orders shipped                {len(shipped)}  (expected {expect_shipped})")
    print(f"wrong items stopped           {refused.get('wrong_item', 0)}")
    print(f"expired lots stopped          {refused.get('expired', 0)}")
    print(f"short picks reported          {short_n}"
          f"{'' if http_url else '  (skipped: this daemon build serves no HTTP API to declare it)'}")
    print(f"weight mismatches held        {len(ev('weight.mismatch'))}  (released after repacking)")
    print("cancellations intercepted     " + (", ".join(f"{o} at {s}" for o, s in cancelled) or "none"))
    at_risk = [(e["order_id"], e["data"].get("step"), e["data"].get("limit_s")) for e in ev("order.at_risk")]
    step_risks = [e for e in ev("order.at_risk") if e["data"].get("reason") != "ship_by"]
    print("orders at risk (step limits)  " + (", ".join(
        f"{e['order_id']} at {e['data'].get('step')} ({e['data'].get('reason')}, limit {e['data'].get('limit_s')} s)"
        for e in step_risks) or "none"))
    early = [e for e in ev("order.at_risk") if e["data"].get("reason") == "ship_by"]
    print("early warnings (ship_by)      " + ("; ".join(
        f"{e['order_id']} at {e['data'].get('step')}: predicted {e['data'].get('predicted_ship_at')}, "
        f"{e['data'].get('predicted_late_s'):.0f} s after its ship_by {e['data'].get('ship_by')} "
        f"(basis {json.dumps(e['data'].get('basis'))}), sent {e.get('ts')}" for e in early) or "none"))
    back = ev("order.back_on_track")
    print("back on track                 " + ("; ".join(
        f"{e['order_id']} at {e['data'].get('step')}: predicted {e['data'].get('predicted_ship_at')} "
        f"(basis {json.dumps(e['data'].get('basis'))})" for e in back) or "none"))
    for _, text in [m for m in customer if m[0] == "at_risk_notice"]:
        print(f"  delay notice to the customer: {text}")
    carrier_labels = [e for e in ev("label.printed") if e["data"].get("carrier_label")]
    print("carrier labels                " + (", ".join(
        f"{e['order_id']} tracking {e['data'].get('tracking')}" for e in carrier_labels) or "none"))
    parcel_orders = {e["order_id"] for e in ev("parcel.packed")}
    print("orders in several parcels     " + (", ".join(
        f"{o}: {len([e for e in ev('parcel.packed') if e['order_id'] == o])} parcels packed, shipped with "
        f"{len(next((e['data'].get('parcels', []) for e in ev('order.shipped') if e['order_id'] == o), []))}"
        for o in sorted(parcel_orders)) or "none"))
    print(f"labels printed                {labels}  (printer simulator stored {printer_count}; "
          f"{len(ev('label.voided'))} voided; {return_labels} restock/quarantine)")
    returns = getattr(player, "returns", None)
    return_lines = returns.report_lines() if returns else []
    print("returns                       " + ("\n                              ".join(return_lines) or "none"))
    print(f"events sent by the gateway    {last_seq}  (outbox last seq; {depth} still waiting)")
    print(f"events received by the OMS    {g.get('unique', 0)} unique, {g.get('missing', '?')} missing, "
          f"{g.get('duplicates', 0)} duplicates dropped, {g.get('out_of_order', '?')} out of order")
    print(f"broker outage                 {args.outage_s:g} s; OMS reconnected {max(0, client.connects - 1)} time(s)")
    print(f"scan-to-OMS latency           p50 {percentile(lat, 50):.0f} ms, p99 {percentile(lat, 99):.0f} ms "
          f"over {len(lat)} scans (outside the outage: p50 {percentile(lat_calm, 50):.0f} ms, "
          f"p99 {percentile(lat_calm, 99):.0f} ms)")
    print("customer messages             " + ", ".join(f"{v} {k}" for k, v in sorted(kinds.items())))
    sums = kpi_sums(client)
    status_text = fetch(http_url + "/api/v1/status") if http_url else None
    rows = json.loads(status_text).get("kpis", []) if status_text else []
    quantiles = step_quantiles(fetch(http_url + "/metrics") if http_url else None)
    print(f"KPI figures (gateway, last hour; targets from kpi.targets in config/demo.yaml):")
    for row in rows:
        print(kpi_row_text(row))
    for (station, step), q in sorted(quantiles.items()):
        print(f"  {step + ' time at ' + station:<38} p50 {q.get('0.5', float('nan')):.1f} s, "
              f"p90 {q.get('0.9', float('nan')):.1f} s")
    print(f"station.kpi windows           {sums['windows']} received: {sums['units']} units picked, "
          f"{sum(sums['refused'].values())} scans refused, {sums['mismatches']} weight mismatches, "
          f"{sum(sums['cancellations'].values())} cancellations intercepted, {sums['at_risk']} at risk")
    print(f"station screen                {http_url + '/stations/pack-1' if http_url else 'n/a (no HTTP API in this build)'}")
    print(f"logs                          {run_dir}")
    problems = list(player.errors)
    if not result["ok"] or g.get("unique") != last_seq:
        problems.append(f"OMS received {g.get('unique', 0)} unique events, gateway sent {last_seq}: "
                        + "; ".join(g.get("problems", [])))
    if depth:
        problems.append(f"{depth} events still in the gateway outbox")
    if len(shipped) != expect_shipped:
        problems.append(f"{len(shipped)} orders shipped, expected {expect_shipped}")
    if len(orders) > 7:
        if refused.get("wrong_item", 0) < 1 or refused.get("expired", 0) < 1:
            problems.append("the wrong item or the expired lot was not refused")
        if len(cancelled) != len(expected_cancel):
            problems.append(f"{len(cancelled)} cancellations seen, expected {len(expected_cancel)}")
        if http_url and short_n != 1:
            problems.append(f"{short_n} short picks seen, expected 1")
        if len(ev("weight.mismatch")) != 1:
            problems.append("the weight mismatch was not seen once")
    if len(orders) > 8 and len(ev("parcel.packed")) != 2:
        problems.append(f"{len(ev('parcel.packed'))} parcel.packed events, expected 2 (the order in two parcels)")
    # The KPI windows must add up to what the OMS saw happen.
    units = sum(e["data"].get("qty", 0) for e in ev("pick.item_picked"))
    refused_events = len(ev("scan.refused"))
    if sums["units"] != units:
        problems.append(f"station.kpi counted {sums['units']} units picked, pick.item_picked events {units}")
    if sum(sums["refused"].values()) != refused_events:
        problems.append(f"station.kpi counted {sum(sums['refused'].values())} refused scans, "
                        f"scan.refused events {refused_events}")
    if sums["mismatches"] != len(ev("weight.mismatch")):
        problems.append(f"station.kpi counted {sums['mismatches']} weight mismatches, events {len(ev('weight.mismatch'))}")
    if sums["completed"].get("ship-1", 0) != len(shipped):
        problems.append(f"station.kpi counted {sums['completed'].get('ship-1', 0)} orders completed at ship-1, "
                        f"{len(shipped)} shipped")
    if sum(sums["cancellations"].values()) != len(cancelled):
        problems.append(f"station.kpi counted {sum(sums['cancellations'].values())} cancellations, events {len(cancelled)}")
    if sums["at_risk"] != len(at_risk):
        problems.append(f"station.kpi counted {sums['at_risk']} orders at risk, order.at_risk events {len(at_risk)}")
    if len(orders) > 7 and not any(step == "pack" for _, step, _ in at_risk):
        problems.append("the paper-out order (pack_s 1) was not reported at risk")
    problems += demo_scenario_problems(orders, ev)
    if http_url and not rows:
        problems.append("GET /api/v1/status has no KPI rows")
    if returns and len(orders) > 8:
        problems.extend(returns.check())
    # Every shipping label and every restock or quarantine label of a graded return reached the printer.
    if str(labels + return_labels) != printer_count:
        problems.append(f"label.printed events ({labels}) and graded returns ({return_labels}) differ from labels "
                        f"the printer stored ({printer_count})")
    print("result                        " + ("OK: nothing lost, every figure agrees" if not problems else "FAILED"))
    for p in problems:
        print(f"  - {p}")
    print("===================================================")
    return 0 if not problems else 1
