#!/usr/bin/env python3
"""Soak: mixed citizen and staff load at half of its own peak for a long time; prints error counts,
p99 over time and RSS growth, and fails if the server's memory keeps growing.

Usage (README, "Soak"): build a release binary, then
    ANONGATE_BIN=.build/release/anongate .venv/bin/python Tests/Outside/soak.py --minutes 30
Options: --minutes M (30), --window S (60: one line per window), --rate R (requests/s; default half
of the peak this mix reaches in a 20 s warm-up), --clients N (16).

The mix, per 100 operations: 30 slot listings, 12 start pages, 14 bookings (each from its own
X-Forwarded-For address, through a trusted proxy, as behind nginx; at most 150 in all for today,
since a real day's programme holds tens), 14 lookups of a held booking,
12 cancellations (so the seats do not run out), 6 staff programme reads, 4 check-ins of a booking
for today by a counsellor, 2 notes on the case that check-in opened, 6 /healthz.
Every time has the seats Config/gateway.yaml ships, so the calendar fills and bookings take the
seats cancellations free. An error is an answer other than the one the operation expects, or no
answer. RSS is the server's VmRSS, sampled every 5 s (each line also shows its anonymous part,
RssAnon: the heap and the stacks); "flat" means the last window's mean is at most 10 % above the
second window's (the first fills caches and pools).
"""
import argparse
import http.client
import json
import os
import queue
import random
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gateway import Gateway, next_open_morning  # noqa: E402

ADDRESSES = 2000       # distinct client addresses, taken in turn (--addresses)
TODAY_BOOKINGS = 150   # at most this many bookings for today over the whole run (checked in by the mix)
MIX = [("slots", 30), ("start", 12), ("book", 14), ("lookup", 14), ("cancel", 12), ("schedule", 6),
       ("checkin", 4), ("note", 2), ("healthz", 6)]


