"""The tamper-evident audit log: append-only events chained by a keyed SHA-256 hash."""
