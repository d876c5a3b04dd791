#!/usr/bin/env python3
"""Bare SQLite insert rate: the ceiling for any write the gateway makes (scripts/bench).

    scripts/bench-insert.py DATABASE SECONDS [--synchronous NORMAL|FULL]

One writer, one booking-shaped row per transaction (BEGIN IMMEDIATE … COMMIT), in a loop for
SECONDS, on a new file. The connection is set up as the gateway's writer is: journal_mode=WAL,
synchronous=NORMAL (what GRDB's DatabasePool sets on its writer in WAL mode), secure_delete=ON,
foreign_keys=ON. The table is the gateway's `booking` table: same columns, constraints and indexes.
SQLite runs one writer at a time, so more threads would not raise the ceiling.

Prints one JSON object: inserts, seconds, rate (inserts/s), p50_ms, p99_ms, synchronous.
"""
import argparse
import json
import os
import sqlite3
import time

SCHEMA = """
CREATE TABLE booking (
    id TEXT PRIMARY KEY NOT NULL,
    tokenHash BLOB NOT NULL UNIQUE,
    serviceId TEXT NOT NULL,
    providerId TEXT NOT NULL,
    slotId TEXT NOT NULL,
    startsAt TEXT NOT NULL,
    endsAt TEXT NOT NULL,
    seat INTEGER CHECK (seat IS NULL OR seat >= 0),
    status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'checked-in')),
    ageBand TEXT NOT NULL,
    substancesSealed BLOB,
    interpreterLanguageSealed BLOB,
    companion INTEGER NOT NULL DEFAULT 0,
    messageSealed BLOB,
    bookedOn TEXT NOT NULL CHECK (length(bookedOn) = 10),
    UNIQUE (slotId, seat),
    CHECK ((status = 'cancelled') = (seat IS NULL))
) WITHOUT ROWID;
CREATE INDEX booking_slot ON booking (slotId);
CREATE INDEX booking_provider_start ON booking (providerId, startsAt);
"""

INSERT = """
INSERT INTO booking (id, tokenHash, serviceId, providerId, slotId, startsAt, endsAt, seat, status, ageBand,
                     substancesSealed, interpreterLanguageSealed, companion, messageSealed, bookedOn)
VALUES (?, ?, 'pas', 'kk-pas', ?, '2026-11-24T07:00:00Z', '2026-11-24T08:00:00Z', ?, 'booked', '25-plus', ?, NULL, 0, ?, '2026-11-23')
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("seconds", type=float)
    parser.add_argument("--synchronous", default="NORMAL", choices=["NORMAL", "FULL"])
    args = parser.parse_args()
    if os.path.exists(args.database):
        raise SystemExit(f"bench-insert: {args.database} exists; give a new file")

    db = sqlite3.connect(args.database, isolation_level=None)
    mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if mode != "wal":
        raise SystemExit(f"bench-insert: journal_mode is {mode}, not wal")
    db.execute(f"PRAGMA synchronous = {args.synchronous}")
    db.execute("PRAGMA secure_delete = ON")
    db.execute("PRAGMA foreign_keys = ON")
    db.executescript(SCHEMA)

    latencies = []
    count = 0
    start = time.perf_counter()
    deadline = start + args.seconds
    now = start
    while now < deadline:
        began = now
        db.execute("BEGIN IMMEDIATE")
        # 16 random bytes as hex (like the gateway's ids), a 32-byte token hash, sealed-size blobs.
        db.execute(INSERT, (os.urandom(16).hex(), os.urandom(32), f"kk-pas/pas/2026-11-24/{count // 100000:05d}", count % 100000,
                            os.urandom(44), os.urandom(60)))
        db.execute("COMMIT")
        count += 1
        now = time.perf_counter()
        latencies.append(now - began)
    elapsed = now - start
    stored = db.execute("SELECT count(*) FROM booking").fetchone()[0]
    synchronous = db.execute("PRAGMA synchronous").fetchone()[0]
    db.close()
    if stored != count:
        raise SystemExit(f"bench-insert: {count} inserts but {stored} rows")
    latencies.sort()

    def percentile(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1000

    print(json.dumps({"inserts": count, "seconds": round(elapsed, 3), "rate": round(count / elapsed, 1),
                      "p50_ms": round(percentile(50), 3), "p99_ms": round(percentile(99), 3),
                      "synchronous": {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[synchronous]}))


if __name__ == "__main__":
    main()
