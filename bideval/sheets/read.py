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
from dataclasses import dataclass
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
from bideval.model.scores import SCORES_SCHEMA, Evaluator
from bideval.sheets import (
    ALIASES_SCHEMA,
    ID_ROW,
    META_EVALUATOR_ROW,
    META_RUBRIC_ROW,
    META_SHEET,
    NAME_COLUMN,
    SHEET_SCHEMA,
    dump_yaml,
    lot_judged,
    meta_check,
    number_text,
    stage_of,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # a score sheet unpacks to well under 1 MiB

_Given = dict[str, dict[str, Decimal | None]]  # bidder id → criterion id → score (None where it had a problem)


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


@dataclass(frozen=True)
class _Asked:
    """What one row of a sheet asks: the columns of its lot's judged criteria."""

    columns: dict[str, int]  # criterion id → column number
    criteria: dict[str, Criterion]  # criterion id → the criterion as its lot defines it
    later: dict[str, list[str]]  # a later stage's id → its criteria (may be left empty together)


def import_sheets(rubric_path: Path, bids_dir: Path, sheets: list[Path], aliases: Path | None) -> dict[str, bytes]:
    """`<evaluator id>.yaml` → its bytes for every workbook in `sheets`; `InputError` lists every problem."""
    inputs = load_panel_inputs(rubric_path, bids_dir)  # raises InputError itself
    problems: list[Problem] = []
    alias_map = _load_aliases(aliases, inputs, problems) if aliases is not None else None
    seen: dict[str, Path] = {}  # evaluator id → first workbook
    files: dict[str, bytes] = {}
    for path in sheets:
        found: list[str] = []
        scores = _read_workbook(path, inputs, rubric_path, bids_dir, aliases, alias_map, seen, found)
        problems += [Problem(str(path), 0, 0, message) for message in found]
        if scores is not None and not found:
            evaluator, given = scores
            files[f"{evaluator.id}.yaml"] = _scores_yaml(evaluator, given, inputs)
    if problems:
        raise InputError(problems)
    return dict(sorted(files.items()))


def _read_workbook(path: Path, inputs: Inputs, rubric_path: Path, bids_dir: Path, aliases: Path | None,
                   alias_map: dict[str, str] | None, seen: dict[str, Path],
                   found: list[str]) -> tuple[Evaluator, _Given] | None:  # fmt: skip
    """One workbook's evaluator and scores, adding a message to `found` for each problem."""
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
    if meta.sheet not in workbook.sheetnames:
        found.append(f"sheet '{meta.sheet}' is missing")
        return None
    if meta.blind and alias_map is None:  # an unusable aliases file has been reported already
        if aliases is None:
            found.append(f"sheet '{meta.sheet}': made with --blind; pass the aliases.yaml written with it "
                         "(--aliases)")  # fmt: skip
        return None
    owner = alias_map if meta.blind else None
    given = _read_scores(workbook[meta.sheet], meta, asked, evaluator, inputs, bids_dir, aliases, owner, found)
    return evaluator, given


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
    criteria, bidders = [], []
    for row in rows[5:]:
        match row:
            case ["criterion", str(cid), str(letter), *lots] if re.fullmatch("[A-Z]{1,3}", letter) and (
                    lots == [] or (len(lots) == 1 and isinstance(lots[0], str))):  # fmt: skip
                criteria.append((cid, column_index_from_string(letter), tuple(lots[0].split()) if lots else None))
            case ["bidder", str(key), int(number), str(shown), *lot] if number > ID_ROW and (
                    lot == [] or (len(lot) == 1 and isinstance(lot[0], str) and lot[0])):  # fmt: skip
                bidders.append((key, number, shown, lot[0] if lot else None))
            case _:
                return None
    return _Meta(rubric_id, sha256, evaluator, sheet, blind == "yes", tuple(criteria), tuple(bidders))


def _read_scores(sheet: Any, meta: _Meta, asked: dict[str | None, _Asked], evaluator: Evaluator, inputs: Inputs,
                 bids_dir: Path, aliases: Path | None, owner: dict[str, str] | None,
                 found: list[str]) -> _Given:  # fmt: skip
    """Bidder id → criterion id → score, for every row; problems go to `found` (and their scores are None).
    A later stage's criteria a row leaves empty, all of them, are left out."""
    from openpyxl.utils import get_column_letter

    title = meta.sheet
    for cid, column, _ in meta.criteria:  # a moved column would put scores under the wrong criterion
        if sheet.cell(ID_ROW, column).value != cid:
            found.append(f"sheet '{title}' cell {get_column_letter(column)}{ID_ROW}: expected item id '{cid}'; "
                         "the sheet's columns were changed")  # fmt: skip
    lot_of = {bid.bidder.id: bid.lot for bid, _ in inputs.bids}
    given: _Given = {}
    unknown_alias = False
    for key, row, shown, lot in meta.rows:
        at = f"sheet '{title}' cell {get_column_letter(NAME_COLUMN)}{row}"
        if sheet.cell(row, NAME_COLUMN).value != shown:
            found.append(f"{at}: expected '{shown}'; the sheet's rows were changed")
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
        if bidder is not None:
            given[bidder] = scores
    if not unknown_alias:  # else the bidder behind that alias would be reported twice
        rubric = inputs.rubric
        to_score = {bidder for bidder, lot in lot_of.items() if lot_judged(rubric, lot if rubric.lots else None)}
        for bidder in sorted(to_score - set(given) - set(evaluator.conflicts)):
            found.append(f"sheet '{title}': no row for bidder '{bidder}' (was its bid added after the sheet "
                         "was made?)")  # fmt: skip
    return given


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


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _score(value: Any, criterion: Criterion) -> tuple[Decimal | None, str | None]:
    """The cell's score, or a problem: missing, not a number, or not a score a scores file can hold."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, "missing score"
    if isinstance(value, str):  # includes formulas, which openpyxl returns as their text
        shown = value if len(value) <= 40 else value[:40] + "…"
        return None, f"expected a number, found text '{shown}' (formulas are not evaluated)"
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


def _scores_yaml(evaluator: Evaluator, given: _Given, inputs: Inputs) -> bytes:
    """`bideval/scores/v1` text: bidders in id order, criteria in the rubric order of each bidder's lot
    (every score asked is present, but a later stage's left empty: only workbooks without problems get here)."""
    name = evaluator.name
    rubric = inputs.rubric
    lot_of = {bid.bidder.id: bid.lot if rubric.lots else None for bid, _ in inputs.bids}
    body = {
        "evaluator": {
            "id": evaluator.id,
            "name": name.ko if name.ko == name.en else {"ko": name.ko, "en": name.en},
            "conflicts": list(evaluator.conflicts),
        },
        "scores": {bidder: {c.id: given[bidder][c.id] for c in lot_judged(rubric, lot_of[bidder])
                            if c.id in given[bidder]} for bidder in sorted(given)},
    }
    return dump_yaml(SCORES_SCHEMA, "Imported from a score sheet by `bideval import-scores`.", body)
