#!/usr/bin/env python3
"""Contract fuzzing: schemathesis against docs/openapi.yaml and a running gateway, with every check.

    .venv/bin/python Tests/Outside/contract.py            # CI: about 3-4 minutes on two cores
    .venv/bin/python Tests/Outside/contract.py --long     # 5 minutes a pass (3 at a time: about 15 minutes)
    .venv/bin/python Tests/Outside/contract.py --long --minutes 12   # the long run of the issue: about 36 minutes
    .venv/bin/python Tests/Outside/contract.py --pass counsellor --max-examples 50 --seed 1234

One gateway (Tests/Outside/gateway.py: its own folder, keys, staff per role, generous rate limits, the clock at
the next open morning, open all day) and one schemathesis run per pass, --parallel passes at a time:

    citizen          the public and citizen operations; a live one-time reference for every operation that takes
                     one (contract_hooks.py books a new time when fuzzing has cancelled, forgotten or moved it)
    sign-in          signing in and out (a failed sign-in takes ~2 s by design, so only here)
    counsellor, phone, provider-admin, auditor, manager
                     the staff operations signed in as that role's account (Authorization: Bearer <session>),
                     with the booking operations the document's links start from

Every pass runs the examples, coverage, fuzzing and stateful phases (the `links` in the document: a booking's
token to the citizen and check-in operations, a walk-in's case code to the case operations, …) with every check
(contract.toml: `[checks] enabled = true`, the equivalent of `--checks all`): no 5xx, every answer in the
documented schema with a documented status and content type, schema-valid requests accepted and schema-violating
ones rejected, 405 with `Allow` for undeclared methods, auth enforced. contract.toml says what is tuned and why.

CI mode bounds a pass by examples (8 an operation and phase); --long adds a time budget per pass, during which
fuzzing and stateful testing repeat. Exit status 0 only when no pass found a failure or error. A summary per pass
(operations tested, test cases, failures by kind) follows; schemathesis' own output (with a curl line for every
failure) and an NDJSON report per pass are kept under --report-dir (default: a fresh temporary folder, printed).
"""
import argparse
import collections
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gateway import PASSWORD, ROOT, Gateway, next_open_morning  # noqa: E402

SCHEMATHESIS = os.path.join(os.path.dirname(sys.executable), "schemathesis")
DOCUMENT = os.path.join(ROOT, "docs", "openapi.yaml")
HOOKS = os.path.join(HERE, "contract_hooks.py")
CONFIG = os.path.join(HERE, "contract.toml")

# The booking operations the staff passes include as well: the document's links start from them.
LINK_SOURCES = ["listServices", "listSlots", "createBooking"]
PASSES = {
    # pass: (staff account of gateway.STAFF or None, schemathesis operation selection)
    "citizen": (None, ["--exclude-tag", "staff"]),
    # A failed sign-in takes about 2 s by design, so signing in is fuzzed once, in a pass of its own, and not in
    # every staff pass (which sign in through contract_hooks.py).
    "sign-in": ("counsellor-uturn", ["--include-operation-id", "signIn", "--include-operation-id", "signOut"]),
    **{role: (account, ["--include-tag", "staff", "--exclude-operation-id", "signIn",
                        *sum((["--include-operation-id", op] for op in LINK_SOURCES), [])])
       for role, account in [("counsellor", "counsellor-pas"), ("phone", "phone-pas"), ("provider-admin", "admin-pas"),
                             ("auditor", "auditor-pas"), ("manager", "manager")]},
}


