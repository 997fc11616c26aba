"""Import returned score sheets into `scores/<evaluator>.yaml` files (DESIGN §2.3, §4).

Every workbook is checked before anything is returned, and every problem of every
workbook is reported together. A workbook is trusted only as far as its hidden sheet
(see `bideval.sheets`) checks out: it must be intact, made for this rubric file, for an
evaluator of the panel; each row must stand for a bidder the evaluator may score.

With lots, each row is read for the judged criteria of its lot (its bid must still be for the
lot the sheet was made for); a locked grey cell (an item that lot does not have) must stay
empty. With stages, a later stage's items of a row may be left empty, all of them, for a bid
that will not reach that stage: they are left out of the scores file, and the evaluation
says if a bid that reaches the stage lacks them. The first stage's items are always required.

Comments (the comments sheet, laid out like the scores sheet) are untrusted text, kept exactly as
written: a cell holding only spaces counts as empty, as a score cell does, and nothing else is
stripped. A comment must stay within `COMMENT_LIMIT` characters and have its score; a formula in a
comment cell is refused (its text is not what the evaluator saw), while text that merely starts with
`=` (typed into the text cell, or quote-prefixed) is kept as that text.

With `force`, a scores file the import replaces in `out` is read first: the revisions it holds
are kept, and each score the sheet changes gets a revision {previous, date, reason} from `Change`
(`--date`, `--reason`: never the clock). Without a `Change`, a changed score is refused, naming the
evaluator, bidder, item and both values; a recorded score the sheet leaves empty is refused too, as
an import does not remove one.

Cells are read as stored, never computed: formulas come back as their text and are
refused like any other text. Numbers become exact Decimals via the shortest text that
round-trips the stored double (`repr`), so 13.5 stays 13.5 and 27.0 becomes 27. Each is then
checked as the loader checks a scores file (its number reader, its range check): the import
never writes a file that bideval would refuse to read.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from bideval.errors import InputError, Problem
from bideval.load.checks import score_problem
from bideval.load.inputs import Inputs, load_panel_inputs
from bideval.load.strict_yaml import read_document, resolve_plain
from bideval.load.validate import validate
from bideval.model.common import PartyId, Slug, Strict, Text
from bideval.model.rubric import Criterion, Rubric
from bideval.model.scores import COMMENT_LIMIT, SCORES_SCHEMA, Evaluator, Scores
from bideval.sheets import (
    ALIASES_SCHEMA,
    ID_ROW,
    META_EVALUATOR_ROW,
    META_RUBRIC_ROW,
    META_SHEET,
    NAME_COLUMN,
    SHEET_SCHEMA,
    Prose,
    dump_yaml,
    lot_judged,
    meta_check,
    number_text,
    stage_of,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # a score sheet unpacks to well under 1 MiB

_Given = dict[str, dict[str, Decimal | None]]  # bidder id → criterion id → score (None where it had a problem)
_Noted = dict[str, dict[str, str]]  # bidder id → criterion id → comment


@dataclass(frozen=True)
class Change:
    """When and why the scores an import replaces were changed (`--date`, `--reason`)."""

    date: date
    reason: str


@dataclass
class _Read:
    """One workbook as read: whose it is, its scores and comments, and where each score stood."""

    path: Path
    evaluator: Evaluator
    given: _Given = field(default_factory=dict)
    noted: _Noted = field(default_factory=dict)
    cells: dict[tuple[str, str], str] = field(default_factory=dict)  # (bidder, criterion) → "sheet '…' cell B6"


class _RubricRef(Strict):
    id: Slug
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class _Aliases(Strict):
    """`aliases.yaml` as `bideval sheets --blind` writes it: alias → bidder id."""

    schema_id: Literal["bideval/aliases/v1"] = Field(alias="schema")
    rubric: _RubricRef
    aliases: dict[Text, PartyId]


@dataclass(frozen=True)
class _Meta:
    """What the hidden sheet says (layout in `bideval.sheets`)."""

    rubric_id: str
    rubric_sha256: str
    evaluator: str
    sheet: str
    blind: bool
    criteria: tuple[tuple[str, int, tuple[str, ...] | None], ...]  # criterion id, column number, lots (None: all)
    rows: tuple[tuple[str, int, str, str | None], ...]  # bidder id (alias if blind), row number, text in column A, lot
    comments: str | None = None  # the comments sheet's title; None in a workbook made before 0.5.0


@dataclass(frozen=True)
class _Asked:
    """What one row of a sheet asks: the columns of its lot's judged criteria."""

    columns: dict[str, int]  # criterion id → column number
    criteria: dict[str, Criterion]  # criterion id → the criterion as its lot defines it
    later: dict[str, list[str]]  # a later stage's id → its criteria (may be left empty together)


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
        name = _file_name(out, read.evaluator.id)
        replaced = out / name if out is not None and force else None
        revisions, wrong = _revisions(read, replaced, change) if replaced is not None else ({}, [])
        problems += wrong
        if not wrong:
            files[name] = _scores_yaml(read, revisions, inputs)
    if problems:
        raise InputError(problems)
    return dict(sorted(files.items()))


