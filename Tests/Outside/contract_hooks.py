"""Schemathesis hooks for Tests/Outside/contract.py (loaded through SCHEMATHESIS_HOOKS in the schemathesis process).

Credentials come from the runner through the environment:

    ANONGATE_BASE        the running gateway, http://127.0.0.1:PORT
    ANONGATE_STAFF_USER  the staff account of this pass (empty on the citizen pass)
    ANONGATE_PASSWORD    its password

Staff operations get `Authorization: Bearer <session>` of that account (signed in once and again after a 401);
`DELETE /api/v1/staff/sessions/current` (sign-out) gets a session of its own each time, so signing out never
ends the pass's session. Citizen operations that take a one-time reference get a live one: fuzzing cancels,
forgets and moves bookings, so every case checks its worker's reference first and books a new time when it no
longer answers 200. A reference a stateful link put in the request (POST /api/v1/bookings → token) is kept.
"""
import http.client
import json
import os
import threading

import schemathesis

BASE = os.environ["ANONGATE_BASE"]
HOST, PORT = BASE.rsplit("//", 1)[1].split(":")
STAFF_USER = os.environ.get("ANONGATE_STAFF_USER", "")
PASSWORD = os.environ.get("ANONGATE_PASSWORD", "")

CITIZEN_TOKEN_OPERATIONS = ["getCurrentBooking", "cancelCurrentBooking", "rescheduleCurrentBooking", "changeRequests", "answerFollowUp"]


def call(method, path, body=None, token=None):
    connection = http.client.HTTPConnection(HOST, int(PORT), timeout=30)
    try:
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = "Bearer " + token
        connection.request(method, path, None if body is None else json.dumps(body).encode(), headers)
        answer = connection.getresponse()
        raw = answer.read()
        try:
            return answer.status, json.loads(raw) if raw else None
        except ValueError:
            return answer.status, None
    finally:
        connection.close()


def sign_in():
    status, body = call("POST", "/api/v1/staff/sessions", {"username": STAFF_USER, "password": PASSWORD})
    if status != 201:
        raise RuntimeError(f"sign-in of {STAFF_USER} answered {status}: {body}")
    return body["sessionToken"]


def has_link_authorization(case):
    """A stateful step whose link already put a reference or session in the header keeps it."""
    # The runner turns off generated security parameters, so an Authorization header here came from a link.
    return bool((case.headers or {}).get("Authorization"))


def set_bearer(case, token):
    if case.headers is None:
        case.headers = {}
    case.headers["Authorization"] = "Bearer " + token


# -- citizen references -------------------------------------------------------------------------------
_local = threading.local()
_booking_lock = threading.Lock()
_services = ("uturn", "pas", "uturn-parents", "relatives")
_answers = {
    "pas": {"ageBand": "25-plus", "substances": ["cocaine"], "receivesOtherSocialSupport": False},
    "uturn": {"ageBand": "18-24"},
    "uturn-parents": {"ageBand": "25-plus"},
    "relatives": {"ageBand": "25-plus", "personIsEnrolledInTreatment": False},
}


def book_new():
    """Books a time of some service (round robin, so `reschedule` meets each) and answers its reference."""
    with _booking_lock:
        book_new.turn = (getattr(book_new, "turn", -1) + 1) % len(_services)
        service = _services[book_new.turn]
    status, body = call("GET", f"/api/v1/services/{service}/slots?days=3")
    if status != 200 or not body["slots"]:
        raise RuntimeError(f"no slots of {service}: {status} {body}")
    # A little spread over the listing, so bookings of two workers rarely meet in one slot.
    slot = body["slots"][(book_new.turn * 7 + threading.get_ident()) % len(body["slots"])]
    status, answer = call("POST", "/api/v1/bookings", {"serviceId": service, "slotId": slot["id"], **_answers[service]})
    if status != 201:
        raise RuntimeError(f"booking {slot['id']} answered {status}: {answer}")
    return answer["token"]


def live_reference():
    token = getattr(_local, "token", None)
    if token:
        status, body = call("GET", "/api/v1/bookings/current", token=token)
        if status == 200 and body and "booking" in body:
            return token
    _local.token = book_new()
    return _local.token


if not STAFF_USER:

    @schemathesis.auth(refresh_interval=None).apply_to(operation_id=CITIZEN_TOKEN_OPERATIONS)
    class CitizenReference:
        def get(self, case, ctx):
            if has_link_authorization(case):
                return None
            return live_reference()

        def set(self, case, data, ctx):
            set_bearer(case, data)


# -- staff sessions -----------------------------------------------------------------------------------
if STAFF_USER:

    @schemathesis.auth(refresh_interval=3600, retry_on=[401]).apply_to(tag="staff").skip_for(
        operation_id=["signIn", "signOut"]
    )
    class StaffSession:
        def get(self, case, ctx):
            return sign_in()

        def set(self, case, data, ctx):
            set_bearer(case, data)

    @schemathesis.auth(refresh_interval=None).apply_to(operation_id="signOut")
    class OwnSessionToSignOut:
        def get(self, case, ctx):
            return sign_in()

        def set(self, case, data, ctx):
            set_bearer(case, data)


# -- rules the document states in words, which no schema can hold ---------------------------------------
# Schema-valid (positive) cases are brought within them, so that a 400 for a positive case always means
# the document lacks a constraint. Negative cases are left alone.
import datetime  # noqa: E402

from schemathesis.generation import GenerationMode  # noqa: E402

