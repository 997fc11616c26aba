"""Plain, located messages for text the YAML readers refuse.

LibYAML and PyYAML's pure-Python reader word their errors differently and do not always
place them alike: LibYAML puts the end of the stream on the line *after* the last one, and
reports a control character by its byte offset (the pure-Python reader by its character
index, and before anything else). Every refusal goes through `yaml_problem`, which works
from the source text, so both composer paths give the same message at the same place, and
that place is always inside the file.
"""

from __future__ import annotations

import re

import yaml

from bideval.errors import Problem
from bideval.load.limits import MAX_DEPTH

# The characters YAML 1.1 refuses; LibYAML's reader refuses the same set.
NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # line breaks, counted as both readers count them
_COLLECTIONS = {"while parsing a flow sequence": ("[", "]"), "while parsing a flow mapping": ("{", "}")}
_SNIPPET = 40  # characters of a line quoted in a message


def yaml_problem(exc: yaml.YAMLError, text: str, display: str) -> Problem:
    """The problem to report for a reader, scanner, parser or composer error on `text`."""
    found = unprintable_problem(text, display)
    if found is not None:
        return found
    if not isinstance(exc, yaml.MarkedYAMLError):
        return Problem(display, 0, 0, f"not valid YAML: {exc}")
    context, problem, opened = exc.context or "", exc.problem or "", exc.context_mark
    lines = _lines(text)
    # The end of the stream: LibYAML puts it on the line after the last, even without a final break.
    at_end = exc.problem_mark is not None and exc.problem_mark.index >= len(text)
    if opened is not None and "quoted scalar" in context and (at_end or "document" in problem):
        return _unclosed_quote(exc, lines, display, at_end)
    if opened is not None and context == "while scanning a simple key":
        return _missing_colon(opened, lines, display)
    long_key = _long_flow_key(exc, text)
    if long_key is not None:
        return Problem(display, *long_key, "not valid YAML: this key is too long; a key must be at most 1024 characters")
    if at_end:
        line = next((i for i in range(len(lines), 0, -1) if lines[i - 1].strip()), 1)  # the last line with text
        column = len(lines[line - 1].rstrip()) + 1  # just after its last character
        if opened is not None and context in _COLLECTIONS:
            start, close = _COLLECTIONS[context]
            where = f"line {opened.line + 1}, column {opened.column + 1}"
            message = f"the file ends before the `{start}` opened on {where} is closed; add `{close}`"
        elif context == "while parsing a flow node":
            message = "the file ends where a value was expected; is it cut short?"
        else:
            message = "the file ends unexpectedly; is it cut short?"
        return Problem(display, line, column, f"not valid YAML: {message}")
    mark = exc.problem_mark or opened
    if "maximum nesting depth" in problem:  # LibYAML's own limit (1,000), met while scanning ahead
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        return Problem(display, line, column, f"nesting is too deep (more than {MAX_DEPTH} levels)")
    what = " ".join(part for part in (context, problem) if part)
    line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    return Problem(display, line, column, f"not valid YAML: {what}")


def unprintable_problem(text: str, display: str) -> Problem | None:
    """The first character YAML does not allow in a file, located, or None.

    The pure-Python reader checks the whole text before parsing; LibYAML only when it reaches
    the character, possibly after another error. Looking first makes both paths agree."""
    match = NON_PRINTABLE.search(text)
    if match is None:
        return None
    code = ord(match.group())
    index, line, start = match.start(), 1, 0
    for line_break in _BREAK.finditer(text, 0, index):
        line, start = line + 1, line_break.end()
    column = index - start + 1  # characters, as editors and the readers count
    if code < 0x20 or 0x7F <= code <= 0x9F:
        what = f"control character U+{code:04X} is not allowed in YAML"
    else:
        what = f"character U+{code:04X} is not allowed in YAML"
    if 0x80 <= code <= 0x9F:
        advice = ("a C1 control character usually means the text was converted through Latin-1 or "
                  "Windows-1252 by mistake; retype the garbled text")  # fmt: skip
    else:
        advice = "remove it"
    return Problem(display, line, column, f"not valid YAML: {what}; {advice}")


def _lines(text: str) -> list[str]:
    """The file's lines, numbered as the readers' marks number them (no line-break characters)."""
    lines = _BREAK.split(text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()  # the text ends with a line break: there is no line after it
    return lines


def _line_at(lines: list[str], mark: yaml.Mark) -> str:
    return lines[mark.line] if 0 <= mark.line < len(lines) else ""


def _unclosed_quote(exc: yaml.MarkedYAMLError, lines: list[str], display: str, at_end: bool) -> Problem:
    """An unclosed quote runs on to the end of the file: report it where it opens."""
    opened = exc.context_mark
    assert opened is not None
    quote = _line_at(lines, opened)[opened.column : opened.column + 1]
    quote = quote if quote in ("'", '"') else '"'
    message = f"the quoted string opened on line {opened.line + 1} is never closed"
    mark = exc.problem_mark
    if mark is not None and not at_end:
        separator = _line_at(lines, mark)[:3]  # the quote ran into a `---` or `...` line
        message += f" before the `{separator}` on line {mark.line + 1}"
    message += f"; add the closing `{quote}`"
    return Problem(display, opened.line + 1, opened.column + 1, f"not valid YAML: {message}")


def _long_flow_key(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, int] | None:
    """Where a quoted key of over 1,024 characters starts, if that is what stopped a flow
    mapping ({"…": …}, as in JSON): the parser then only says it expected ',' or '}'."""
    mark = exc.problem_mark
    if mark is None or "flow mapping" not in (exc.context or ""):
        return None
    # From line and column: LibYAML's mark.index counts bytes, the pure-Python reader's characters.
    at = sum(len(line) for line in text.splitlines(keepends=True)[: mark.line]) + mark.column
    start = text.rfind('"', 0, at)  # the key's closing quote, just before the problem
    opening = text.rfind('"', 0, start) if start > 0 else -1
    while opening > 0 and text[opening - 1] == "\\":  # an escaped quote inside the key
        opening = text.rfind('"', 0, opening - 1)
    if opening < 0 or start - opening - 1 <= 1024 or text[at : at + 1] != ":":
        return None
    line = text.count("\n", 0, opening) + 1
    return line, opening - (text.rfind("\n", 0, opening) + 1) + 1


def _missing_colon(opened: yaml.Mark, lines: list[str], display: str) -> Problem:
    """A line in a block mapping that is not `key: value`: the scanner notices only on the
    next line, so report the line where the would-be key starts."""
    rest = re.split(r"\s#", _line_at(lines, opened)[opened.column :], maxsplit=1)[0].strip()
    if re.search(r":(\s|$)", rest):  # the ':' is there: the key is too long for a simple key
        message = "this key is too long; a key must fit on one line and be at most 1024 characters"
    else:
        shown = rest if len(rest) <= _SNIPPET else rest[: _SNIPPET - 1] + "…"
        message = f"`{shown}` has no ':' after its key; expected `key: value`"
    return Problem(display, opened.line + 1, opened.column + 1, f"not valid YAML: {message}")