def _read_workbook(path: Path, inputs: Inputs, rubric_path: Path, bids_dir: Path, aliases: Path | None,
                   alias_map: dict[str, str] | None, seen: dict[str, Path],
                   found: list[str]) -> _Read | None:  # fmt: skip
    """One workbook's evaluator, scores and comments, adding a message to `found` for each problem."""
    workbook = _open(path, found)
    if workbook is None:
        return None
    meta = _read_meta(workbook, found)
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
    asked = _asked_by_lot(inputs.rubric, meta)
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
    read = _Read(path, evaluator)
    notes = workbook[meta.comments] if meta.comments is not None else None
    _read_scores(workbook[meta.sheet], notes, meta, asked, inputs, bids_dir, aliases, owner, read, found)
    return read


def _asked_by_lot(rubric: Rubric, meta: _Meta) -> dict[str | None, _Asked] | None:
    """For each lot of the sheet's rows (None without lots): the columns it asks, which must be
    exactly its judged criteria, each once; None when they are not (or the sheet's lots are not
    the rubric's)."""
    lot_ids = {lot.id for lot in rubric.lots}
    lots = {lot for _, _, _, lot in meta.rows}
    served = [lots_of for _, _, lots_of in meta.criteria]
    if lot_ids and (not lots <= lot_ids or None in served):  # with lots, every row and column names its lots
        return None
    if not lot_ids and (lots - {None} or any(lots_of is not None for lots_of in served)):
        return None
    lots = lots or ({None} if not lot_ids else set())
    asked = {}
    for lot in lots:
        judged = {c.id: c for c in lot_judged(rubric, lot)}
        found = [(cid, column) for cid, column, served in meta.criteria if served is None or lot in served]
        if sorted(cid for cid, _ in found) != sorted(judged):
            return None
        stages = stage_of(rubric, lot)
        later = {stage.id: [cid for cid in judged if stages[cid].id == stage.id] for stage in rubric.stages[1:]}
        asked[lot] = _Asked(dict(found), judged, {stage: ids for stage, ids in later.items() if ids})
    return asked


def _open(path: Path, found: list[str]) -> Any:
    """The workbook, or None after saying why it cannot be read. Size and zip checks come first,
    so openpyxl never sees a huge file or a zip bomb."""
    from openpyxl import load_workbook

    not_xlsx = "not a readable xlsx workbook"
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            found.append(f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} (5 MiB)")
            return None
        with zipfile.ZipFile(path) as archive:
            # zipfile stops at each entry's declared size (and fails its CRC if the data is
            # longer), so the declared sizes bound what openpyxl can unpack.
            unpacked = sum(entry.file_size for entry in archive.infolist())
        if unpacked > MAX_UNZIPPED_BYTES:
            found.append(f"{not_xlsx}: it would unpack to {unpacked:,} bytes (limit {MAX_UNZIPPED_BYTES:,})")
            return None
        # Formulas are kept as their text (data_only=False) so they are refused, never
        # replaced by a value Excel cached; external links are not loaded.
        return load_workbook(path, data_only=False, keep_links=False)
    except OSError as exc:
        found.append(f"cannot read file: {exc.strerror or exc}")
    except zipfile.BadZipFile:
        found.append(f"{not_xlsx} (not a zip archive)")
    except Exception as exc:  # noqa: BLE001 — any failure to parse an untrusted file means "unreadable"
        found.append(f"{not_xlsx} ({type(exc).__name__})")
    return None


