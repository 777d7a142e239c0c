"""Audit chain: append and verify rates, against hashing the same payloads in memory.

    .venv/bin/python benchmarks/audit_chain.py [--events 5000]
    scripts/with_postgres.py -- .venv/bin/python benchmarks/audit_chain.py   # on PostgreSQL

Migrates a fresh database (a temporary SQLite file unless DATABASE_URL is set), appends N events
through record_event (each in its own transaction, under the chain lock, as the application does),
then runs verify_chain. The baseline is the keyed hash chain computed over the same payloads in
memory, so the ratios show what the database and the serialised appends cost.
"""

from __future__ import annotations

import argparse
import time

from _django import setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    args = parser.parse_args()

    setup("balise-bench-")
    from django.core.management import call_command
    from django.db import connection

    from balise.audit.models import AuditEvent
    from balise.audit.services import (
        GENESIS_HASH,
        _payload_of,
        chain_hash,
        record_event,
        verify_chain,
    )

    call_command("migrate", verbosity=0)
    if AuditEvent.objects.exists():
        raise SystemExit("the database already holds audit events; use an empty one")

    started = time.perf_counter()
    for i in range(args.events):
        record_event(
            "bench.event",
            object_type="thing",
            object_id=str(i),
            organisation_id=i % 7,
            details={"step": i, "rows": i * 3},
        )
    append_seconds = time.perf_counter() - started

    started = time.perf_counter()
    result = verify_chain()
    verify_seconds = time.perf_counter() - started
    if not result.ok or result.checked != args.events:
        raise SystemExit(f"the chain does not verify: {result}")

    events = list(AuditEvent.objects.order_by("seq"))
    started = time.perf_counter()
    previous = GENESIS_HASH
    for event in events:
        previous = chain_hash(previous, _payload_of(event))
    baseline_seconds = time.perf_counter() - started

    print(f"database: {connection.vendor}, events: {args.events}")
    print(f"append:   {append_seconds:.2f} s  ({args.events / append_seconds:,.0f} events/s)")
    print(f"verify:   {verify_seconds:.2f} s  ({args.events / verify_seconds:,.0f} events/s)")
    print(f"baseline: {baseline_seconds:.2f} s  (keyed chain over the same payloads in memory)")
    print(f"ratio verify/baseline: {verify_seconds / baseline_seconds:.1f}")
    print(f"ratio append/baseline: {append_seconds / baseline_seconds:.1f}")


if __name__ == "__main__":
    main()
