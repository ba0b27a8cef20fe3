"""Demo orders and the barcodes a picker scans for them (valid GTIN-13s, GS1-128 element strings)."""
import base64
import datetime
import random

CITIES = [("Erika Mustermann", "Hauptstr. 5", "10115", "Berlin", "DE"),
          ("Jan Jansen", "Kerkstraat 12", "1017 GC", "Amsterdam", "NL"),
          ("Marie Dupont", "12 rue de la Paix", "75002", "Paris", "FR"),
          ("John Smith", "221B Baker Street", "NW1 6XE", "London", "GB"),
          ("Ana Garcia", "Calle Mayor 3", "28013", "Madrid", "ES")]
CARRIERS = ["DHL", "UPS", "DPD"]


def gtin_check_digit(body):
    """GS1 mod-10 check digit of the digits in body (weights 3,1,3,... from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def gtin13(n):
    body = f"400638{n:06d}"
    return body + gtin_check_digit(body)


CATALOG = [{"sku": f"SKU-{100 + i}", "gtin": gtin13(133000 + i * 7), "location": f"R{1 + i // 4}-{1 + i % 4:02d}",
            "unit_weight_grams": 120 + 35 * i} for i in range(12)]
FOREIGN_GTIN = gtin13(999001)   # a product on no order: the "wrong item"


def yymmdd(days_from_today):
    return (datetime.date.today() + datetime.timedelta(days=days_from_today)).strftime("%y%m%d")


def make_order(index, station="pick-1", rng=None, prefix="O-"):
    rng = rng or random.Random(index)
    order_id = f"{prefix}{1001 + index}"
    items = rng.sample(CATALOG, rng.randint(1, 3))
    name, street, postcode, city, country = CITIES[index % len(CITIES)]
    lines = [{"sku": it["sku"], "gtins": [it["gtin"]], "qty": rng.randint(1, 2), "location": it["location"],
              "unit_weight_grams": it["unit_weight_grams"]} for it in items]
    return {"order_id": order_id, "station": station,
            "data": {"carrier": CARRIERS[index % len(CARRIERS)], "label_template": "shipping",
                     "ship_to": {"name": name, "lines": [street], "postcode": postcode, "city": city,
                                 "country": country},
                     "packaging_weight_grams": 150, "weight_tolerance_grams": 25,
                     "weight_tolerance_percent": 2, "lines": lines}}


def carrier_label(order, tracking):
    """The carrier's own label for the order's parcel (pick list carrier_labels): ZPL as a shipping
    service sends it, with the tracking number as a Code 128 barcode (docs/workflows.md, "Carrier labels")."""
    to = order["data"]["ship_to"]
    zpl = ("^XA^CI28^PW812^LL1218^LH0,0^FO40,40^A0N,36,36^FD" + order["data"]["carrier"] + " STANDARD^FS"
           "^FO40,100^A0N,28,28^FD" + to["name"] + ", " + to["city"] + "^FS"
           "^FO40,200^BY3^BCN,180,Y,N,N^FD" + tracking + "^FS^FO40,420^GB732,4,4^FS^PQ1^XZ")
    return {"parcel": 1, "tracking": tracking, "zpl_base64": base64.b64encode(zpl.encode()).decode()}


def ship_by_in(minutes):
    """A carrier cut-off `minutes` from now, RFC 3339 (pick list ship_by)."""
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=minutes)).isoformat(
        timespec="seconds")


def expected_grams(order):
    d = order["data"]
    return d.get("packaging_weight_grams", 0) + sum(l["qty"] * l.get("unit_weight_grams", 0) for l in d["lines"])


def packed_grams(order, pick_completed):
    """What the parcel weighs: packaging + the units actually picked (pick.completed's lines), which
    is what the gateway expects (a short pick ships without the OMS)."""
    d = order["data"]
    picked = {l["line"]: l["picked"] for l in pick_completed["data"].get("lines", [])}
    return d.get("packaging_weight_grams", 0) + sum(picked.get(i, l["qty"]) * l.get("unit_weight_grams", 0)
                                                    for i, l in enumerate(d["lines"]))


def item_barcode(line, unit, expiry_days=400):
    """A unit's barcode: alternately the EAN-13 (AIM ]E0) and a GS1-128 with expiry and lot; a line
    that captures serials gets GS1-128 with the serial SN<unit + 1>."""
    gtin = line["gtins"][0]
    if line.get("capture_serials"):
        return serial_barcode(line, f"SN{unit + 1}")
    if unit % 2 == 0:
        return "]E0" + gtin
    return f"]C101{gtin.zfill(14)}17{yymmdd(expiry_days)}10LOT{unit + 1}"


def expired_barcode(line):
    return f"]C101{line['gtins'][0].zfill(14)}17{yymmdd(-30)}10LOTOLD"


def wrong_barcode():
    return "]E0" + FOREIGN_GTIN


def serial_barcode(line, serial):
    return f"]C101{line['gtins'][0].zfill(14)}21{serial}"
