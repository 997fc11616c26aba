"""The JSON reader (bideval.load.json_text): it reads only what the YAML reader reads to the same
values, and leaves everything else to the YAML reader, which locates the problem."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bideval.load.json_text import _NOT_READ_ALIKE, SURROGATE_ESCAPE, read_json
from bideval.load.strict_yaml import parse_text, parse_yaml
from bideval.load.yaml_errors import NON_PRINTABLE

# Keys and text as bid and score files have them: ids, names (Korean included), sentences.
# No control characters, line or paragraph separators (YAML's line breaks) or noncharacters.
text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters="\ufffe\uffff"),
    max_size=20,
)
numbers = st.one_of(
    st.integers(-(10**18), 10**18),
    st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(lambda d: not d or abs(d.adjusted()) <= 18),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, text)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(text, inner, max_size=4)),
    max_leaves=20,
)

# Anything a hostile or careless file may hold: any character, numbers of any size, long keys.
any_text = st.text(max_size=20)
any_key = st.one_of(any_text, st.text(st.sampled_from('aé한😀\\"\u2028\x85'), min_size=70, max_size=200))
any_number = st.one_of(st.integers(), st.decimals(allow_nan=False, allow_infinity=False))
any_values = st.recursive(
    st.one_of(st.none(), st.booleans(), any_number, any_text),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(any_key, inner, max_size=4)),
    max_leaves=20,
)
json_space = st.one_of(st.sampled_from(["", " ", "\n  "]), st.text(" \t\r\n", max_size=3))


def _dump(value, space=lambda: "", ensure_ascii: bool = False) -> str:
    """JSON text of `value`, with `space()` between tokens (none by default) and decimals spelled as they are."""
    if isinstance(value, Decimal):
        spelled = str(value)  # 1.50, 1E+5, 0.001: each a valid JSON number once a point or digit leads
        return spelled if spelled[0].isdigit() or spelled[0] == "-" else "0" + spelled
    if isinstance(value, dict):
        items = (
            f"{json.dumps(k, ensure_ascii=ensure_ascii)}{space()}:{space()}{_dump(v, space, ensure_ascii)}"
            for k, v in value.items()
        )
        return "{" + space() + f"{space()},{space()}".join(items) + space() + "}"
    if isinstance(value, list):
        return "[" + space() + f"{space()},{space()}".join(_dump(v, space, ensure_ascii) for v in value) + space() + "]"
    return json.dumps(value, ensure_ascii=ensure_ascii)


def _same(a, b) -> bool:
    """Equal values of equal types, spelling of decimals included (1.50 stays 1.50)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Decimal):
        return a.as_tuple() == b.as_tuple()
    return a == b


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(text, values, min_size=1, max_size=5))
def test_what_the_json_reader_reads_the_yaml_reader_reads_the_same(data: dict) -> None:
    """Generated files hold nothing doubtful (no duplicates, NaN, control characters, YAML line
    breaks or deep nesting), so the JSON reader must read every one, and read it as the YAML reader does."""
    source = _dump(data)
    read = read_json(source)
    doc, problems = parse_yaml(source, "f.json")  # not parse_text, which gives the JSON reader's answer
    assert read is not None, source
    assert doc is not None and not problems, problems
    assert _same(read, doc.data), (source, read, doc.data)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(any_key, any_values, max_size=5), st.booleans(), st.data())
def test_whatever_the_json_reader_accepts_the_yaml_reader_reads_the_same(
    data: dict, ensure_ascii: bool, draws: st.DataObject
) -> None:
    """Odd characters, escapes, whitespace, long keys and numbers out of range: the JSON reader
    may leave any of them to the YAML reader, but what it reads, the YAML reader reads alike."""
    source = draws.draw(json_space) + _dump(data, lambda: draws.draw(json_space), ensure_ascii)
    source += draws.draw(json_space)
    read = read_json(source)
    if read is not None and not SURROGATE_ESCAPE.search(source):  # the one difference kept (json_text)
        doc, problems = parse_yaml(source, "f.json")
        assert doc is not None and not problems, (source, problems)
        assert _same(read, doc.data), (source, read, doc.data)


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ('{"a": 1, "a": 2}', "duplicate key"),
        ('{"a": 1, "\\u0061": 2}', "duplicate key, escaped"),
        ('{"a": NaN}', "not a number"),
        ('{"a": -Infinity}', "not finite"),
        ('{"a": 12345678901234567890}', "20 digits: over the reader's limit"),
        ('{"a": -12345678901234567890}', "20 digits and a sign"),
        ('{"a": 1e19}', "exponent out of range"),
        ('{"a": 0e-19}', "zero with an exponent out of range"),
        ('{"a": 1e99999999999999999999}', "exponent beyond Decimal's range"),
        ('{"a": 1,}', "syntax error"),
        ("[1, 2]", "top level is not a mapping"),
        ("schema: bideval/bid/v1", "YAML, not JSON"),
        ("", "empty"),
        ('{"a": "\u0007"}', "raw control character in a string"),
        ("{" * 101 + "}" * 101, "101 levels deep"),
        ('{"a": ' + "[" * 100 + "]" * 100 + "}", "101 levels deep, lists in a mapping"),
        ('{"a": "x\x7fy"}', "DEL: YAML refuses it"),
        ('{"a": "x\x80y"}', "a C1 control character: YAML refuses it"),
        ('{"a": "x\ufffey"}', "a noncharacter: YAML refuses it"),
        ('{"a": "x\x85y"}', "NEL: YAML reads a line break, folded into a space"),
        ('{"a": "x \u2028 y"}', "LS: YAML reads a line break and folds the spaces around it"),
        ('{"a\u2029b": 1}', "PS in a key: YAML wants a key on one line"),
        ('\t{"a": 1}', "a tab before the mapping: YAML refuses it"),
        ('{"a": 1}\n\t', "a tab at the start of a line after it"),
        ('{"a"\n: 1}', "a key and its colon on two lines"),
        ('{"a"' + " " * 1100 + ": 1}", "a colon over 1,024 characters after its key starts"),
    ],
)
def test_leaves_to_the_yaml_reader_anything_doubtful(source: str, why: str) -> None:
    assert read_json(source) is None, why


