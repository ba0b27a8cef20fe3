// The overview page (/): stations, devices, uplink and KPIs, all from the event stream.
"use strict";

(() => {
  const { el, text, seconds, stateClass, withToken, people } = wedge;
  const stations = new Map();
  let status = {};
  let outbox = null;
  let devices = null;

  function fillRows(tbody, rows) {
    tbody.replaceChildren(...rows);
  }

  function renderUplink() {
    const broker = status.broker || {};
    const connected = broker.connected === true || broker.state === "connected";
    const brokerCell = document.getElementById("broker");
    brokerCell.textContent = broker.state || (connected ? "connected" : "disconnected");
    brokerCell.className = connected ? "good" : "bad";
    const box = outbox || status.outbox || {};
    const depth = document.getElementById("outbox-depth");
    depth.textContent = text(box.depth) + (box.storage_failed ? " (STORAGE FAILED)" : box.full ? " (FULL)" : "");
    depth.className = box.full ? "bad" : "";
    document.getElementById("outbox-age").textContent = box.depth ? seconds(box.oldest_age_s) : "–";
    document.getElementById("version").textContent = text(status.version);
    const title = [status.site, status.gateway].filter(Boolean).join(" / ");
    if (title) {
      document.getElementById("title").textContent = title;
      document.title = "wedge – " + title;
    }
    const banner = document.getElementById("offline");
    banner.hidden = connected;
    if (!connected) banner.textContent = "Broker offline – " + text(box.depth) + " events buffered";
  }

  function renderKpis() {
    const kpis = Array.isArray(status.kpis) ? status.kpis : [];
    document.getElementById("kpis-empty").hidden = kpis.length > 0;
    fillRows(document.querySelector("#kpis tbody"), kpis.map((k) => {
      const show = (v) => people(v, k.unit);
      const label = (k.label || k.name || "") + (k.station ? " (" + k.station + ")" : "");
      return el("tr", { class: k.missed ? "missed" : "" },
        el("td", { text: label }),
        el("td", { text: show(k.value) }),
        el("td", { text: k.target === undefined ? "–" : show(k.target) }),
        el("td", { class: k.missed ? "bad" : "good", text: k.missed ? "missed" : "ok" }));
    }));
  }

  const atRiskCount = (s) => (Array.isArray(s.orders_at_risk) ? s.orders_at_risk.length : 0);

  // Every station's orders at risk, each once (a waiting order is listed by every station that
  // could take it), oldest first as the stations list them.
  function renderAtRisk() {
    const seen = new Map();
    for (const s of stations.values())
      for (const r of Array.isArray(s.orders_at_risk) ? s.orders_at_risk : [])
        if (!seen.has(r.order_id)) seen.set(r.order_id, r);
    wedge.renderAtRisk([...seen.values()]);
  }

  function renderStations() {
    // Stations with orders at risk on top, then by id.
    const rows = [...stations.values()].sort((a, b) =>
      (atRiskCount(b) > 0) - (atRiskCount(a) > 0) || String(a.id).localeCompare(String(b.id))).map((s) => {
      const line = s.next_line;
      const scan = s.last_scan;
      return el("tr", {},
        el("td", {}, el("a", { href: withToken("/stations/" + encodeURIComponent(s.id)), text: s.id })),
        el("td", { text: text(s.step) }),
        el("td", { text: s.order ? text(s.order.id) : "–" }),
        el("td", { text: line ? [line.location, line.sku || line.item, "× " + text(line.qty_left)].filter(Boolean).join("  ") : "–" }),
        el("td", { class: scan ? stateClass(scan.result) : "", text: scan ? scan.result + (scan.reason ? ": " + scan.reason : "") : "–" }));
    });
    fillRows(document.querySelector("#stations tbody"), rows);
  }

  function renderDevices() {
    const list = Array.isArray(devices) ? devices : Array.isArray(status.devices) ? status.devices : [];
    fillRows(document.querySelector("#devices tbody"), list.map((d) =>
      el("tr", {},
        el("td", { text: d.id }),
        el("td", { text: text(d.kind) }),
        el("td", { class: stateClass(d.state), text: text(d.state) }),
        el("td", { text: [d.reason, Array.isArray(d.warnings) && d.warnings.length ? "warning: " + d.warnings.join(", ") : ""].filter(Boolean).join(" – ") }))));
  }

  // The last 8 hours of each site KPI, drawn by the gateway as SVG (GET /api/v1/kpis/trend),
  // fetched again every minute: a trend is read faster than a table.
  async function renderTrends() {
    const reply = await wedge.get("/api/v1/kpis/trend");
    const box = document.getElementById("trends");
    if (reply.status !== 200 || !Array.isArray(reply.body.kpis)) {
      document.getElementById("trends-empty").hidden = false;
      return;
    }
    const parser = new DOMParser();
    box.replaceChildren(...reply.body.kpis.map((k) => {
      const svg = parser.parseFromString(k.svg, "image/svg+xml").documentElement;
      return el("figure", { class: "trend", "data-kpi": k.kpi }, document.importNode(svg, true));
    }));
    document.getElementById("trends-empty").hidden = reply.body.kpis.length > 0;
  }
  renderTrends();
  setInterval(renderTrends, 60000);

  wedge.subscribe(["status", "devices", "outbox", "station/*"], (topic, data) => {
    if (topic === "status") {
      status = data || {};
      renderUplink();
      renderKpis();
      renderDevices();
    } else if (topic === "devices") {
      devices = data;
      renderDevices();
    } else if (topic === "outbox") {
      outbox = data;
      renderUplink();
    } else if (topic.startsWith("station/")) {
      stations.set(topic.slice(8), Object.assign({ id: topic.slice(8) }, data));
      renderStations();
      renderAtRisk();
    }
  }, (up) => {
    const link = document.getElementById("link");
    link.textContent = up ? "live" : "no connection to the gateway";
    link.className = "pill " + (up ? "good" : "bad");
  });
})();
