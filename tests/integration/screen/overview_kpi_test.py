#!/usr/bin/python3
"""overview_kpi_test: KPIs that survive a restart, and the overview's 8-hour charts in headless Chromium.

Real peers, all on 127.0.0.1: mosquitto on a free port, the wedge daemon of station_screen_test.py
(two pick stations, a TCP scanner simulator), an OMS client (tools/oms-sim) that sends the pick list
over MQTT; the scans come through the HTTP API (POST /api/v1/stations/<id>/scan, the same path as a
scanner's). Shares its peers and its main with station_screen_test.py.

Checks:
  (a) after two correct scans and one wrong item, the KPIs show them (refused scans 33.3 %, 2 picks);
  (b) after SIGTERM and a new start on the same state_dir, the KPI rows of /api/v1/status (but the
      per-hour rates, which move with the clock), every KPI counter and histogram line of /metrics,
      and the trend of /api/v1/kpis/trend are the same as before;
  (c) the overview page (/) in headless Chromium draws the five trend charts as SVG, the refused-scan
      chart shows the 33.3 % in its title and a point, and the KPI table formats for people (33.3 %).
"""
import os
import re
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import station_screen_test as peers  # noqa: E402  (the screen test's peers and main)
from station_screen_test import expect, gtin13, start_browser, wait_until  # noqa: E402

STATION = peers.STATION
SITE, GATEWAY = peers.SITE, peers.GATEWAY
KPI_METRIC = re.compile(r"^wedge_station_(scans|scans_refused|picks|weighings|orders_completed|"
                        r"scan_verdict_seconds|step_duration_seconds|fulfilment_seconds|"
                        r"cancellations_intercepted)\S*\{[^}]*station=\"" + STATION + "\"")


# Appended to the shared daemon config: a target, so that the chart draws its line.
KPI_TARGETS = """kpi:
  targets:
    refused_scan_rate_max_percent: 5
"""


def text_of_url(wedge, path):
    try:
        with urllib.request.urlopen(wedge.base + path, timeout=3) as reply:
            return reply.read().decode()
    except OSError:
        return ""


def figures(wedge):
    """What must be the same across a restart."""
    rows = [{k: v for k, v in row.items() if not (row.get("unit") == "per_hour" and k == "value")}
            for row in wedge.get("/api/v1/status")["kpis"]]
    metrics = sorted(line for line in text_of_url(wedge, "/metrics").splitlines() if KPI_METRIC.match(line))
    trend = {k["kpi"]: [p["value"] for p in k["points"]] for k in wedge.get("/api/v1/kpis/trend")["kpis"]}
    trend.pop("picks_per_hour")  # per hour of the running bucket: moves with the clock
    return rows, metrics, trend


def refused_rate(gateway):
    status = gateway.get("/api/v1/status") or {}
    for row in status.get("kpis", []):
        if row.get("name") == "refused_scan_rate" and row.get("station") == STATION:
            return row.get("value")
    return None


def run(args, workdir, procs, report):
    broker = peers.Mosquitto(procs, workdir)
    broker.start()
    scanner = peers.ScannerSim(procs, args.source_dir, workdir)
    gateway = peers.Wedge(procs, args.wedge, args.source_dir, workdir, broker.port, scanner.port, KPI_TARGETS)
    expect(wait_until(gateway.ready, 15, 0.1), "the daemon did not report broker and scanner connected")

    oms = peers.connect_oms(args.source_dir, broker.port, report)
    items = [{"sku": f"SKU-{200 + i}", "gtins": [gtin13(134000 + 7 * i)], "qty": 1,
              "location": f"R2-{i + 1:02d}", "unit_weight_grams": 100} for i in range(3)]
    reply = oms.command("pick_list", order_id="KPI-1", station=STATION,
                        data={"carrier": "DHL", "label_template": "shipping", "lines": items}, timeout_s=10)
    expect(reply is not None and reply.get("status") == "accepted", f"pick_list not accepted: {reply}")
    # The ack says the command is stored; the station takes the order up a moment later. A scan in
    # between is refused no_order (it once was: HTTP 409 for the first item).
    def picking():
        snapshot = gateway.get(f"/api/v1/stations/{STATION}")
        return bool(snapshot) and (snapshot.get("order") or {}).get("id") == "KPI-1"
    expect(wait_until(picking, 10), "the station did not take up order KPI-1")

    # (a) two correct scans and a wrong item.
    scan_path = f"/api/v1/stations/{STATION}/scan"
    for code, http_status in ((items[0]["gtins"][0], 200), (gtin13(999002), 409), (items[1]["gtins"][0], 200)):
        got = gateway.post(scan_path, {"code": code})
        expect(got == http_status, f"scan {code}: HTTP {got}, expected {http_status} (200 accepted, 409 refused)")
    expect(wait_until(lambda: refused_rate(gateway) is not None and abs(refused_rate(gateway) - 1 / 3) < 1e-3, 10),
           f"the refused-scan KPI did not reach 1/3 (it shows {refused_rate(gateway)})")
    before = figures(gateway)
    expect(any('wedge_station_picks_total{station="pick-1"} 2' == line for line in before[1]),
           f"/metrics does not count the two picks: {before[1]}")

    # (b) a restart loses no figure.
    expect(gateway.stop() == 0, "the daemon did not exit 0 on SIGTERM")
    gateway.start()
    expect(wait_until(gateway.ready, 15, 0.1), "the daemon did not come back")
    after = figures(gateway)
    for name, was, now in zip(("KPI rows", "KPI metrics", "trend"), before, after):
        expect(was == now, f"{name} changed across the restart:\n before {was}\n after  {now}")
    print(f"the same after a restart: {len(before[0])} KPI rows, {len(before[1])} metric lines, "
          f"{len(before[2])} trends", flush=True)

    # (c) the overview draws the charts.
    driver = start_browser(workdir)
    report["driver"] = driver
    driver.get(gateway.base + "/")
    charts = wait_until(lambda: driver.execute_script(
        "return Array.from(document.querySelectorAll('#trends svg.trend')).map(s => s.dataset.kpi);"), 10)
    expect(charts == ["picks_per_hour", "orders_shipped", "fulfilment_p90", "refused_scan_rate",
                      "weight_mismatch_rate"], f"the overview draws these charts: {charts}")
    refused = driver.execute_script("""
        const svg = document.querySelector('#trends svg.trend[data-kpi=refused_scan_rate]');
        const box = svg.getBoundingClientRect();
        return {title: svg.querySelector('title').textContent, width: box.width, height: box.height,
                points: svg.querySelectorAll('polyline.value, circle.value').length,
                target: svg.querySelectorAll('line.target').length};""")
    expect(refused["title"] == "Refused scans: 33.3 % (target ≤ 5.0 %)", f"refused-scan chart title: {refused}")
    expect(refused["points"] >= 1 and refused["target"] == 1, f"refused-scan chart has no value or target: {refused}")
    expect(refused["width"] > 100 and refused["height"] > 30, f"the chart is not laid out: {refused}")
    table = wait_until(lambda: driver.execute_script(
        "return Array.from(document.querySelectorAll('#kpis tbody tr')).map(r => r.textContent);"), 10)
    expect(any("Refused scans (pick-1)" in row and "33.3 %" in row for row in table),
           f"the KPI table does not show 33.3 % for pick-1: {table}")


if __name__ == "__main__":
    sys.exit(peers.main(run, "KPIs across a restart and the overview's charts", "wedge-overview-kpi-test."))