def test_characters_not_read_alike_are_those_yaml_refuses_and_its_tab_and_line_breaks() -> None:
    every_character = "".join(map(chr, range(0x110000)))
    refused_by_yaml = set(NON_PRINTABLE.findall(every_character))
    assert set(_NOT_READ_ALIKE.findall(every_character)) == refused_by_yaml | {"\t", "\x85", "\u2028", "\u2029"}


def test_an_escaped_emoji_is_read_as_the_emoji() -> None:
    """Python's json.dumps writes 😀 as the surrogate pair \\ud83d\\ude00: it is read as JSON means
    it (LibYAML would refuse the file), as it was before the JSON reader was rewritten."""
    source = json.dumps({"name": "😀 AI"})
    assert SURROGATE_ESCAPE.search(source)
    assert read_json(source) == {"name": "😀 AI"}
    doc, problems = parse_text(source, "f.json")
    assert doc is not None and not problems and doc.data == {"name": "😀 AI"}


def test_one_hundred_levels_are_read() -> None:
    source = '{"k": ' * 99 + "{}" + "}" * 99
    assert read_json(source) is not None


def test_numbers_are_int_or_decimal_never_float() -> None:
    data = read_json('{"price": 266672000000, "share": 0.25, "big": 1.5E+3, "zero": -0, "kept": 1.50, "e": 1e5}')
    assert data == {"price": 266672000000, "share": Decimal("0.25"), "big": Decimal("1.5E+3"), "zero": 0,
                    "kept": Decimal("1.50"), "e": Decimal("1E+5")}  # fmt: skip
    assert type(data["price"]) is int and type(data["share"]) is Decimal and type(data["zero"]) is int
    assert str(data["kept"]) == "1.50" and str(data["e"]) == "1E+5"


def test_nineteen_digits_and_exponents_of_eighteen_are_read() -> None:
    data = read_json('{"a": 1234567890123456789, "b": -1234567890123456789, "c": 1e18, "d": 1e-18, "e": 0e18}')
    assert data is not None and data["a"] == 1234567890123456789 and data["e"] == 0


def test_spacing_as_json_writers_use_it_is_read() -> None:
    source = '{\r\n  "a": [\r\n    1,\r\n    2\r\n  ],\r\n  "b": {"c": "\\u00e9\\/"}\r\n}\r\n'
    assert read_json(source) == {"a": [1, 2], "b": {"c": "é/"}}


def test_a_key_yaml_would_refuse_for_its_length_is_left_to_the_yaml_reader() -> None:
    """YAML allows a key of at most 1,024 characters as written; JSON has no limit. The JSON reader
    must not accept what the YAML reader refuses (found by hand: a 2,000-character key crashed
    `validate` when a problem was located in that file)."""
    source = '{"schema": "bideval/bid/v1", "' + "x" * 2000 + '": 1}'
    assert read_json(source) is None
    doc, problems = parse_text(source, "bid.json")
    assert doc is None and problems and problems[0].line == 1 and "not valid YAML" in problems[0].message
    assert read_json('{"' + "é" * 80 + '": 1}') is not None  # 80 characters: read by the JSON reader
    escaped = '{"' + "\\u00e9" * 80 + '": 1}'  # 482 characters as written, with the quotes
    assert read_json(escaped) == parse_yaml(escaped, "f.json")[0].data


@pytest.mark.parametrize("source", ['{" :": null}', '{"a": " :"}', '{"x\\" :": 1}'])
def test_a_string_holding_a_quote_space_colon_is_read_by_the_json_reader(source: str) -> None:
    """Found by the property test above in CI: '" :' inside a key is text, not a space before a colon."""
    doc, problems = parse_yaml(source, "f.json")
    assert not problems
    assert read_json(source) == doc.data


def test_a_space_between_a_key_and_its_colon_is_left_to_the_yaml_reader() -> None:
    assert read_json('{"a" : 1}') is None
    assert read_json('{"a":\n 1}') == {"a": 1}
