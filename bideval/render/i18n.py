"""Every label a renderer prints, in Korean and English: gettext catalogs in `locale/`.

The msgids are ids (`outcome.awarded`), not English text: the same id names a label in every language,
and the `.po` files are where the texts live (`locale/<lang>/LC_MESSAGES/bideval.po`). They are compiled
when first used, so there is no build step and no `.mo` file to keep in step.

To find the ids the code uses, from the repository root (`babel.cfg` there; `N_` is a default keyword):

    pybabel extract -F babel.cfg -k t --no-location -o bideval/render/locale/bideval.pot bideval
    pybabel update -i bideval/render/locale/bideval.pot -d bideval/render/locale -D bideval --no-fuzzy-matching

Extraction cannot write the texts: a new id arrives in each `.po` with an empty msgstr, to be filled in
by hand (tests/render/test_i18n.py fails until it is). An id the code builds at run time
(`t(f"status.{bid.status}")`) is invisible to extraction: list it under `N_` below, or `update` will
drop it as obsolete. `update` also drops the `python-brace-format` flags: Babel derives them from the
msgid, which here holds no placeholders; tests/render/test_i18n.py checks the placeholders instead.
"""

from __future__ import annotations

import ast
import gettext
import io
from collections.abc import Collection, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

LANGS = ("ko", "en")
DOMAIN = "bideval"
LOCALE = Path(__file__).resolve().parent / "locale"


def t(message: str, lang: str, **params: Any) -> str:
    """The `message` in `lang`, with `{params}` filled in."""
    text = _translations(lang).gettext(message)
    return text.format(**params) if params else text


def messages(lang: str) -> dict[str, str]:
    """Every id of the `lang` catalog and its text as written, for checks over all labels (fonts, placeholders)."""
    return {m.id: m.string for m in _catalog(lang) if m.id}


def po_file(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


class _Missing(gettext.NullTranslations):
    """The fallback of every catalog: gettext would print an unknown id as the label; a missing text is a bug."""

    def gettext(self, message: str) -> str:
        raise KeyError(message)


@cache
def _catalog(lang: str) -> Catalog:
    from babel.messages.pofile import read_po  # Babel is for rendering only: `bideval --help` does not load it

    if lang not in LANGS:
        raise KeyError(lang)
    with po_file(lang).open("rb") as po:
        return read_po(po, locale=lang, domain=DOMAIN)


@cache
def _translations(lang: str) -> gettext.GNUTranslations:
    """Compiled from the .po in memory, once per language (fuzzy and empty texts left out, as msgfmt does)."""
    from babel.messages.mofile import write_mo

    mo = io.BytesIO()
    write_mo(mo, _catalog(lang))
    mo.seek(0)
    translations = gettext.GNUTranslations(mo)
    translations.add_fallback(_Missing())
    return translations


def N_(message: str) -> str:  # gettext's name for "extract this id, look nothing up"
    return message


# Ids extraction cannot find as `t("…")` calls: built at run time from the results' values, chosen in the
# template by a condition (passed, failed), or not shown at present (input.*, category_totals, date, page, source).
IDS_EXTRACTION_CANNOT_SEE = (
    N_("status.selected"), N_("status.eligible"), N_("status.below_threshold"), N_("status.excluded"),
    N_("outcome.awarded"), N_("outcome.negotiation"), N_("outcome.failed_tender"), N_("outcome.tie_unresolved"),
    N_("reason.gate_failed"), N_("reason.below_minimum"), N_("reason.below_technical"), N_("reason.over_budget"),
    N_("reason.not_selected_budget"), N_("reason.not_selected_rank"), N_("reason.failed_tender"),
    N_("reason.tie_unresolved"), N_("reason.stage_failed"), N_("reason.not_suitable"),
    N_("round_outcome.awarded"), N_("round_outcome.negotiation"), N_("round_outcome.failed_tender"),
    N_("round_outcome.tie_unresolved"), N_("check.gates"), N_("check.stages"), N_("check.thresholds"),
    N_("adj.kind.bonus"), N_("adj.kind.penalty"), N_("adj.cap.bonus"), N_("adj.cap.penalty"),
    N_("adj.reason.rule"), N_("adj.reason.item_cap"), N_("adj.reason.total_cap"), N_("adj.reason.not_met"),
    N_("warning.panel_spread"), N_("warning.tie_unresolved"), N_("warning.uncertain_gpu_figure"),
    N_("use.public"), N_("use.own"), N_("cooling.liquid"), N_("cooling.air"),
    N_("scale.percent"), N_("scale.points"), N_("sheet.scale.percent"), N_("sheet.scale.points"),
    N_("panel.kept"), N_("panel.dropped_high"), N_("panel.dropped_low"), N_("panel.conflict"), N_("panel.recorded"),
    N_("role.rubric"), N_("role.bid"), N_("role.scores"), N_("role.catalog"),
    N_("metric.total_gpus"), N_("metric.total_pflops"), N_("metric.price_per_pflops"), N_("metric.public_gpus"),
    N_("metric.public_gpu_share"), N_("metric.public_pflops"), N_("metric.public_pflops_share"),
    N_("metric.price_per_public_pflops"), N_("metric.largest_cluster_nodes"), N_("metric.largest_cluster_gpus"),
    N_("metric.liquid_cooled_share"), N_("metric.domestic_server_share"), N_("metric.in_service_by"),
    N_("metric.estimated_it_power_mw"), N_("metric.fp64_eflops"), N_("metric.npu_share"),
    N_("metric.domestic_accelerator_share"), N_("metric.domestic_pflops_share"), N_("metric.consortium_members"),
    N_("metric.consortium_public_share"), N_("metric.consortium_cloud_operators"),
    N_("method.ratio_to_best"), N_("method.linear"), N_("method.bands"), N_("method.boolean"),
    N_("method.korean_price"), N_("method.judged"),
    N_("passed"), N_("failed"),
    N_("input.value"), N_("input.best"), N_("input.lowest"), N_("input.estimated_price"), N_("input.low_price_rule"),
    N_("input.band"), N_("input.panel_mean"),
    N_("category_totals"), N_("date"), N_("page"), N_("source"),
)  # fmt: skip


def extract_python(fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str],
                   options: Mapping[str, Any]) -> Iterator[tuple[int, str, str, list[str]]]:  # fmt: skip
    """Babel extraction method for the ids in `t("id", …)` calls (babel.cfg names it).

    Babel's own Python extractor reads tokens: it joins `t("yes" if value else "no", …)` into the id
    "yesno", and whether it sees a call inside an f-string depends on the Python version. The syntax
    tree has neither problem; ids built at run time (f-strings, `+`) are skipped, as they must be."""
    calls = [node for node in ast.walk(ast.parse(fileobj.read()))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in keywords]
    for node in sorted(calls, key=lambda call: (call.lineno, call.col_offset)):
        first = node.args[0] if node.args else None
        for choice in [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]:
            if isinstance(choice, ast.Constant) and isinstance(choice.value, str):
                yield choice.lineno, node.func.id, choice.value, []
