"""archive.zip: an evaluation's inputs as evaluated, its outputs, and a manifest of hashes.

`bideval evaluate` keeps beside its outputs a copy of every input file exactly as it was
read (`inputs/`) and `run.json` (language, formats, which files to re-run with). An archive
is that folder, zipped reproducibly, with `manifest.json`: the sha256 of every member,
the versions of bideval, Python and the rendering libraries, the bundled fonts' hashes, and
the rendering environment (every library whose version can change output bytes), so that
`verify` can say why a later re-run renders other bytes.
"""

from __future__ import annotations

import hashlib
import json
import platform
import re
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bideval import __version__
from bideval.analysis.limits import LEAST_ALPHA, LEAST_SAMPLES, MOST_ALPHA, MOST_SAMPLES
from bideval.audit.zipfiles import beyond_limits
from bideval.errors import InputError, Problem
from bideval.load.inputs import BUILTIN_NAME, Inputs
from bideval.render.environment import rendering_environment
from bideval.render.output import FORMATS
from bideval.render.reproducible_zip import deterministic_zip

ARCHIVE_SCHEMA = "bideval/archive/v1"
RUN_SCHEMA = "bideval/run/v1"
MANIFEST = "manifest.json"
SIGNATURE = "signature.json"
RUN_FILE = "run.json"
INPUTS = "inputs"
LIBRARIES = ("weasyprint", "pydyf", "pypdf", "openpyxl", "jinja2", "pydantic", "PyYAML", "fonttools", "orjson", "Babel")
FONTS = Path(__file__).resolve().parent.parent / "render" / "assets" / "fonts"
OUTPUT_NAMES = FORMATS  # format → file name, as evaluate writes them


def evaluated_files(inputs: Inputs, lang: str, formats: list[str], analysis: dict | None = None,
                    edition: str = "internal") -> dict[str, bytes]:  # fmt: skip
    """The input copies and run.json that `evaluate` writes beside its outputs
    (`analysis`: the settings of --analysis — seed, samples, alpha — or None; `edition`: the report's)."""
    files = {f"{INPUTS}/rubric/{inputs.rubric_source.name}": inputs.rubric_source.doc.raw}
    for source in [s for _, s in inputs.bids] + inputs.committee_sources:
        files[f"{INPUTS}/bids/{source.name}"] = source.doc.raw
    catalog = None
    for source in inputs.catalog_sources:
        if source.name == BUILTIN_NAME:  # kept for the record; a re-run uses the installed one
            files[f"{INPUTS}/builtin/gpus.yaml"] = source.doc.raw
        else:
            catalog = f"{INPUTS}/catalog/{source.name}"
            files[catalog] = source.doc.raw
    run = {"schema": RUN_SCHEMA, "lang": lang, "formats": formats, "rubric": f"{INPUTS}/rubric/"
           f"{inputs.rubric_source.name}", "bids": f"{INPUTS}/bids", "catalog": catalog, "analysis": analysis, "edition": edition}  # fmt: skip
    files[RUN_FILE] = canonical_json(run)
    return files


