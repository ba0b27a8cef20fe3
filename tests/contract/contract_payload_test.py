#!/usr/bin/python3
"""contract_payload_test: every payload the gateway publishes, checked against docs/asyncapi.yaml.

Real peers, all on 127.0.0.1: mosquitto on a free port, the wedge daemon (one pick+pack+ship
station, a Modbus scale from tools/modbus-sim, a ZPL printer from scripts/sim/zpl-printer-sim, KPI
windows of 1 s, commands of at most 1024 bytes) started with the disk-full LD_PRELOAD shim of
tests/support, and an OMS-side subscriber on wedge/v1/# that records every message the gateway
publishes with its topic. The test drives, over MQTT commands and the HTTP scan/short/reprint
actions, full pick → pack → ship runs and every interception: location scan, wrong item, short
pick, hold/release/update/cancel at pick, a weight mismatch held by the station and released, a
label reprint, a label that fails (unknown template), cancellations after the label, set-aside,
an at-risk order (past a step limit, and one predicted to miss its ship_by that gets back on
track), a pick list the station refuses (unknown field, unknown station), an update it
refuses, a command refused for a shipped order, the shipped order coming back at the station's
returns step (announced, held, refused and graded units, completed; a return cancelled, one refused); then every command reply code (a full commands.db
for storage_error), and the gateway's death by SIGKILL (the Will) and by SIGTERM.

Checks (tests/contract/contract.py reads the rules from the document itself):
  (a) every captured message matches exactly one channel and is valid under its message's
      schema, and the channel parameters with a `location` equal their payload fields;
  (b) coverage: every message the document says the gateway publishes was seen (each event type,
      birth, both deaths, device status, station.kpi, replies), every reply code of its ReplyCode
      enum was answered, and an accepted duplicate;
  (c) the commands: each command the gateway accepted is valid under the command channel's schema;
      each one that breaks the documented shape (rejected by the command store, or by the station
      with order.rejected / order.update_rejected) is invalid under it.

WEDGE_CONTRACT_CAPTURE=<dir> keeps the capture there (gateway.jsonl, commands.jsonl) for
`contract.py --asyncapi docs/asyncapi.yaml <dir>`. Run by ctest with /usr/bin/python3 (Debian's
python3-jsonschema, python3-paho-mqtt, python3-yaml). Fails, never skips.
"""
import argparse
import datetime
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

import paho.mqtt.client as mqtt

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "integration", "screen"))
from contract import Contract  # noqa: E402
from station_screen_test import Mosquitto, Processes, TestFailure, expect, free_port, wait_until  # noqa: E402

DEADLINE_S = 100
SITE, GATEWAY, STATION = "contract-site", "contract-gw", "st1"
BASE = f"wedge/v1/{SITE}/{GATEWAY}"
MAX_COMMAND_BYTES = 1024
GOOD_WEIGHT, BAD_WEIGHT = 725, 2000  # expected 720 g ± 20 g (the pick list below)


def pick_list_data(city="Berlin", template="shipping", **extra):
    """Lines A-1 (2 x 250 g at R1-01) and B-7 (1 x 100 g at R1-02), as docs/scan-validation.md."""
    data = {"ship_date": "2025-06-16", "carrier": "DHL", "label_template": template,
            "ship_to": {"name": "Erika Mustermann", "lines": ["Hauptstr. 5"], "postcode": "10115",
                        "city": city, "country": "DE"},
            "packaging_weight_grams": 120, "weight_tolerance_grams": 20, "weight_tolerance_percent": 2.5,
            "lines": [{"sku": "A-1", "gtins": ["09506000134352"], "qty": 2, "location": "R1-01",
                       "unit_weight_grams": 250},
                      {"sku": "B-7", "gtins": ["4006381333931"], "qty": 1, "location": "R1-02",
                       "unit_weight_grams": 100}]}
    data.update(extra)
    return data


