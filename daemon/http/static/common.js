// Shared by the overview and station pages: the access token, API calls, the event stream, and
// small DOM helpers. Plain browser JavaScript, no libraries, nothing fetched from elsewhere.
"use strict";

const wedge = (() => {
  const params = new URLSearchParams(window.location.search);
  const token = params.get("token") || "";

  function withToken(path) {
    if (!token) return path;
    return path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token);
  }

  // POST an action; resolves to {status, body} whatever the outcome, never throws.
  async function post(path, body) {
    const headers = { "Content-Type": "application/json" };
    if (token) headers["Authorization"] = "Bearer " + token;
    try {
      const reply = await fetch(path, { method: "POST", headers, body: JSON.stringify(body || {}) });
      let data = {};
      try { data = await reply.json(); } catch (e) { data = {}; }
      return { status: reply.status, body: data };
    } catch (e) {
      return { status: 0, body: { error: "no connection to the gateway" } };
    }
  }

  // GET an API resource; resolves to {status, body} whatever the outcome, never throws.
  async function get(path) {
    const headers = {};
    if (token) headers["Authorization"] = "Bearer " + token;
    try {
      const reply = await fetch(path, { headers });
      let data = {};
      try { data = await reply.json(); } catch (e) { data = {}; }
      return { status: reply.status, body: data };
    } catch (e) {
      return { status: 0, body: { error: "no connection to the gateway" } };
    }
  }

  // A KPI value as people read it (the same rules as the gateway's charts, daemon/views/kpi_trend):
  // 1,471/h · 27.4 s · 12.5 min · 2.4 % · 1,204.
  function people(value, unit) {
    if (value === undefined || value === null || Number.isNaN(Number(value))) return "–";
    const v = Number(value);
    const whole = (x) => Math.round(x).toLocaleString("en-US");
    if (unit === "per_hour") return whole(v) + "/h";
    if (unit === "ratio") return (v * 100).toFixed(1) + " %";
    if (unit === "s") {
      if (Math.abs(v) >= 3600) return (v / 3600).toFixed(1) + " h";
      if (Math.abs(v) >= 120) return (v / 60).toFixed(1) + " min";
      return v.toFixed(1) + " s";
    }
    return whole(v);
  }

  // Opens /events for `topics`; onEvent(topic, data) per update, onLink(true|false) on (re)connect
  // and loss. EventSource reconnects by itself (the server sends retry: 2000).
  function subscribe(topics, onEvent, onLink) {
    const source = new EventSource(withToken("/events?topics=" + topics.map(encodeURIComponent).join(",")));
    const handle = (message) => {
      try {
        const envelope = JSON.parse(message.data);
        onEvent(envelope.topic, envelope.data);
      } catch (e) {
        console.error("bad event", e);
      }
    };
    for (const kind of ["status", "devices", "outbox", "station"]) source.addEventListener(kind, handle);
    source.onopen = () => onLink(true);
    source.onerror = () => onLink(false);
    return source;
  }

  // el("div", {class: "x", text: "hi"}, child, …)
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "text") node.textContent = String(value);
      else if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  function seconds(value) {
    if (value === undefined || value === null || Number.isNaN(Number(value))) return "–";
    let s = Math.round(Number(value));
    if (s < 60) return s + " s";
    if (s < 3600) return Math.floor(s / 60) + " min " + (s % 60) + " s";
    return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
  }

  function text(value) {
    if (value === undefined || value === null || value === "") return "–";
    if (typeof value === "boolean") return value ? "yes" : "no";
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
  }

  function stateClass(state) {
    if (state === "connected" || state === "ok" || state === "accepted") return "good";
    if (state === "faulted" || state === "refused" || state === "disconnected") return "bad";
    return "warn";
  }

  // One order of a station snapshot's orders_at_risk, as both screens list it.
  function atRiskText(r) {
    const why = r.reason === "ship_by" ? "predicted to ship " + clock(r.predicted_ship_at) + ", after its cut-off " + clock(r.ship_by)
      : r.reason === "step_limit" ? r.step + " past its time limit"
      : r.step + " near its time limit";
    return "Order " + text(r.order_id) + " – " + why + (r.station ? " (at " + r.station + ")" : " (waiting)");
  }
  function clock(iso) {
    const t = iso ? new Date(iso) : null;
    return t && !isNaN(t) ? t.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "–";
  }
  // Fills the "Orders at risk" card (hidden when there are none).
  function renderAtRisk(list) {
    const box = document.getElementById("at-risk");
    box.hidden = list.length === 0;
    document.getElementById("at-risk-list").replaceChildren(...list.map((r) =>
      el("li", { class: r.reason === "step_limit_near" ? "warn" : "bad", "data-order": r.order_id, text: atRiskText(r) })));
  }

  return { token, withToken, get, post, people, subscribe, el, seconds, text, stateClass, renderAtRisk };
})();