def _read_meta(workbook: Any, found: list[str]) -> _Meta | None:
    """The hidden sheet, checked against its check value, or None after saying what is wrong."""
    if META_SHEET not in workbook.sheetnames:
        found.append(f"sheet '{META_SHEET}' (hidden) is missing: not a bideval score sheet, or it was removed; "
                     "make a new one with `bideval sheets`")  # fmt: skip
        return None
    rows = [_trimmed(row) for row in workbook[META_SHEET].iter_rows(values_only=True)]
    meta = None
    if rows and rows[-1][:1] == ["check"] and rows[-1][1:] == [meta_check(rows[:-1])]:
        meta = _parse_meta(rows[:-1])
    if meta is None:
        found.append(f"sheet '{META_SHEET}' (hidden) was changed after bideval wrote it; "
                     "make a new sheet with `bideval sheets`")  # fmt: skip
    return meta


def _trimmed(row: tuple) -> list:
    values = list(row)
    while values and values[-1] is None:
        values.pop()
    return values


def _parse_meta(rows: list[list]) -> _Meta | None:
    """The hidden sheet's rows as a `_Meta`, or None if they are not laid out as `make` writes them."""
    from openpyxl.utils import column_index_from_string

    match rows[:5]:
        case [["schema", schema], ["rubric", str(rubric_id), str(sha256)], ["evaluator", str(evaluator)],
              ["sheet", str(sheet)], ["blind", ("yes" | "no") as blind]] if schema == SHEET_SCHEMA:  # fmt: skip
            pass
        case _:
            return None
    criteria, bidders, comments = [], [], []
    for row in rows[5:]:
        match row:
            case ["comments", str(title)] if not comments:
                comments.append(title)
            case ["criterion", str(cid), str(letter), *lots] if re.fullmatch("[A-Z]{1,3}", letter) and (
                    lots == [] or (len(lots) == 1 and isinstance(lots[0], str))):  # fmt: skip
                criteria.append((cid, column_index_from_string(letter), tuple(lots[0].split()) if lots else None))
            case ["bidder", str(key), int(number), str(shown), *lot] if number > ID_ROW and (
                    lot == [] or (len(lot) == 1 and isinstance(lot[0], str) and lot[0])):  # fmt: skip
                bidders.append((key, number, shown, lot[0] if lot else None))
            case _:
                return None
    return _Meta(rubric_id, sha256, evaluator, sheet, blind == "yes", tuple(criteria), tuple(bidders),
                 comments[0] if comments else None)


