"""The libraries whose versions can change the bytes bideval writes, as name → version.

The archive manifest records this, and `bideval verify` names the entries that differ from the
archived ones when a re-rendered file differs, so an auditor can tell a changed library from a
changed evaluation. Nothing here is imported at CLI start-up: it is called when archiving or
verifying only.
"""

from __future__ import annotations

import platform
import zlib
from importlib import metadata

# Distribution names. lxml is not used (bideval/__init__.py turns it off for openpyxl) but is
# recorded, present or not, so a difference it might cause can be ruled out from the manifest.
PACKAGES = (
    "weasyprint",
    "pydyf",
    "tinycss2",
    "cssselect2",
    "tinyhtml5",
    "fonttools",
    "openpyxl",
    "et_xmlfile",
    "lxml",
    "jinja2",
    "pydantic",
    "pydantic-core",
    "PyYAML",
    "orjson",
    "Babel",
)

# Names the system libraries are loaded by, in the order WeasyPrint (weasyprint/text/ffi.py) tries
# them, so the same library answers. WeasyPrint's own bindings declare no version-string functions.
_LIBRARY_NAMES = {
    "pango": (
        "libpango-1.0-0",
        "pango-1.0-0",
        "pango-1.0",
        "libpango-1.0.so.0",
        "libpango-1.0.dylib",
        "libpango-1.0-0.dll",
    ),
    "harfbuzz": (
        "libharfbuzz-0",
        "harfbuzz",
        "harfbuzz-0.0",
        "libharfbuzz.so.0",
        "libharfbuzz.0.dylib",
        "libharfbuzz-0.dll",
    ),
    "fontconfig": (
        "libfontconfig-1",
        "fontconfig-1",
        "fontconfig",
        "libfontconfig.so.1",
        "libfontconfig.1.dylib",
        "libfontconfig-1.dll",
    ),
}
_VERSION_FUNCTIONS = """
    const char *pango_version_string (void);
    const char *hb_version_string (void);
    int FcGetVersion (void);
"""


def rendering_environment() -> dict[str, str]:
    """Every library or system library whose version can change output bytes, sorted by name;
    "not installed" / "not available" where one is missing, and the choices bideval makes whatever
    is installed (font subsetter, xlsx XML writer)."""
    import openpyxl.xml

    environment = {
        "python": platform.python_version(),  # zipfile, json, decimal
        "zlib": zlib.ZLIB_RUNTIME_VERSION,  # deflates xlsx entries and PDF streams
        "pdf_font_subsetter": "fontTools",  # render/pdf.py: never HarfBuzz-subset
        "xlsx_xml_writer": "lxml" if openpyxl.xml.LXML else "standard library",
    }
    for name in PACKAGES:
        try:
            environment[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            environment[name] = "not installed"
    environment.update(_system_libraries())
    return dict(sorted(environment.items()))


def _system_libraries() -> dict[str, str]:
    """Pango, HarfBuzz, HarfBuzz-subset (present or not; bideval does not use it) and fontconfig,
    as WeasyPrint loaded them."""
    missing = dict.fromkeys(("pango", "harfbuzz", "harfbuzz-subset", "fontconfig"), "not available")
    try:
        from bideval.render.pdf import _font_config

        _font_config()  # first: it may be the process's first weasyprint import
        from weasyprint.text import ffi as weasyprint_ffi
    except (ImportError, OSError):  # WeasyPrint, or a system library it needs, is missing
        return missing
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(_VERSION_FUNCTIONS)
    libraries = {name: _dlopen(ffi, names) for name, names in _LIBRARY_NAMES.items()}
    found = {
        "pango": _call(libraries["pango"], lambda lib: ffi.string(lib.pango_version_string()).decode()),
        "harfbuzz": _call(libraries["harfbuzz"], lambda lib: ffi.string(lib.hb_version_string()).decode()),
        "fontconfig": _call(libraries["fontconfig"], lambda lib: _dotted(lib.FcGetVersion())),
        "harfbuzz-subset": "not available" if weasyprint_ffi.harfbuzz_subset is None else "available (not used)",
    }
    if found["pango"] == "not available":  # WeasyPrint's own binding gives the number
        found["pango"] = _dotted(weasyprint_ffi.pango.pango_version())
    return missing | found


def _dlopen(ffi, names: tuple[str, ...]):
    for name in names:
        try:
            return ffi.dlopen(name)
        except OSError:
            continue
    return None


def _call(library, read) -> str:
    if library is None:
        return "not available"
    try:
        return read(library)
    except AttributeError:  # the library has no such function
        return "not available"


def _dotted(number: int) -> str:
    """10000 × major + 100 × minor + micro, as Pango and fontconfig encode their versions."""
    return f"{number // 10000}.{number // 100 % 100}.{number % 100}"
