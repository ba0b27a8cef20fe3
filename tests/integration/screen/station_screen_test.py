#!/usr/bin/python3
"""station_screen_test: the station screen (/stations/<id>) in headless Chromium, end to end.

Real peers, all on 127.0.0.1: mosquitto on a free port, the wedge daemon with one pick station whose
TCP scanner is scripts/sim/scanner-sim (the daemon connects to it), an OMS client (tools/oms-sim)
that sends the pick list over MQTT, and Debian's chromium driven through chromedriver (Selenium).

Checks:
  (a) a correct scan written by the scanner simulator shows "Accepted" in green on the page within
      200 ms: a MutationObserver in the page records Date.now() when the last-scan box changes,
      compared with the wall clock just before the scan is handed to the simulator (so the figure
      includes the simulator, the TCP link, the daemon's checks and outbox commit, the event stream
      and the page's rendering); measured for every correct scan and printed;
  (b) a wrong-item scan shows "Refused" in red with the reason sentence;
  (c) stopping the broker shows the offline banner with the number of buffered events (the
      gateway's outbox depth, also after events of another station), and restarting it hides
      the banner;
  (d) the scanner going away shows as disconnected in the screen's device list.

Run by ctest with /usr/bin/python3 (Debian's python3-selenium and python3-paho-mqtt). Fails, never
skips, when chromium, chromedriver or selenium is missing (scripts/setup installs them). Everything
it starts is stopped at the end, also on failure or after the 55 s deadline.
"""
import argparse
import ctypes
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
MOSQUITTO = "/usr/sbin/mosquitto"
DEADLINE_S = 55
LATENCY_LIMIT_MS = 200
STATION = "pick-1"
OTHER_STATION = "pick-2"
SITE, GATEWAY = "screen-site", "screen-gw"
# docs/scan-validation.md, refusal `wrong_item`: the sentence the picker sees.
WRONG_ITEM_SENTENCE = "Wrong item: this product is not on this order. Put it back."


class TestFailure(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise TestFailure(message)


def now_ms():
    return time.time() * 1000.0


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout_s, interval_s=0.02):
    """predicate()'s first truthy value within timeout_s, else None."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval_s)


def die_with_parent():
    """In the child before exec: SIGTERM when this test dies, so nothing outlives a killed test."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def gtin13(n):
    body = f"400638{n:06d}"
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


class Processes:
    """The processes this test started, stopped in reverse order (SIGTERM, then SIGKILL)."""

    def __init__(self):
        self.procs = []

    def start(self, name, argv, log_path, **kwargs):
        log = open(log_path, "ab")  # append: a restarted process keeps its earlier log
        proc = subprocess.Popen(argv, stdout=kwargs.pop("stdout", log), stderr=log,
                                preexec_fn=die_with_parent, **kwargs)
        log.close()
        self.procs.append((name, proc))
        return proc

    def stop(self, proc, timeout_s=10):
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def stop_all(self):
        for _name, proc in reversed(self.procs):
            self.stop(proc)
        self.procs.clear()