class Capture:
    """The OMS side: records every message under wedge/v1/# except the commands it sends."""

    def __init__(self, port, path):
        self.lock = threading.Condition()
        self.messages = []  # {"topic", "payload", "retain"}
        self.file = open(path, "w", encoding="utf-8")
        self.client = mqtt.Client(client_id="contract-oms", protocol=mqtt.MQTTv311)
        self.client.on_connect = lambda c, _u, _f, rc: c.subscribe("wedge/v1/#", qos=1) if rc == 0 else None
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", port, keepalive=10)
        self.client.loop_start()

    def _on_message(self, _client, _userdata, msg):
        if msg.topic.startswith(BASE + "/cmd"):
            return
        record = {"topic": msg.topic, "payload": msg.payload.decode("utf-8", errors="replace"),
                  "retain": bool(msg.retain)}
        with self.lock:
            self.messages.append(record)
            self.file.write(json.dumps(record) + "\n")
            self.file.flush()
            self.lock.notify_all()

    def publish(self, topic, payload):
        self.client.publish(topic, payload, qos=1).wait_for_publish(5)

    def count(self):
        with self.lock:
            return len(self.messages)

    def wait(self, predicate, timeout_s=10, start=0):
        """The first captured message (parsed) from index `start` on for which predicate(topic,
        payload) holds, or None after timeout_s."""
        deadline = time.monotonic() + timeout_s
        with self.lock:
            while True:
                for record in self.messages[start:]:
                    try:
                        payload = json.loads(record["payload"])
                    except ValueError:
                        continue
                    if predicate(record["topic"], payload):
                        return payload
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.lock.wait(left)

    def stop(self):
        self.client.loop_stop()
        self.client.disconnect()
        self.file.close()


class Gateway:
    """The wedge daemon with its scale and printer simulators."""

    def __init__(self, procs, args, workdir, broker_port):
        self.procs, self.args, self.workdir = procs, args, workdir
        self.scale_port, self.printer_port, self.http_port = free_port(), free_port(), free_port()
        self.base = f"http://127.0.0.1:{self.http_port}"
        self.scale = procs.start("modbus-sim", [args.modbus_sim, "--mode", "scale", "--port", str(self.scale_port),
                                                "--weight", "0"], os.path.join(workdir, "modbus-sim.log"),
                                 stdin=subprocess.PIPE)
        self.printer = procs.start("zpl-printer-sim", ["/usr/bin/python3", os.path.join(args.source_dir,
                                                       "scripts/sim/zpl-printer-sim"), "--port", str(self.printer_port)],
                                   os.path.join(workdir, "printer-sim.log"), stdin=subprocess.PIPE)
        self.state_dir = os.path.join(workdir, "state")
        os.makedirs(self.state_dir)
        self.disk_full_flag = os.path.join(workdir, "disk-full")
        self.config = os.path.join(workdir, "wedge.yaml")
        with open(self.config, "w", encoding="utf-8") as f:
            f.write(f"""site: {SITE}
gateway: {GATEWAY}
state_dir: {self.state_dir}
broker:
  uri: mqtt://127.0.0.1:{broker_port}
  reconnect_min_ms: 100
  reconnect_max_ms: 500
  max_command_bytes: {MAX_COMMAND_BYTES}
http:
  listen: 127.0.0.1:{self.http_port}
kpi:
  interval_s: 1
printing:
  template_dir: {args.source_dir}/config/templates
  gs1_company_prefix: "4012345"
devices:
  - {{id: scale-1, kind: scale, driver: modbus-tcp, host: 127.0.0.1, port: {self.scale_port}, status_register: 10,
      stable_bit: 0, poll_interval_ms: 40, response_timeout_ms: 300, reconnect_max_ms: 200}}
  - {{id: printer-1, kind: printer, driver: zpl-tcp, host: 127.0.0.1, port: {self.printer_port},
      status_interval_ms: 100, status_timeout_ms: 300, reconnect_initial_ms: 20, reconnect_max_ms: 100}}
stations:
  - {{id: {STATION}, steps: [pick, pack, ship, returns], scale: scale-1, printer: printer-1}}
""")
        self.proc = None

    def start(self):
        # Under ASan (WEDGE_SANITIZE) a preloaded library comes before the ASan runtime: allowed.
        asan = ":".join(filter(None, [os.environ.get("ASAN_OPTIONS", ""), "verify_asan_link_order=0"]))
        env = dict(os.environ, LD_PRELOAD=self.args.disk_full_preload, ASAN_OPTIONS=asan,
                   WEDGE_TEST_DISK_FULL_FLAG=self.disk_full_flag,
                   WEDGE_TEST_DISK_FULL_PATH=os.path.join(self.state_dir, "commands.db"))
        self.proc = self.procs.start("wedge", [self.args.wedge, "--config", self.config],
                                     os.path.join(self.workdir, "wedge.log"), env=env)

    def set_weight(self, grams):
        self.scale.stdin.write(f"weight {grams}\n".encode())
        self.scale.stdin.flush()

    def post(self, path, body):
        request = urllib.request.Request(self.base + path, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=5) as reply:
                return reply.status, json.loads(reply.read() or b"{}")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def live_grams(self):
        try:
            with urllib.request.urlopen(f"{self.base}/api/v1/stations/{STATION}", timeout=2) as reply:
                return json.loads(reply.read()).get("weight", {}).get("live_grams")
        except (OSError, ValueError):
            return None

    def ready(self):
        try:
            with urllib.request.urlopen(self.base + "/api/v1/status", timeout=2) as reply:
                status = json.loads(reply.read())
        except (OSError, ValueError):
            return False
        return status.get("broker", {}).get("connected") and all(
            d.get("state") == "connected" for d in status.get("devices", [])) and len(status.get("devices", [])) == 2


