"""A strict, safe YAML reader that keeps the location of every value.

PyYAML composes the node graph (with line/column marks); we then build plain Python
values ourselves instead of using PyYAML's YAML 1.1 constructors, so that:

* numbers become `int` or `Decimal` straight from their text (never `float`);
* YAML 1.1 surprises — `NO` read as false, `012` as octal, `1:30` as base 60,
  `.inf`/`.nan` — are errors that tell the user to quote or rewrite the value;
* anchors, aliases, explicit tags and duplicate keys are errors;
* every problem in the file is reported, not just the first.

JSON is, for our purposes, YAML. A JSON text is first read with the standard library's parser
(`json_text.read_json`, some 30× faster on a large score file); it reads only what this reader
would read to the same values, and leaves every other text, problems included, to this reader.

Locations are not kept while reading: most files have no problem, and a mark for every
value cost half a gigabyte at 10,000 bids. The first `locate` reads the text again for them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from bideval.errors import Problem
from bideval.load.json_text import read_json
from bideval.load.limits import MAX_BYTES, MAX_DECIMAL_EXPONENT, MAX_DEPTH, MAX_INT_DIGITS, MAX_NUMBER_CHARS, too_long
from bideval.load.yaml_errors import unprintable_problem, yaml_problem

_LIBYAML = getattr(yaml, "__with_libyaml__", False)

Path_ = tuple[str | int, ...]

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)([eE][-+]?[0-9]+)?")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+")
_NON_DECIMAL_BASE = re.compile(r"[-+]?0[xXoObB][0-9a-fA-F_]+")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?")
_UNDERSCORED = re.compile(r"[-+]?[0-9][0-9_]*(\.[0-9_]*)?")
_NOT_FINITE = re.compile(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Every text read as a number, or refused as one with the text in the message.
_NUMBER_LIKE = (_INT, _DECIMAL, _LEADING_ZERO, _NON_DECIMAL_BASE, _SEXAGESIMAL, _UNDERSCORED)
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_YAML11_BOOLS = {
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
    "on", "On", "ON", "off", "Off", "OFF",
}  # fmt: skip
_NULLS = {"", "~", "null", "Null", "NULL"}


@dataclass
class Document:
    """A loaded file: its plain data, and where each value and key stood (found on first need)."""

    file: str
    data: Any
    sha256: str = ""
    raw: bytes = b""  # the file's bytes as read (archived as evaluated)
    text: str = ""  # the source when there are no bytes (parsed from a string)
    _marks: tuple[dict, dict] | None = field(default=None, repr=False, compare=False)

    @property
    def value_marks(self) -> dict[Path_, tuple[int, int]]:
        return self._located()[0]

    @property
    def key_marks(self) -> dict[Path_, tuple[int, int]]:
        return self._located()[1]

    def _located(self) -> tuple[dict, dict]:
        if self._marks is None:
            text = self.text or _decode(self.raw, self.file)[0]
            self._marks = ({}, {})
            try:
                _mark(yaml.compose(text, Loader=_LOADER), (), *self._marks)
            except yaml.YAMLError:  # cannot happen for text the reader accepted; never crash reporting
                pass  # every problem is then located at the top of the file
        return self._marks

    def locate(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of `path`, or of its nearest located parent."""
        path = tuple(path)
        if key and path in self.key_marks:
            return self.key_marks[path]
        while path not in self.value_marks and path:
            path = path[:-1]
        return self.value_marks.get(path, (1, 1))

    def problem(self, path: Path_, message: str, *, key: bool = False) -> Problem:
        line, column = self.locate(path, key=key)
        return Problem(self.file, line, column, message)

    def get(self, path: Path_) -> Any:
        value = self.data
        for part in path:
            value = value[part]
        return value


_LOADER = yaml.CSafeLoader if _LIBYAML else yaml.SafeLoader  # the text was read once already: no checks


