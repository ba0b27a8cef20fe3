"""play: pickers, packers and shippers for the demo, driven by the OMS view of the events.

Three threads, one per station (pick-1, pack-1, ship-1), scan by writing lines into the scanner
simulators' FIFOs, put parcels on the scale through the modbus-sim control FIFO and switch the
printer simulator's paper through its control port. Special orders (by index) exercise a wrong
item, an expired lot, a short pick, a cancellation mid-pick, a weight mismatch, a printer out of
paper and a cancellation after packing; an order with the carrier's own label (seen in label.printed)
is verified and shipped by its tracking number. While the broker is away the picker keeps going (the
station serialises scans, events wait in the gateway's outbox); packing waits for the events.
"""
import json
import queue
import random
import socket
import threading
import time
import urllib.request

from . import orders as od

SPECIALS = {1: "wrong_item", 2: "expired", 3: "short_pick", 4: "cancel_in_pick", 5: "weight_mismatch",
            6: "paper_out", 7: "cancel_after_pack"}
SPECIALS[8] = "parcels"  # planned in two parcels by the OMS (demo_driver.plan_parcels)


def strip_aim(code):
    return code[3:] if code.startswith("]") and len(code) >= 3 else code


class Player:
    def __init__(self, client, orders, scanner_fifos, scale_fifo, printer_control=None, http_url=None,
                 outage_at=None, outage=None, log=print, station_ids=("pick-1", "pack-1", "ship-1")):
        self.c = client
        self.orders = orders
        self.special = {orders[i]["order_id"]: name for i, name in SPECIALS.items() if i < len(orders)}
        self.fifos = {st: open(path, "w", buffering=1) for st, path in scanner_fifos.items()}
        self.scale = open(scale_fifo, "w", buffering=1)
        self.printer_control = printer_control
        self.http_url = http_url
        self.outage_at = outage_at
        self.outage = outage            # callable run in its own thread at outage_at
        self.log = log
        self.pick_st, self.pack_st, self.ship_st = station_ids
        self.to_pack = queue.Queue()
        self.to_ship = queue.Queue()
        self.pending = {}               # (station, barcode) -> [write times]
        self.latencies_ms = []          # (written_ms, latency_ms)
        self.lock = threading.Lock()
        self.picked = self.packed = self.shipped_scans = 0
        self.notes = []
        self.short_done = False
        self.rng = random.Random(7)
        self.errors = []

    # --- helpers ----------------------------------------------------------------------------
    def scan(self, station, code):
        now = time.time() * 1000.0
        with self.lock:
            self.pending.setdefault((station, strip_aim(code)), []).append(now)
        self.fifos[station].write(code + "\n")

    def on_event(self, env, recv_ms):
        data = env.get("data") or {}
        code = data.get("barcode")
        if not isinstance(code, str) or not env.get("station"):
            return
        with self.lock:
            times = self.pending.get((env["station"], strip_aim(code)))
            if times:
                written = times.pop(0)
                self.latencies_ms.append((written, recv_ms - written))

    def set_weight(self, grams):
        self.scale.write(f"weight {grams}\nstable\n")

    def printer(self, command):
        if not self.printer_control:
            return None
        with socket.create_connection(self.printer_control, timeout=3) as s:
            s.sendall((command + "\n").encode())
            return s.makefile().readline().strip()

    def http(self, method, path, body=None):
        if not self.http_url:
            return None, None
        req = urllib.request.Request(self.http_url + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, None
        except OSError:
            return None, None

    def wait(self, etypes, order_id, timeout_s, after=0):
        return self.c.wait_event(etypes, order_id, timeout_s, after)

    def wait_online(self, timeout_s):
        """Waits for the event if the broker is up; during an outage returns at once."""
        return timeout_s if self.c.connected else 0.0

    def command(self, ctype, order_id, data=None):
        reply = self.c.command(ctype, order_id=order_id, data=data, timeout_s=60)
        status = reply and reply.get("status")
        self.log(f"  OMS -> {ctype} {order_id}: {status or 'no reply'}"
                 f"{'' if status == 'accepted' else ' (' + str(reply and reply.get('code')) + ')'}")
        return reply

    # --- the picker ---------------------------------------------------------------------------
    def picker(self):
        for index, order in enumerate(self.orders):
            oid, kind = order["order_id"], self.special.get(order["order_id"])
            if self.outage and index == self.outage_at:
                threading.Thread(target=self.outage, daemon=True).start()
            self.wait("pick.started", oid, self.wait_online(5))
            lines = order["data"]["lines"]
            if kind == "wrong_item":
                self.scan(self.pick_st, od.wrong_barcode())
            if kind == "expired":
                self.scan(self.pick_st, od.expired_barcode(lines[0]))
            n = 0
            for li, line in enumerate(lines):
                for unit in range(line["qty"]):
                    if kind == "short_pick" and self.http_url and li == len(lines) - 1 and unit == line["qty"] - 1:
                        self.declare_short(oid, li + 1)
                        break
                    self.scan(self.pick_st, od.item_barcode(line, unit))
                    n += 1
                    self.wait("pick.item_picked", oid, self.wait_online(5), after=n - 1)
                    if not self.c.connected:
                        time.sleep(0.15)
                    if kind == "cancel_in_pick" and n == 1:
                        break
                if kind == "cancel_in_pick":
                    break
            if kind == "cancel_in_pick":
                self.command("order.cancel", oid, {"reason": "customer cancelled"})
                self.wait("order.cancelled", oid, 60)
                self.scan(self.pick_st, oid)           # tote back: items to their locations
                self.wait("order.set_aside", oid, 10)
                continue
            self.wait("pick.completed", oid, self.wait_online(5))
            self.picked += 1
            self.to_pack.put(order)
        self.to_pack.put(None)

    def declare_short(self, oid, line_no):
        status, snap = self.http("GET", f"/api/v1/stations/{self.pick_st}")
        # The API names lines as the snapshot does (next_line.line, 0-based); 0 is a valid line.
        if snap and isinstance(snap.get("next_line"), dict) and snap["next_line"].get("line") is not None:
            line_no = snap["next_line"]["line"]
        status, _ = self.http("POST", f"/api/v1/stations/{self.pick_st}/short",
                              {"line": line_no, "reason": "missing"})
        self.log(f"  picker: short pick declared on {oid} line {line_no} (HTTP {status})")
        self.short_done = status in (200, 202)

    # --- the packer ---------------------------------------------------------------------------
    def packer(self):
        while True:
            order = self.to_pack.get()
            if order is None:
                break
            try:
                self.pack_one(order)
            except Exception as e:  # a stuck order must not stop the shift: note it and go on
                self.errors.append(f"pack {order['order_id']}: {e}")
        self.to_ship.put(None)

    def pack_one(self, order):
        oid, kind = order["order_id"], self.special.get(order["order_id"])
        done = self.wait("pick.completed", oid, 90)
        if not done:
            raise RuntimeError("pick.completed never arrived")
        if kind == "parcels":
            return self.pack_parcels(order)
        grams = od.packed_grams(order, done)
        self.set_weight(grams + 400 if kind == "weight_mismatch" else grams + self.rng.randint(-5, 5))
        time.sleep(0.25)
        if kind == "paper_out":
            self.log(f"  printer: paper out ({self.printer('paper-out on')})")
        self.scan(self.pack_st, oid)
        if not self.wait("pack.started", oid, 60):
            raise RuntimeError("pack.started never arrived")
        w = self.wait(("weight.ok", "weight.mismatch"), oid, 60)
        if w and w["type"] == "weight.mismatch":
            self.log(f"  packer: weight mismatch on {oid}: {w['data'].get('measured_grams')} g, "
                     f"expected {w['data'].get('expected_grams')} g: repacking")
            self.set_weight(grams)
            time.sleep(0.3)
            # The station's weight hold is released by the OMS like any hold.
            reply = self.command("order.release", oid, {"reason": "parcel repacked"})
            if not reply or reply.get("status") != "accepted":
                raise RuntimeError(f"order.release of the weight hold on {oid} refused: {reply}")
            if not self.wait("weight.ok", oid, 60):
                raise RuntimeError("no weight.ok after the release")
        if kind == "paper_out":
            time.sleep(2.0)
            self.log(f"  printer: paper refilled ({self.printer('paper-out off')})")
        label = self.wait(("label.printed", "label.failed"), oid, 60)
        if label and label["type"] == "label.failed":
            self.scan(self.pack_st, oid)              # print again
            label = self.wait("label.printed", oid, 60)
        if not label or label["type"] != "label.printed":
            raise RuntimeError("no label printed")
        # Our label carries the SSCC; the carrier's own label (pick list carrier_labels) only its
        # tracking number, as a Code 128 barcode: that is what the verify and ship scans read.
        if label["data"].get("carrier_label"):
            label_code = "]C0" + label["data"]["tracking"]
            self.log(f"  packer: {oid} carries the carrier's label, verified by tracking {label['data']['tracking']}")
        else:
            label_code = "]C100" + label["data"]["sscc"]
        self.scan(self.pack_st, label_code)
        if not self.wait("pack.completed", oid, 60):
            raise RuntimeError("pack.completed never arrived")
        self.packed += 1
        if kind == "cancel_after_pack":
            self.command("order.cancel", oid, {"reason": "customer cancelled"})
            self.wait("order.cancelled", oid, 60)
        self.to_ship.put((order, label_code))

    def pack_parcels(self, order):
        """An order the OMS planned in parcels: each is weighed against its own items, gets its own
        label and is verified in turn (parcel.packed); the next parcel goes on the scale before the
        label of the one before is scanned, as the station weighs it right after."""
        oid, d = order["order_id"], order["data"]
        unit = {l["sku"]: l.get("unit_weight_grams", 0) for l in d["lines"]}
        grams = [d.get("packaging_weight_grams", 0) + sum(unit[l["sku"]] * l["qty"] for l in p["lines"])
                 for p in d["parcels"]]
        self.set_weight(grams[0])
        time.sleep(0.25)
        self.scan(self.pack_st, oid)
        ssccs = []
        for n in range(len(grams)):
            label = self.wait("label.printed", oid, 60, after=n)
            if not label:
                raise RuntimeError(f"no label for parcel {n + 1}")
            ssccs.append(label["data"]["sscc"])
            if n + 1 < len(grams):
                self.set_weight(grams[n + 1])
                time.sleep(0.3)
            self.scan(self.pack_st, "]C100" + ssccs[-1])
            if not self.wait("parcel.packed", oid, 60, after=n):
                raise RuntimeError(f"parcel {n + 1} not packed")
        self.log(f"  packer: {oid} packed in {len(ssccs)} parcels, one label each")
        if not self.wait("pack.completed", oid, 60):
            raise RuntimeError("pack.completed never arrived")
        self.packed += 1
        self.to_ship.put((order, ssccs))

    # --- the shipper --------------------------------------------------------------------------
    def shipper(self):
        n = 0
        while True:
            item = self.to_ship.get()
            if item is None:
                break
            order, label_code = item
            oid = order["order_id"]
            n += 1
            if isinstance(label_code, list):  # an order in several parcels ships with its last parcel
                for code in label_code:
                    self.scan(self.ship_st, "]C100" + code)
            else:
                # Every other parcel by its order barcode; the carrier's label always by its tracking.
                carrier = label_code.startswith("]C0")
                self.scan(self.ship_st, label_code if n % 2 or carrier else oid)
            if self.special.get(oid) == "cancel_after_pack":
                self.wait("scan.refused", oid, 60)
                continue
            if not self.wait("order.shipped", oid, 60):
                self.errors.append(f"ship {oid}: order.shipped never arrived")
            self.shipped_scans += 1

    def run(self):
        threads = [threading.Thread(target=t, daemon=True) for t in (self.picker, self.packer, self.shipper)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for f in list(self.fifos.values()) + [self.scale]:
            f.close()
