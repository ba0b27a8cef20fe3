"""OmsClient: one MQTT connection speaking the OMS side of the wedge API.

Subscribes to every gateway's events, status and command replies under a topic prefix, keeps the
first copy of every event (de-duplication by envelope id, duplicates counted), optionally records
every message to a JSON-lines file for `check`, and sends commands that it resends with the same id
until the gateway's reply on {base}/ack arrives (the reply, not the PUBACK, is the receipt).
Callbacks run on paho's network thread; the public methods are safe from any thread.
"""
import json
import threading
import time
import uuid

import paho.mqtt.client as mqtt


def parse_broker(uri):
    """mqtt://host:port or host:port -> (host, port)."""
    rest = uri.split("://", 1)[1] if "://" in uri else uri
    host, _, port = rest.rpartition(":")
    return (host or "127.0.0.1"), int(port or 1883)


class OmsClient:
    def __init__(self, broker, prefix="wedge/v1", site="+", gateway="+", client_id=None,
                 record=None, on_event=None, on_status=None, quiet=False, share=None):
        """share: an MQTT 5 shared subscription group: the event and telemetry filters become
        $share/<share>/…, so the broker hands each event to one member of the group (the OMS
        workers), and the client speaks MQTT 5."""
        self.prefix = prefix
        self.share = share
        client_id = client_id or "oms-sim-" + uuid.uuid4().hex[:8]
        self.worker = client_id
        self.site = site
        self.gateway = gateway
        self.on_event = on_event
        self.on_status = on_status
        self.quiet = quiet
        self.lock = threading.Condition()
        self.events = {}          # id -> envelope (first copy)
        self.order = []           # ids in arrival order of first copies
        self.recv_ms = {}         # id -> arrival time (ms, time.time())
        self.gateway_of = {}      # id -> the gateway that sent it (from the topic; not in the envelope)
        self.duplicates = 0
        self.acks = {}            # command id -> reply
        self.status = {}          # (site, gateway) -> last status
        self.connected = False
        self.connects = 0
        self.disconnects = 0
        self.record = open(record, "a", encoding="utf-8") if record else None
        if share:
            self.client = mqtt.Client(client_id=client_id,
                                      protocol=mqtt.MQTTv5)
        else:
            self.client = mqtt.Client(client_id=client_id,
                                      clean_session=client_id is None, protocol=mqtt.MQTTv311)
        self.client.reconnect_delay_set(0.2, 1.0)
        self.client.max_queued_messages_set(0)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.host, self.port = parse_broker(broker)

    # --- connection -------------------------------------------------------------------------
    def start(self, timeout_s=10.0):
        self.client.connect_async(self.host, self.port, keepalive=5)
        self.client.loop_start()
        return self.wait_connected(timeout_s)

    def stop(self):
        self.client.loop_stop()
        try:
            self.client.disconnect()
        except Exception:  # already gone: nothing to close
            pass
        if self.record:
            self.record.close()
            self.record = None

    def wait_connected(self, timeout_s):
        with self.lock:
            return self.lock.wait_for(lambda: self.connected, timeout_s)

    def base(self, site=None, gateway=None):
        return f"{self.prefix}/{site or self.site}/{gateway or self.gateway}"

    def _on_connect(self, client, _userdata, _flags, rc, _properties=None):
        if rc != 0:
            return
        # Telemetry (station.kpi) shares the gateway's seq numbering with the events: a run is
        # checked for gaps over both.
        filters = [f"{self.prefix}/{self.site}/{self.gateway}/station/+/event/#",
                   f"{self.prefix}/{self.site}/{self.gateway}/event/#",
                   f"{self.prefix}/{self.site}/{self.gateway}/station/+/telemetry/#",
                   f"{self.prefix}/{self.site}/{self.gateway}/telemetry/#",
                   f"{self.prefix}/{self.site}/{self.gateway}/status",
                   f"{self.prefix}/{self.site}/{self.gateway}/ack"]
        if self.share:
            filters[:4] = [f"$share/{self.share}/{f}" for f in filters[:4]]
        client.subscribe([(f, 1) for f in filters])
        with self.lock:
            self.connected = True
            self.connects += 1
            self.lock.notify_all()

    def _on_disconnect(self, _client, _userdata, _rc, _properties=None):
        with self.lock:
            if self.connected:
                self.disconnects += 1
            self.connected = False
            self.lock.notify_all()

    # --- inbound ----------------------------------------------------------------------------
    def _on_message(self, _client, _userdata, msg):
        now_ms = time.time() * 1000.0
        try:
            payload = json.loads(msg.payload.decode("utf-8")) if msg.payload else None
        except (UnicodeDecodeError, json.JSONDecodeError):
            payload = None
        if self.record:
            self.record.write(json.dumps({"t": now_ms, "topic": msg.topic, "payload": payload,
                                          "worker": self.worker}) + "\n")
            self.record.flush()
        if not isinstance(payload, dict):
            return
        levels = msg.topic.split("/")
        if msg.topic.endswith("/ack"):
            with self.lock:
                if payload.get("command_id"):
                    self.acks[payload["command_id"]] = payload
                self.lock.notify_all()
            return
        if msg.topic.endswith("/status") and "/device/" not in msg.topic:
            with self.lock:
                self.status[(levels[-3], levels[-2])] = payload
                self.lock.notify_all()
            if self.on_status:
                self.on_status(msg.topic, payload)
            return
        if ("/event/" not in msg.topic and "/telemetry/" not in msg.topic) or "id" not in payload:
            return
        with self.lock:
            if payload["id"] in self.events:
                self.duplicates += 1
                return
            self.events[payload["id"]] = payload
            self.order.append(payload["id"])
            self.recv_ms[payload["id"]] = now_ms
            self.gateway_of[payload["id"]] = levels[len(self.prefix.split("/")) + 1]
            self.lock.notify_all()
        if self.on_event:
            self.on_event(payload, now_ms)

    def wait_for(self, predicate, timeout_s):
        """Waits until predicate() (called under the lock) is true; returns its last value."""
        with self.lock:
            return self.lock.wait_for(predicate, timeout_s)

    def find(self, etype, order_id=None, gateway=None):
        """Events of a type (and order, and gateway) received so far, in arrival order."""
        with self.lock:
            return [self.events[i] for i in self.order if self.events[i]["type"] == etype and
                    (order_id is None or self.events[i].get("order_id") == order_id) and
                    (gateway is None or self.gateway_of[i] == gateway)]

    def wait_event(self, etypes, order_id, timeout_s, after=0):
        """The first event of one of etypes for order_id, the (after)th onwards, or None."""
        etypes = (etypes,) if isinstance(etypes, str) else tuple(etypes)
        found = []

        def ready():
            found[:] = [self.events[i] for i in self.order if self.events[i]["type"] in etypes
                        and self.events[i].get("order_id") == order_id]
            return len(found) > after
        self.wait_for(ready, timeout_s)
        return found[after] if len(found) > after else None

    # --- commands ---------------------------------------------------------------------------
    def command(self, ctype, order_id=None, station=None, data=None, cid=None, site=None,
                gateway=None, timeout_s=30.0, resend_s=5.0, return_id=None):
        """Publishes a command and waits for its reply, resending with the same id every resend_s
        (also across broker outages). Returns the reply, or None after timeout_s."""
        cid = cid or f"c-{uuid.uuid4().hex[:12]}"
        body = {"schema": 1, "id": cid, "type": ctype}
        if order_id is not None:
            body["order_id"] = order_id
        if station is not None:
            body["station"] = station
        if return_id is not None:
            body["return_id"] = return_id
        if data is not None:
            body["data"] = data
        topic = f"{self.base(site, gateway)}/cmd/{ctype}"
        if "+" in topic:
            raise ValueError("commands need --site and --gateway")
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not self.wait_connected(max(0.0, deadline - time.monotonic())):
                break
            self.client.publish(topic, json.dumps(body), qos=1)
            wait = min(resend_s, max(0.0, deadline - time.monotonic()))
            if self.wait_for(lambda: cid in self.acks, wait):
                return self.acks[cid]
        return None
