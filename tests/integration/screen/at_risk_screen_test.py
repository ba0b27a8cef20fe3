#!/usr/bin/python3
"""at_risk_screen_test: orders at risk come first on the station screen and the overview, and the
OMS simulator turns order.at_risk into a customer delay notice.

Real peers, all on 127.0.0.1: mosquitto on a free port, the wedge daemon of station_screen_test.py
(two pick stations, pick-time limit 900 s by default), tools/oms-sim's OMS client sending the pick
lists over MQTT, headless Chromium for the pages. Shares its peers and its main with
station_screen_test.py.

Checks:
  (a) a pick list for pick-2 with a ship_by 10 minutes away (nothing measured: the 900 s pick limit
      says it ships too late) gets order.at_risk, reason ship_by, with predicted_ship_at after
      ship_by; one for pick-1 with a ship_by 2 hours away gets none;
  (b) oms-sim's customer messages make a delay notice of it, naming the order and both times;
  (c) pick-2's screen shows the order in its "Orders at risk" card, the first thing on the page,
      above the scan result; pick-1's screen shows no such card;
  (d) the overview lists the order in its "Orders at risk" card, first on the page, and puts pick-2
      first in the stations table (before pick-1, which sorts first by name).
"""
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import station_screen_test as peers  # noqa: E402  (the screen test's peers and main)
from station_screen_test import expect, gtin13, start_browser, wait_until  # noqa: E402


def ship_by_in(minutes):
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=minutes)).isoformat()


def pick_list(oms, order_id, station, ship_by, n):
    data = {"carrier": "DHL", "label_template": "shipping", "ship_by": ship_by,
            "lines": [{"sku": f"SKU-{300 + n}", "gtins": [gtin13(135000 + 7 * n)], "qty": 1, "location": "R3-01"}]}
    reply = oms.command("pick_list", order_id=order_id, station=station, data=data, timeout_s=10)
    expect(reply is not None and reply.get("status") == "accepted", f"pick_list {order_id} not accepted: {reply}")


def page_order(driver):
    """The ids of <main>'s visible sections, top to bottom, and the at-risk card's lines."""
    return driver.execute_script("""
        const card = document.getElementById('at-risk');
        const visible = Array.from(document.querySelectorAll('main > section')).filter(s => !s.hidden);
        visible.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
        return {first: visible.length ? (visible[0].id || visible[0].className) : null, hidden: card.hidden,
                items: Array.from(card.querySelectorAll('li')).map(li => li.textContent),
                rows: Array.from(document.querySelectorAll('#stations tbody tr td:first-child')).map(td => td.textContent)};""")


def run(args, workdir, procs, report):
    broker = peers.Mosquitto(procs, workdir)
    broker.start()
    scanner = peers.ScannerSim(procs, args.source_dir, workdir)
    gateway = peers.Wedge(procs, args.wedge, args.source_dir, workdir, broker.port, scanner.port)
    expect(wait_until(gateway.ready, 15, 0.1), "the daemon did not report broker and scanner connected")
    oms = peers.connect_oms(args.source_dir, broker.port, report)

    # (a) one order misses its cut-off by the limits, the other does not.
    late_by = ship_by_in(10)
    pick_list(oms, "AR-1", peers.STATION, ship_by_in(120), 1)
    pick_list(oms, "AR-2", peers.OTHER_STATION, late_by, 2)
    risk = oms.wait_event("order.at_risk", "AR-2", 10)
    expect(risk is not None, "no order.at_risk for AR-2 (ship_by 10 minutes away, 900 s pick limit)")
    data = risk["data"]
    expect(data.get("reason") == "ship_by" and data.get("predicted_late_s", 0) > 0
           and data.get("basis") == {"pick": "limit"}, f"order.at_risk of AR-2: {data}")
    expect(not oms.find("order.at_risk", "AR-1"), f"AR-1 reported at risk: {oms.find('order.at_risk', 'AR-1')}")

    # (b) the customer's delay notice.
    from omssim import messages
    notice = messages.CustomerMessages(messages.load_config()).render(risk)
    expect(notice is not None and notice[0] == "at_risk_notice" and "AR-2" in notice[1]
           and data["predicted_ship_at"] in notice[1] and data["ship_by"] in notice[1],
           f"oms-sim's delay notice for {data}: {notice}")
    print(f"customer ({notice[0]}): {notice[1]}", flush=True)

    # (c) the station screens.
    driver = start_browser(workdir)
    report["driver"] = driver
    driver.get(gateway.base + "/stations/" + peers.OTHER_STATION)
    shown = wait_until(lambda: (lambda p: p if p["items"] else None)(page_order(driver)), 10)
    expect(shown and shown["first"] == "at-risk" and any("AR-2" in item for item in shown["items"]),
           f"pick-2's screen does not show AR-2 at risk first: {shown}")
    driver.get(gateway.base + "/stations/" + peers.STATION)
    expect(wait_until(lambda: driver.execute_script("return document.getElementById('scan-result') !== null"), 5),
           "pick-1's screen did not load")
    other = page_order(driver)
    expect(other["hidden"] and not other["items"], f"pick-1's screen shows orders at risk: {other}")

    # (d) the overview.
    driver.get(gateway.base + "/")
    overview = wait_until(lambda: (lambda p: p if p["items"] and len(p["rows"]) == 2 else None)(page_order(driver)), 10)
    expect(overview and overview["first"] == "at-risk" and any("AR-2" in item for item in overview["items"]),
           f"the overview does not list AR-2 at risk first: {overview}")
    expect(overview["rows"] == [peers.OTHER_STATION, peers.STATION],
           f"the stations with orders at risk are not on top: {overview['rows']}")


if __name__ == "__main__":
    sys.exit(peers.main(run, "orders at risk first on the screens, and the delay notice", "wedge-at-risk-screen-test."))
