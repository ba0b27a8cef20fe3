// The station screen (/stations/<id>): what to do next, the last scan's result at once and in
// colour, the pack weight, the label, the uplink and the devices — pushed over /events.
"use strict";

(() => {
  const { el, text, seconds, stateClass } = wedge;
  const id = decodeURIComponent(window.location.pathname.split("/").filter(Boolean)[1] || "");
  let station = { id };
  let status = {};
  let lastScanKey = null;
  // Events waiting for the broker, from whichever update came last: this station's snapshot (at
  // once, after its own scans) or the status (every second, counting every station's events).
  let buffered;
  let toastTimer = null;

  document.getElementById("station-id").textContent = "Station " + id;
  document.title = "wedge – " + id;

  function set(idName, value, cls) {
    const node = document.getElementById(idName);
    node.textContent = value;
    if (cls !== undefined) node.className = cls;
  }

  function renderScan() {
    const scan = station.last_scan;
    const box = document.getElementById("scan");
    if (!scan) {
      box.className = "scan idle";
      set("scan-result", "Waiting for a scan");
      set("scan-reason", "");
      set("scan-code", "");
      return;
    }
    const result = scan.result || "attention";
    const kind = result === "accepted" ? "good" : result === "refused" ? "bad" : "warn";
    const title = result === "accepted" ? "✔ Accepted" : result === "refused" ? "✘ Refused" : "! Attention";
    set("scan-result", title);
    set("scan-reason", scan.reason || scan.message || "");
    set("scan-code", scan.code ? "Scanned " + scan.code : "");
    // Flash again for every new scan, even with the same result as the last one.
    const key = JSON.stringify([scan.seq, scan.at, scan.code, result, scan.reason]);
    box.className = "scan " + kind;
    if (key !== lastScanKey) {
      lastScanKey = key;
      void box.offsetWidth;
      box.classList.add("flash");
    }
  }

  function renderStation() {
    const order = station.order;
    const step = station.step || (order ? order.step : null);
    set("step", text(step), "pill");
    set("order", order ? "Order " + text(order.id) + (order.carrier ? " · " + order.carrier : "") : "No order", "order");
    const line = station.next_line;
    // A cancelled order: each location with what goes back there; its barcode puts them back.
    const putAway = Array.isArray(station.put_away) ? station.put_away : [];
    set("next-title", putAway.length ? "Put back – scan each location" : "Next to pick");
    document.getElementById("put-away").hidden = !putAway.length;
    document.getElementById("put-away").replaceChildren(...putAway.map((p) => el("li", {},
      el("span", { class: "location", text: p.location || "(no location: scan the order barcode)" }),
      el("span", { class: "item", text: p.items.map((i) => i.qty + " × " + i.sku +
        (i.serials.length ? " (" + i.serials.join(", ") + ")" : "")).join(", ") }))));
    document.getElementById("next-line").hidden = !line;
    document.getElementById("next-empty").hidden = !!line || putAway.length > 0;
    if (line) {
      set("next-location", text(line.location));
      set("next-item", [line.sku || line.item, line.description].filter(Boolean).join(" – ") || text(line.gtin));
      set("next-qty", text(line.qty_left));
      const progress = order && order.lines_total ? "Line " + text(line.line) + " · " + text(order.lines_done) + " of " + text(order.lines_total) + " lines done" : "Line " + text(line.line);
      set("next-progress", progress);
    }
    const weight = station.weight;
    if (weight && weight.grams !== undefined) {
      const inRange = weight.expected_min_grams === undefined || (weight.grams >= weight.expected_min_grams && weight.grams <= weight.expected_max_grams);
      set("weight", text(weight.grams) + " g" + (weight.stable === false ? " (settling)" : ""), inRange ? "good" : "bad");
    } else {
      set("weight", "–", "");
    }
    set("expected", weight && weight.expected_min_grams !== undefined ? text(weight.expected_min_grams) + " – " + text(weight.expected_max_grams) + " g" : "–");
    const label = station.label;
    set("label", label ? text(label.status) + (label.reason ? ": " + label.reason : "") : "–",
      label ? stateClass(label.status === "printed" || label.status === "verified" ? "ok" : label.status === "failed" ? "faulted" : "") : "");
    const list = Array.isArray(station.devices) ? station.devices : [];
    document.getElementById("devices").replaceChildren(...list.map((d) => {
      // Warnings (a printer's paper near end, …) come before the fault: shown in the warn colour.
      const warnings = Array.isArray(d.warnings) ? d.warnings.join(", ") : "";
      return el("li", { class: warnings && d.state === "connected" ? "warn" : stateClass(d.state) },
        el("span", { class: "device-id", text: (d.kind ? d.kind + " " : "") + d.id }),
        el("span", { text: text(d.state) + (d.reason ? " – " + d.reason : "") + (warnings ? " – warning: " + warnings : "") }));
    }));
    wedge.renderAtRisk(Array.isArray(station.orders_at_risk) ? station.orders_at_risk : []);
    renderReturn();
    renderScan();
    renderBanner();
  }

  // A returns station: what the return expects, what was scanned and graded, and one button per
  // grade, which posts the grade's condition barcode as a scan (docs/workflows.md, "Returns").
  function renderReturn() {
    const ret = station.return;
    document.getElementById("return-card").hidden = !ret;
    if (!ret) return;
    set("return-id", text(ret.return_id) + (ret.announced ? "" : " (not announced)"));
    set("return-order", "Order " + text(ret.order_id) + " · " + text(ret.status));
    const expected = Array.isArray(ret.expected) ? ret.expected : [];
    document.getElementById("return-expected").replaceChildren(...expected.map((e) =>
      el("li", { class: e.returned >= e.qty ? "ok" : "" },
        el("span", { class: "device-id", text: text(e.sku) }),
        el("span", { text: text(e.returned) + " of " + text(e.qty) + (e.reason ? " – " + e.reason : "") }))));
    const items = Array.isArray(ret.items) ? ret.items : [];
    document.getElementById("return-items").replaceChildren(...items.map((i) =>
      el("li", { class: i.disposition === "restock" ? "ok" : "warn" },
        el("span", { class: "device-id", text: text(i.sku) + (i.serial ? " SN " + i.serial : "") }),
        el("span", { text: text(i.grade) + " → " + text(i.location) }))));
    const pending = ret.pending;
    set("return-pending", pending ? "Grade " + text(pending.sku) + (pending.serial ? " SN " + pending.serial : "") : "");
    const grades = Array.isArray(ret.grades) ? ret.grades : [];
    document.getElementById("return-grades").replaceChildren(...grades.map((g) => {
      const button = el("button", { class: "action" + (g.disposition === "restock" ? "" : " warn-button"), text: text(g.grade) });
      button.disabled = !pending;
      button.addEventListener("click", async () => toast(await wedge.post(base + "/scan", { code: g.barcode }), "Graded " + g.grade));
      return button;
    }));
  }

  function renderBanner() {
    const broker = status.broker || {};
    const connected = broker.connected !== false && broker.state !== "disconnected";
    const box = status.outbox || {};
    const banner = document.getElementById("offline");
    banner.hidden = connected && !box.full;
    if (box.storage_failed) banner.textContent = "Storage failed – new work is refused: " + text(box.storage_error);
    else if (box.full) banner.textContent = "Buffer full – new work is refused. " + text(buffered) + " events waiting";
    else if (!connected) banner.textContent = "Offline – keep working. " + text(buffered) + " events buffered" + (box.oldest_age_s ? ", oldest " + seconds(box.oldest_age_s) : "");
  }

  function toast(reply, okText) {
    const node = document.getElementById("toast");
    const ok = reply.status >= 200 && reply.status < 300;
    const body = reply.body || {};
    node.textContent = ok ? (body.message || okText) : (body.reason || body.error || "Refused (" + reply.status + ")");
    node.className = "toast " + (ok ? "good" : "bad");
    node.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { node.hidden = true; }, 4000);
  }

  const base = "/api/v1/stations/" + encodeURIComponent(id);
  document.getElementById("btn-next").addEventListener("click", async () => toast(await wedge.post(base + "/next"), "Next order"));
  document.getElementById("btn-reprint").addEventListener("click", async () => toast(await wedge.post(base + "/reprint"), "Label sent to the printer"));
  document.getElementById("btn-parcel").addEventListener("click", async () => toast(await wedge.post(base + "/parcel"), "New parcel"));
  const dialog = document.getElementById("short-dialog");
  document.getElementById("btn-short").addEventListener("click", () => {
    const line = station.next_line;
    if (!line) return toast({ status: 409, body: { error: "No line to declare short" } });
    set("short-line", "Line " + text(line.line) + " · " + text(line.location) + " · " + text(line.sku || line.item) + " · " + text(line.qty_left) + " left");
    document.getElementById("short-qty").value = "0";
    dialog.showModal();
  });
  dialog.addEventListener("close", async () => {
    const reason = dialog.returnValue;
    const line = station.next_line;
    if ((reason !== "missing" && reason !== "damaged") || !line) return;
    const qty = Math.max(0, parseInt(document.getElementById("short-qty").value, 10) || 0);
    toast(await wedge.post(base + "/short", { line: line.line, reason, qty }), "Short declared");
  });

  wedge.subscribe(["status", "devices", "station/" + id], (topic, data) => {
    if (topic === "status") {
      status = data || {};
      if (status.outbox && status.outbox.depth !== undefined) buffered = status.outbox.depth;
      renderBanner();
    } else if (topic === "devices" && Array.isArray(data) && Array.isArray(station.devices)) {
      // Health changes come on their own topic, not in the station's snapshot: update the
      // station's own devices (those its snapshot lists) from it.
      const byId = new Map(data.map((d) => [d.id, d]));
      station.devices = station.devices.map((d) => byId.get(d.id) || d);
      renderStation();
    } else if (topic === "station/" + id) {
      station = Object.assign({ id }, data);
      if (station.buffered_events !== undefined) buffered = station.buffered_events;
      renderStation();
    }
  }, (up) => {
    set("link", up ? "live" : "no connection to the gateway", "pill " + (up ? "good" : "bad"));
  });
})();
