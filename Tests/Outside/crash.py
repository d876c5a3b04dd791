#!/usr/bin/env python3
"""Crash tests: SIGKILL the server in the middle of a booking load and of a key rotation, restart it,
and check that nothing answered was lost and nothing refused was kept.

Usage: .venv/bin/python Tests/Outside/crash.py [--rounds N] [--rotation-rounds N]

Each booking round: 8 clients book this morning's U-turn times as fast as they can, with an
interpreter language (a sealed value) on every booking and a bad age band on every 7th (refused
with 400); after a random 0.4–1.0 s the server gets SIGKILL. (Today has about 2,000 seats at U-turn in
the test configuration; three rounds must not use them all, or the later ones would measure a full day.) After a restart on the same folder:
  - every booking answered 201 is there, with its slot and its sealed interpreter language;
  - its token works exactly once: a counsellor's check-in answers 200, the second 409;
  - nothing refused appears: today's programme holds no more bookings than were answered 201 plus
    those whose answer the kill cut off (which may or may not have landed: the client never knew).
Each rotation round: `anongate keys rotate --store anonymous --batch 1` re-seals the store value by
value while the server runs; both get SIGKILL part-way. After a restart, running the rotation again
completes it (exit 0), `anongate doctor` exits 0 (keys, key checks, both stores, separation), and every live
booking still reads with its sealed values.
Prints the counts of every round; exits 1 on any loss.
"""
import argparse
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gateway import BINARY, Gateway, next_open_morning  # noqa: E402

LANGUAGES = ["arabisk", "somali", "tyrkisk", "urdu", "engelsk"]


def booking_load(gw, slots, stop, results, lock):
    """One client: books until the server goes away or `stop` is set; records every answer."""
    n = 0
    while not stop.is_set():
        n += 1
        slot = random.choice(slots)
        language = random.choice(LANGUAGES)
        refused = n % 7 == 0
        body = {"serviceId": "uturn", "slotId": slot, "ageBand": "99-plus" if refused else "18-24",
                "interpreterLanguage": language}
        try:
            connection = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
            connection.request("POST", "/api/v1/bookings", json.dumps(body), {"Content-Type": "application/json"})
            answer = connection.getresponse()
            status, raw = answer.status, answer.read()
            connection.close()
        except (OSError, http.client.HTTPException):
            with lock:
                results["cut"] += 1
            if stop.is_set() or not gw.alive_quick():
                return
            continue
        with lock:
            if status == 201:
                results["booked"].append((json.loads(raw)["token"], slot, language))
            else:
                results["refused"][status] = results["refused"].get(status, 0) + 1


def todays_bookings(gw, staff):
    status, _, body = gw.api("GET", "/api/v1/staff/schedule", token=staff)
    assert status == 200, (status, body)
    return body["bookings"]


def booking_round(gw, number, checked, failures):
    gw.start()
    staff = gw.sign_in("counsellor-uturn")
    before = len(todays_bookings(gw, staff))
    status, _, listing = gw.api("GET", "/api/v1/services/uturn/slots?days=1")
    slots = [s["id"] for s in listing["slots"] if s["providerId"] == "uturn"]
    assert slots, "no U-turn times this morning"
    results = {"booked": [], "refused": {}, "cut": 0}
    stop, lock = threading.Event(), threading.Lock()
    clients = [threading.Thread(target=booking_load, args=(gw, slots, stop, results, lock)) for _ in range(8)]
    for client in clients:
        client.start()
    time.sleep(random.uniform(0.4, 1.0))
    gw.stop(kill=True)
    stop.set()
    for client in clients:
        client.join()

    gw.start()
    staff = gw.sign_in("counsellor-uturn")
    missing = wrong = twice = 0
    for token, slot, language in results["booked"]:
        status, _, body = gw.api("GET", "/api/v1/bookings/current", token=token)
        if status != 200:
            missing += 1
            failures.append(f"round {number}: a booking answered 201 is gone ({status})")
            continue
        booking = body.get("booking", body)
        if booking.get("slotId") != slot or booking.get("interpreterLanguage") != language:
            wrong += 1
            failures.append(f"round {number}: a booking reads back wrong: {booking}")
        first = gw.api("POST", "/api/v1/staff/checkins", {"token": token}, token=staff)[0]
        second = gw.api("POST", "/api/v1/staff/checkins", {"token": token}, token=staff)[0]
        if (first, second) != (200, 409):
            twice += 1
            failures.append(f"round {number}: check-in answered {first} then {second} (expected 200 then 409)")
        checked.append(token)
    after = len(todays_bookings(gw, staff))
    landed = after - before
    answered = len(results["booked"])
    if not answered <= landed <= answered + results["cut"]:
        failures.append(f"round {number}: {landed} bookings in the programme, {answered} answered 201, {results['cut']} cut off")
    refused = sum(results["refused"].values())
    print(f"booking round {number}: killed mid-load; {answered} answered 201 (all present: {missing == 0}, read back right: {wrong == 0}, "
          f"token worked exactly once: {twice == 0}), {refused} refused {dict(sorted(results['refused'].items()))} (none appears), "
          f"{results['cut']} cut off by the kill, {landed} landed in the programme")
    gw.stop()


