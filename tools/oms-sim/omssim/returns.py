"""Customer returns for the demo (issue 21): once the shift has shipped, the OMS announces one
return (return.expected, RMA) whose unit comes back damaged, and a second parcel arrives
unannounced with a serial number that never left in its order. The returns clerk scans at the
returns station through its scanner simulator's FIFO; the OMS watches return.* events.
"""
from . import orders as od

GRADE_PREFIX = "GRADE:"   # stations[].returns.grade_barcode_prefix (default)


class Returns:
    def __init__(self, client, fifo_path, log=print, station="returns-1"):
        self.c = client
        self.fifo = open(fifo_path, "w", buffering=1)
        self.log = log
        self.station = station
        self.played = []   # (return_id, order_id, announced, what the demo expects)
        self.errors = []

    def scan(self, code):
        self.fifo.write(code + "\n")

    def wait(self, etype, order_id, after=0, timeout_s=20):
        event = self.c.wait_event(etype, order_id, timeout_s, after)
        if event is None:
            self.errors.append(f"returns: no {etype} for {order_id}")
        return event

    def announced_damaged(self, order):
        """RMA-<order>: one unit of the first line announced, scanned, graded damaged."""
        oid, line = order["order_id"], order["data"]["lines"][0]
        rma = "RMA-" + oid
        item = {"sku": line["sku"], "gtin": line["gtins"][0], "qty": 1, "putaway_location": line["location"],
                "reason": "arrived broken"}
        reply = self.c.command("return.expected", order_id=oid, return_id=rma, data={"items": [item]}, timeout_s=30)
        if not reply or reply.get("status") != "accepted":
            self.errors.append(f"returns: return.expected {rma} not accepted: {reply}")
            return
        self.log(f"  OMS -> return.expected {rma} for {oid}: 1 x {line['sku']}")
        self.scan(rma)
        self.wait("return.received", oid)
        self.scan(od.item_barcode(line, 0))
        self.scan(GRADE_PREFIX + "damaged")
        # Every announced unit graded: the station completes the return by itself.
        self.wait("return.completed", oid)
        self.played.append((rma, oid, True, "1 damaged"))

    def unannounced_foreign_serial(self, order):
        """A parcel of an order shipped with serials, never announced: a serial that never left in
        that order is refused, the unit that did is graded resellable; the order barcode closes it."""
        oid = order["order_id"]
        line = next(l for l in order["data"]["lines"] if l.get("capture_serials"))
        self.scan(oid)
        self.wait("return.received", oid)
        self.scan(od.serial_barcode(line, "SN999"))
        self.wait("return.discrepancy", oid)
        self.scan(od.item_barcode(line, 0))
        self.scan(GRADE_PREFIX + "resellable")
        self.wait("return.item_graded", oid)
        self.scan(oid)
        self.wait("return.completed", oid)
        self.played.append((f"R-{oid}-1", oid, False, "1 resellable, serial SN999 refused"))

    def report_lines(self):
        """One line per return, from the events the OMS received."""
        out = []
        for rid, oid, announced, _ in self.played:
            done = [e for e in self.c.find("return.completed", oid) if e["data"].get("return_id") == rid]
            if not done:
                out.append(f"{rid}: not completed")
                continue
            d = done[0]["data"]
            totals = ", ".join(f"{n} {g}" for g, n in sorted(d.get("totals", {}).items())) or "nothing graded"
            refused = [e["data"] for e in self.c.find("return.discrepancy", oid) if e["data"].get("return_id") == rid]
            extra = "; ".join(f"{r['kind']} {r.get('serial') or r.get('sku') or ''}".strip() for r in refused)
            out.append(f"{rid} ({'announced' if announced else 'unannounced'}, order {oid}): {totals}"
                       + (f"; refused: {extra}" if extra else ""))
        return out

    def check(self):
        """The demo's expectations, as problems (empty when every one holds)."""
        problems = list(self.errors)
        for rid, oid, announced, _ in self.played:
            done = [e["data"] for e in self.c.find("return.completed", oid) if e["data"].get("return_id") == rid]
            totals = done[0].get("totals", {}) if done else {}
            if announced and totals != {"damaged": 1}:
                problems.append(f"{rid}: totals {totals}, expected 1 damaged")
            if not announced:
                kinds = [e["data"].get("kind") for e in self.c.find("return.discrepancy", oid)
                         if e["data"].get("return_id") == rid]
                if totals != {"resellable": 1} or kinds != ["serial_not_shipped"]:
                    problems.append(f"{rid}: totals {totals}, discrepancies {kinds}; expected 1 resellable and "
                                    "serial_not_shipped")
        return problems