class Mosquitto:
    def __init__(self, procs, workdir):
        self.procs = procs
        self.port = free_port()
        self.config = os.path.join(workdir, "mosquitto.conf")
        self.log = os.path.join(workdir, "mosquitto.log")
        lines = ["per_listener_settings false", "allow_anonymous true", "persistence false",
                 f"listener {self.port} 127.0.0.1", "log_dest stderr"]
        if os.geteuid() == 0:
            lines.insert(0, "user root")  # else it drops to "mosquitto", who cannot write our files
        with open(self.config, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        self.proc = None

    def start(self):
        self.proc = self.procs.start("mosquitto", [MOSQUITTO, "-c", self.config], self.log)

        def accepting():
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return True
            except OSError:
                return False
        expect(wait_until(accepting, 10), f"mosquitto did not accept on port {self.port}")

    def stop(self):
        self.procs.stop(self.proc)


class ScannerSim:
    """scripts/sim/scanner-sim --tcp-listen: the daemon's TCP scanner connects to it; scan() hands it
    one line on stdin and returns the wall-clock time (ms) just before."""

    def __init__(self, procs, source_dir, workdir):
        self.procs = procs
        self.lines = queue.Queue()
        self.proc = procs.start("scanner-sim",
                                ["/usr/bin/python3", os.path.join(source_dir, "scripts/sim/scanner-sim"),
                                 "--tcp-listen", "0", "--terminator", "cr"],
                                os.path.join(workdir, "scanner-sim.log"),
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        threading.Thread(target=self._read, daemon=True).start()
        line = self.next_line(10)
        match = re.fullmatch(r"LISTEN 127\.0\.0\.1:(\d+)", line or "")
        expect(match, f"scanner-sim did not report its port (got {line!r})")
        self.port = int(match.group(1))

    def _read(self):
        for raw in self.proc.stdout:
            self.lines.put(raw.decode(errors="replace").strip())

    def next_line(self, timeout_s):
        try:
            return self.lines.get(timeout=timeout_s)
        except queue.Empty:
            return None

    def wait_for(self, wanted, timeout_s):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.next_line(max(0.0, deadline - time.monotonic())) == wanted:
                return True
        return False

    def stop(self):
        self.procs.stop(self.proc)

    def scan(self, code):
        t = now_ms()
        self.proc.stdin.write((code + "\n").encode())
        self.proc.stdin.flush()
        return t


class Wedge:
    """The daemon with two pick stations; `extra_config` is appended to its YAML (e.g. kpi targets).
    start() runs it (the constructor does), stop() ends it with SIGTERM and returns its exit status."""

    def __init__(self, procs, wedge_binary, source_dir, workdir, broker_port, scanner_port, extra_config=""):
        self.procs, self.binary = procs, wedge_binary
        self.http_port = free_port()
        self.base = f"http://127.0.0.1:{self.http_port}"
        self.log = os.path.join(workdir, "wedge.log")
        self.config = config = os.path.join(workdir, "wedge.yaml")
        os.makedirs(os.path.join(workdir, "state"))
        with open(config, "w", encoding="utf-8") as f:
            f.write(f"""site: {SITE}
gateway: {GATEWAY}
state_dir: {workdir}/state
log:
  level: info
broker:
  uri: mqtt://127.0.0.1:{broker_port}
  keepalive_s: 5
  reconnect_min_ms: 200
  reconnect_max_ms: 500
http:
  listen: 127.0.0.1:{self.http_port}
printing:
  template_dir: {source_dir}/config/templates
devices:
  - id: scanner-pick-1
    kind: scanner
    driver: tcp
    mode: client
    host: 127.0.0.1
    port: {scanner_port}
    terminator: any
    reconnect_initial_ms: 100
    reconnect_max_ms: 500
  # The second station's reader is never there: its scans come through the HTTP API.
  - id: scanner-pick-2
    kind: scanner
    driver: tcp
    mode: client
    host: 127.0.0.1
    port: {free_port()}
    reconnect_initial_ms: 1000
    reconnect_max_ms: 5000
stations:
  - id: {STATION}
    steps: [pick]
    scanner: scanner-pick-1
  - id: {OTHER_STATION}
    steps: [pick]
    scanner: scanner-pick-2
""" + extra_config)
        self.start()

    def start(self):
        self.proc = self.procs.start("wedge", [self.binary, "--config", self.config], self.log)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(10)

    def get(self, path):
        try:
            with urllib.request.urlopen(self.base + path, timeout=2) as reply:
                return json.loads(reply.read())
        except (OSError, ValueError):
            return None

    def post(self, path, body):
        request = urllib.request.Request(self.base + path, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=5) as reply:
                return reply.status
        except urllib.error.HTTPError as e:
            return e.code
        except OSError:
            return None

    def ready(self):
        status = self.get("/api/v1/status")
        if not status or not status.get("broker", {}).get("connected"):
            return False
        return any(d.get("id") == "scanner-pick-1" and d.get("state") == "connected"
                   for d in status.get("devices", []))


# Records every change of the last-scan box with the time it happened and the time of the next
# animation frame (when the change is painted), and what the box then shows.
OBSERVER_JS = """
window.__scanLog = [];
const box = document.getElementById('scan');
const read = (id) => document.getElementById(id).textContent;
new MutationObserver(() => {
  const entry = {t: Date.now(), frame: null, cls: box.className, result: read('scan-result'),
                 reason: read('scan-reason'), code: read('scan-code')};
  window.__scanLog.push(entry);
  requestAnimationFrame(() => { entry.frame = Date.now(); });
}).observe(box, {subtree: true, childList: true, characterData: true, attributes: true});
return true;
"""


def start_browser(workdir):
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing.append("python3-selenium (import selenium)")
    if missing:
        raise TestFailure("headless Chromium is not installed: missing " + ", ".join(missing) +
                          " (run scripts/setup: chromium chromium-driver python3-selenium)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ["--headless=new", f"--user-data-dir={workdir}/chromium", "--window-size=1280,800",
                "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions", "--disable-domain-reliability",
                "--disable-client-side-phishing-detection", "--metrics-recording-only",
                # Nothing but 127.0.0.1: every other host name fails to resolve.
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]:
        options.add_argument(arg)
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")  # Chromium's sandbox refuses to run as root
    service = Service(executable_path=CHROMEDRIVER, log_path=os.path.join(workdir, "chromedriver.log"))
    return webdriver.Chrome(service=service, options=options)


def text_of(driver, element_id):
    return driver.execute_script("return document.getElementById(arguments[0]).textContent;", element_id)


def banner_hidden(driver):
    return driver.execute_script("return document.getElementById('offline').hidden;")


def wait_scan_shown(driver, code, css, timeout_s=5):
    """The first log entry after the page shows `code` with class `css`, or None."""
    def shown():
        log = driver.execute_script("return window.__scanLog;")
        for entry in log:
            if css in entry["cls"].split() and entry["code"] == "Scanned " + code:
                return entry
        return None
    entry = wait_until(shown, timeout_s)
    if entry and entry["frame"] is None:  # the painted frame is recorded a moment later
        time.sleep(0.05)
        entry = shown()
    return entry


def connect_oms(source_dir, broker_port, report):
    """tools/oms-sim's client on the broker, stopped by main() at the end."""
    sys.path.insert(0, os.path.join(source_dir, "tools/oms-sim"))
    from omssim.client import OmsClient
    oms = OmsClient(f"mqtt://127.0.0.1:{broker_port}", site=SITE, gateway=GATEWAY, quiet=True)
    report["oms"] = oms
    expect(oms.start(10), "the OMS client did not connect to mosquitto")
    return oms


def run(args, workdir, procs, report):
    broker = Mosquitto(procs, workdir)
    broker.start()
    scanner = ScannerSim(procs, args.source_dir, workdir)
    wedge = Wedge(procs, args.wedge, args.source_dir, workdir, broker.port, scanner.port)
    expect(scanner.wait_for("CONNECTED", 10), "the daemon's TCP scanner did not connect to scanner-sim")
    expect(wait_until(wedge.ready, 15, 0.1), "the daemon did not report broker and scanner connected")

    oms = connect_oms(args.source_dir, broker.port, report)
    items = [{"sku": f"SKU-{100 + i}", "gtins": [gtin13(133000 + 7 * i)], "qty": 1,
              "location": f"R1-{i + 1:02d}", "unit_weight_grams": 100} for i in range(5)]
    order_id = "SCREEN-1"
    for station, oid, lines in ((STATION, order_id, items), (OTHER_STATION, "SCREEN-2", items[:1])):
        reply = oms.command("pick_list", order_id=oid, station=station,
                            data={"carrier": "DHL", "label_template": "shipping", "lines": lines}, timeout_s=10)
        expect(reply is not None, f"no reply to the pick_list command for {station}")
        expect(reply.get("status") == "accepted", f"pick_list for {station} not accepted: {reply}")

    driver = start_browser(workdir)
    report["driver"] = driver
    driver.set_script_timeout(5)
    driver.get(f"{wedge.base}/stations/{STATION}")
    expect(wait_until(lambda: text_of(driver, "link") == "live", 10),
           f"the page's event stream did not come up (link shows {text_of(driver, 'link')!r})")
    expect(wait_until(lambda: text_of(driver, "next-location") == "R1-01", 10),
           f"the page did not show the pick list (next location {text_of(driver, 'next-location')!r})")
    driver.execute_script(OBSERVER_JS)

    latencies = []

    def accepted_scan(item):
        code = item["gtins"][0]
        t0 = scanner.scan(code)
        entry = wait_scan_shown(driver, code, "good")
        expect(entry, f"correct scan {code}: the page never showed it accepted "
               f"(result {text_of(driver, 'scan-result')!r}, code {text_of(driver, 'scan-code')!r})")
        expect(entry["result"] == "✔ Accepted", f"correct scan {code}: result {entry['result']!r}")
        dom_ms, frame_ms = entry["t"] - t0, (entry["frame"] or entry["t"]) - t0
        latencies.append((dom_ms, frame_ms))
        print(f"scan {code}: accepted on the page {dom_ms:.0f} ms after the simulator was handed "
              f"the scan (painted frame {frame_ms:.0f} ms)", flush=True)

    # (a) correct scans, (b) a wrong item between them.
    accepted_scan(items[0])
    wrong = gtin13(999001)
    t0 = scanner.scan(wrong)
    entry = wait_scan_shown(driver, wrong, "bad")
    expect(entry, f"wrong-item scan: the page never showed it refused "
           f"(result {text_of(driver, 'scan-result')!r}, reason {text_of(driver, 'scan-reason')!r})")
    expect(entry["result"] == "✘ Refused", f"wrong-item scan: result {entry['result']!r}")
    expect(entry["reason"] == WRONG_ITEM_SENTENCE, f"wrong-item scan: reason {entry['reason']!r}")
    print(f"scan {wrong}: refused on the page {entry['t'] - t0:.0f} ms after the simulator was handed "
          f"the scan, reason {entry['reason']!r}", flush=True)
    for item in items[1:4]:
        accepted_scan(item)
    worst = max(dom for dom, _ in latencies)
    print("scan -> page latencies (ms, DOM change): " + ", ".join(f"{dom:.0f}" for dom, _ in latencies) +
          "; painted frame: " + ", ".join(f"{frame:.0f}" for _, frame in latencies), flush=True)
    expect(worst <= LATENCY_LIMIT_MS, f"a correct scan took {worst:.0f} ms to show (limit {LATENCY_LIMIT_MS})")

    # (c) broker away: the banner appears with the number of buffered events.
    expect(banner_hidden(driver), "the offline banner shows while the broker is up")
    broker.stop()
    stopped = time.monotonic()
    # Work goes on while the broker is away: the last line, whose events wait in the outbox.
    code = items[4]["gtins"][0]
    scanner.scan(code)
    expect(wait_scan_shown(driver, code, "good"), "a scan while the broker is away was not accepted")

    def banner_matches_outbox(minimum):
        if banner_hidden(driver):
            return None
        match = re.search(r"(\d+) events buffered", text_of(driver, "offline"))
        outbox = wedge.get("/api/v1/outbox")
        if match and outbox and int(match.group(1)) == outbox.get("depth") and outbox["depth"] >= minimum:
            return (text_of(driver, "offline"), outbox["depth"])
        return None

    def expect_banner(minimum, when):
        shown = wait_until(lambda: banner_matches_outbox(minimum), 10, 0.05)
        outbox = wedge.get("/api/v1/outbox") or {}
        expect(shown, f"{when}: the banner did not show the outbox depth {outbox.get('depth')} "
               f"(banner hidden: {banner_hidden(driver)}, text: {text_of(driver, 'offline')!r})")
        return shown
    banner, depth = expect_banner(1, "broker stopped")
    print(f"broker stopped: banner {banner!r} after {time.monotonic() - stopped:.2f} s", flush=True)
    # Events of another station are buffered too, and this station's banner counts them.
    status = wedge.post(f"/api/v1/stations/{OTHER_STATION}/scan", {"code": items[0]["gtins"][0]})
    # The station's verdict on that scan: accepted, its event stored while the broker is away.
    expect(status == 200, f"scan injected at {OTHER_STATION}: HTTP {status}")
    expect(wait_until(lambda: (wedge.get("/api/v1/outbox") or {}).get("depth", 0) > depth, 5),
           f"a scan at {OTHER_STATION} added no event to the outbox")
    banner, depth = expect_banner(depth + 1, f"after a scan at {OTHER_STATION}")
    print(f"after a scan at {OTHER_STATION}: banner {banner!r}", flush=True)

    broker.start()
    restarted = time.monotonic()
    hidden = wait_until(lambda: banner_hidden(driver), 15, 0.05)
    expect(hidden, f"the banner still shows after the broker came back: {text_of(driver, 'offline')!r}")
    print(f"broker restarted: banner gone after {time.monotonic() - restarted:.2f} s", flush=True)
    drained = wait_until(lambda: (wedge.get("/api/v1/outbox") or {}).get("depth") == 0, 10, 0.1)
    expect(drained, "the buffered events were not sent after the broker came back")

    # (d) device health: the scanner going away shows on the screen as it happens.
    expect("scanner-pick-1connected" in text_of(driver, "devices").replace(" ", ""),
           f"the screen does not show the scanner connected (devices: {text_of(driver, 'devices')!r})")
    scanner.stop()
    gone = time.monotonic()
    expect(wait_until(lambda: "scanner-pick-1disconnected" in text_of(driver, "devices").replace(" ", ""), 5),
           f"the scanner's disconnection did not show (devices: {text_of(driver, 'devices')!r})")
    print(f"scanner stopped: the screen shows it disconnected after {time.monotonic() - gone:.2f} s", flush=True)


def main(run_test=None, title="station screen end to end", prefix="wedge-screen-test."):
    """Runs `run_test` (default: this file's run) with the deadline, the peers' clean-up and the
    report; overview_kpi_test.py runs its own checks through it."""
    run_test = run_test or run
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--wedge", required=True, help="the daemon binary (build dir's daemon/wedge)")
    args = parser.parse_args()
    for path in (args.wedge, MOSQUITTO):
        if not os.access(path, os.X_OK):
            print(f"FAIL: {path} is missing or not executable", file=sys.stderr)
            return 1

    def on_deadline(_signum, _frame):
        raise TestFailure(f"the test did not finish within {DEADLINE_S} s")
    def on_terminate(_signum, _frame):
        raise TestFailure("terminated by SIGTERM")
    signal.signal(signal.SIGALRM, on_deadline)
    signal.signal(signal.SIGTERM, on_terminate)
    signal.alarm(DEADLINE_S)

    workdir = tempfile.mkdtemp(prefix=prefix)
    procs = Processes()
    report = {}
    started = time.monotonic()
    failed = None
    try:
        run_test(args, workdir, procs, report)
    except TestFailure as e:
        failed = str(e)
    except Exception as e:  # selenium, urllib, paho: report with the peers' logs, then fail
        failed = f"{type(e).__name__}: {e}"
    finally:
        signal.alarm(0)
        if "driver" in report:
            try:
                report["driver"].quit()
            except Exception as e:  # the browser may already be gone; nothing else to stop
                print(f"note: chromedriver quit: {e}", file=sys.stderr)
        if "oms" in report:
            report["oms"].stop()
        procs.stop_all()
        # A WEDGE_SANITIZE build: a sanitizer report of the daemon (leaks show at its exit) fails.
        wedge_log = os.path.join(workdir, "wedge.log")
        if not failed and os.path.exists(wedge_log):
            with open(wedge_log, errors="replace") as f:
                if re.search(r"ERROR: (Address|Leak)Sanitizer|: runtime error: ", f.read()):
                    failed = "the daemon printed a sanitizer report (wedge.log below)"
        if failed:
            for name in ("wedge.log", "mosquitto.log", "scanner-sim.log", "chromedriver.log"):
                path = os.path.join(workdir, name)
                if os.path.exists(path):
                    with open(path, errors="replace") as f:
                        tail = f.readlines()[-40:]
                    print(f"----- {name} (last {len(tail)} lines) -----\n{''.join(tail)}", file=sys.stderr)
        shutil.rmtree(workdir, ignore_errors=True)
    if failed:
        print(f"FAIL: {failed}", file=sys.stderr)
        return 1
    print(f"PASS: {title} in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
