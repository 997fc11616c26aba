"""Reading a results.json back into a `Result` (for `bideval report`), with located errors; and the
consortium members its bids name, from the bid files `evaluate` copied beside it (`export ocds`)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from bideval.engine.result import READ_BACK, RESULTS_SCHEMA, Result
from bideval.engine.result_checks import check_result
from bideval.errors import InputError, Problem
from bideval.load.strict_yaml import read_document
from bideval.load.validate import validate
from bideval.model.bid import BID_SCHEMA, Bid, Member


def load_results(path: Path) -> Result:
    doc, problems = read_document(path, str(path))
    if doc is None or problems:
        raise InputError(problems)
    result, problems = validate(doc, Result, RESULTS_SCHEMA, context=READ_BACK)
    if result is None:
        raise InputError(problems)
    problems = check_result(result, doc)  # the parts must agree: ids, order, magnitudes
    if problems:
        raise InputError(problems)
    return result


def consortium_members(path: Path, result: Result) -> dict[str, list[Member]]:
    """bidder id → its consortium's members, for every bid results.json counts members for. results.json
    keeps their number only; the names are in the bid files, which `evaluate` copies to inputs/bids/
    beside it. Each copy must be the file results.json records (SHA-256); a missing or changed one is
    an error naming the bid."""
    files = {f.name: f.sha256 for f in result.inputs if f.role == "bid"}
    members, problems = {}, []
    for bid in result.bids:
        if not bid.metrics.get("consortium_members"):
            continue
        copy = path.parent / "inputs" / "bids" / bid.file
        where = str(copy)
        if not copy.is_file():
            problems.append(Problem(str(path), 0, 0, f"bid '{bid.bidder_id}' names a consortium, but its file "
                                    f"{bid.file} is not in inputs/bids/ beside this results.json (evaluate writes it there)"))  # fmt: skip
            continue
        if hashlib.sha256(copy.read_bytes()).hexdigest() != files.get(bid.file):
            problems.append(Problem(where, 0, 0, "is not the bid file this results.json records (SHA-256 differs)"))
            continue
        doc, found = read_document(copy, where)
        value, invalid = validate(doc, Bid, BID_SCHEMA) if doc is not None and not found else (None, [])
        problems += found + invalid
        if value is not None:
            members[bid.bidder_id] = list(value.bidder.consortium)
    if problems:
        raise InputError(problems)
    return members