class Run:
    """One scenario: the gateway, the capture, and the commands sent with what was expected."""

    def __init__(self, gateway, capture):
        self.gw, self.cap = gateway, capture
        self.commands = []  # {"topic", "payload", "reply", "shape_valid"}
        self.next_id = 0

    # --- commands ----------------------------------------------------------------------------
    def send(self, type_, payload=None, raw=None, topic_type=None, shape_valid=True, status="accepted",
             code=None, command_id=None):
        """Publishes one command and waits for its reply; checks status and code. `shape_valid`
        says whether the payload must be valid under the command channel's schema (None: no claim)."""
        if raw is None:
            if command_id is None:
                self.next_id += 1
                command_id = f"c-{self.next_id}"
            payload = dict({"schema": 1, "id": command_id, "type": type_}, **(payload or {}))
            raw = json.dumps(payload)
        topic = f"{BASE}/cmd/{topic_type or type_}"
        start = self.cap.count()
        self.cap.publish(topic, raw)
        # Too large, not JSON, not an object: the reply cannot name the command (command_id null).
        readable = code not in ("too_large", "malformed_json", "not_an_object")
        want_id = payload.get("id") if readable and isinstance(payload, dict) else None
        reply = self.cap.wait(lambda t, p: t == f"{BASE}/ack" and p.get("command_id") == want_id, 10, start)
        expect(reply is not None, f"no reply to {raw[:120]} on {topic}")
        expect(reply["status"] == status and reply["code"] == code,
               f"{raw[:120]} on {topic}: expected {status}/{code}, got {reply}")
        self.commands.append({"topic": topic, "payload": raw, "reply": reply, "shape_valid": shape_valid})
        return reply

    # --- events ------------------------------------------------------------------------------
    def event(self, type_, order_id=None, start=0, timeout_s=10, **data):
        """The first event of `type_` (for `order_id`, with these data values) from capture index
        `start` on; fails the test when none comes."""
        def match(topic, p):
            return (p.get("type") == type_ and "/event/" in topic and (order_id is None or p.get("order_id") == order_id)
                    and all(p.get("data", {}).get(k) == v for k, v in data.items()))
        found = self.cap.wait(match, timeout_s, start)
        expect(found is not None, f"no {type_} event for {order_id} with {data} within {timeout_s} s")
        return found

    def scan(self, code, want=None):
        status, body = self.gw.post(f"/api/v1/stations/{STATION}/scan", {"code": code})
        expect(status in (200, 409), f"scan {code}: HTTP {status} {body}")
        if want:
            expect(body.get("code") == want, f"scan {code}: expected {want}, got {body}")
        return body

    # --- the scenario ------------------------------------------------------------------------
    def pick_all(self, order_id):
        start = self.cap.count()
        for code in ("9506000134352", "9506000134352", "4006381333931"):
            self.scan(code, "accepted")
        self.event("pick.completed", order_id, start)

    def pack_to_label(self, order_id):
        start = self.cap.count()
        self.gw.set_weight(GOOD_WEIGHT)
        self.scan(order_id, "accepted")
        self.event("weight.ok", order_id, start)
        return self.event("label.printed", order_id, start)["data"]["sscc"]

    def full_order_and_shipped_refusal(self):
        start = self.cap.count()
        # A cut-off 10 minutes away: 900 s of pick limit (nothing measured yet) miss it, the 30 + 30 s
        # left once picked do not.
        ship_by = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=10)).isoformat()
        pick = {"order_id": "O-1", "station": STATION,
                "data": pick_list_data(ship_by=ship_by, time_limits={"pick_s": 900, "pack_s": 30, "ship_s": 30})}
        self.send("pick_list", pick, command_id="c-o1")
        self.send("pick_list", pick, command_id="c-o1")  # a resend: accepted, duplicate
        expect(self.commands[-1]["reply"]["duplicate"] is True, "a resent pick_list was not a duplicate")
        self.send("pick_list", pick, status="rejected", code="order_exists")
        self.event("pick.started", "O-1", start)
        self.event("order.at_risk", "O-1", start, reason="ship_by")
        self.scan("R1-01", "location")
        self.scan("5901234123457", "wrong_item")
        self.pick_all("O-1")
        self.event("order.back_on_track", "O-1", start)
        sscc = self.pack_to_label("O-1")
        start = self.cap.count()
        self.scan("]C100" + sscc, "accepted")
        self.event("pack.completed", "O-1", start)
        self.scan("O-1", "accepted")
        self.event("order.shipped", "O-1", start)
        self.send("order.cancel", {"order_id": "O-1", "data": {"reason": "customer"}})
        self.event("order.command_refused", "O-1", start, reason="already_shipped")

    def interceptions_at_pick(self):
        start = self.cap.count()
        self.send("pick_list", {"order_id": "O-2", "station": STATION,
                                "data": pick_list_data(time_limits={"pick_s": 1})})
        self.event("pick.started", "O-2", start)
        self.scan("9506000134352", "accepted")
        status, body = self.gw.post(f"/api/v1/stations/{STATION}/short", {"line": 2, "reason": "missing"})
        expect(status == 200, f"short pick: HTTP {status} {body}")
        self.event("pick.short", "O-2", start)
        self.event("order.at_risk", "O-2", start)
        self.send("order.hold", {"order_id": "O-2", "data": {"reason": "stock check"}})
        self.event("order.held", "O-2", start)
        self.send("order.hold", {"order_id": "O-2"}, status="rejected", code="invalid_state")
        self.scan("9506000134352", "order_held")
        self.send("order.release", {"order_id": "O-2"})
        self.event("order.released", "O-2", start)
        bad_line = {"lines": [{"sku": "A-1", "qty": 2, "colour": "red"}]}
        self.send("order.update", {"order_id": "O-2", "data": dict(pick_list_data(), **bad_line)}, shape_valid=False)
        self.event("order.update_rejected", "O-2", start)
        self.send("order.update", {"order_id": "O-2", "data": pick_list_data(city="Hamburg")})
        self.event("order.updated", "O-2", start, address_changed=True)
        self.send("order.cancel", {"order_id": "O-2"})
        self.event("order.cancelled", "O-2", start)
        # Its one location with picked units put back by scanning it (O-3 below: by the order barcode).
        self.scan("R1-01", "set_aside")
        self.event("order.items_returned", "O-2", start, location="R1-01", barcode="R1-01")
        self.event("order.set_aside", "O-2", start)

    def weight_hold_reprint_cancel(self):
        start = self.cap.count()
        self.send("pick_list", {"order_id": "O-3", "station": STATION, "data": pick_list_data()})
        self.event("pick.started", "O-3", start)
        self.pick_all("O-3")
        self.gw.set_weight(BAD_WEIGHT)
        self.scan("O-3", "accepted")
        self.event("weight.mismatch", "O-3", start)
        self.event("order.held", "O-3", start, by="station")
        self.gw.set_weight(GOOD_WEIGHT)
        self.send("order.release", {"order_id": "O-3"})
        self.event("order.released", "O-3", start, held_for="weight_mismatch")
        self.event("label.printed", "O-3", start)
        after_first = self.cap.count()
        status, body = self.gw.post(f"/api/v1/stations/{STATION}/reprint", {})
        expect(status == 202, f"reprint: HTTP {status} {body}")
        self.event("label.voided", "O-3", start, reason="reprint")
        self.event("label.printed", "O-3", after_first)
        self.send("order.cancel", {"order_id": "O-3", "data": {"reason": "customer"}})
        self.event("label.voided", "O-3", start, reason="cancelled")
        self.event("order.cancelled", "O-3", start)
        self.scan("O-3", "set_aside")
        self.event("order.items_returned", "O-3", start, location="R1-02", barcode="O-3")
        self.event("order.set_aside", "O-3", start)

    def parcels(self):
        """An order the pick list plans in two parcels: each weighed, labelled and verified
        (parcel.packed), then shipped with both listed."""
        start = self.cap.count()
        plan = [{"lines": [{"sku": "A-1", "qty": 2}]}, {"lines": [{"sku": "B-7", "qty": 1}]}]
        self.send("pick_list", {"order_id": "O-9", "station": STATION, "data": pick_list_data(parcels=plan)})
        self.event("pick.started", "O-9", start)
        self.pick_all("O-9")
        self.gw.set_weight(622)
        expect(wait_until(lambda: self.gw.live_grams() == 622, 10, 0.05), "the scale never showed 622 g")
        self.scan("O-9", "accepted")
        sscc1 = self.event("label.printed", "O-9", start, parcel=1)["data"]["sscc"]
        # Parcel 2 is weighed as soon as parcel 1's label is verified: it goes on the scale first.
        self.gw.set_weight(221)
        expect(wait_until(lambda: self.gw.live_grams() == 221, 10, 0.05), "the scale never showed 221 g")
        self.scan("]C100" + sscc1, "parcel_packed")
        self.event("parcel.packed", "O-9", start, parcel=1)
        sscc2 = self.event("label.printed", "O-9", start, parcel=2)["data"]["sscc"]
        self.scan("]C100" + sscc2, "accepted")
        self.event("pack.completed", "O-9", start)
        self.scan("]C100" + sscc1, "parcel_loaded")
        self.scan("]C100" + sscc2, "accepted")
        self.event("order.shipped", "O-9", start)
        self.gw.set_weight(GOOD_WEIGHT)

    def failed_label(self):
        start = self.cap.count()
        self.send("pick_list", {"order_id": "O-4", "station": STATION,
                                "data": pick_list_data(template="no-such-template")})
        self.event("pick.started", "O-4", start)
        self.pick_all("O-4")
        self.gw.set_weight(GOOD_WEIGHT)
        self.scan("O-4", "accepted")
        self.event("label.failed", "O-4", start)
        self.send("order.cancel", {"order_id": "O-4"})
        self.event("order.cancelled", "O-4", start)  # the reply may come before the station applied it
        self.scan("O-4", "set_aside")

    def refused_pick_lists(self):
        start = self.cap.count()
        typo = pick_list_data()
        typo["lines"][0]["capture_serial"] = True  # the documented typo: unknown_field
        self.send("pick_list", {"order_id": "O-5", "station": STATION, "data": typo}, shape_valid=False)
        self.event("order.rejected", "O-5", start, code="invalid_pick_list")
        self.send("pick_list", {"order_id": "O-6", "station": "nowhere", "data": pick_list_data()})
        self.event("order.rejected", "O-6", start, code="no_station")

    def returns(self):
        """O-1 (shipped) comes back: announced, held and released, a unit never shipped, a damaged
        unit, completed with one unit missing; a second return cancelled; a return refused."""
        start = self.cap.count()
        items = {"items": [{"sku": "A-1", "gtin": "09506000134352", "qty": 1, "putaway_location": "R9-01"},
                           {"sku": "B-7", "gtin": "4006381333931", "qty": 1, "reason": "too small"}]}
        self.send("return.expected", {"return_id": "RMA-1", "order_id": "O-1", "data": items})
        self.send("return.expected", {"return_id": "RMA-1", "order_id": "O-1", "data": items},
                  status="rejected", code="order_exists")
        self.send("return.expected", {"return_id": "RMA-2", "order_id": "O-1",
                                      "data": {"items": [{"sku": "A-1", "qty": 1, "colour": "red"}]}}, shape_valid=False)
        self.event("return.rejected", "O-1", start)
        self.send("return.hold", {"return_id": "RMA-1", "data": {"reason": "fraud check"}})
        self.event("return.held", "O-1", start)
        self.send("return.release", {"return_id": "RMA-1"})
        self.event("return.released", "O-1", start)
        self.send("return.hold", {"return_id": "RMA-404"}, status="rejected", code="unknown_return")
        self.scan("RMA-1", "return_received")
        self.event("return.received", "O-1", start)
        self.scan("5901234123457", "not_shipped")
        self.event("return.discrepancy", "O-1", start, kind="not_shipped")
        self.scan("9506000134352", "grade_item")
        self.scan("GRADE:damaged", "quarantine")
        self.event("return.item_graded", "O-1", start)
        self.scan("RMA-1", "return_completed")
        self.event("return.completed", "O-1", start)
        self.event("return.discrepancy", "O-1", start, kind="missing")
        self.send("return.expected", {"return_id": "RMA-3", "order_id": "O-1", "data": {"items": [{"sku": "B-7", "qty": 1}]}})
        self.send("return.cancel", {"return_id": "RMA-3", "data": {"reason": "refund refused"}})
        self.event("return.cancelled", "O-1", start)

    def reply_codes(self):
        hold = {"order_id": "O-2"}
        self.send("pick_list", raw='{"schema":1,', status="rejected", code="malformed_json", shape_valid=False)
        self.send("pick_list", raw="[1,2]", status="rejected", code="not_an_object", shape_valid=False)
        self.send("order.hold", raw=json.dumps({"schema": 1, "type": "order.hold", "order_id": "O-2"}),
                  status="rejected", code="missing_field", shape_valid=False)
        self.send("order.hold", {}, status="rejected", code="missing_field", shape_valid=False)
        bad_qty = pick_list_data(lines=[{"sku": "A-1", "qty": 0}])
        self.send("pick_list", {"order_id": "O-7", "station": STATION, "data": bad_qty},
                  status="rejected", code="invalid_field", shape_valid=False)
        self.send("order.hold", dict(hold, schema=2), status="rejected", code="unsupported_schema", shape_valid=False)
        self.send("order.explode", hold, status="rejected", code="unknown_type", shape_valid=False)
        self.send("order.cancel", hold, topic_type="order.hold", status="rejected", code="type_mismatch",
                  shape_valid=False)
        self.send("order.hold", {"order_id": "O-404"}, status="rejected", code="unknown_order")
        self.send("rebirth", {"data": {"note": "x" * MAX_COMMAND_BYTES}}, status="rejected", code="too_large",
                  shape_valid=None)
        self.send("rebirth")
        with open(self.gw.disk_full_flag, "w", encoding="utf-8"):
            pass
        try:
            self.send("pick_list", {"order_id": "O-8", "station": STATION, "data": pick_list_data()},
                      status="rejected", code="storage_error")
        finally:
            os.remove(self.gw.disk_full_flag)

    def deaths(self, procs):
        start = self.cap.count()
        self.gw.proc.kill()  # the broker publishes the Will
        self.gw.proc.wait()
        expect(self.cap.wait(lambda t, p: t == f"{BASE}/status" and p.get("reason") == "connection lost", 10, start),
               "no Will (connection lost) after SIGKILL")
        self.gw.start()
        expect(self.cap.wait(lambda t, p: t == f"{BASE}/status" and p.get("online") is True, 15, start),
               "no birth after the restart")
        procs.stop(self.gw.proc)
        expect(self.cap.wait(lambda t, p: t == f"{BASE}/status" and p.get("reason") == "shutdown", 10, start),
               "no death (shutdown) after SIGTERM")


