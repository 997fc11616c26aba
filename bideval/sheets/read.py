"""Import returned score sheets into `scores/<evaluator>.yaml` files (DESIGN §2.3, §4).

Every workbook is checked before anything is returned, and every problem of every
workbook is reported together. A workbook is trusted only as far as its hidden sheet
(see `bideval.sheets`) checks out: it must be intact, made for this rubric file, for an
evaluator of the panel; each row must stand for a bidder the evaluator may score.

The steps, one module each: `workbook` opens the file and reads its hidden sheet; `rows` reads
each bidder's row (`cells` one score, `comments` the comments sheet); `scores_file` names the
file, keeps and adds revisions on --force, and writes it. Callers import `import_sheets` and its
`Change` from here.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Literal

from pydantic import Field

from bideval.errors import InputError, Problem
from bideval.load.inputs import Inputs, load_panel_inputs
from bideval.load.strict_yaml import read_document
from bideval.load.validate import validate
from bideval.model.common import PartyId, Slug, Strict, Text
from bideval.sheets import ALIASES_SCHEMA, META_EVALUATOR_ROW, META_RUBRIC_ROW, META_SHEET
from bideval.sheets.rows import ReturnedWorkbook, read_rows
from bideval.sheets.scores_file import Change, revisions_for, scores_file_name, scores_yaml
from bideval.sheets.workbook import asked_by_lot, open_workbook, read_meta


class _RubricRef(Strict):
    id: Slug
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class _Aliases(Strict):
    """`aliases.yaml` as `bideval sheets --blind` writes it: alias → bidder id."""

    schema_id: Literal["bideval/aliases/v1"] = Field(alias="schema")
    rubric: _RubricRef
    aliases: dict[Text, PartyId]


def import_sheets(rubric_path: Path, bids_dir: Path, sheets: list[Path], aliases: Path | None, *,
                  out: Path | None = None, force: bool = False,
                  change: Change | None = None) -> dict[str, bytes]:  # fmt: skip
    """`<evaluator id>.yaml` → its bytes for every workbook in `sheets`; `InputError` lists every problem.

    `out`: the folder the files will be written to. A file there named for the evaluator whatever the
    case (`e1.yaml` for evaluator E1) is the one replaced, under its own name. With `force`, each file
    replaced is read to keep its revisions and to record the scores the sheets change (`change`)."""
    inputs = load_panel_inputs(rubric_path, bids_dir)  # raises InputError itself
    problems: list[Problem] = []
    alias_map = _load_aliases(aliases, inputs, problems) if aliases is not None else None
    seen: dict[str, Path] = {}  # evaluator id → first workbook
    files: dict[str, bytes] = {}
    for path in sheets:
        found: list[str] = []
        read = _read_workbook(path, inputs, rubric_path, bids_dir, aliases, alias_map, seen, found)
        problems += [Problem(str(path), 0, 0, message) for message in found]
        if read is None or found:
            continue
        name = scores_file_name(out, read.evaluator.id)
        replaced = out / name if out is not None and force else None
        revisions, wrong = revisions_for(read, replaced, change) if replaced is not None else ({}, [])
        problems += wrong
        if not wrong:
            files[name] = scores_yaml(read, revisions, inputs)
    if problems:
        raise InputError(problems)
    return dict(sorted(files.items()))


def _read_workbook(path: Path, inputs: Inputs, rubric_path: Path, bids_dir: Path, aliases: Path | None,
                   alias_map: dict[str, str] | None, seen: dict[str, Path],
                   found: list[str]) -> ReturnedWorkbook | None:  # fmt: skip
    """One workbook's evaluator, scores and comments, adding a message to `found` for each problem."""
    workbook = open_workbook(path, found)
    if workbook is None:
        return None
    meta = read_meta(workbook, found)
    if meta is None:
        return None
    if meta.rubric_sha256 != inputs.rubric_source.sha256:
        found.append(f"sheet '{META_SHEET}' cell C{META_RUBRIC_ROW}: made for rubric '{meta.rubric_id}' with sha256 "
                     f"{meta.rubric_sha256[:12]}…, not for {rubric_path} (sha256 "
                     f"{inputs.rubric_source.sha256[:12]}…); make new sheets from this rubric")  # fmt: skip
        return None
    panel = {scores.evaluator.id: scores.evaluator for scores, _ in inputs.panel}
    evaluator = panel.get(meta.evaluator)
    where = f"sheet '{META_SHEET}' cell B{META_EVALUATOR_ROW}"
    if evaluator is None:
        found.append(f"{where}: evaluator '{meta.evaluator}' has no score file in {bids_dir / 'scores'} "
                     "(its name and conflicts are read from there)")  # fmt: skip
        return None
    if meta.evaluator in seen:
        found.append(f"{where}: evaluator '{meta.evaluator}' also returned {seen[meta.evaluator]}; "
                     "import one workbook per evaluator")  # fmt: skip
        return None
    seen[meta.evaluator] = path
    asked = asked_by_lot(inputs.rubric, meta)
    if asked is None:
        found.append(f"sheet '{META_SHEET}': its criteria do not match the rubric's judged criteria")
        return None
    for title in (meta.sheet, meta.comments):
        if title is not None and title not in workbook.sheetnames:
            found.append(f"sheet '{title}' is missing")
            return None
    if meta.blind and alias_map is None:  # an unusable aliases file has been reported already
        if aliases is None:
            found.append(f"sheet '{meta.sheet}': made with --blind; pass the aliases.yaml written with it "
                         "(--aliases)")  # fmt: skip
        return None
    owner = alias_map if meta.blind else None
    read = ReturnedWorkbook(path, evaluator)
    notes = workbook[meta.comments] if meta.comments is not None else None
    read_rows(workbook[meta.sheet], notes, meta, asked, inputs, bids_dir, aliases, owner, read, found)
    return read


def _load_aliases(path: Path, inputs: Inputs, problems: list[Problem]) -> dict[str, str] | None:
    """Alias → bidder id from `aliases.yaml`, checked to belong to this rubric file."""
    doc, found = read_document(path, str(path))
    problems += found
    if doc is None or found:
        return None
    model, invalid = validate(doc, _Aliases, ALIASES_SCHEMA)
    problems += invalid
    if model is None:
        return None
    ours = inputs.rubric_source.sha256
    if model.rubric.sha256 != ours:
        message = f"written for another rubric file (sha256 {model.rubric.sha256[:12]}…, this one is {ours[:12]}…)"
        problems.append(doc.problem(("rubric", "sha256"), message))
        return None
    doubled = sorted(b for b, n in Counter(model.aliases.values()).items() if n > 1)
    if doubled:
        problems.append(doc.problem(("aliases",), f"more than one alias for: {', '.join(doubled)}"))
        return None
    return dict(model.aliases)
