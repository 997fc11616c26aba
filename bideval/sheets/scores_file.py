"""The scores file an import writes: its name in --out, its revisions on --force, its bytes.

With `force`, a scores file the import replaces in `out` is read first: the revisions it holds
are kept, and each score the sheet changes gets a revision {previous, date, reason} from `Change`
(`--date`, `--reason`: never the clock). Without a `Change`, a changed score is refused, naming the
evaluator, bidder, item and both values; a recorded score the sheet leaves empty is refused too, as
an import does not remove one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bideval.errors import Problem
from bideval.load.inputs import Inputs
from bideval.load.strict_yaml import read_document
from bideval.load.validate import validate
from bideval.model.scores import SCORES_SCHEMA, Scores
from bideval.sheets import Prose, dump_yaml, lot_judged, number_text
from bideval.sheets.rows import ReturnedWorkbook


@dataclass(frozen=True)
class Change:
    """When and why the scores an import replaces were changed (`--date`, `--reason`)."""

    date: date
    reason: str


def scores_file_name(folder: Path | None, evaluator: str) -> str:
    """`<evaluator>.yaml`, or the name of the YAML file in `folder` that is named so but for case."""
    wanted = f"{evaluator}.yaml"
    if folder is None or not folder.is_dir():
        return wanted
    same = sorted(path.name for path in folder.iterdir() if path.is_file()
                  and path.suffix.lower() in (".yaml", ".yml") and path.stem.lower() == evaluator.lower())  # fmt: skip
    return wanted if wanted in same or not same else same[0]


def revisions_for(read: ReturnedWorkbook, path: Path, change: Change | None) -> tuple[dict, list[Problem]]:
    """Bidder id → criterion id → revisions, oldest first, for the file `read` replaces at `path`: the ones
    it holds, and one for each score the sheet changes. Problems are located at the replaced score."""
    if not path.exists():
        return {}, []
    doc, problems = read_document(path, str(path))
    old = None
    if doc is not None and not problems:
        old, problems = validate(doc, Scores, SCORES_SCHEMA)
    if old is None or doc is None:
        return {}, problems + [Problem(str(path), 0, 0, "--force would replace this file, but it does not read as "
                                       "a scores file (problems above): its scores and revisions cannot be kept; "
                                       "fix it, or move it away")]  # fmt: skip
    evaluator = read.evaluator.id
    if old.evaluator.id != evaluator:
        return {}, [doc.problem(("evaluator", "id"), "--force would replace this file with the scores of "
                                f"evaluator '{evaluator}' ({read.path}), but it holds those of "
                                f"'{old.evaluator.id}'")]  # fmt: skip
    kept: dict[str, dict[str, list]] = {}
    for bidder, items in sorted(read.given.items()):
        before = old.scores.get(bidder, {})
        for cid, score in items.items():
            history = [{"previous": r.previous, "date": r.date, "reason": Prose(r.reason)}
                       for r in old.revisions.get(bidder, {}).get(cid, [])]  # fmt: skip
            previous = before.get(cid)
            if previous is not None and score is not None and previous != score:
                what = (f"evaluator '{evaluator}' gave '{bidder}' {number_text(previous)} for '{cid}' here; "
                        f"{read.path} ({read.cells[(bidder, cid)]}) gives {number_text(score)}")  # fmt: skip
                if change is None:
                    problems.append(doc.problem(("scores", bidder, cid), f"{what}: a changed score is recorded as a "
                                                "revision; pass --reason TEXT and --date YYYY-MM-DD"))  # fmt: skip
                    continue
                last = history[-1]["date"] if history else None
                if last is not None and change.date < last:
                    problems.append(doc.problem(("scores", bidder, cid), f"{what}: --date {change.date} is before "
                                                f"this score's last revision ({last}); revisions are kept oldest "
                                                "first"))  # fmt: skip
                    continue
                history.append({"previous": previous, "date": change.date, "reason": Prose(change.reason)})
            if history:
                kept.setdefault(bidder, {})[cid] = history
        for cid, previous in before.items():
            if cid not in items:
                problems.append(doc.problem(("scores", bidder, cid), f"evaluator '{evaluator}' gave '{bidder}' "
                                            f"{number_text(previous)} for '{cid}' here; {read.path} leaves it empty: "
                                            "an import does not remove a recorded score (give it on the sheet, or "
                                            "remove it from this file by hand)"))  # fmt: skip
    return kept, problems


def scores_yaml(read: ReturnedWorkbook, revisions: dict, inputs: Inputs) -> bytes:
    """`bideval/scores/v1` text: bidders in id order, criteria in the rubric order of each bidder's lot
    (every score asked is present, but a later stage's left empty: only workbooks without problems get here),
    then the comments and the revisions, if any, in the same order."""
    evaluator, given = read.evaluator, read.given
    name = evaluator.name
    rubric = inputs.rubric
    lot_of = {bid.bidder.id: bid.lot if rubric.lots else None for bid, _ in inputs.bids}
    order = {bidder: [c.id for c in lot_judged(rubric, lot_of[bidder])] for bidder in given}

    def ordered(entries: dict, wrap: Any = None) -> dict:
        return {bidder: {cid: (wrap(entries[bidder][cid]) if wrap else entries[bidder][cid])
                         for cid in order[bidder] if cid in entries[bidder]}
                for bidder in sorted(entries) if bidder in order}  # fmt: skip

    body: dict[str, Any] = {
        "evaluator": {
            "id": evaluator.id,
            "name": name.ko if name.ko == name.en else {"ko": name.ko, "en": name.en},
            "conflicts": list(evaluator.conflicts),
        },
        "scores": ordered(given),
    }
    if read.noted:
        body["comments"] = ordered(read.noted, Prose)
    if revisions:
        body["revisions"] = ordered(revisions)
    return dump_yaml(SCORES_SCHEMA, "Imported from a score sheet by `bideval import-scores`.", body)