def check_contract(contract, run):
    """(a), (b) and (c) of the module doc; returns the list of failures."""
    failures, seen, codes, duplicates = [], set(), set(), 0
    with run.cap.lock:
        captured = list(run.cap.messages)
    for record in captured:
        name, payload, errors = contract.check_text(record["topic"], record["payload"])
        seen.add(name)
        if name == "death":
            seen.add("death: " + payload.get("reason", ""))
        if name == "command_reply":
            codes.add(payload["code"] or payload["status"])
            duplicates += payload["duplicate"] is True
        failures += [f"{record['topic']} [{name}]: {e}\n    payload: {record['payload']}" for e in errors]
    wanted = set(contract.gateway_messages()) | {"death: connection lost", "death: shutdown"}
    failures += [f"never captured: message {m}" for m in sorted(wanted - seen)]
    reply_codes = set(contract.schema("ReplyCode")["enum"]) | {"accepted"}
    failures += [f"never captured: reply code {c}" for c in sorted(reply_codes - codes)]
    if duplicates == 0:
        failures.append("never captured: an accepted duplicate reply")
    for command in run.commands:
        if command["shape_valid"] is None:
            continue
        _name, _payload, errors = contract.check_text(command["topic"], command["payload"], "publish")
        if command["shape_valid"] and errors:
            failures.append(f"command {command['payload'][:160]} was accepted by the gateway but breaks the "
                            f"document: {errors}")
        if not command["shape_valid"] and not errors:
            failures.append(f"command {command['payload'][:160]} is valid under the document but the gateway "
                            f"refused it ({command['reply']['code'] or 'station refusal'})")
    print(f"contract: {len(captured)} gateway message(s) of {len(seen - {None})} kinds and "
          f"{len(run.commands)} command(s) checked against {contract.path}", flush=True)
    return failures


