#!/usr/bin/python3
"""docs_agree_test: the prose docs and docs/asyncapi.yaml say the same.

Checks, each a list of differences that fails the test:
  (a) mqtt-api.md, "Station event types": the types listed are the document's eventType enum plus
      station.kpi, and each has a message of that name;
  (b) mqtt-api.md, the reply-code table: exactly the document's ReplyCode enum;
  (c) every JSON example of mqtt-api.md (status, device status, event, command, reply) is valid
      under the message the document assigns to it (tests/contract/contract.py);
  (d) workflows.md, "Events": one row per event type, and each row names every field of that
      type's data schema (step and phase are said once above the table);
  (e) scan-validation.md, the pick-list table: exactly the fields of PickListData and, as
      `lines[].…`, of PickListLine;
  (f) the station.kpi `data` example of workflows.md ("KPIs") is valid under StationKpiData.
Run by ctest with /usr/bin/python3 (python3-jsonschema, python3-yaml).
"""
import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contract import Contract  # noqa: E402

BASE = "wedge/v1/site/gw"


def table_rows(text, header):
    """The rows (lists of cells) of the markdown table whose header line starts with `header`."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def ticked(cell):
    return re.findall(r"`([^`]+)`", cell)


def section(text, title):
    start = text.index(title)
    end = text.find("\n## ", start + len(title))
    return text[start:end if end > 0 else len(text)]


def json_examples(text):
    """Every JSON object in the ```json blocks of `text`, in order."""
    decoder, out = json.JSONDecoder(), []
    for block in re.findall(r"```json\n(.*?)```", text, re.S):
        pos = 0
        while True:
            start = block.find("{", pos)
            if start < 0:
                break
            value, pos = decoder.raw_decode(block, start)
            out.append(value)
    return out


def example_topic(payload):
    """(topic, direction) an example of mqtt-api.md belongs to, by its shape."""
    if "online" in payload:
        return f"{BASE}/status", "subscribe"
    if "state" in payload:
        return f"{BASE}/device/scale-1/status", "subscribe"
    if "seq" in payload:
        station = payload.get("station")
        level = f"station/{station}/" if station else ""
        kind = "telemetry" if payload.get("type") == "station.kpi" else "event"
        return f"{BASE}/{level}{kind}/{payload['type']}", "subscribe"
    if "command_id" in payload:
        return f"{BASE}/ack", "subscribe"
    return f"{BASE}/cmd/{payload.get('type')}", "publish"


def check(contract, docs):
    problems = []
    mqtt_api = open(os.path.join(docs, "mqtt-api.md"), encoding="utf-8").read()
    workflows = open(os.path.join(docs, "workflows.md"), encoding="utf-8").read()
    scan_validation = open(os.path.join(docs, "scan-validation.md"), encoding="utf-8").read()
    enum = set(contract.doc["components"]["parameters"]["eventType"]["schema"]["enum"])
    messages = {m["name"]: m for m in contract.doc["components"]["messages"].values()}

    listed = set()
    for _group, types in table_rows(section(mqtt_api, "## Station event types"), "| Group |"):
        listed |= {t for t in ticked(types) if "." in t and "/" not in t and "{" not in t}
    if listed != enum | {"station.kpi"}:
        problems.append(f"(a) mqtt-api.md event types differ from eventType: only in the page "
                        f"{sorted(listed - enum - {'station.kpi'})}, only in the document {sorted(enum - listed)}")
    problems += [f"(a) no message named {t}" for t in sorted(listed - set(messages))]

    codes = {ticked(row[0])[0] for row in table_rows(mqtt_api, "| `code` | When |")}
    reply_codes = set(contract.schema("ReplyCode")["enum"])
    if codes != reply_codes:
        problems.append(f"(b) reply codes: only in mqtt-api.md {sorted(codes - reply_codes)}, "
                        f"only in asyncapi.yaml {sorted(reply_codes - codes)}")

    examples = json_examples(mqtt_api)
    for payload in examples:
        topic, direction = example_topic(payload)
        name, _payload, errors = contract.check_text(topic, json.dumps(payload), direction)
        problems += [f"(c) mqtt-api.md example {json.dumps(payload)[:100]}… [{name}]: {e}" for e in errors]

    rows = {}
    for row in table_rows(section(workflows, "## Events"), "| Type |"):
        for event_type in ticked(row[0]):
            rows[event_type] = set(ticked(row[1]))
    if set(rows) != enum:
        problems.append(f"(d) workflows.md event rows: only there {sorted(set(rows) - enum)}, "
                        f"missing {sorted(enum - set(rows))}")
    for event_type, fields in sorted(rows.items()):
        if event_type not in messages:
            continue
        data = contract.resolve(contract.resolve(messages[event_type]["payload"])["allOf"][1]["properties"]["data"])
        variants = data.get("oneOf", [data])
        named = set().union(*(set(contract.resolve(v)["properties"]) for v in variants)) - {"step", "phase"}
        missing = named - fields
        if missing:
            problems.append(f"(d) workflows.md row {event_type} does not name {sorted(missing)}")

    table = {ticked(row[0])[0] for row in table_rows(section(scan_validation, "## 3. The pick list"), "| Field |")}
    schema = {f for f in contract.schema("PickListData")["properties"]}
    schema |= {f"lines[].{f}" for f in contract.schema("PickListLine")["properties"]}
    if table != schema:
        problems.append(f"(e) pick-list fields: only in scan-validation.md {sorted(table - schema)}, "
                        f"only in asyncapi.yaml {sorted(schema - table)}")
    for data in json_examples(section(workflows, "## KPIs")):
        problems += [f"(f) workflows.md KPI example: {e}" for e in contract.errors(contract.schema("StationKpiData"), data)]
    print(f"docs_agree: {len(listed)} event types, {len(codes)} reply codes, {len(examples)} examples, "
          f"{len(rows)} workflow rows, {len(table)} pick-list fields compared with {contract.path}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", required=True, help="the docs/ folder")
    args = parser.parse_args()
    problems = check(Contract(os.path.join(args.docs, "asyncapi.yaml")), args.docs)
    for problem in problems:
        print(problem)
    print("FAIL" if problems else "PASS")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
