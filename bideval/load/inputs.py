"""The one loader pipeline: files → documents → models → cross-checks → `Inputs`.

Every problem of every file is collected; if there is any, `InputError` carries them
all and nothing is evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bideval.errors import InputError, Problem
from bideval.load import checks
from bideval.load.committee_checks import check_committee
from bideval.load.procedure_checks import check_lots_of_bids, check_procedure
from bideval.load.strict_yaml import Document, read_document
from bideval.load.validate import M, validate
from bideval.model.bid import BID_SCHEMA, Bid
from bideval.model.catalog import CATALOG_SCHEMA, Catalog
from bideval.model.rubric import RUBRIC_SCHEMA, Rubric
from bideval.model.scores import MODERATED_SCHEMA, SCORES_SCHEMA, Moderated, Scores

BUILTIN_CATALOG = Path(__file__).resolve().parent.parent / "catalog" / "gpus.yaml"
BUILTIN_NAME = "bideval/catalog/gpus.yaml"  # how results name the built-in catalog
INPUT_SUFFIXES = (".yaml", ".yml", ".json")
SCORES_DIR = "scores"
MODERATED = "moderated"  # scores/moderated.yaml: the panel's agreed scores, not an evaluator's file


@dataclass(frozen=True)
class Source:
    """One input file: `name` is what results record (no machine paths), `doc` where things are."""

    role: str  # rubric | bid | scores | catalog
    name: str
    doc: Document

    @property
    def sha256(self) -> str:
        return self.doc.sha256


@dataclass(frozen=True)
class Inputs:
    rubric: Rubric
    rubric_source: Source
    catalog: Catalog  # built-in entries merged with the --catalog file's, if any
    catalog_sources: tuple[Source, ...]
    bids: tuple[tuple[Bid, Source], ...]  # sorted by bidder id
    panel: tuple[tuple[Scores, Source], ...]  # sorted by evaluator id
    moderated: tuple[Moderated, Source] | None = None  # the agreed scores (panel.method: moderated)

    @property
    def committee_sources(self) -> list[Source]:
        """The evaluators' score files, then the agreed scores' file if any."""
        return [source for _, source in self.panel] + ([self.moderated[1]] if self.moderated else [])


def load_inputs(
    rubric_path: Path, bids_dir: Path | None, catalog_path: Path | None = None, *, complete_scores: bool = True
) -> Inputs:
    """Everything an evaluation needs, checked. `complete_scores=False` (for making score sheets)
    reads the evaluators and their conflicts from scores/ without requiring their scores."""
    problems: list[Problem] = []
    rubric, rubric_source = _load(rubric_path, str(rubric_path), "rubric", rubric_path.name, Rubric,
                                  RUBRIC_SCHEMA, problems)  # fmt: skip
    catalog, catalog_sources = _load_catalog(catalog_path, problems)
    bids, panel, other_ids, unread, moderated = [], [], [], 0, None
    if bids_dir is not None and not bids_dir.is_dir():
        problems.append(Problem(str(bids_dir), 0, 0, "not a folder of bid files"))
        raise InputError(problems + (checks.check_rubric(rubric, rubric_source.doc) if rubric else []))
    if bids_dir is not None:
        for path in _input_files(bids_dir):
            bid, source = _load(path, str(path), "bid", path.name, Bid, BID_SCHEMA, problems)
            if bid is not None:
                bids.append((bid, source))
            else:  # its scores are not "for an unknown bidder": the bid has problems of its own
                other_ids += _claimed_ids(path, source)
        for path in _input_files(bids_dir / SCORES_DIR):
            name = f"{SCORES_DIR}/{path.name}"
            if path.stem == MODERATED:
                moderated = _load(path, str(path), "scores", name, Moderated, MODERATED_SCHEMA, problems)
                continue
            loaded = _load(path, str(path), "scores", name, Scores, SCORES_SCHEMA, problems)
            if loaded[0] is not None:
                panel.append(loaded)
            else:
                unread += 1
        if not bids and not problems:
            problems.append(Problem(str(bids_dir), 0, 0, "no bid files (*.yaml, *.yml, *.json) in this folder"))
    if rubric is not None:
        problems += checks.check_rubric(rubric, rubric_source.doc) + check_procedure(rubric, rubric_source.doc)
    if rubric is not None and catalog is not None and bids_dir is not None:
        problems += checks.check_bids(rubric, catalog, [(b, s.doc) for b, s in bids])
        problems += check_lots_of_bids(rubric, catalog, rubric_source.doc, [(b, s.doc) for b, s in bids])
        problems += checks.check_panel(rubric, {b.bidder.id: s.name for b, s in bids}, other_ids,
                                       [(p, s.doc) for p, s in panel], str(bids_dir / SCORES_DIR),
                                       complete=complete_scores, unread=unread,
                                       lots={b.bidder.id: b.lot for b, _ in bids})  # fmt: skip
        problems += check_committee(rubric, {b.bidder.id: b.lot for b, _ in bids}, other_ids,
                                    [(p, s.doc) for p, s in panel], moderated, str(bids_dir / SCORES_DIR),
                                    complete=complete_scores)  # fmt: skip
        if not complete_scores and not panel and not unread:
            problems.append(Problem(str(bids_dir / SCORES_DIR), 0, 0, "no score files to read the evaluators from; "
                                    "start each with its `evaluator:` block and `scores: {}`"))  # fmt: skip
    if problems:
        raise InputError(problems)
    assert rubric is not None and rubric_source is not None and catalog is not None
    return Inputs(
        rubric=rubric,
        rubric_source=rubric_source,
        catalog=catalog,
        catalog_sources=tuple(catalog_sources),
        bids=tuple(sorted(bids, key=lambda pair: pair[0].bidder.id)),
        panel=tuple(sorted(panel, key=lambda pair: pair[0].evaluator.id)),
        moderated=moderated if moderated and moderated[0] is not None else None,
    )


def load_panel_inputs(rubric_path: Path, bids_dir: Path, catalog_path: Path | None = None) -> Inputs:
    """Rubric, bids and the evaluators (with conflicts) — for `bideval sheets`, before any scoring."""
    return load_inputs(rubric_path, bids_dir, catalog_path, complete_scores=False)


def _claimed_ids(path: Path, source: Source | None) -> list[str]:
    """Ids a bid file that failed to load may stand for: its file stem and any id it states."""
    data = source.doc.data if source else None
    bidder = data.get("bidder") if isinstance(data, dict) else None
    stated = bidder.get("id") if isinstance(bidder, dict) else None
    return [path.stem] + ([stated, stated.lower()] if isinstance(stated, str) else [])


def load_catalog(user_path: Path | None = None) -> Catalog:
    """The built-in catalog, merged with `user_path`'s entries if given."""
    problems: list[Problem] = []
    catalog, _ = _load_catalog(user_path, problems)
    if problems or catalog is None:
        raise InputError(problems)
    return catalog