def run_test(args, workdir, procs, capture_dir, report):
    broker = Mosquitto(procs, workdir)
    broker.start()
    capture = Capture(broker.port, os.path.join(capture_dir, "gateway.jsonl"))
    report["capture"] = capture
    gateway = Gateway(procs, args, workdir, broker.port)
    gateway.start()
    expect(wait_until(gateway.ready, 20, 0.1), "the daemon did not report broker and devices connected")
    run = Run(gateway, capture)
    start = capture.count()
    run.send("rebirth")
    expect(capture.wait(lambda t, p: t == f"{BASE}/status" and p.get("online") is True, 10, start),
           "no birth after rebirth")
    run.full_order_and_shipped_refusal()
    run.interceptions_at_pick()
    run.weight_hold_reprint_cancel()
    run.parcels()
    run.failed_label()
    run.refused_pick_lists()
    run.returns()
    run.reply_codes()
    expect(capture.wait(lambda t, p: p.get("type") == "station.kpi", 5), "no station.kpi telemetry")
    run.deaths(procs)
    with open(os.path.join(capture_dir, "commands.jsonl"), "w", encoding="utf-8") as f:
        for command in run.commands:
            f.write(json.dumps(command) + "\n")
    contract = Contract(args.asyncapi)
    failures = check_contract(contract, run)
    if failures:
        raise TestFailure(f"{len(failures)} contract failure(s):\n" + "\n".join(failures))