def _read_scores(sheet: Any, notes: Any, meta: _Meta, asked: dict[str | None, _Asked], inputs: Inputs,
                 bids_dir: Path, aliases: Path | None, owner: dict[str, str] | None, read: _Read,
                 found: list[str]) -> None:  # fmt: skip
    """Into `read`: bidder id → criterion id → score, and → comment (from `notes`, the comments sheet, if
    any), for every row; problems go to `found` (and their scores are None). A later stage's criteria
    a row leaves empty, all of them, are left out."""
    from openpyxl.utils import get_column_letter

    title = meta.sheet
    evaluator = read.evaluator
    grids = [sheet] + ([notes] if notes is not None else [])
    for grid in grids:
        for cid, column, _ in meta.criteria:  # a moved column would put scores under the wrong criterion
            if grid.cell(ID_ROW, column).value != cid:
                found.append(f"sheet '{grid.title}' cell {get_column_letter(column)}{ID_ROW}: expected item id "
                             f"'{cid}'; the sheet's columns were changed")  # fmt: skip
    lot_of = {bid.bidder.id: bid.lot for bid, _ in inputs.bids}
    given = read.given
    unknown_alias = False
    for key, row, shown, lot in meta.rows:
        at = f"sheet '{title}' cell {get_column_letter(NAME_COLUMN)}{row}"
        moved = [grid for grid in grids if grid.cell(row, NAME_COLUMN).value != shown]
        for grid in moved:
            found.append(f"sheet '{grid.title}' cell {get_column_letter(NAME_COLUMN)}{row}: expected '{shown}'; "
                         "the sheet's rows were changed")  # fmt: skip
        if moved:
            continue
        bidder = owner.get(key) if owner is not None else key
        if bidder is None:
            found.append(f"{at}: alias '{key}' is not in {aliases}")
            unknown_alias = True
        elif bidder not in lot_of:
            found.append(f"{at}: bidder '{bidder}' is not among the bids in {bids_dir}")
        elif bidder in evaluator.conflicts:
            found.append(f"{at}: evaluator '{evaluator.id}' declared a conflict with '{bidder}' and must not "
                         "score it")  # fmt: skip
        elif lot is not None and lot_of[bidder] != lot:
            found.append(f"{at}: the sheet was made when '{shown}' bid for lot '{lot}'; its bid is now for lot "
                         f"'{lot_of[bidder]}': make new sheets with `bideval sheets`")  # fmt: skip
        scores = _read_row(sheet, row, shown, asked[lot], meta, found)
        comments = _read_comments(notes, sheet, row, shown, asked[lot], meta, found) if notes is not None else {}
        if bidder is not None:
            given[bidder] = scores
            if comments:
                read.noted[bidder] = comments
            for cid, column in asked[lot].columns.items():
                read.cells[(bidder, cid)] = f"sheet '{title}' cell {get_column_letter(column)}{row}"
    if not unknown_alias:  # else the bidder behind that alias would be reported twice
        rubric = inputs.rubric
        to_score = {bidder for bidder, lot in lot_of.items() if lot_judged(rubric, lot if rubric.lots else None)}
        for bidder in sorted(to_score - set(given) - set(evaluator.conflicts)):
            found.append(f"sheet '{title}': no row for bidder '{bidder}' (was its bid added after the sheet "
                         "was made?)")  # fmt: skip


def _read_row(sheet: Any, row: int, shown: str, asked: _Asked, meta: _Meta, found: list[str]) -> dict:
    """One row's scores (criterion id → score, None where it had a problem), in the sheet's column order."""
    from openpyxl.utils import get_column_letter

    title = meta.sheet
    values = {cid: sheet.cell(row, column).value for cid, column in asked.columns.items()}
    skipped = {cid for ids in asked.later.values() if all(_empty(values[cid]) for cid in ids) for cid in ids}
    scores: dict[str, Decimal | None] = {}
    for cid, column, _ in meta.criteria:
        where = f"sheet '{title}' cell {get_column_letter(column)}{row}"
        if asked.columns.get(cid) != column:  # a locked grey cell: an item this bidder's lot does not have
            if not _empty(sheet.cell(row, column).value):
                found.append(f"{where}: '{shown}' is not scored on item '{cid}' (its lot does not have it); "
                             "leave the cell empty")  # fmt: skip
            continue
        if cid in skipped:
            continue
        score, problem = _score(values[cid], asked.criteria[cid])
        if problem:
            stage = next((s for s, ids in asked.later.items() if cid in ids), None)
            hint = (f"; fill every item of stage '{stage}' for this bidder, or leave them all empty if it will not "
                    "reach that stage") if stage and _empty(values[cid]) else ""  # fmt: skip
            found.append(f"{where}: {problem} ('{shown}', item '{cid}'){hint}")
        scores[cid] = score
    return scores


