"""check: every event received once and in order, per gateway (docs/mqtt-api.md "Delivery promise").

Input: the messages recorded by `watch --record` / `play --record` (JSON lines {t, topic, payload,
worker}), from one consumer or from several OMS workers sharing the stream (their records merged).
Per gateway (site/gateway from the topic): copies are de-duplicated by envelope id (duplicates
counted); each worker's first copies must arrive in strictly increasing seq; the merged seqs must
have no gap; two different ids must never share a seq. Across workers, arrival order is not seq
order (a shared subscription hands consecutive events to different workers): the OMS orders a
gateway's events by `seq`, and the check counts how many arrived before an earlier seq on another
worker (`interleaved`) without failing. Returns a result dict; ok is False on any violation.
"""
import json


def load_record(paths):
    """One record file, or several (one per worker): their rows, merged in arrival time order."""
    rows = []
    for path in [paths] if isinstance(paths, str) else paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line:
                    row = json.loads(line)
                    row.setdefault("worker", path)
                    rows.append(row)
    rows.sort(key=lambda r: r.get("t", 0))
    return rows


def check_events(rows, expect_first_seq=None, expect_last_seq=None):
    gateways = {}
    for row in rows:
        topic, env = row.get("topic", ""), row.get("payload")
        if ("/event/" not in topic and "/telemetry/" not in topic) or not isinstance(env, dict) or "id" not in env:
            continue
        levels = topic.split("/")
        key = "/".join(levels[2:4])
        g = gateways.setdefault(key, {"ids": {}, "seqs": {}, "duplicates": 0, "out_of_order": 0,
                                      "interleaved": 0, "last_seq": None, "worker_last": {},
                                      "workers": set(), "problems": []})
        if env["id"] in g["ids"]:
            g["duplicates"] += 1
            continue
        g["ids"][env["id"]] = env["seq"]
        if env["seq"] in g["seqs"]:
            g["problems"].append(f"seq {env['seq']} carried by two ids")
        g["seqs"][env["seq"]] = env["id"]
        worker = row.get("worker", "")
        g["workers"].add(worker)
        last = g["worker_last"].get(worker)
        if last is not None and env["seq"] <= last:
            g["out_of_order"] += 1
            g["problems"].append(f"seq {env['seq']} arrived after {last}" + (f" at {worker}" if worker else ""))
        elif g["last_seq"] is not None and env["seq"] <= g["last_seq"]:
            g["interleaved"] += 1
        g["worker_last"][worker] = env["seq"] if last is None else max(last, env["seq"])
        g["last_seq"] = env["seq"] if g["last_seq"] is None else max(g["last_seq"], env["seq"])
    result = {"ok": True, "gateways": {}}
    for key, g in gateways.items():
        seqs = sorted(g["seqs"])
        first = expect_first_seq if expect_first_seq is not None else seqs[0]
        last = expect_last_seq if expect_last_seq is not None else seqs[-1]
        missing = sorted(set(range(first, last + 1)) - set(seqs))
        if missing:
            shown = ", ".join(map(str, missing[:10])) + (" ..." if len(missing) > 10 else "")
            g["problems"].append(f"{len(missing)} seq missing: {shown}")
        result["gateways"][key] = {"unique": len(seqs), "first_seq": seqs[0], "last_seq": seqs[-1],
                                   "duplicates": g["duplicates"], "missing": len(missing),
                                   "out_of_order": g["out_of_order"], "interleaved": g["interleaved"],
                                   "workers": len(g["workers"]), "problems": g["problems"][:20]}
        if g["problems"]:
            result["ok"] = False
    if not gateways:
        result["ok"] = False
    return result


def print_check(result):
    if not result["gateways"]:
        print("check: no events received")
    for key, g in result["gateways"].items():
        verdict = "OK" if not g["problems"] else "FAILED"
        print(f"check {key}: {verdict}: {g['unique']} events (seq {g['first_seq']}..{g['last_seq']}), "
              f"{g['duplicates']} duplicates dropped, {g['missing']} missing, {g['out_of_order']} out of order"
              + (f", {g['workers']} workers ({g['interleaved']} arrived before an earlier seq on another worker;"
                 " the OMS orders by seq)" if g["workers"] > 1 else ""))
        for p in g["problems"]:
            print(f"  - {p}")
