"""The JSON fast path (bideval.load.fast_json): it accepts only what the YAML reader reads to
the same values, and steps aside for everything else so the YAML reader can locate the problem."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bideval.load.fast_json import parse_json
from bideval.load.strict_yaml import parse_text

# Keys and text as bid and score files have them: ids, names (Korean included), sentences.
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20)
numbers = st.one_of(
    st.integers(-(10**18), 10**18),
    st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
        lambda d: not d or abs(d.adjusted()) <= 18),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, text)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(text, inner, max_size=4)), max_leaves=20)


def _dump(value) -> str:  # noqa: ANN001
    if isinstance(value, Decimal):
        spelled = str(value)  # 1.50, 1E+5, 0.001: each a valid JSON number once a point or digit leads
        return spelled if spelled[0].isdigit() or spelled[0] == "-" else "0" + spelled
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {_dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_dump(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _same(a, b) -> bool:  # noqa: ANN001
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
def test_what_the_fast_path_reads_the_yaml_reader_reads_the_same(data: dict) -> None:
    """Generated files hold nothing doubtful (no duplicates, NaN, control characters or deep
    nesting), so the fast path must read every one, and read it as the YAML reader does."""
    source = _dump(data)
    fast = parse_json(source)
    doc, problems = parse_text(source, "f.json")
    assert fast is not None, source
    assert doc is not None and not problems, problems
    assert _same(fast, doc.data), (source, fast, doc.data)


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ('{"a": 1, "a": 2}', "duplicate key"),
        ('{"a": NaN}', "not a number"),
        ('{"a": -Infinity}', "not finite"),
        ('{"a": 12345678901234567890}', "20 digits: over the reader's limit"),
        ('{"a": 1e19}', "exponent out of range"),
        ('{"a": 1,}', "syntax error"),
        ("[1, 2]", "top level is not a mapping"),
        ("schema: bideval/bid/v1", "YAML, not JSON"),
        ("", "empty"),
        ('{"a": "\u0007"}', "raw control character in a string"),
        ("{" * 101 + "}" * 101, "101 levels deep"),
    ],
)
def test_steps_aside_for_anything_doubtful(source: str, why: str) -> None:
    assert parse_json(source) is None, why


def test_one_hundred_levels_are_read() -> None:
    source = '{"k": ' * 99 + "{}" + "}" * 99
    assert parse_json(source) is not None


def test_numbers_are_int_or_decimal_never_float() -> None:
    data = parse_json('{"price": 266672000000, "share": 0.25, "big": 1.5E+3, "zero": -0}')
    assert data == {"price": 266672000000, "share": Decimal("0.25"), "big": Decimal("1.5E+3"), "zero": 0}
    assert type(data["price"]) is int and type(data["share"]) is Decimal and type(data["zero"]) is int


def test_a_key_yaml_would_refuse_for_its_length_is_left_to_the_yaml_reader(tmp_path) -> None:  # noqa: ANN001
    """YAML allows a key of at most 1,024 characters as written; JSON has no limit. The fast path
    must not accept what the reader refuses (found by hand: a 2,000-character key crashed
    `validate` when a problem was located in that file)."""
    source = '{"schema": "bideval/bid/v1", "' + "x" * 2000 + '": 1}'
    assert parse_json(source) is None
    doc, problems = parse_text(source, "bid.json")
    assert doc is None and problems and problems[0].line == 1 and "not valid YAML" in problems[0].message
    assert parse_json('{"' + "é" * 80 + '": 1}') is not None  # 80 characters: still read fast
