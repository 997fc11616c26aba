"""Import returned score sheets into `scores/<evaluator>.yaml` files (DESIGN §2.3, §4).

Every workbook is checked before anything is returned, and every problem of every
workbook is reported together. A workbook is trusted only as far as its hidden sheet
(see `bideval.sheets`) checks out: it must be intact, made for this rubric file, for an
evaluator of the panel; each row must stand for a bidder the evaluator may score.

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
from bideval.model.rubric import Criterion
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
    meta_check,
    number_text,
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
    criteria: tuple[tuple[str, int], ...]  # criterion id, column number
    rows: tuple[tuple[str, int, str], ...]  # bidder id (alias if blind), row number, text in column A


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
    judged = {c.id: c for c in inputs.rubric.judged()}
    if sorted(cid for cid, _ in meta.criteria) != sorted(judged):
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
    given = _read_scores(workbook[meta.sheet], meta, judged, evaluator, inputs, bids_dir, aliases, owner, found)
    return evaluator, given


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
            case ["criterion", str(cid), str(letter)] if re.fullmatch("[A-Z]{1,3}", letter):
                criteria.append((cid, column_index_from_string(letter)))
            case ["bidder", str(key), int(number), str(shown)] if number > ID_ROW:
                bidders.append((key, number, shown))
            case _:
                return None
    return _Meta(rubric_id, sha256, evaluator, sheet, blind == "yes", tuple(criteria), tuple(bidders))


def _read_scores(sheet: Any, meta: _Meta, judged: dict[str, Criterion], evaluator: Evaluator, inputs: Inputs,
                 bids_dir: Path, aliases: Path | None, owner: dict[str, str] | None,
                 found: list[str]) -> _Given:  # fmt: skip
    """Bidder id → criterion id → score, for every row; problems go to `found` (and their scores are None)."""
    from openpyxl.utils import get_column_letter

    title = meta.sheet
    for cid, column in meta.criteria:  # a moved column would put scores under the wrong criterion
        if sheet.cell(ID_ROW, column).value != cid:
            found.append(f"sheet '{title}' cell {get_column_letter(column)}{ID_ROW}: expected item id '{cid}'; "
                         "the sheet's columns were changed")  # fmt: skip
    bidder_ids = {bid.bidder.id for bid, _ in inputs.bids}
    given: _Given = {}
    unknown_alias = False
    for key, row, shown in meta.rows:
        at = f"sheet '{title}' cell {get_column_letter(NAME_COLUMN)}{row}"
        if sheet.cell(row, NAME_COLUMN).value != shown:
            found.append(f"{at}: expected '{shown}'; the sheet's rows were changed")
            continue
        bidder = owner.get(key) if owner is not None else key
        if bidder is None:
            found.append(f"{at}: alias '{key}' is not in {aliases}")
            unknown_alias = True
        elif bidder not in bidder_ids:
            found.append(f"{at}: bidder '{bidder}' is not among the bids in {bids_dir}")
        elif bidder in evaluator.conflicts:
            found.append(f"{at}: evaluator '{evaluator.id}' declared a conflict with '{bidder}' and must not "
                         "score it")  # fmt: skip
        scores = {}
        for cid, column in meta.criteria:
            score, problem = _score(sheet.cell(row, column).value, judged[cid])
            if problem:
                found.append(f"sheet '{title}' cell {get_column_letter(column)}{row}: {problem} "
                             f"('{shown}', item '{cid}')")  # fmt: skip
            scores[cid] = score
        if bidder is not None:
            given[bidder] = scores
    if not unknown_alias:  # else the bidder behind that alias would be reported twice
        for bidder in sorted(bidder_ids - set(given) - set(evaluator.conflicts)):
            found.append(f"sheet '{title}': no row for bidder '{bidder}' (was its bid added after the sheet "
                         "was made?)")  # fmt: skip
    return given


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
    """`bideval/scores/v1` text: bidders in id order, criteria in rubric order (every score present:
    only workbooks without problems get here)."""
    name = evaluator.name
    order = [c.id for c in inputs.rubric.judged()]
    body = {
        "evaluator": {
            "id": evaluator.id,
            "name": name.ko if name.ko == name.en else {"ko": name.ko, "en": name.en},
            "conflicts": list(evaluator.conflicts),
        },
        "scores": {bidder: {cid: given[bidder][cid] for cid in order} for bidder in sorted(given)},
    }
    return dump_yaml(SCORES_SCHEMA, "Imported from a score sheet by `bideval import-scores`.", body)
