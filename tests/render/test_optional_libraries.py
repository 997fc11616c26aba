"""Output bytes do not depend on optional libraries (issue 17): lxml, which openpyxl writes through
when it can import it, and HarfBuzz-subset, which WeasyPrint subsets fonts with when it can load it.

Each environment renders the GPU sample's scorecard.xlsx, score sheets and report.pdf in its own
Python process (openpyxl and WeasyPrint decide at their first import) and prints the bytes' SHA-256.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bideval.render.environment import rendering_environment
from tests.conftest import NIPA

RENDER = r"""
import hashlib, json, sys
from pathlib import Path
rubric, bids = map(Path, sys.argv[1:3])
hide_lxml, hide_subset, bypass = (arg == "1" for arg in sys.argv[3:6])
if hide_lxml:
    sys.modules["lxml"] = None  # importing lxml now raises ImportError, exactly as when it is not installed
from bideval.engine.pipeline import evaluate
from bideval.load.inputs import load_inputs, load_panel_inputs
from bideval.render import pdf
from bideval.render.xlsx import render_xlsx
from bideval.sheets.make import build_sheets
import openpyxl.xml

pdf._font_config()  # the process's first weasyprint import, as render_pdf makes it
import weasyprint.pdf.fonts
import weasyprint.text.ffi

loaded = weasyprint.text.ffi.harfbuzz_subset is not None
if hide_subset:  # what WeasyPrint's loader leaves when the library is absent
    weasyprint.text.ffi.harfbuzz_subset = None
    weasyprint.pdf.fonts.harfbuzz_subset = None
if bypass:  # WeasyPrint left to choose its subsetter
    import contextlib
    pdf._fonttools_subsetter = contextlib.nullcontext

result = evaluate(load_inputs(rubric, bids))
sheets = build_sheets(load_panel_inputs(rubric, bids), blind=False, lang="ko")
digest = lambda payload: hashlib.sha256(payload).hexdigest()
print(json.dumps({
    "xlsx": digest(render_xlsx(result, "ko")),
    "sheets": {name: digest(payload) for name, payload in sorted(sheets.items())},
    "pdf": digest(pdf.render_pdf(result, "ko")),
    "lxml_importable": openpyxl.xml.lxml_available(),
    "openpyxl_lxml": openpyxl.xml.LXML,
    "harfbuzz_subset_loaded": loaded,
}))
"""

# name: (hide lxml, hide HarfBuzz-subset, bypass render_pdf's choice of fontTools)
CASES = {
    "installed": (False, False, False),
    "no lxml": (True, False, False),
    "no HarfBuzz-subset": (False, True, False),
    "neither": (True, True, False),
    "installed, WeasyPrint choosing": (False, False, True),
    "no HarfBuzz-subset, WeasyPrint choosing": (False, True, True),
}


def _environment() -> dict[str, str]:
    """The test process's environment without the variable importing bideval set here: each child
    must set it itself."""
    return {name: value for name, value in os.environ.items() if name != "OPENPYXL_LXML"}


@pytest.fixture(scope="module")
def renders() -> dict[str, dict]:
    """Every case rendered, the processes run side by side."""
    running = {
        name: subprocess.Popen(
            [sys.executable, "-c", RENDER, *map(str, NIPA), *("1" if flag else "0" for flag in flags)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_environment(),
        )
        for name, flags in CASES.items()
    }
    outputs = {}
    for name, process in running.items():
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, f"{name}: {stderr[-3000:]}"
        outputs[name] = json.loads(stdout.strip().splitlines()[-1])
    return outputs


def _require_lxml(renders) -> None:
    pytest.importorskip("lxml", reason="lxml is not installed, so its absence cannot be compared (pip install lxml)")
    assert renders["installed"]["lxml_importable"]
    assert not renders["no lxml"]["lxml_importable"]


def _require_harfbuzz_subset(renders) -> None:
    if not renders["installed"]["harfbuzz_subset_loaded"]:
        pytest.skip("HarfBuzz-subset is not installed (apt-get install libharfbuzz-subset0): nothing to compare")


def test_openpyxl_never_writes_through_lxml(renders):
    _require_lxml(renders)
    assert not any(render["openpyxl_lxml"] for render in renders.values())


@pytest.mark.parametrize("case", ["no lxml", "no HarfBuzz-subset", "neither"])
def test_the_same_bytes_with_or_without_lxml_and_harfbuzz_subset(renders, case):
    if case != "no HarfBuzz-subset":
        _require_lxml(renders)
    if case != "no lxml":
        _require_harfbuzz_subset(renders)
    installed, other = renders["installed"], renders[case]
    assert other["xlsx"] == installed["xlsx"]
    assert other["sheets"] == installed["sheets"]
    assert other["pdf"] == installed["pdf"]


def test_without_choosing_fonttools_harfbuzz_subset_changes_the_pdf(renders):
    """The comparison above proves something: left to WeasyPrint, the PDF depends on HarfBuzz-subset,
    and bideval's choice gives exactly the PDF of a machine without it."""
    _require_harfbuzz_subset(renders)
    chosen = renders["installed"]["pdf"]
    assert renders["installed, WeasyPrint choosing"]["pdf"] != renders["no HarfBuzz-subset, WeasyPrint choosing"]["pdf"]
    assert renders["installed, WeasyPrint choosing"]["pdf"] != chosen
    assert renders["no HarfBuzz-subset, WeasyPrint choosing"]["pdf"] == chosen


