"""Customer messages an OMS sends when wedge events arrive, from the templates of its config.

The config maps an event type to a template file (string.Template, $name placeholders filled from
the envelope and its data: order_id, carrier, tracking, sscc, missing, step, reason, ship_by,
predicted_ship_at, ...).
"""
import json
import os
import string

DEFAULT_CONFIG = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "oms-sim.json")


def load_config(path=None):
    path = path or DEFAULT_CONFIG
    with open(path, encoding="utf-8") as f:
        cfg = json.load(f)
    cfg["_dir"] = os.path.dirname(os.path.abspath(path))
    return cfg


class CustomerMessages:
    def __init__(self, cfg):
        tdir = os.path.join(cfg["_dir"], cfg.get("template_dir", "templates"))
        self.templates = {}
        for etype, fname in cfg.get("customer_messages", {}).items():
            with open(os.path.join(tdir, fname), encoding="utf-8") as f:
                self.templates[etype] = (fname.rsplit(".", 1)[0], string.Template(f.read().strip()))

    def render(self, event):
        """(message kind, text) for an event that warrants a customer message, else None."""
        etype = event.get("type")
        if etype not in self.templates:
            return None
        data = event.get("data") or {}
        if etype == "order.held" and data.get("reason") != "at_risk":
            return None
        # The early warning of a step limit is for the floor; the customer hears of a delay once
        # the step is late or the ship_by (the carrier's cut-off) is predicted to be missed.
        if etype == "order.at_risk" and data.get("reason") == "step_limit_near":
            return None
        fields = {k: v for k, v in data.items() if isinstance(v, (str, int, float))}
        fields.update(order_id=event.get("order_id") or "", station=event.get("station") or "",
                      ts=event.get("ts", ""))
        fields.setdefault("tracking", data.get("sscc") or event.get("order_id") or "")
        missing = data.get("missing") or []
        fields["missing"] = ", ".join(f"{m.get('missing')} x {m.get('sku')}" for m in missing) or "some items"
        fields.setdefault("intercepted_step", "")
        fields.setdefault("ship_by", "the promised time")  # null: the pick list had no ship_by
        fields.setdefault("predicted_ship_at", "soon")
        kind, template = self.templates[etype]
        return kind, template.safe_substitute(fields)