def _read_comments(notes: Any, sheet: Any, row: int, shown: str, asked: _Asked, meta: _Meta,
                   found: list[str]) -> dict[str, str]:  # fmt: skip
    """One row's comments (criterion id → text), from the comments sheet's cells at the places of the scores."""
    from openpyxl.utils import get_column_letter

    comments: dict[str, str] = {}
    for cid, column, _ in meta.criteria:
        letter = get_column_letter(column)
        where = f"sheet '{notes.title}' cell {letter}{row}"
        cell = notes.cell(row, column)
        if asked.columns.get(cid) != column:  # a locked grey cell: an item this bidder's lot does not have
            if not _empty(cell.value):
                found.append(f"{where}: '{shown}' is not scored on item '{cid}' (its lot does not have it); "
                             "leave the cell empty")  # fmt: skip
            continue
        text, problem = _comment(cell)
        if problem is None and text is not None and _empty(sheet.cell(row, column).value):
            problem = (f"a comment on an item without a score (sheet '{meta.sheet}' cell {letter}{row} is empty); "
                       "give the score or delete the comment")  # fmt: skip
        if problem:
            found.append(f"{where}: {problem} ('{shown}', item '{cid}')")
        elif text is not None:
            comments[cid] = text
    return comments


def _comment(cell: Any) -> tuple[str | None, str | None]:
    """The comment in `cell` exactly as written (None if empty), or a problem. A formula is not evaluated:
    it is refused, as its text is not what the evaluator saw in the cell."""
    value = cell.value
    if cell.data_type == "f":
        text = value if isinstance(value, str) else str(getattr(value, "text", "") or "")
        return None, f"expected the comment as text, found a formula '{_shortened(text)}' (formulas are not evaluated)"
    if _empty(value):
        return None, None
    if cell.data_type == "e":
        return None, f"expected the comment as text, found the error value {value}"
    if isinstance(value, bool):
        return None, f"expected the comment as text, found {str(value).upper()}"
    if not isinstance(value, str):  # a number or a date: the cell was not left as a text cell
        return None, f"expected the comment as text, found {type(value).__name__} {value}; format the cell as text"
    if len(value) > COMMENT_LIMIT:
        return None, f"the comment has {len(value):,} characters; the limit is {COMMENT_LIMIT:,}"
    return value, None


def _shortened(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _score(value: Any, criterion: Criterion) -> tuple[Decimal | None, str | None]:
    """The cell's score, or a problem: missing, not a number, or not a score a scores file can hold."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, "missing score"
    if isinstance(value, str):  # includes formulas, which openpyxl returns as their text
        return None, f"expected a number, found text '{_shortened(value)}' (formulas are not evaluated)"
    if isinstance(value, bool):
        return None, f"expected a number, found {str(value).upper()}"
    if not isinstance(value, (int, float)) or (isinstance(value, float) and not math.isfinite(value)):
        return None, f"expected a number, found {type(value).__name__} {value}"
    # The number as typed: the shortest text that gives the stored double back (13.5, 1e-30).
    typed = repr(value) if isinstance(value, float) else str(value)
    score, problem = _as_scores_file_reads(typed)
    if problem:
        return None, problem
    problem = score_problem(score, criterion)  # the range check the loader applies to scores files
    return (None, problem) if problem else (score, None)


def _as_scores_file_reads(typed: str) -> tuple[Decimal, str | None]:
    """`typed` as the loader would read it, and as it reads the text written for it back: the import
    writes nothing it would then refuse (1e-30, 1e308) or read as another number."""
    read, problem = resolve_plain(typed)
    if problem:
        return Decimal(0), problem if len(typed) <= 40 else problem.replace(typed, typed[:20] + "…")
    score = Decimal(read)
    again, problem = resolve_plain(number_text(score))
    if problem or Decimal(again) != score:
        return Decimal(0), f"{typed} cannot be written exactly in a scores file"
    return score, None


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


def _file_name(folder: Path | None, evaluator: str) -> str:
    """`<evaluator>.yaml`, or the name of the YAML file in `folder` that is named so but for case."""
    wanted = f"{evaluator}.yaml"
    if folder is None or not folder.is_dir():
        return wanted
    same = sorted(path.name for path in folder.iterdir() if path.is_file()
                  and path.suffix.lower() in (".yaml", ".yml") and path.stem.lower() == evaluator.lower())  # fmt: skip
    return wanted if wanted in same or not same else same[0]


def _revisions(read: _Read, path: Path, change: Change | None) -> tuple[dict, list[Problem]]:
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


def _scores_yaml(read: _Read, revisions: dict, inputs: Inputs) -> bytes:
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