REFUSE = r"""
import os, sys
from pathlib import Path
os.environ["OPENPYXL_LXML"] = "True"
import openpyxl  # before bideval: openpyxl chooses lxml
assert openpyxl.xml.LXML
from bideval.engine.pipeline import evaluate
from bideval.load.inputs import load_inputs
from bideval.render import excel
from bideval.render.xlsx import render_xlsx

result = evaluate(load_inputs(Path(sys.argv[1]), Path(sys.argv[2])))
try:
    render_xlsx(result, "ko")
except RuntimeError as error:
    print(error)
else:
    print("written")
import hashlib
excel._check_xml_writer = lambda: None  # what would have been written
print(hashlib.sha256(render_xlsx(result, "ko")).hexdigest())
"""


def test_workbooks_are_refused_when_openpyxl_was_imported_with_lxml(renders):
    _require_lxml(renders)
    command = [sys.executable, "-c", REFUSE, *map(str, NIPA)]
    done = subprocess.run(command, check=False, capture_output=True, text=True, env=_environment())
    assert done.returncode == 0, done.stderr[-3000:]
    message, written = done.stdout.strip().splitlines()[-2:]
    assert "openpyxl was imported before bideval with lxml" in message
    assert "import bideval before openpyxl" in message and "OPENPYXL_LXML=False" in message
    assert written != renders["installed"]["xlsx"]  # the refusal matters: lxml changes the bytes


def test_rendering_environment_lists_what_can_change_the_bytes():
    environment = rendering_environment()
    assert list(environment) == sorted(environment)
    packages = ["weasyprint", "pydyf", "fonttools", "openpyxl", "et_xmlfile", "lxml", "jinja2", "pydantic"]
    packages += ["pydantic-core", "PyYAML", "orjson", "Babel"]
    system = ["pango", "harfbuzz", "harfbuzz-subset", "fontconfig"]
    assert set(packages + system) <= set(environment)
    assert all(environment[name] != "not installed" for name in packages if name != "lxml")
    assert environment["pdf_font_subsetter"] == "fontTools"
    assert environment["xlsx_xml_writer"] == "standard library"
    assert environment["pango"][0].isdigit() and environment["harfbuzz"][0].isdigit()
    assert environment["harfbuzz-subset"] in ("available (not used)", "not available")
    assert all(isinstance(value, str) and value for value in environment.values())
