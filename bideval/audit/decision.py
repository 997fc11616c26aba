"""The decision in a results.json, read as plain JSON, so archives of other versions compare.

An archive written by another version of bideval renders differently (fonts, labels, the
version it prints) but must reach the same decision. `decision` flattens the fields that
make the decision into `"bids[hanbit-cloud].criteria[price-performance].score" → "14.7321"`;
`changes` names every key whose value differs, appears or disappears. Values are compared
as written (decimals are strings in results.json): exact, never numerically.
"""

from __future__ import annotations

import json
import re

# What the decision is. A key "name[id]" is a list of objects matched by their `id` field,
# a nested dict lists the fields kept from an object, None keeps the value, "*" keeps every
# entry of a mapping. A later format adds its decision fields here (issue 18: stages,
# rounds, lots, adjustments); a field absent from an older format compares as null.
DECISION: dict = {
    "bids[bidder_id]": {
        "status": None,
        "rank": None,
        "total": None,
        "within_budget": None,
        "categories": "*",
        "technical": {"score": None, "passed": None},
        "criteria[id]": {"score": None, "ratio": None, "meets_minimum": None, "panel": {"mean": None}},
    },
    "outcome": {"kind": None, "winners": None, "tied": None, "valid_bids": None},
}
PRESENT = "present"  # the value of an item's own key: the bid (or criterion) is there
EMPTY = {None, "null", "[]", "{}"}  # absent, or recorded as nothing: the same decision
_ITEM = re.compile(r"^(\w+)\[(\w+)\]$")


def decision(results: object) -> dict[str, str]:
    """The decision in a results.json document (untrusted: any shape gives keys, never an error)."""
    flat: dict[str, str] = {}
    _walk(results, DECISION, "", flat)
    return flat


def _walk(value: object, spec: object, path: str, flat: dict[str, str]) -> None:
    if spec is None:
        flat[path] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    elif not isinstance(value, dict):  # a shape the spec does not expect: keep it as it is
        if value is not None:
            flat[path or "results"] = json.dumps(value, ensure_ascii=False, sort_keys=True)
    elif spec == "*":
        for key, item in value.items():
            _walk(item, None, f"{path}.{key}", flat)
    else:
        for key, inner in spec.items():
            item = _ITEM.match(key)
            if item:
                _walk_list(value.get(item[1]), item[2], inner, _join(path, item[1]), flat)
            else:
                _walk(value.get(key), inner, _join(path, key), flat)


def _walk_list(items: object, id_field: str, spec: object, path: str, flat: dict[str, str]) -> None:
    """Items keyed by their id; a repeated or missing id gets a key of its own, so it shows."""
    if not isinstance(items, list):
        if items is not None:
            _walk(items, None, path, flat)
        return
    for index, item in enumerate(items):
        found = item.get(id_field) if isinstance(item, dict) else None
        name = found if isinstance(found, str) and found else f"#{index}"
        key = f"{path}[{name}]"
        copy = 2
        while key in flat:
            key, copy = f"{path}[{name}~{copy}]", copy + 1
        flat[key] = PRESENT
        _walk(item, spec, key, flat)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def changes(archived: dict[str, str], now: dict[str, str]) -> list[str]:
    """One line per difference, e.g. `bid hanbit-cloud: criteria.price-performance.score archived
    14.7321, now 15.0000`. A bid (or criterion) on one side only is one line, not one per field."""
    differing = [k for k in sorted(set(archived) | set(now)) if not _same(archived.get(k), now.get(k))]
    gone = {k for k in differing if PRESENT in (archived.get(k), now.get(k))}
    lines = []
    for key in differing:
        if any(item in gone for item in _items_above(key)):
            continue  # said by the line for the whole item
        lines.append(_line(key, archived.get(key), now.get(key)))
    return lines


def _items_above(key: str) -> list[str]:
    """The items a key lies inside: bids[x].criteria[y].score → bids[x], bids[x].criteria[y]."""
    return [key[: i + 1] for i, char in enumerate(key[:-1]) if char == "]" and key[i + 1] == "."]


def _same(a: str | None, b: str | None) -> bool:
    return a == b or (a in EMPTY and b in EMPTY)


def _line(key: str, archived: str | None, now: str | None) -> str:
    subject, field = _subject(key)
    if PRESENT in (archived, now):
        where = "in the archive only" if archived == PRESENT else "in the re-run only"
        return f"{subject}: {field} {where}" if field else f"{subject}: {where}"
    return f"{subject}: {field} archived {_shown(archived)}, now {_shown(now)}"


def _subject(key: str) -> tuple[str, str]:
    """The subject and field of a key: bids[x].criteria[y].score → ("bid x", "criteria.y.score")."""
    bid = re.match(r"^bids\[([^\]]*)\]\.?(.*)$", key)
    if bid:
        return f"bid {bid[1]}", re.sub(r"\[([^\]]*)\]", r".\1", bid[2])
    head, _, rest = key.partition(".")
    return head, re.sub(r"\[([^\]]*)\]", r".\1", rest)


def _shown(value: str | None) -> str:
    return "absent" if value is None else value


def limited(lines: list[str], limit: int = 20) -> list[str]:
    """The first `limit` lines, and how many more there are."""
    return lines if len(lines) <= limit else [*lines[:limit], f"… and {len(lines) - limit} more"]
