"""The gateway as an outsider meets it: a built `anongate serve` on loopback, its own folder,
keys and configuration, staff accounts per role, and small HTTP helpers.

Every outside suite (Tests/Outside/*.py) starts its servers through `Gateway`, so they all run
the same binary the same way:

    with Gateway() as gw:                      # starts on a free port, stops (SIGTERM) on exit
        token = gw.sign_in("counsellor-uturn")
        status, headers, body = gw.api("GET", "/api/v1/staff/schedule", token=token)

`Gateway(at=...)` runs the server at another time (libfaketime, Debian's `faketime`), so a suite
can book this morning's times and check them in: the clock starts at `at` and runs on.
"""
import datetime
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("ANONGATE_BIN", os.path.join(ROOT, ".build", "debug", "anongate"))
FAKETIME_LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
COPENHAGEN = "Europe/Copenhagen"

# One account per role, at the providers the walks need; every password is PASSWORD.
PASSWORD = "outside suites 1234"
STAFF = {
    "counsellor-uturn": ("uturn", "counsellor"),
    "counsellor-pas": ("kk-pas", "counsellor"),
    "counsellor-frb": ("frb-pas", "counsellor"),
    "phone-pas": ("kk-pas", "phone"),
    "admin-pas": ("kk-pas", "provider-admin"),
    "admin-uturn": ("uturn", "provider-admin"),
    "auditor-pas": ("kk-pas", "auditor"),
    "manager": ("kk-pas", "manager"),
    "counsellor-rbk": ("rbk", "counsellor"),
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def easter(year):
    """Gregorian Easter Sunday (Anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month = (h + l - 7 * m + 114) // 31
    day = (h + l - 7 * m + 114) % 31 + 1
    return datetime.date(year, month, day)


def is_open_weekday(day):
    """A Monday–Thursday that is no Danish holiday and not between Christmas Eve and New Year
    (the gateway's own DanishHolidays carries the rule; this only has to avoid them)."""
    if day.weekday() > 3 or (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1) or (day.month, day.day) == (6, 5):
        return False
    e = easter(day.year)
    return all(day != e + datetime.timedelta(days=n) for n in (-3, -2, 1, 39, 50))


def next_open_morning(hour=7, minute=30):
    """The next open weekday after today, at `hour:minute` Copenhagen time, as 'YYYY-MM-DD HH:MM:SS'
    (within two weeks, so a cookie's expiry in the browser's real time is never already past)."""
    day = datetime.date.today() + datetime.timedelta(days=1)
    while not is_open_weekday(day):
        day += datetime.timedelta(days=1)
    return f"{day.isoformat()} {hour:02d}:{minute:02d}:00"


def test_config(folder, *, open_all_day=False, capacity=100, generous=True, proxies=False):
    """Config/gateway.yaml with the per-client booking limits at the loader's maximum (every request
    of a suite comes from 127.0.0.1, one client) and a 5 s maintenance tick. `proxies`: 127.0.0.1 is a
    trusted proxy, so a load generator names each client in X-Forwarded-For, as nginx would.
    `open_all_day`: every weekday 06:00-22:00, each time with `capacity` seats (None: the shipped seats)."""
    text = open(os.path.join(ROOT, "Config", "gateway.yaml"), encoding="utf-8").read()
    replacements = [("walCheckpointSeconds: 60", "walCheckpointSeconds: 5")]
    if generous:
        replacements += [("bookingsPerClientPerHour: 4", "bookingsPerClientPerHour: 10000"),
                         ("bookingsPerClientPerDay: 8 ", "bookingsPerClientPerDay: 100000 "),
                         ("liveBookingsPerClientPerService: 2 ", "liveBookingsPerClientPerService: 10000 ")]
    if proxies:
        replacements.append(("trustedProxies: []", "trustedProxies: [127.0.0.1/32]"))
    for old, new in replacements:
        if old not in text:
            raise RuntimeError(f"Config/gateway.yaml has changed shape: {old!r} not found")
        text = text.replace(old, new)
    if open_all_day:
        import re
        text, n = re.subn(r'^( +)(monday|tuesday|wednesday|thursday|friday): \[".*"\]$', r'\1\2: ["06:00-22:00"]', text, flags=re.M)
        assert n >= 20, "opening hours not found"
        if capacity is not None:
            text = re.sub(r"capacityPerSlot: [0-9]+", f"capacityPerSlot: {capacity}", text)
    path = os.path.join(folder, "gateway.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


class Gateway:
    def __init__(self, *, at=None, folder=None, config=None, staff=STAFF, log_level="warning", open_all_day=False, capacity=100,
                 proxies=False):
        self.at = at
        self.own_folder = folder is None
        self.folder = folder or tempfile.mkdtemp(prefix="anongate-outside-")
        self.data = os.path.join(self.folder, "data")
        self.keys = os.path.join(self.folder, "keys")
        self.config = config or test_config(self.folder, open_all_day=open_all_day, capacity=capacity, proxies=proxies)
        self.staff = staff
        self.log_level = log_level
        self.port = None
        self.process = None
        self.log_path = os.path.join(self.folder, "serve.log")
        self.prepared = False

    # -- lifecycle -------------------------------------------------------------------------
    def run(self, *args, stdin=None, check=True, config=True):
        """Runs `anongate ARGS [--config] --data --keys` (a command, not the server)."""
        command = [BINARY, *args, *(["--config", self.config] if config else []), "--data", self.data, "--keys", self.keys]
        done = subprocess.run(command, input=stdin, capture_output=True, text=True, env=self.environment(fake=False))
        if check and done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} exited {done.returncode}: {done.stderr.strip()}")
        return done

    def environment(self, fake=True):
        env = dict(os.environ, LOG_LEVEL=self.log_level, TZ=COPENHAGEN)
        if self.at and fake:
            env.update(LD_PRELOAD=FAKETIME_LIB, FAKETIME="@" + self.at, FAKETIME_DONT_FAKE_MONOTONIC="1",
                       FAKETIME_NO_CACHE="1")
        return env

    def prepare(self):
        os.makedirs(self.keys, mode=0o700, exist_ok=True)
        os.chmod(self.keys, 0o700)
        self.run("keys", "init", config=False)
        for username, (provider, role) in self.staff.items():
            self.run("staff", "add", "--username", username, "--provider", provider, "--role", role, stdin=PASSWORD + "\n")
        self.prepared = True

    def start(self, port=None):
        if not self.prepared:
            self.prepare()
        self.port = port or self.port or free_port()
        command = [BINARY, "serve", "--port", str(self.port), "--config", self.config, "--data", self.data, "--keys", self.keys]
        if self.at:
            # libfaketime preloaded into the Swift binary itself empties CommandLine.arguments
            # (STACK.md); through a shell the arguments survive.
            command = ["sh", "-c", 'exec "$@"', "sh", *command]
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=self.environment(),
                                        start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"anongate serve exited {self.process.returncode}: {self.tail()}")
            try:
                if self.request("GET", "/readyz")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("anongate serve did not become ready in 60 s: " + self.tail())

    def stop(self, kill=False):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def alive(self):
        try:
            return self.process is not None and self.process.poll() is None and self.request("GET", "/healthz")[0] == 200
        except OSError:
            return False

    def alive_quick(self):
        """The process still runs (no request: for load loops)."""
        return self.process is not None and self.process.poll() is None

    def rss_kib(self):
        return self.memory_kib().get("VmRSS", 0)

    def memory_kib(self):
        """The server's VmRSS and its parts (RssAnon: the heap and stacks; RssFile: mapped files), in KiB."""
        found = {}
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
                    found[key] = int(value.split()[0])
        return found

    def tail(self, lines=20):
        try:
            return "".join(open(self.log_path, encoding="utf-8", errors="replace").readlines()[-lines:])
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        if self.own_folder and not os.environ.get("KEEP_OUTSIDE_FOLDER"):
            shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    # -- HTTP ------------------------------------------------------------------------------
    def request(self, method, path, body=None, headers=None, timeout=30):
        """One request on a new connection; answers (status, headers as dict lower-case, body bytes)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            answer = connection.getresponse()
            return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
        finally:
            connection.close()

    def api(self, method, path, body=None, token=None, headers=None):
        """A JSON request; answers (status, headers, decoded JSON or None)."""
        all_headers = {"Accept": "application/json"}
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        if token:
            all_headers["Authorization"] = "Bearer " + token
        all_headers.update(headers or {})
        status, answer_headers, raw = self.request(method, path, None if body is None else json.dumps(body).encode(), all_headers)
        try:
            decoded = json.loads(raw) if raw else None
        except ValueError:
            decoded = None
        return status, answer_headers, decoded

    def form(self, path, fields, headers=None):
        """A form POST as a browser sends it (fields: list of pairs, repeats allowed)."""
        all_headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.base}
        all_headers.update(headers or {})
        return self.request("POST", path, urllib.parse.urlencode(fields).encode(), all_headers)

    def sign_in(self, username):
        status, _, body = self.api("POST", "/api/v1/staff/sessions", {"username": username, "password": PASSWORD})
        if status != 201 and status != 200:
            raise RuntimeError(f"sign-in of {username} answered {status}: {body}")
        return body["sessionToken"]

    def first_slot(self, service, provider=None, skip=0):
        status, _, body = self.api("GET", f"/api/v1/services/{service}/slots")
        assert status == 200, (status, body)
        slots = [s for s in body["slots"] if provider is None or s["providerId"] == provider]
        return slots[skip]

    def book(self, service="uturn", slot=None, answers=None):
        """Books through the citizen API; answers (status, body)."""
        slot = slot or self.first_slot(service)["id"]
        body = {"serviceId": service, "slotId": slot}
        body.update(answers or {"ageBand": "18-24"})
        status, _, answer = self.api("POST", "/api/v1/bookings", body)
        return status, answer
