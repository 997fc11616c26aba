"""The gettext catalogs: complete in both languages, in step with the ids the code uses."""

from __future__ import annotations

import string
import subprocess
import sys
from typing import get_args, get_type_hints

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bideval.engine.methods import REGISTRY
from bideval.engine.pipeline import evaluate
from bideval.engine.result import InputFile, Outcome, PanelDetail, PanelScore, Reason, ResultWarning, Status
from bideval.load.inputs import load_inputs
from bideval.model.bid import Cluster
from bideval.model.fields import METRICS
from bideval.render.i18n import LANGS, LOCALE, messages, po_file, t
from tests.conftest import KR, NIPA, ROOT


def _read(path) -> Catalog:
    with path.open("rb") as po:
        return read_po(po)


def _ids(catalog: Catalog) -> list[str]:
    return [m.id for m in catalog if m.id]


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


TEMPLATE_IDS = _ids(_read(LOCALE / "bideval.pot"))
CATALOGS = {lang: _read(po_file(lang)) for lang in LANGS}


def _literals(owner: type, field: str) -> set[str]:
    return set(get_args(get_type_hints(owner)[field]))


def _working_inputs() -> set[str]:
    """The names the engine gives a score's working (`inputs`), as the samples' results show them."""
    results = [evaluate(load_inputs(*sample)) for sample in (KR, NIPA)]
    return {name for result in results for bid in result.bids for score in bid.criteria for name in score.inputs}


def test_the_template_lists_exactly_the_ids_of_the_po_files():
    assert len(TEMPLATE_IDS) == len(set(TEMPLATE_IDS))
    for lang, catalog in CATALOGS.items():
        assert sorted(_ids(catalog)) == sorted(TEMPLATE_IDS), lang


@pytest.mark.parametrize("message", TEMPLATE_IDS)
def test_every_id_has_a_text_in_both_languages_with_the_same_placeholders(message):
    found = {lang: CATALOGS[lang].get(message) for lang in LANGS}
    for lang, entry in found.items():
        assert entry is not None and entry.string.strip() and not entry.fuzzy, f"{lang}: {message}"
    assert _placeholders(found["ko"].string) == _placeholders(found["en"].string), message


def test_extraction_finds_exactly_the_ids_of_the_catalogs():
    """What `pybabel extract -F babel.cfg -k t` (bideval/render/i18n.py) finds: in the Python sources and
    the report template, `t("…")` calls and the ids listed under `N_` (those built at run time)."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = extract_from_dir(ROOT / "bideval", method_map, options_map, keywords={**DEFAULT_KEYWORDS, "t": None})
    extracted = {message for _, _, message, _, _ in found}
    assert "ranking_title" in extracted and "sheet.fill_in" in extracted  # the template and the Python sources
    assert not extracted - set(TEMPLATE_IDS), "used by the code, missing from the catalogs"
    assert not set(TEMPLATE_IDS) - extracted, "in the catalogs, not found by extraction: list it under N_"


@pytest.mark.parametrize(("family", "members"), [
    ("status", set(get_args(Status))),
    ("outcome", _literals(Outcome, "kind")),
    ("reason", _literals(Reason, "code")),
    ("warning", _literals(ResultWarning, "code")),
    ("panel", _literals(PanelScore, "status")),
    ("scale", _literals(PanelDetail, "scale")),
    ("sheet.scale", _literals(PanelDetail, "scale")),
    ("sheet.range", _literals(PanelDetail, "scale")),
    ("role", _literals(InputFile, "role")),
    ("use", _literals(Cluster, "use")),
    ("cooling", _literals(Cluster, "cooling")),
    ("method", set(REGISTRY)),
    ("metric", set(METRICS)),
])  # fmt: skip
def test_ids_built_at_run_time_have_every_member(family, members):
    """`t(f"{family}.{value}")` cannot be extracted: every value the engine or the model can give needs an id."""
    assert members
    for lang in LANGS:
        assert not {f"{family}.{m}" for m in members} - set(messages(lang)), lang


def test_every_working_input_of_the_samples_has_an_id():
    names = _working_inputs()
    assert names
    for lang in LANGS:
        assert not {f"input.{name}" for name in names} - set(messages(lang)), lang


def test_lookups_fill_in_the_params_in_both_languages():
    assert t("outcome.awarded", "en", winners="A") == "Awarded to: A"
    assert t("outcome.awarded", "ko", winners="한빛클라우드") == "선정: 한빛클라우드"
    assert t("sheet.column", "ko", label="가격", points=20, range="0–20점") == "가격\n배점 20점\n입력 0–20점"
    assert t("sheet.range.percent", "en") == "0–100 (%)"  # no params: the text as is


def test_an_unknown_id_or_language_raises_rather_than_printing_the_id():
    with pytest.raises(KeyError):
        t("outcome.no_such_outcome", "en")
    with pytest.raises(KeyError):
        t("outcome.awarded", "fr", winners="A")


def test_importing_the_module_loads_no_babel():
    """Babel is loaded by the first lookup: `bideval --help` and the commands that print no labels skip it."""
    code = "import sys, bideval.render.i18n; print(sorted(m for m in sys.modules if m.split('.')[0] == 'babel'))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"
