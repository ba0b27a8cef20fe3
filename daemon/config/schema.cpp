#include "daemon/config/schema.hpp"

#include "daemon/print/schema.hpp"

namespace wedge::config {

using namespace wedge::drivers;

namespace {

const Schema& log_schema() {
  static const Schema schema = {
      key_choice("level", "Least severe message logged. `debug` logs every scan and publish.",
                 {"trace", "debug", "info", "warn", "error"}, "info"),
      key_choice("target",
                 "`journal`: each line goes to journald natively with its tags as fields "
                 "(`journalctl STATION=pack-1`, docs/operations.md, \"Journal fields\"). `stderr`: "
                 "plain lines (with `<N>` priority prefixes when stderr is the journal). `auto`: "
                 "`journal` when systemd connected stderr to the journal ($JOURNAL_STREAM), else "
                 "`stderr`. Applied at start.",
                 {"auto", "stderr", "journal"}, "auto"),
  };
  return schema;
}

const Schema& broker_schema() {
  static const Schema schema = {
      key_string("uri",
                 "Broker address, `mqtt://host:port` (plain) or `mqtts://host:port` (TLS 1.2+).",
                 "mqtt://127.0.0.1:1883"),
      key_string_list("uris",
                      "Instead of `uri`: the nodes of a broker cluster, in order, e.g. "
                      "`[mqtt://10.0.0.11:1883, mqtt://10.0.0.12:1883]`, all `mqtt://` or all `mqtts://`. "
                      "Both connections start on the first node and, when the connection is lost or "
                      "refused, move to the next one (after the last the first) with the reconnect "
                      "back-off. The node in use is in the log, the birth message, /api/v1/status and "
                      "/metrics. Give `uri` or `uris`, not both."),
      key_string("client_id",
                 "MQTT client id of the connection that publishes; the command channel connects as "
                 "`<client_id>-cmd` (docs/mqtt-api.md, \"Connection\"). Both must be stable and unique "
                 "per gateway (empty: `wedge-<site>-<gateway>`).",
                 ""),
      key_choice("mqtt_version", "Protocol version: `5` (default) or `3.1.1` for older brokers.",
                 {"5", "3.1.1"}, "5"),
      key_int("keepalive_s", "Keep-alive interval; the broker declares us dead after 1.5x this.",
              30, 5, 3600),
      key_int("session_expiry_s",
              "How long the broker keeps the command channel's session (and queued commands) while "
              "we are away. "
              "If unsure, keep a week.",
              604800, 60, 4294967295.0),
      key_int("connect_timeout_s", "Give up one connection attempt after this long.", 10, 1, 300),
      key_int("reconnect_min_ms", "First reconnect delay; doubles per failure, with jitter.", 500,
              50, 600000),
      key_int("reconnect_max_ms", "Longest reconnect delay.", 30000, 100, 3600000),
      key_int("inflight_window",
              "Events published and not yet acknowledged (PUBACK) at most. Larger is faster on "
              "high-latency links; brokers cap it (mosquitto: max_inflight_messages).",
              64, 1, 65535),
      key_string("topic_prefix", "First levels of every topic (see docs/mqtt-api.md).",
                 "wedge/v1"),
      key_path("ca_file", "PEM file of the CA that signed the broker's certificate (mqtts).",
               true),
      key_path("cert_file", "PEM client certificate, for brokers that require one.", true),
      key_path("key_file",
               "PEM private key of cert_file (unencrypted). Must not be readable or writable by "
               "group or others (chmod 600; wedge refuses to start otherwise, as ssh does).",
               true),
      key_path("credentials_file",
               "File with one `username=NAME` and one `password=SECRET` line (both required, "
               "the password not empty; `#` comments and blank lines allowed, nothing else). Must "
               "not be readable or writable by group or others (chmod 600; wedge refuses to start "
               "otherwise, as ssh does).",
               true),
      key_string("credential",
                 "Name of a systemd credential holding the same `username=` / `password=` lines as "
                 "credentials_file, read from `$CREDENTIALS_DIRECTORY/<name>`: the packaged unit "
                 "loads every file of /etc/wedge/credentials/ with `LoadCredential=wedge:...`, so "
                 "/etc/wedge/credentials/broker is `wedge_broker` (docs/operations.md, \"Broker "
                 "credentials\"). systemd makes the copy readable by the service alone, so no mode "
                 "check applies. Use this or credentials_file, not both.",
                 ""),
      key_int("max_command_bytes", "Commands larger than this are rejected unread.", 262144,
              1024, 16777216),
      key_int("replay_rate_per_s",
              "Pace the replay of a backlog after an outage to this many events/s (0 = as fast as "
              "the broker acknowledges). Some brokers disconnect clients that burst.",
              0, 0, 1000000),
      key_int("replay_burst", "Token bucket size for replay_rate_per_s.", 1000, 1, 1000000),
  };
  return schema;
}

const Schema& outbox_schema() {
  static const Schema schema = {
      key_int("max_events",
              "Events kept while the broker is away. When reached, telemetry is dropped and "
              "stations refuse new work with \"buffer full\".",
              1000000, 1000, 100000000),
      key_int("max_bytes_mb", "Payload bytes kept, in MiB; same effect as max_events.", 512, 1,
              65536),
      key_int("group_commit_window_us",
              "Longest wait for more events to share one fsync, spent only under sustained load "
              "(the previous group held 8 or more events). Larger = more throughput, more latency.",
              2000, 0, 100000),
      key_int("group_commit_max", "Events per transaction at most.", 512, 1, 100000),
  };
  return schema;
}

const Schema& http_schema() {
  static const Schema schema = {
      key_string("listen",
                 "Address:port of the station screens, API and /metrics. Any address other than "
                 "loopback requires access_token_file.",
                 "127.0.0.1:8080"),
      key_path("access_token_file", "File holding the bearer token required by the HTTP API.",
               true),
      key_string_list("allowed_hosts",
                      "Host names and addresses (no port) by which browsers and tools reach the "
                      "gateway, e.g. `[station-pc-7.lan, 10.1.2.3]`. Loopback, the listen address "
                      "and the address a client connected to are always accepted; a request naming "
                      "any other Host is refused with 421 (DNS rebinding defence, docs/http-api.md)."),
  };
  return schema;
}

const Schema& health_schema() {
  static const Schema schema = {
      key_int("broker_unreachable_after_s",
              "The gateway reports itself unhealthy once the broker has been unreachable this long "
              "(events wait in the outbox meanwhile). Short outages are normal; if unsure, keep 60.",
              60, 1, 86400),
      key_int("outbox_alarm_depth",
              "Unhealthy while more than this many events wait in the outbox: the OMS is falling "
              "behind long before the outbox is full (outbox.max_events; full is always unhealthy). "
              "0 = only when full.",
              100000, 0, 100000000),
      key_int("loop_stall_after_s",
              "The event loop counts as stuck when its heartbeat (every second) is this late: the "
              "gateway logs it and says so in systemd's STATUS=. Keep it below the unit's "
              "WatchdogSec (30 s), which restarts a stuck daemon.",
              10, 2, 600),
  };
  return schema;
}

const Schema& kpi_schema() {
  static const Schema targets = {
      key_int("fulfilment_p90_max_s",
              "Target: 90% of orders shipped within this many seconds of arriving (0 = no target).",
              3600, 0, 604800),
      key_number("refused_scan_rate_max_percent",
                 "Target: at most this share of scans refused, per station and site (0 = no target).",
                 5.0, 0.0, 100.0),
      key_number("weight_mismatch_rate_max_percent",
                 "Target: at most this share of pack weighings outside tolerance (0 = no target).",
                 2.0, 0.0, 100.0),
      key_int("picks_per_hour_min",
              "Target: at least this many units picked per hour at each pick station that picked "
              "(0 = no target).",
              0, 0, 100000),
  };
  static const Schema schema = {
      key_int("interval_s",
              "Length of a KPI window: every station's station.kpi telemetry is published at the "
              "end of each window, aligned to the clock. The overview and /metrics summaries cover "
              "the last 60 windows (one hour at the default).",
              60, 1, 3600),
      key_section("targets", "Site targets the overview (/) and wedge_kpi_target_missed compare with.",
                  targets),
  };
  return schema;
}

const Schema& serials_schema() {
  static const Schema schema = {
      key_int("retention_days",
              "How long the gateway remembers each serialised unit it picked (GTIN + (21) serial, in "
              "stations.db): meanwhile a scan of that unit for any other order is refused "
              "`serial_in_other_order`, unless its order was cancelled and the unit put back. A "
              "longer time catches more duplicate or copied serials and keeps a bigger table (some "
              "150 bytes a unit); if unsure, keep 365.",
              365, 1, 3650),
  };
  return schema;
}

const Schema& orders_schema() {
  static const Schema schema = {
      key_int("keep_ended_hours",
              "How long a shipped, cancelled or handed-over order stays in stations.db after it "
              "ended (swept at start and hourly). Meanwhile a command or scan that names it gets "
              "its real state (`already_shipped`), and a returns station finds the order of an "
              "unannounced parcel by its order id or SSCC; after it, both say `unknown_order` / "
              "`unknown_return`. About 1.4 KB an order: 40,000 orders a day kept 14 days is some "
              "800 MB. Keep it as long as customers take to send parcels back unannounced.",
              24, 1, 8760),
  };
  return schema;
}

}  // namespace

const std::vector<SectionInfo>& top_level_sections() {
  static const std::vector<SectionInfo> sections = {
      {"log", "Logging to stderr (the journal under systemd).", &log_schema()},
      {"broker", "Connection to the MQTT broker that links wedge with the OMS.", &broker_schema()},
      {"outbox", "The durable SQLite outbox in state_dir.", &outbox_schema()},
      {"http", "The HTTP server: station screens, API, /metrics, /healthz.", &http_schema()},
      {"printing", "Label printing: the durable print queue, templates and SSCC numbers.",
       &print::printing_schema()},
      {"kpi", "Station KPIs: the reporting window and the site's targets.", &kpi_schema()},
      {"health", "What /healthz, /metrics and systemd's STATUS= count as unhealthy.", &health_schema()},
      {"serials", "Serial numbers across orders: each unit goes out in one order (docs/workflows.md).",
       &serials_schema()},
      {"orders", "Ended orders: how long the gateway remembers them (docs/workflows.md).", &orders_schema()},
  };
  return sections;
}

const Schema& station_schema() {
  static const Schema time_limits = {
      key_int("pick_s", "An order still picking after this long is reported at risk.", 900, 1,
              604800),
      key_int("pack_s", "An order still packing after this long is reported at risk.", 600, 1,
              604800),
      key_int("ship_s", "A packed order not shipped after this long is reported at risk.", 3600, 1,
              604800),
      key_int("warn_at_percent",
              "Early warning: an order that has spent this share of a step's limit in the step is "
              "reported at risk before the limit is blown (order.at_risk, reason step_limit_near); "
              "0 = no early warning.",
              80, 0, 99),
  };
  static const Schema returns = [] {
    auto grades = key_string_list("grades",
                                  "Grades of a returned unit, in button order; a unit is graded by a button "
                                  "or by scanning grade_barcode_prefix + grade (`GRADE:damaged`). Default: resellable, "
                                  "damaged, wrong_item, missing_parts.");
    grades.default_value = std::vector<std::string>{"resellable", "damaged", "wrong_item", "missing_parts"};
    auto restock = key_string_list("restock_grades",
                                   "Grades whose units go back to stock with a restock label (the putaway "
                                   "location the OMS gave, else the pick location); every other grade gets a "
                                   "quarantine label. A name not among `grades` never matches. Default: resellable.");
    restock.default_value = std::vector<std::string>{"resellable"};
    return Schema{
        grades,
        restock,
        key_string("grade_barcode_prefix", "Condition barcodes read this prefix followed by the grade.", "GRADE:"),
        key_string("restock_template", "Label template (printing.template_dir) of a unit going back to stock.",
                   "restock"),
        key_string("quarantine_template", "Label template of a unit going to quarantine.", "quarantine"),
        key_string("quarantine_location", "Location printed on a quarantine label.", "QUARANTINE"),
        key_number("weight_tolerance_grams",
                   "An announced return whose parcel (steady on the station's scale when it is identified) "
                   "differs from packaging + expected units by more than this is reported "
                   "(return.discrepancy weight_mismatch).",
                   50, 0, 1e6),
    };
  }();
  static const Schema schema = {
      key_string("group", "Station group: pick lists addressed to the group may run here.", ""),
      key_section("returns", "The returns step (`returns` in steps): grades, labels, parcel check.", returns),
      key_section("time_limits", "Per-step time limits (seconds) for at-risk detection.",
                  time_limits),
      key_choice("weight_basis",
                 "What the pack step weighs a parcel against: `picked` = packaging + Σ picked units × "
                 "unit weight, so an order picked short ships without an OMS round trip; `ordered` = "
                 "packaging + Σ ordered quantity × unit weight (the behaviour before issue 20: a short "
                 "pick stops at the scale until the OMS updates and releases the order). An order not "
                 "picked at this gateway is always weighed against its ordered weight.",
                 {"picked", "ordered"}, "picked"),
      key_string("new_parcel_barcode",
                 "The barcode the packer scans to open a new parcel: before the weight, the order goes in "
                 "several parcels; while a parcel is filled, it closes and another follows "
                 "(docs/workflows.md, \"Parcels\"). Empty: only the screen's New parcel button opens one.",
                 ""),
      key_int("min_shelf_life_days",
              "Items must stay good (by their (17) expiry / (15) best-before date) this many days "
              "past the ship date, unless the pick list line sets its own minimum.",
              0, 0, 3650),
      key_bool("accept_bracketed_text",
               "Read human-readable GS1 text such as `(01)09506000134352(17)260600` (typed or OCR'd) "
               "instead of refusing it with `bracketed_text`. See docs/scan-validation.md.",
               false),
      key_bool("gs1_tolerate_trailing_gs",
               "Accept one GS after the last element of a GS1 element string (some scanners send one), "
               "with the warning `trailing_separator`, instead of refusing it with `gs1_separator`. "
               "Off: GS1 allows no trailing separator.",
               false),
      key_bool("gs1_sscc_on_other_symbol",
               "Count an (00) SSCC as present when checking the AIs a scan requires, with the warning "
               "`sscc_on_other_symbol`: for logistic labels that carry (02)+(37) in one barcode and the "
               "SSCC in another. Off: GS1 requires (00) with (37).",
               false),
  };
  return schema;
}

std::string_view restart_reason(std::string_view path) {
  // Every other key of the top-level sections is applied by a reload at once (config_diff.hpp).
  static const std::vector<std::pair<std::string_view, std::string_view>> kWaitForRestart = {
      {"log.target", "the log sink is chosen once, at start"},
      {"broker.topic_prefix",
       "events already in the outbox carry their topics, and the retained status lives under them"},
      {"outbox.max_events", "the outbox keeps its database open with these limits"},
      {"outbox.max_bytes_mb", "the outbox keeps its database open with these limits"},
      {"outbox.group_commit_window_us", "the outbox keeps its database open with these limits"},
      {"outbox.group_commit_max", "the outbox keeps its database open with these limits"},
      {"printing.db_file", "the print queue keeps its database open"},
      {"printing.gs1_company_prefix", "the SSCC generator is built at start"},
      {"printing.sscc_extension_digit", "the SSCC generator is built at start"},
      {"printing.max_attempts", "the print queue takes its limits at start"},
      {"printing.max_age_ms", "the print queue takes its limits at start"},
      {"printing.retry_initial_ms", "the print queue takes its limits at start"},
      {"printing.retry_max_ms", "the print queue takes its limits at start"},
      {"printing.printer_wait_poll_ms", "the print queue takes its limits at start"},
      {"printing.keep_history_ms", "the print queue takes its limits at start"},
      {"printing.max_queued_jobs", "the print queue takes its limits at start"},
      {"kpi.interval_s", "the KPI windows keep their clock from the start"},
      {"health.loop_stall_after_s", "the loop watchdog keeps its threshold from the start"},
  };
  for (const auto& [key, why] : kWaitForRestart)
    if (key == path) return why;
  return {};
}

const Schema& device_common_schema() {
  static const Schema schema = {
      key_required_string("id", "Unique device id, used in topics and logs ([A-Za-z0-9_.-])."),
      required(key_choice("kind", "Device family.", {"scanner", "scale", "printer", "light"},
                          std::nullopt)),
      key_required_string("driver", "Driver within the family (see below)."),
      key_string("description", "Free text for people.", ""),
  };
  return schema;
}

}  // namespace wedge::config
