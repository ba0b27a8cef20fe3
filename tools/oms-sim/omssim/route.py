"""route: an OMS that moves orders between gateways (docs/oms-integration.md, "A site with several
gateways").

Each order is sent as a pick_list to the pick station on gateway A. When A reports `pick.completed`
for it, the order is sent as a pick_list to the pack station on gateway B (a pack/ship station
starts an order at pack), with the same order data and a command id derived from the order, so a
resend after a crash or an outage is answered "duplicate" instead of creating the order twice. An
order cancelled while in transit (after A's pick.completed, before B's order.received) is cancelled
on B as well, with the same kind of stable command id.
"""
import json
import time


def load_orders(path):
    with open(path, encoding="utf-8") as f:
        orders = json.load(f)
    return orders if isinstance(orders, list) else [orders]


class Router:
    """Routes orders A → B with one OmsClient subscribed to every gateway of the site."""

    def __init__(self, client, site, pick_gateway, pick_station, pack_gateway, pack_station, log=print):
        self.client = client
        self.site = site
        self.a, self.a_station = pick_gateway, pick_station
        self.b, self.b_station = pack_gateway, pack_station
        self.log = log
        self.orders = {}       # order id -> data
        self.routed = {}       # order id -> B's reply to the routed pick_list
        self.sent_to_b = set()  # order ids whose pick_list to B was published (answered or not)
        self.cancelled = set()

    def push(self, order):
        self.orders[order["order_id"]] = order["data"]
        reply = self.client.command("pick_list", order_id=order["order_id"], station=self.a_station,
                                    data=order["data"], cid=f"pick-{order['order_id']}", site=self.site,
                                    gateway=self.a)
        self.log(f"route: pick_list {order['order_id']} -> {self.a}/{self.a_station}: "
                 f"{reply.get('status') if reply else 'no reply'}")
        return reply

    def picked_at_a(self, order_id):
        """A's pick.completed for the order, from A's own event topics (None while not picked)."""
        found = self.client.find("pick.completed", order_id, gateway=self.a)
        return found[0] if found else None

    def route(self, order_id, timeout_s):
        """Sends the picked order to B; returns B's reply (None when B did not answer in time: the
        command stays queued in B's persistent session and this call can be repeated)."""
        self.sent_to_b.add(order_id)
        reply = self.client.command("pick_list", order_id=order_id, station=self.b_station,
                                    data=self.orders[order_id], cid=f"route-{order_id}", site=self.site,
                                    gateway=self.b, timeout_s=timeout_s)
        if reply is not None:
            self.routed[order_id] = reply
        self.log(f"route: {order_id} picked on {self.a}, pick_list -> {self.b}/{self.b_station}: "
                 f"{reply.get('status') if reply else 'no reply (B offline? the command waits at the broker)'}")
        return reply

    def cancel(self, order_id, reason, timeout_s):
        """Cancels the order wherever it may be: on A (where it was picked) and, once its pick_list
        was sent to B (answered or not: B applies its commands in order), on B."""
        self.cancelled.add(order_id)
        replies = {}
        for gateway in (self.a, self.b) if order_id in self.sent_to_b else (self.a,):
            replies[gateway] = self.client.command("order.cancel", order_id=order_id, data={"reason": reason},
                                                   cid=f"cancel-{gateway}-{order_id}", site=self.site,
                                                   gateway=gateway, timeout_s=timeout_s)
        return replies

    def run(self, duration_s, timeout_s):
        """Routes every pushed order once A has picked it, until all are routed or duration_s ends."""
        end = time.monotonic() + duration_s
        while time.monotonic() < end:
            waiting = [o for o in self.orders if o not in self.routed and o not in self.cancelled]
            if not waiting:
                return True
            for order_id in waiting:
                if self.picked_at_a(order_id) is not None:
                    self.route(order_id, timeout_s)
            self.client.wait_for(lambda: False, 0.2)
        return all(o in self.routed or o in self.cancelled for o in self.orders)