def canonical_json(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


class _Analysis(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    seed: int
    samples: int = Field(ge=LEAST_SAMPLES, le=MOST_SAMPLES)  # the bounds `bideval analyze` takes
    alpha: float = Field(ge=LEAST_ALPHA, le=MOST_ALPHA, allow_inf_nan=False)


class Run(BaseModel):
    """run.json. An archive comes from elsewhere: every path must stay inside its own inputs/."""

    model_config = ConfigDict(extra="forbid", strict=True)
    schema_id: Literal["bideval/run/v1"] = Field(alias="schema")
    lang: Literal["ko", "en"]
    formats: list[Literal["json", "pdf", "xlsx"]] = Field(min_length=1)
    rubric: str = Field(pattern=rf"^{INPUTS}/rubric/[^/\\]+$")
    bids: Literal["inputs/bids"]
    catalog: str | None = Field(default=None, pattern=rf"^{INPUTS}/catalog/[^/\\]+$")
    analysis: _Analysis | None = None
    edition: Literal["internal", "public"] = "internal"  # the report's (issue 22; absent before 0.5.0)

    @field_validator("rubric", "catalog")
    @classmethod
    def _no_climbing(cls, value: str | None) -> str | None:
        if value is not None and (".." in value.split("/") or "\x00" in value):
            raise ValueError("must name a file inside the archive's inputs/")
        return value

    @field_validator("formats")
    @classmethod
    def _unique(cls, formats: list[str]) -> list[str]:
        if len(set(formats)) != len(formats) or "json" not in formats:
            raise ValueError("formats must be distinct and include json")
        return formats


def read_run(files: dict[str, bytes], where: str) -> Run:
    """run.json, checked before anything is re-run from it."""
    try:
        return Run.model_validate_json(files[RUN_FILE])
    except KeyError:
        raise InputError([Problem(where, 0, 0, f"no {RUN_FILE}: was this written by `bideval evaluate`?")]) from None
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        place = ".".join(str(p) for p in first["loc"]) or RUN_FILE
        raise InputError([Problem(where, 0, 0, f"{RUN_FILE} is not valid: {place}: {first['msg']}")]) from None


def build_archive(out_dir: Path) -> bytes:
    """The archive of an evaluate output folder (raises InputError naming what is missing, or
    what is beyond the limits `verify` reads archives within)."""
    where = str(out_dir)
    run = read_run({RUN_FILE: (out_dir / RUN_FILE).read_bytes()} if (out_dir / RUN_FILE).is_file() else {}, where)
    names = [RUN_FILE] + [OUTPUT_NAMES[f] for f in run.formats]
    names += sorted(p.relative_to(out_dir).as_posix() for p in (out_dir / INPUTS).rglob("*") if p.is_file())
    missing = [n for n in names if not (out_dir / n).is_file()]
    if missing:
        raise InputError([Problem(where, 0, 0, f"missing {n}") for n in missing])
    files = {name: (out_dir / name).read_bytes() for name in names}
    try:
        day = date.fromisoformat(json.loads(files["results.json"])["rubric"]["evaluation_date"])
    except (ValueError, KeyError, TypeError):
        raise InputError([Problem(str(out_dir / "results.json"), 0, 0, "not a results file written by "
                                  "`bideval evaluate` (no rubric.evaluation_date)")]) from None  # fmt: skip
    members = {MANIFEST: canonical_json(manifest(files, run)), **files}
    too_large = beyond_limits(members, where)  # never an archive that `verify` would refuse
    if too_large:
        raise InputError(too_large)
    return deterministic_zip(members, day)


def manifest(files: dict[str, bytes], run: Run) -> dict:
    return {
        "schema": ARCHIVE_SCHEMA,
        "bideval": __version__,
        "python": platform.python_version(),
        "libraries": library_versions(),  # kept as it was: verifiers before 0.3.0 read it
        "environment": rendering_environment(),
        "fonts": font_hashes(),
        "lang": run.lang,
        "formats": run.formats,
        "schemas": schemas_read(files),
        "files": {name: sha256(data) for name, data in files.items()},
    }


# A top-level `schema: bideval/…` line as written (plain scalar, maybe a comment): read without parsing the
# whole file, which for 10,000 bids would cost more than the rest of the archive. Anything else is parsed.
_SCHEMA_LINE = re.compile(rb"^schema:[ \t]*([A-Za-z0-9_./-]+)[ \t]*(?:#.*)?\r?$", re.MULTILINE)


def schemas_read(files: dict[str, bytes]) -> dict[str, str | list[str]]:
    """The `schema:` line of each input kind in inputs/ — what a later reader needs to know to read them
    again. One value per kind as a string; a sorted list only if the files of a kind disagree."""
    found: dict[str, set[str]] = {}
    for name, data in files.items():
        kind = _input_kind(name)
        schema = _schema_of(data, name) if kind else None
        if kind and schema is not None:
            found.setdefault(kind, set()).add(schema)
    return {kind: next(iter(values)) if len(values) == 1 else sorted(values) for kind, values in sorted(found.items())}


def _input_kind(name: str) -> str | None:
    """The kind of an archived input file by where `evaluated_files` put it (None: not an input)."""
    parts = name.split("/")
    if parts[0] != INPUTS or len(parts) < 3:
        return None
    if parts[1] == "bids":
        return "scores" if parts[2] == "scores" and len(parts) == 4 else "bid" if len(parts) == 3 else None
    return {"rubric": "rubric", "catalog": "catalog", "builtin": "catalog"}.get(parts[1]) if len(parts) == 3 else None


def _schema_of(data: bytes, name: str) -> str | None:
    from bideval.load.strict_yaml import parse_text

    line = _SCHEMA_LINE.search(data)
    if line is not None:  # never in JSON, whose keys are quoted
        return line.group(1).decode("ascii")
    try:
        doc, _ = parse_text(data.decode("utf-8-sig"), name)
    except UnicodeDecodeError:
        return None
    schema = doc.data.get("schema") if doc is not None and isinstance(doc.data, dict) else None
    return schema if isinstance(schema, str) else None


def font_hashes() -> dict[str, str]:
    return {p.name: sha256(p.read_bytes()) for p in sorted(FONTS.glob("*.ttf"))}


def library_versions() -> dict[str, str]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