def _input_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES)


def _load(
    path: Path, display: str, role: str, name: str, model: type[M], schema: str, problems: list[Problem]
) -> tuple[M | None, Source | None]:
    """Read and validate one file, adding its problems; the model is None if it has any."""
    doc, found = read_document(path, display)
    problems += found
    if doc is None:
        return None, None
    value, invalid = validate(doc, model, schema)
    # A value the reader already refused (e.g. `yes`) would be reported twice.
    seen = {(p.line, p.column) for p in found}
    problems += [p for p in invalid if (p.line, p.column) not in seen]
    if value is not None and not found and role in ("bid", "scores"):
        doc.data = None  # the model holds it now; a second copy of every score file cost ~70 MB at 10,000 bids
    return (value if not found else None), Source(role, name, doc)


def _load_catalog(user_path: Path | None, problems: list[Problem]) -> tuple[Catalog | None, list[Source]]:
    builtin, source = _load(BUILTIN_CATALOG, BUILTIN_NAME, "catalog", BUILTIN_NAME, Catalog,
                            CATALOG_SCHEMA, problems)  # fmt: skip
    if builtin is None or user_path is None:
        return builtin, [source] if source else []
    user, user_source = _load(user_path, str(user_path), "catalog", user_path.name, Catalog,
                              CATALOG_SCHEMA, problems)  # fmt: skip
    if user is None:
        return None, [source]
    merged = builtin.model_copy(update={"gpus": {**builtin.gpus, **user.gpus}})
    return merged, [source, user_source]