def _mark(node: yaml.Node, path: Path_, values: dict, keys: dict) -> None:
    """Record where `node` and everything in it stand, as `_convert` would have read them."""
    values[path] = _at(node)
    if isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            _mark(child, path + (i,), values, keys)
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            where = path + (key_node.value,) if isinstance(key_node, yaml.ScalarNode) else None
            if where is not None and where not in keys:  # a duplicate key: the first one is the value read
                keys[where] = _at(key_node)
                _mark(value_node, where, values, keys)


def _at(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Refused(Exception):
    def __init__(self, mark: yaml.Mark, message: str):
        super().__init__(message)
        self.mark = mark
        self.message = message


class _Composer(yaml.SafeLoader):
    """PyYAML's safe loader, used only to compose nodes, refusing anchors, aliases and tags."""

    def compose_node(self, parent, index):
        _refuse_event(self.peek_event())
        return super().compose_node(parent, index)


def read_document(path: Path, display: str) -> tuple[Document | None, list[Problem]]:
    """Read and convert one file. Returns (document, problems); document is None if unusable.

    A document may come back *with* problems (an ambiguous scalar, a duplicate key): it is
    still usable for finding further problems, never for evaluating."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, [Problem(display, 0, 0, f"file is {size:,} bytes; the limit is {MAX_BYTES:,} (5 MiB)")]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(display, 0, 0, f"cannot read file: {exc.strerror or exc}")]
    text, problem = _decode(raw, display)
    if problem:
        return None, [problem]
    doc, problems = parse_text(text, display)
    if doc is not None:  # keep the bytes, not a second copy as text: locations re-decode them
        doc.sha256, doc.raw, doc.text = hashlib.sha256(raw).hexdigest(), raw, ""
    return doc, problems


def parse_text(text: str, display: str) -> tuple[Document | None, list[Problem]]:
    """Read one file's text: with the JSON parser when it can; else, and to report any problem, as YAML."""
    data = read_json(text)
    if data is not None:
        return Document(display, data, text=text), []
    return parse_yaml(text, display)


def parse_yaml(text: str, display: str) -> tuple[Document | None, list[Problem]]:
    """Read one file's text as YAML (JSON included), with every problem located."""
    try:
        root = _compose(text)
    except _Refused as exc:  # the pure-Python reader would have refused a bad character first
        found = unprintable_problem(text, display)
        return None, [found or Problem(display, exc.mark.line + 1, exc.mark.column + 1, exc.message)]
    except yaml.YAMLError as exc:
        return None, [yaml_problem(exc, text, display)]
    except RecursionError:
        return None, [Problem(display, 0, 0, "nesting is too deep")]
    if root is None or (isinstance(root, yaml.ScalarNode) and not root.style and root.value == ""):
        return None, [Problem(display, 0, 0, "file is empty; expected a mapping that starts with `schema:`")]
    doc = Document(display, None, text=text)
    problems: list[Problem] = []
    try:
        doc.data = _convert(root, display, problems)
    except RecursionError:
        return None, [Problem(display, 0, 0, "nesting is too deep")]
    if not isinstance(doc.data, dict):
        problems.append(doc.problem((), "the top level must be a mapping (key: value lines) that starts with `schema:`"))
        return None, problems
    # Scalar problems leave the structure intact: return the document so that its other
    # problems are found in the same run.
    return doc, problems


def _compose(text: str) -> yaml.Node | None:
    """Compose with LibYAML when PyYAML has it (about 10× faster on large score files): one
    pass over the events refuses anchors, aliases and tags, then the C composer builds nodes.
    Without LibYAML, the pure-Python composer refuses them as it goes."""
    if not _LIBYAML:
        return yaml.compose(text, Loader=_Composer)
    depth = 0
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        _refuse_event(event)
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:  # LibYAML's composer recurses in C: it would crash, not raise
                raise _Refused(event.start_mark, f"nesting is too deep (more than {MAX_DEPTH} levels)")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return yaml.compose(text, Loader=yaml.CSafeLoader)


def _refuse_event(event: yaml.Event) -> None:
    if isinstance(event, yaml.AliasEvent):
        raise _Refused(event.start_mark, "aliases (*name) are not allowed; write the value out in full")
    if getattr(event, "anchor", None) is not None:
        raise _Refused(event.start_mark, "anchors (&name) are not allowed; write each value out in full")
    tag = getattr(event, "tag", None)
    if tag is not None:
        raise _Refused(event.start_mark, f"explicit tags ({tag}) are not allowed")


def _decode(raw: bytes, display: str) -> tuple[str, Problem | None]:
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16: the same first bytes
        return "", Problem(display, 0, 0, "file is UTF-32; save it as UTF-8")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "", Problem(display, 0, 0, "file is UTF-16; save it as UTF-8")
    if b"\x00" in raw:
        return "", Problem(display, 0, 0, "file contains NUL bytes; expected a UTF-8 text file")
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw[: exc.start].count(b"\n") + 1
        column = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1  # characters, as editors count
        return "", Problem(display, line, column, "file is not valid UTF-8 text; save it as UTF-8")


def _convert(node: yaml.Node, file: str, problems: list[Problem]) -> Any:
    if isinstance(node, yaml.ScalarNode):
        if node.style:  # quoted or block scalar: always text (plain is None, or '' from LibYAML)
            return node.value
        value, message = resolve_plain(node.value)
        if message:
            problems.append(Problem(file, *_at(node), message))
        return value
    if isinstance(node, yaml.SequenceNode):
        return [_convert(child, file, problems) for child in node.value]
    mapping: dict[str, Any] = {}
    lines: dict[str, int] = {}  # where each key of this mapping was first given
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(Problem(file, *_at(key_node), "a key must be plain text"))
            continue
        key = key_node.value
        if key in mapping:
            problems.append(Problem(file, *_at(key_node), f"duplicate key '{key}' (first given on line {lines[key]})"))
            continue
        lines[key] = key_node.start_mark.line + 1
        mapping[key] = _convert(value_node, file, problems)
    return mapping


def resolve_plain(text: str) -> tuple[Any, str | None]:
    """Type of an unquoted scalar, YAML 1.2 style, refusing what YAML 1.1 reads differently."""
    if text in _NULLS:
        return None, None
    if text in _BOOLS:
        return _BOOLS[text], None
    if text in _YAML11_BOOLS:
        return text, (
            f"'{text}' is ambiguous (YAML 1.1 reads it as a boolean); "
            "write true or false, or quote it if it is text"
        )
    if len(text) > MAX_NUMBER_CHARS and any(p.fullmatch(text) for p in _NUMBER_LIKE):
        return text, too_long(text)  # before int() or Decimal(), and never echoed (issue 18 §8)
    if _INT.fullmatch(text):
        if len(text.lstrip("+-")) > MAX_INT_DIGITS:
            return text, f"number {text} is too large"
        return int(text), None
    if _LEADING_ZERO.fullmatch(text):
        return text, f"'{text}' has a leading zero (YAML 1.1 reads it as octal); write it without, or quote it"
    if _NON_DECIMAL_BASE.fullmatch(text):
        return text, f"'{text}' is not a decimal number; write numbers in base 10, or quote it if it is text"
    if _SEXAGESIMAL.fullmatch(text):
        return text, f"'{text}' would be read as a base-60 number by YAML 1.1; quote it if it is text"
    if _NOT_FINITE.fullmatch(text):
        return text, f"'{text}' is not a finite number"
    if _DECIMAL.fullmatch(text):
        try:
            value = Decimal(text)
        except InvalidOperation:  # an exponent beyond what Decimal can hold at all (1e99999999999999999999)
            return text, f"number {text[:40]} is out of range"
        if abs(value.adjusted()) > MAX_DECIMAL_EXPONENT:  # zero too: 0E-999 is no score
            return text, f"number {text} is out of range"
        return value, None
    if _UNDERSCORED.fullmatch(text) and "_" in text:
        return text, f"'{text}': write numbers without '_' separators"
    if _DATE.fullmatch(text):
        try:
            return date.fromisoformat(text), None
        except ValueError:
            return text, f"'{text}' is not a valid date (expected YYYY-MM-DD)"
    return text, None