def run_pass(name, gateway, args, report_dir):
    account, operations = PASSES[name]
    ndjson = os.path.join(report_dir, f"{name}.ndjson")
    log_path = os.path.join(report_dir, f"{name}.log")
    command = [
        SCHEMATHESIS, "--config-file", CONFIG, "run", DOCUMENT,
        "--url", gateway.base,
        "--phases", "examples,coverage,fuzzing,stateful",
        "--max-examples", str(max(2, args.max_examples // 5) if name == "sign-in" else args.max_examples),
        *(["--max-time", str(int(args.minutes * 60))] if args.minutes else []),
        "--workers", str(args.workers),
        "--generation-with-security-parameters", "false",
        "--request-timeout", "30",
        "--seed", str(args.seed),
        "--no-color",
        "--report", "ndjson", "--report-ndjson-path", ndjson,
        *operations,
    ]
    env = dict(os.environ, SCHEMATHESIS_HOOKS=HOOKS, ANONGATE_BASE=gateway.base,
               ANONGATE_STAFF_USER=account or "", ANONGATE_PASSWORD=PASSWORD if account else "",
               ANONGATE_TODAY=(gateway.at or "")[:10])
    started = time.monotonic()
    with open(log_path, "w", encoding="utf-8") as log:
        log.write("$ " + " ".join(command) + "\n")
        log.flush()
        done = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    elapsed = time.monotonic() - started
    summary = summarize(ndjson, log_path)
    summary.update(name=name, account=account or "-", returncode=done.returncode, seconds=elapsed, log=log_path)
    return summary


def summarize(ndjson, log_path):
    """Operations tested, test cases and failures by kind, from the NDJSON events (the log's summary as a fallback)."""
    operations, failures, errors = set(), collections.Counter(), []
    cases = 0
    seen_failures = set()
    try:
        with open(ndjson, encoding="utf-8") as f:
            for line in f:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                walk(event, operations, failures, errors, seen_failures)
    except OSError:
        pass
    text = open(log_path, encoding="utf-8", errors="replace").read()
    match = re.search(r"(\d+) generated", text)
    if match:
        cases = int(match.group(1))
    tested = re.search(r"Tested: (\d+)", text)
    kinds = collections.Counter()
    # The log's "Failures:" block is schemathesis' own count of unique failures by kind.
    block = re.search(r"\nFailures:\n((?:  .*\n)+)", text)
    if block:
        for line in block.group(1).splitlines():
            m = re.match(r"\s+\S+ (ST\d+ )?(.+?): (\d+)$", line)
            if m:
                kinds[(m.group(1) or "").strip() + " " + m.group(2)] += int(m.group(3))
    errs = re.search(r"\nErrors:\n((?:  .*\n)+)", text)
    error_lines = [line.strip() for line in errs.group(1).splitlines()] if errs else []
    return {"operations": int(tested.group(1)) if tested else len(operations), "cases": cases,
            "failures": kinds, "errors": error_lines}


def walk(event, operations, failures, errors, seen):
    """Collects what the NDJSON events say (the shapes differ by event; only labels are needed)."""
    if isinstance(event, dict):
        label = event.get("label")
        if isinstance(label, str) and re.match(r"^[A-Z]+ /", label):
            operations.add(label)
        for value in event.values():
            walk(value, operations, failures, errors, seen)
    elif isinstance(event, list):
        for value in event:
            walk(value, operations, failures, errors, seen)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--long", action="store_true", help="the long run: 6 minutes and up to 500 examples per operation a pass")
    parser.add_argument("--pass", dest="passes", action="append", choices=list(PASSES), help="only this pass (repeatable)")
    parser.add_argument("--minutes", type=float, help="time budget of each pass (default: none, the examples bound it; --long 5)")
    parser.add_argument("--max-examples", type=int, help="examples per operation and phase (default 8, --long 1000)")
    parser.add_argument("--workers", type=int, default=1, help="schemathesis workers (default 1: hypothesis parses lambdas with ast, which is not thread-safe in CPython 3.11)")
    parser.add_argument("--parallel", type=int, default=3, help="passes at a time (default 3)")
    parser.add_argument("--seed", type=int, help="schemathesis seed (default: random, printed)")
    parser.add_argument("--report-dir", help="where the logs and NDJSON reports go")
    args = parser.parse_args()
    args.minutes = args.minutes or (5 if args.long else 0)
    args.max_examples = args.max_examples or (1000 if args.long else 8)
    args.seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(8), "big")
    report_dir = args.report_dir or tempfile.mkdtemp(prefix="anongate-contract-")
    os.makedirs(report_dir, exist_ok=True)
    passes = args.passes or list(PASSES)

    started = time.monotonic()
    results = []
    print(f"contract fuzzing: {len(passes)} passes, {args.max_examples} examples an operation"
          f"{f', {args.minutes:g} min' if args.minutes else ''} each, "
          f"seed {args.seed}, reports in {report_dir}", flush=True)
    with Gateway(at=next_open_morning(), open_all_day=True) as gateway:
        # The passes run side by side (--parallel at a time): most of a pass's time is waiting for answers.
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.parallel) as pool:
            futures = {pool.submit(run_pass, name, gateway, args, report_dir): name for name in passes}
            for future in concurrent.futures.as_completed(futures):
                result = future.result()
                results.append(result)
                state = "ok" if result["returncode"] == 0 else f"FAILED (exit {result['returncode']})"
                print(f"  {result['name']:15s} {result['seconds']:6.1f} s  {state}", flush=True)
        results.sort(key=lambda r: passes.index(r["name"]))
        if not gateway.alive():
            print("the gateway is no longer answering (rebuilt or crashed?):\n" + gateway.tail(), flush=True)
            results.append({"name": "gateway", "returncode": 1, "failures": collections.Counter({"gateway died": 1}),
                            "errors": [], "operations": 0, "cases": 0, "seconds": 0, "account": "-", "log": gateway.log_path})

    print("\nsummary")
    print(f"  {'pass':15s} {'account':16s} {'ops':>4s} {'cases':>6s} {'secs':>6s}  failures")
    for r in results:
        kinds = ", ".join(f"{k}: {v}" for k, v in sorted(r["failures"].items())) or "none"
        if r["errors"]:
            kinds += "; errors: " + "; ".join(r["errors"])
        elif r["returncode"] != 0 and not r["failures"]:
            kinds += f" (schemathesis exited {r['returncode']}: see {r['log']})"
        print(f"  {r['name']:15s} {r['account']:16s} {r['operations']:4d} {r['cases']:6d} {r['seconds']:6.1f}  {kinds}")
    total = time.monotonic() - started
    failed = [r for r in results if r["returncode"] != 0]
    print(f"\n{len(results) - len(failed)} of {len(results)} passes clean; wall time {total:.0f} s; seed {args.seed}; "
          f"logs in {report_dir}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