def rotation_round(gw, number, failures):
    gw.start()
    staff = gw.sign_in("counsellor-uturn")
    # Later days: the booking rounds have used today's seats, and nothing here is checked in.
    status, _, listing = gw.api("GET", "/api/v1/services/uturn/slots?days=14")
    first_day = listing["slots"][0]["id"].split("T")[0]
    slots = [s["id"] for s in listing["slots"] if s["providerId"] == "uturn" and not s["id"].startswith(first_day)]
    live = []
    for index in range(150):
        language = LANGUAGES[index % len(LANGUAGES)]
        status, answer = gw.book("uturn", slot=slots[index % len(slots)], answers={"ageBand": "18-24", "interpreterLanguage": language})
        assert status == 201, (status, answer)
        live.append((answer["token"], language))
    # The rotation command and the server share the store; kill both part-way through the re-sealing.
    rotate = subprocess.Popen([BINARY, "keys", "rotate", "--store", "anonymous", "--batch", "1", "--wait", "60",
                               "--config", gw.config, "--data", gw.data, "--keys", gw.keys],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=gw.environment(fake=False))
    time.sleep(random.uniform(6.0, 9.0))   # the server takes up the new version at a 5 s tick, then re-sealing runs
    gw.stop(kill=True)
    rotate.send_signal(signal.SIGKILL)
    first_output = rotate.communicate()[0]
    gw.start()
    again = gw.run("keys", "rotate", "--store", "anonymous", "--wait", "60", check=False)
    doctor = gw.run("doctor", check=False)
    unreadable = 0
    for token, language in live:
        status, _, body = gw.api("GET", "/api/v1/bookings/current", token=token)
        if status != 200 or body.get("booking", body).get("interpreterLanguage") != language:
            unreadable += 1
    resumed = "resuming" in again.stdout
    report = doctor.stdout.splitlines()
    doctor_problems = [line for line in report if not line.startswith(("ok ", "warn ", "all checks"))]
    if doctor.returncode != 0 and not doctor_problems:
        doctor_problems = [f"exit {doctor.returncode}"]
    versions = next((" ".join(line.split()[2:]) for line in report if line.startswith("ok    versions anonymous-store")), "?")
    if again.returncode != 0:
        failures.append(f"rotation round {number}: the second rotation exited {again.returncode}: {again.stdout}{again.stderr}")
    if doctor_problems:
        failures.append(f"rotation round {number}: doctor: {doctor_problems}")
    if unreadable:
        failures.append(f"rotation round {number}: {unreadable} of {len(live)} bookings no longer read")
    killed_at = first_output.strip().splitlines()[-1] if first_output.strip() else "(nothing printed yet)"
    print(f"rotation round {number}: killed with the first run at {killed_at!r}; the next run "
          f"{'resumed and ' if resumed else ''}exited {again.returncode}; doctor on keys and stores: "
          f"{'clean' if not doctor_problems else doctor_problems} ({versions}); {len(live) - unreadable} of {len(live)} bookings read with their sealed values")
    gw.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rotation-rounds", type=int, default=2)
    args = parser.parse_args()
    started = time.time()
    failures, checked = [], []
    gw = Gateway(at=next_open_morning(6, 0), open_all_day=True)
    try:
        for number in range(1, args.rounds + 1):
            booking_round(gw, number, checked, failures)
        # Tokens used in earlier rounds stay used after later crashes.
        gw.start()
        reused = sum(1 for token in checked if gw.api("GET", "/api/v1/bookings/current", token=token)[0] == 200)
        gw.stop()
        if reused:
            failures.append(f"{reused} checked-in tokens read as live again after later crashes")
        for number in range(1, args.rotation_rounds + 1):
            rotation_round(gw, number, failures)
    finally:
        gw.__exit__(None, None, None)
    print(f"crash tests: {args.rounds} booking rounds, {args.rotation_rounds} rotation rounds, "
          f"{len(checked)} tokens checked, {len(failures)} failures, {time.time() - started:.0f} s")
    for failure in failures:
        print("FAIL", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