TODAY = datetime.date.fromisoformat(os.environ.get("ANONGATE_TODAY") or datetime.date.today().isoformat())
HORIZON = TODAY + datetime.timedelta(days=27)  # booking.horizonDays (28) − 1
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SYMBOLS = {c: i for i, c in enumerate(ALPHABET)} | {c.lower(): i for i, c in enumerate(ALPHABET)} | {
    "O": 0, "o": 0, "I": 1, "i": 1, "L": 1, "l": 1}
SERVICES_OF = {"kk-pas": ["pas"], "frb-pas": ["pas"], "uturn": ["uturn", "uturn-parents"], "rbk": ["relatives"]}


def gf_multiply(a, b):
    product = 0
    while b:
        if b & 1:
            product ^= a
        b >>= 1
        a <<= 1
        if a & 0b100000:
            a ^= 0b100101
    return product


def gf_power(exponent):
    result = 1
    for _ in range(exponent % 31):
        result = gf_multiply(result, 2)
    return result


def with_check_symbol(text):
    """The reference or case code as typed, its last symbol replaced by the right check symbol (OneTimeToken.swift)."""
    positions = [i for i, c in enumerate(text) if c in SYMBOLS]
    if not positions:
        return text
    values = [SYMBOLS[text[i]] for i in positions[:-1]]
    total = 0
    for index, value in enumerate(values):
        total ^= gf_multiply(gf_power(index), value)
    inverse = 1
    for _ in range(30):
        inverse = gf_multiply(inverse, gf_power(len(values)))
    check = gf_multiply(inverse, total)
    last = positions[-1]
    return text[:last] + ALPHABET[check] + text[last + 1:]


def parse_date(value):
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def parse_month(value):
    try:
        return datetime.date.fromisoformat(value + "-01") if isinstance(value, str) and len(value) == 7 else None
    except ValueError:
        return None


def positive(case):
    meta = getattr(case, "meta", None)
    return meta is not None and meta.generation.mode == GenerationMode.POSITIVE


def fix_list_slots(case):
    day = parse_date((case.query or {}).get("from"))
    if day and day > HORIZON:  # "A day past the booking horizon answers 400"
        case.query["from"] = (TODAY + (day - TODAY) % datetime.timedelta(days=28)).isoformat()


def fix_access_log(case):
    query = case.query or {}
    first, last = parse_date(query.get("from")), parse_date(query.get("to"))
    if first and last and last < first:  # "Before `from` → 400"
        query["from"], query["to"] = query["to"], query["from"]


def fix_stats(case):
    query = case.query or {}
    first, last = parse_month(query.get("from")), parse_month(query.get("to"))
    if first and last:
        if last < first:
            first, last = last, first
        months = (last.year - first.year) * 12 + last.month - first.month
        if months > 35:  # "not before `from` and at most 35 months after it"
            months %= 36
            year, month = divmod(first.month - 1 + months, 12)
            last = datetime.date(first.year + year, month + 1, 1)
        if last.year > 9999:
            return
        query["from"], query["to"] = first.strftime("%Y-%m"), f"{last.year:04d}-{last.month:02d}"


def fix_token_in_body(case):
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("token"), str):
        body["token"] = with_check_symbol(body["token"])


def fix_complaint(case):
    body = case.body
    if not isinstance(body, dict):
        return
    provider = body.get("providerId")
    if isinstance(provider, str) and provider not in SERVICES_OF:
        body["providerId"] = provider = sorted(SERVICES_OF)[len(provider) % len(SERVICES_OF)]
    service = body.get("serviceId")
    if isinstance(provider, str) and isinstance(service, str) and service not in SERVICES_OF[provider]:
        body["serviceId"] = SERVICES_OF[provider][0]


def fix_group_course(case):
    body = case.body
    if not isinstance(body, dict) or not isinstance(body.get("meetings"), list):
        return
    meetings = [m for m in body["meetings"] if isinstance(m, dict)]
    limit = 5 if body.get("serviceId") == "uturn-parents" else 8  # the service's anonymous group sessions
    meetings = meetings[:limit] or meetings
    for number, meeting in enumerate(meetings):  # in order, from tomorrow on, one a day, none past midnight
        meeting["date"] = (TODAY + datetime.timedelta(days=number + 1)).isoformat()
        minutes = meeting.get("minutes")
        if isinstance(minutes, (int, float)) and isinstance(meeting.get("start"), str):
            hour, minute = map(int, meeting["start"].split(":"))
            if hour * 60 + minute + minutes > 24 * 60:
                meeting["start"] = "09:00"
    body["meetings"] = meetings


FIXES = {
    "listSlots": fix_list_slots,
    "accessLog": fix_access_log,
    "statistics": fix_stats,
    "statisticsCSV": fix_stats,
    "checkIn": fix_token_in_body,
    "walkIn": fix_token_in_body,
    "sendComplaint": fix_complaint,
    "createGroupCourse": fix_group_course,
}


@schemathesis.hook
def before_call(context, case, kwargs):
    """Just before sending, in every phase (the coverage phase's cases meet no `map_case`)."""
    fix = FIXES.get((case.operation.definition.raw or {}).get("operationId"))
    if fix and positive(case):
        fix(case)


# A complaint without `providerId` goes by its reference: such a case gets a live one (with a `providerId`, a
# reference would have to be of that provider, so none is sent).
if not STAFF_USER:

    @schemathesis.auth(refresh_interval=None).apply_to(operation_id="sendComplaint")
    class ComplaintReference:
        def get(self, case, ctx):
            if has_link_authorization(case):
                return None
            # Only for positive cases: with a reference the body's `serviceId` is ignored (the document says so),
            # so a negative one would be accepted.
            body = case.body if isinstance(case.body, dict) else {}
            return live_reference() if body.get("providerId") is None and positive(case) else None

        def set(self, case, data, ctx):
            set_bearer(case, data)