class Load:
    def __init__(self, gw, staff_tokens, slots_today, slots_later):
        self.gw = gw
        self.staff = staff_tokens
        self.today = slots_today
        self.later = slots_later
        self.held = queue.Queue()        # tokens of live bookings, for lookups and cancellations
        self.for_checkin = queue.Queue()  # tokens of today's bookings
        self.cases = queue.Queue()        # case codes opened by check-ins
        self.lock = threading.Lock()
        self.samples = []                 # (finished at, seconds, operation, ok)
        self.address = 0
        self.booked_today = 0
        self.local = threading.local()

    def connection(self):
        c = getattr(self.local, "c", None)
        if c is None:
            c = self.local.c = http.client.HTTPConnection("127.0.0.1", self.gw.port, timeout=15)
        return c

    def call(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (0, 1):
            try:
                c = self.connection()
                c.request(method, path, payload, headers)
                answer = c.getresponse()
                raw = answer.read()
                return answer.status, raw
            except (OSError, http.client.HTTPException):
                self.local.c = None
                if attempt:
                    raise

    def next_address(self):
        with self.lock:
            self.address += 1
            n = self.address % ADDRESSES
        return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"

    def operation(self, name):
        """Runs one operation; answers whether the answer was the expected one."""
        if name == "slots":
            return self.call("GET", "/api/v1/services/uturn/slots")[0] == 200
        if name == "start":
            return self.call("GET", "/")[0] == 200
        if name == "healthz":
            return self.call("GET", "/healthz")[0] == 200
        if name == "book":
            # A real programme holds tens of bookings a day; a staff read of it logs an access per
            # case listed, so an ever-growing day would measure that, not the service over time.
            with self.lock:
                today = random.random() < 0.3 and self.booked_today < TODAY_BOOKINGS
                self.booked_today += today
            slot = random.choice(self.today if today else self.later)
            status, raw = self.call("POST", "/api/v1/bookings", {"serviceId": "uturn", "slotId": slot, "ageBand": "18-24"},
                                    {"X-Forwarded-For": self.next_address()})
            if status == 201:
                (self.for_checkin if today else self.held).put(json.loads(raw)["token"])
                return True
            return status == 409  # a full time: the right answer when many book the same few
        if name in ("lookup", "cancel"):
            try:
                token = self.held.get_nowait()
            except queue.Empty:
                return self.operation("book")
            auth = {"Authorization": "Bearer " + token}
            if name == "lookup":
                ok = self.call("GET", "/api/v1/bookings/current", headers=auth)[0] == 200
                self.held.put(token)
                return ok
            return self.call("DELETE", "/api/v1/bookings/current", headers=auth)[0] == 204
        if name == "schedule":
            return self.call("GET", "/api/v1/staff/schedule", headers={"Authorization": "Bearer " + random.choice(self.staff)})[0] == 200
        if name == "checkin":
            try:
                token = self.for_checkin.get_nowait()
            except queue.Empty:
                return self.operation("book")
            status, raw = self.call("POST", "/api/v1/staff/checkins", {"token": token},
                                    {"Authorization": "Bearer " + random.choice(self.staff)})
            if status == 200:
                code = json.loads(raw).get("caseCode")
                if code:
                    self.cases.put(code)
            return status == 200
        if name == "note":
            try:
                code = self.cases.get_nowait()
            except queue.Empty:
                return self.operation("slots")
            status, _ = self.call("POST", f"/api/v1/staff/cases/{code}/notes", {"text": "Samtale holdt."},
                                  {"Authorization": "Bearer " + random.choice(self.staff)})
            return status in (200, 201)

    def worker(self, stop, interval):
        names = [name for name, weight in MIX for _ in range(weight)]
        next_at = time.time()
        while not stop.is_set():
            if interval:
                next_at += interval
                delay = next_at - time.time()
                if delay > 0:
                    time.sleep(delay)
            name = random.choice(names)
            started = time.time()
            try:
                ok = self.operation(name)
            except Exception:  # noqa: BLE001 - any failure to get an answer counts as an error
                ok = False
            finished = time.time()
            with self.lock:
                self.samples.append((finished, finished - started, name, ok))

    def run(self, seconds, clients, rate=None):
        stop = threading.Event()
        interval = clients / rate if rate else 0
        threads = [threading.Thread(target=self.worker, args=(stop, interval), daemon=True) for _ in range(clients)]
        for t in threads:
            t.start()
        return stop, threads


def percentile(values, p):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--window", type=int, default=60)
    parser.add_argument("--rate", type=float)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--addresses", type=int, default=ADDRESSES)
    args = parser.parse_args()
    globals()["ADDRESSES"] = args.addresses

    # The shipped seats (1-2 a time): the calendar fills, and citizens book the seats others cancel,
    # as on a busy real day. With 100 a time the held bookings grew without end, and so did the work
    # and memory of every slot listing, which reads the held seats of its 14 days.
    gw = Gateway(at=next_open_morning(6, 0), open_all_day=True, capacity=None, proxies=True)
    with gw:
        staff = [gw.sign_in("counsellor-uturn") for _ in range(4)]
        status, _, listing = gw.api("GET", "/api/v1/services/uturn/slots?days=14")
        uturn = [s["id"] for s in listing["slots"] if s["providerId"] == "uturn"]
        today_prefix = uturn[0].split("T")[0]
        today = [s for s in uturn if s.startswith(today_prefix)]
        later = [s for s in uturn if not s.startswith(today_prefix)]
        load = Load(gw, staff, today, later)

        rate = args.rate
        if rate is None:
            stop, threads = load.run(20, args.clients)
            time.sleep(20)
            stop.set()
            for t in threads:
                t.join()
            peak = len(load.samples) / 20
            rate = peak / 2
            print(f"warm-up: the mix peaks at {peak:.0f} req/s with {args.clients} clients; soaking at half: {rate:.0f} req/s")
            load.samples.clear()
        started = time.time()
        stop, threads = load.run(args.minutes * 60, args.clients, rate)
        rss = []
        windows = []
        seen = 0
        while time.time() - started < args.minutes * 60:
            time.sleep(5)
            memory = gw.memory_kib()
            rss.append((time.time(), memory.get("VmRSS", 0), memory.get("RssAnon", 0)))
            if not gw.alive_quick():
                print("the server died")
                break
            elapsed = time.time() - started
            if elapsed >= (len(windows) + 1) * args.window or elapsed >= args.minutes * 60:
                with load.lock:
                    batch = load.samples[seen:]
                    seen = len(load.samples)
                lo = started + len(windows) * args.window
                window_rss = [k for at, k, _ in rss if at >= lo] or [rss[-1][1]]
                window_anon = [a for at, _, a in rss if at >= lo] or [rss[-1][2]]
                errors = sum(1 for s in batch if not s[3])
                by_op = {}
                for s in batch:
                    if not s[3]:
                        by_op[s[2]] = by_op.get(s[2], 0) + 1
                windows.append((len(batch), errors, percentile([s[1] for s in batch], 0.99), sum(window_rss) / len(window_rss),
                                sum(window_anon) / len(window_anon)))
                n, e, p99, mean_rss, mean_anon = windows[-1]
                print(f"{elapsed / 60:5.1f} min: {n / args.window:7.1f} req/s, {e} errors {by_op if by_op else ''}, "
                      f"p99 {p99 * 1000:6.1f} ms, RSS {mean_rss / 1024:6.1f} MiB (heap and stacks {mean_anon / 1024:6.1f})", flush=True)
        stop.set()
        for t in threads:
            t.join()
        alive = gw.alive()
    total = sum(w[0] for w in windows)
    errors = sum(w[1] for w in windows)
    base = windows[1][3] if len(windows) > 1 else windows[0][3]
    last = windows[-1][3]
    growth = last - base
    flat = growth <= 0.10 * base
    print(f"soak: {args.minutes:g} min at {rate:.0f} req/s target: {total} requests, {errors} errors, "
          f"p99 first/worst/last window {windows[0][2] * 1000:.1f}/{max(w[2] for w in windows) * 1000:.1f}/{windows[-1][2] * 1000:.1f} ms, "
          f"RSS {base / 1024:.1f} → {last / 1024:.1f} MiB ({growth / 1024:+.1f} MiB: {'flat' if flat else 'GROWING'}), server alive: {alive}")
    return 0 if errors == 0 and flat and alive else 1


if __name__ == "__main__":
    sys.exit(main())