def main():
    parser = argparse.ArgumentParser(description="MQTT payloads against docs/asyncapi.yaml")
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--wedge", required=True)
    parser.add_argument("--modbus-sim", required=True)
    parser.add_argument("--disk-full-preload", required=True)
    parser.add_argument("--asyncapi", default="")
    args = parser.parse_args()
    args.source_dir = os.path.abspath(args.source_dir)
    args.asyncapi = args.asyncapi or os.path.join(args.source_dir, "docs", "asyncapi.yaml")
    started = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="wedge-contract-")
    capture_dir = os.environ.get("WEDGE_CONTRACT_CAPTURE") or os.path.join(workdir, "capture")
    os.makedirs(capture_dir, exist_ok=True)
    procs, report = Processes(), {}

    def on_deadline(_signum, _frame):
        raise TestFailure(f"deadline of {DEADLINE_S} s passed")
    signal.signal(signal.SIGALRM, on_deadline)
    signal.alarm(DEADLINE_S)
    try:
        run_test(args, workdir, procs, capture_dir, report)
        failed = None
    except TestFailure as e:
        failed = str(e)
    except Exception as e:  # paho, urllib, jsonschema: report with the peers' logs, then fail
        failed = f"{type(e).__name__}: {e}"
    signal.alarm(0)
    if "capture" in report:
        report["capture"].stop()
    procs.stop_all()
    wedge_log = os.path.join(workdir, "wedge.log")
    if not failed and os.path.exists(wedge_log):  # a WEDGE_SANITIZE build: a report fails the test
        with open(wedge_log, errors="replace") as f:
            if re.search(r"ERROR: (Address|Leak)Sanitizer|: runtime error: ", f.read()):
                failed = "the daemon printed a sanitizer report (wedge.log below)"
    if failed:
        # Every peer's log (wedge, mosquitto, the simulators), its last lines, before the verdict.
        for log in sorted(glob.glob(os.path.join(workdir, "*.log"))):
            with open(log, errors="replace") as f:
                print(f"----- {os.path.basename(log)} -----", *f.read().splitlines()[-30:], sep="\n", file=sys.stderr)
        print(f"FAIL: {failed}", file=sys.stderr)
    else:
        print(f"PASS: every gateway payload valid under docs/asyncapi.yaml, in {time.monotonic() - started:.1f} s")
    shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0

if __name__ == "__main__":
    sys.exit(main())
