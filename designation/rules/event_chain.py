"""The tamper-evident event log: each event's SHA-256 chained to the previous one.

Pure: values and a date in, values out. No Django, no clock.
"""

import hashlib
import json
from dataclasses import dataclass

GENESIS_HASH = "0" * 64


def event_hash(fields: dict, previous_hash: str) -> str:
    """SHA-256 over the event's fields (canonical JSON) and the previous event's hash."""
    payload = json.dumps({**fields, "previous_hash": previous_hash}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    enrollment_id: int
    sequence: int | None
    problem: str


def chain_problems(
    enrollment_id: int, events: list[tuple[int, dict, str, str]], head_hash: str
) -> list[ChainProblem]:
    """Breaks in one enrollment's chain: events are (sequence, fields, previous_hash, hash)
    in sequence order; head_hash is the hash the enrollment says its last event has."""
    problems, expected_previous = [], GENESIS_HASH
    for position, (sequence, fields, previous_hash, stored_hash) in enumerate(events, start=1):
        if sequence != position:
            problems.append(ChainProblem(enrollment_id, sequence, f"expected event {position}"))
        if previous_hash != expected_previous:
            problems.append(ChainProblem(enrollment_id, sequence, "previous hash does not match"))
        if event_hash(fields, previous_hash) != stored_hash:
            problems.append(ChainProblem(enrollment_id, sequence, "content does not match hash"))
        expected_previous = stored_hash
    if expected_previous != (head_hash or GENESIS_HASH):
        problems.append(ChainProblem(enrollment_id, None, "last event missing or replaced"))
    return problems
