"""The decision in a results.json, read as plain JSON, so archives of other versions compare.

An archive written by another version of bideval renders differently (fonts, labels, the
version it prints) but must reach the same decision. `decision` flattens the fields that
make the decision into `"bids[hanbit-cloud].criteria[price-performance].score" → "14.7321"`;
`changes` names every key whose value differs, appears or disappears. Values are compared
as written (decimals are strings in results.json): exact, never numerically.

Fields a later version added (`Since` in `DECISION`; 0.3.0 added the procedure of issue 18: each
bid's lot, stages, base total and bonus/penalty points; the call's rounds, lots and suitability
check; 0.5.0 each evaluator's score, status and comment, a moderated panel's method and rationale, and
the revisions of issue 22) are compared by one rule, `compared(archived, now)`: a field introduced in version V is
left out of both sides where the archived results.json lacks it *and* was written by a version
older than V (its `tool_version`). So a 0.2.0 archive, which has none of them, verifies as the
same decision although the re-run now writes `outcome.rounds` (one round) and `base_total`
(= total) for every old rubric — those follow from what 0.2.0 did record. Every other case
compares the field: written by V or later, a missing field differs from the re-run's value (it
was removed); present in an older file, it is compared as it stands (it was put there); and a
results.json whose version cannot be read gets no allowance at all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass


@dataclass(frozen=True)
class Since:
    """A decision field added in `version` (see the module's docstring for how it is compared)."""

    version: str
    spec: object


_V030 = "0.3.0"  # issue 18: the procedure (rounds, stages, bonus and penalty points, lots)
_V050 = "0.5.0"  # issue 22: each evaluator's score with its comment, moderated panels, revisions

# What the decision is. A key "name[id]" is a list of objects matched by their `id` field (text or
# a whole number), "name{}" a mapping of objects matched by their key; a nested dict lists the fields
# kept from an object, None keeps the value, "*" keeps every entry of a mapping. A field absent from
# an older format compares as null, unless it is a `Since` field the rule leaves out.
DECISION: dict = {
    "bids[bidder_id]": {
        "status": None,
        "rank": None,
        "total": None,
        "within_budget": None,
        "categories": "*",
        "technical": {"score": None, "passed": None},
        "criteria[id]": {"score": None, "ratio": None, "meets_minimum": None, "panel": {
            "mean": None, "method": Since(_V050, None), "rationale": Since(_V050, None),
            "scores[evaluator]": Since(_V050, {"score": None, "status": None, "comment": None})}},
        "lot": Since(_V030, None),
        "base_total": Since(_V030, None),
        "stages[id]": Since(_V030, {"score": None, "passed": None}),
        "adjustments[id]": Since(_V030, {"points": None}),
    },
    "outcome": {
        "kind": None,
        "winners": None,
        "tied": None,
        "valid_bids": None,
        "rounds[round]": Since(_V030, {"applicants": None, "outcome": None}),
        "lots{}": Since(_V030, {"kind": None, "winners": None, "tied": None, "valid_bids": None}),
        "suitability[bidder]": Since(_V030, {"suitable": None, "checks[id]": {"passed": None}}),
    },
    "revisions": Since(_V050, None),
}
PRESENT = "present"  # the value of an item's own key: the bid (or criterion) is there
EMPTY = {None, "null", "[]", "{}"}  # absent, or recorded as nothing: the same decision
_ITEM = re.compile(r"^(\w+)\[(\w+)\]$")
_ENTRIES = re.compile(r"^(\w+)\{\}$")
_VERSION = re.compile(r"^([0-9]{1,6})\.([0-9]{1,6})\.([0-9]{1,6})")


def decision(results: object, *, leave_out: Collection[str] = ()) -> dict[str, str]:
    """The decision in a results.json document (untrusted: any shape gives keys, never an error).
    `leave_out`: keys of `Since` fields to skip, with everything under them (see `compared`)."""
    flat: dict[str, str] = {}
    _walk(results, DECISION, "", flat, _Skip(frozenset(leave_out)))
    return flat


def compared(archived: object, now: object) -> tuple[dict[str, str], dict[str, str]]:
    """The archived and the re-run decision as verify compares them: each `Since` field the archived
    results.json lacks, written by a version older than the field, left out of both sides."""
    left_out = absent_new_fields(archived)
    return decision(archived, leave_out=left_out), decision(now, leave_out=left_out)


def absent_new_fields(results: object) -> set[str]:
    """The keys of the `Since` fields `results` lacks that its `tool_version` predates (none when the
    version cannot be read)."""
    written_by = _version(results.get("tool_version") if isinstance(results, dict) else None)
    skip = _Skip(frozenset(), written_by, set())
    _walk(results, DECISION, "", {}, skip)
    return skip.absent  # type: ignore[return-value]


@dataclass(frozen=True)
class _Skip:
    leave_out: frozenset[str]
    written_by: tuple[int, ...] | None = None  # when collecting the absent fields: the file's version
    absent: set[str] | None = None  # … and where they are collected


def _version(text: object) -> tuple[int, ...] | None:
    match = _VERSION.match(text) if isinstance(text, str) else None
    return tuple(int(part) for part in match.groups()) if match else None


def _walk(value: object, spec: object, path: str, flat: dict[str, str], skip: _Skip) -> None:
    if spec is None:
        flat[path] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    elif not isinstance(value, dict):  # a shape the spec does not expect: keep it as it is
        if value is not None:
            flat[path or "results"] = json.dumps(value, ensure_ascii=False, sort_keys=True)
    elif spec == "*":
        for key, item in value.items():
            _walk(item, None, f"{path}.{key}", flat, skip)
    else:
        for key, inner in spec.items():
            item, entries = _ITEM.match(key), _ENTRIES.match(key)
            name = item[1] if item else entries[1] if entries else key
            where = _join(path, name)
            if isinstance(inner, Since):
                if where in skip.leave_out:
                    continue
                if skip.absent is not None and name not in value and _older(skip.written_by, inner.version):
                    skip.absent.add(where)
                    continue
                inner = inner.spec
            if item:
                _walk_list(value.get(name), item[2], inner, where, flat, skip)
            elif entries:
                _walk_entries(value.get(name), inner, where, flat, skip)
            else:
                _walk(value.get(name), inner, where, flat, skip)


def _older(written_by: tuple[int, ...] | None, version: str) -> bool:
    introduced = _version(version)
    return written_by is not None and introduced is not None and written_by < introduced


def _walk_list(items: object, id_field: str, spec: object, path: str, flat: dict[str, str], skip: _Skip) -> None:
    """Items keyed by their id; a repeated or missing id gets a key of its own, so it shows."""
    if not isinstance(items, list):
        if items is not None:
            _walk(items, None, path, flat, skip)
        return
    for index, item in enumerate(items):
        found = item.get(id_field) if isinstance(item, dict) else None
        if isinstance(found, int) and not isinstance(found, bool):
            found = str(found)  # a round number
        name = found if isinstance(found, str) and found else f"#{index}"
        _item(f"{path}[{name}]", item, spec, flat, skip)


def _walk_entries(entries: object, spec: object, path: str, flat: dict[str, str], skip: _Skip) -> None:
    """A mapping's objects keyed by their key, as list items are by their id."""
    if not isinstance(entries, dict):
        if entries is not None:
            _walk(entries, None, path, flat, skip)
        return
    for name, item in entries.items():
        _item(f"{path}[{name}]", item, spec, flat, skip)


def _item(key: str, item: object, spec: object, flat: dict[str, str], skip: _Skip) -> None:
    base, copy = key, 2
    while key in flat:
        key, copy = f"{base[:-1]}~{copy}]", copy + 1
    flat[key] = PRESENT
    _walk(item, spec, key, flat, skip)


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


_SUBJECTS = (("bids", "bid"), ("outcome.lots", "lot"), ("outcome.rounds", "round"),
             ("outcome.suitability", "suitability of"))  # fmt: skip


def _subject(key: str) -> tuple[str, str]:
    """The subject and field of a key: bids[x].criteria[y].score → ("bid x", "criteria.y.score"),
    outcome.lots[x].winners → ("lot x", "winners"), outcome.rounds[2].outcome → ("round 2", "outcome")."""
    for prefix, noun in _SUBJECTS:
        item = re.match(rf"^{re.escape(prefix)}\[([^\]]*)\]\.?(.*)$", key)
        if item:
            return f"{noun} {item[1]}", re.sub(r"\[([^\]]*)\]", r".\1", item[2])
    head, _, rest = key.partition(".")
    return head, re.sub(r"\[([^\]]*)\]", r".\1", rest)


def _shown(value: str | None) -> str:
    return "absent" if value is None else value


def limited(lines: list[str], limit: int = 20) -> list[str]:
    """The first `limit` lines, and how many more there are."""
    return lines if len(lines) <= limit else [*lines[:limit], f"… and {len(lines) - limit} more"]
