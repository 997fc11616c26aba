"""The strict YAML reader (DESIGN §2): exact numbers, no YAML 1.1 surprises, located errors.

Expected locations are computed from the input text with `at()`, 1-based like editors.
"""

from __future__ import annotations

import codecs
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bideval.load.strict_yaml import MAX_BYTES, parse_text, read_document, resolve_plain


def at(text: str, needle: str, nth: int = 1) -> tuple[int, int]:
    """(line, column), 1-based, of the nth occurrence of `needle` in `text`."""
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def parse(text: str):
    return parse_text(text, "in.yaml")


def only_problem(text: str):
    _, problems = parse(text)
    assert len(problems) == 1, [str(p) for p in problems]
    (problem,) = problems
    assert problem.file == "in.yaml"
    return problem


def walk(value):
    yield value
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


# ---- numbers ------------------------------------------------------------------------------


def test_numbers_are_int_or_decimal_never_float() -> None:
    text = "a: 1\nb: -3\nc: +7\nd: 1.50\ne: 0.1\nf: 1e3\ng: -2.5E-2\nh: .5\ni: 0\nj: 266640000000\n"
    doc, problems = parse(text)
    assert problems == []
    data = doc.data
    assert data == {
        "a": 1, "b": -3, "c": 7, "d": Decimal("1.50"), "e": Decimal("0.1"), "f": Decimal("1e3"),
        "g": Decimal("-2.5E-2"), "h": Decimal(".5"), "i": 0, "j": 266640000000,
    }  # fmt: skip
    assert type(data["a"]) is int and type(data["j"]) is int
    assert type(data["d"]) is Decimal and str(data["d"]) == "1.50"  # the text's exact digits
    assert not any(isinstance(v, float) for v in walk(data))


def test_numbers_in_json_are_int_or_decimal() -> None:
    doc, problems = parse('{"price": 100, "share": 0.2, "list": [1.5, 2]}')
    assert problems == []
    assert doc.data == {"price": 100, "share": Decimal("0.2"), "list": [Decimal("1.5"), 2]}
    assert not any(isinstance(v, float) for v in walk(doc.data))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        ("-0", 0),
        ("3.25", Decimal("3.25")),
        ("true", True),
        ("False", False),
        ("null", None),
        ("~", None),
        ("", None),
        ("KR", "KR"),
        ("2025-08-01", date(2025, 8, 1)),
        ("b200", "b200"),
    ],
)
def test_resolve_plain_values(text: str, expected: object) -> None:
    value, message = resolve_plain(text)
    assert message is None
    assert value == expected
    assert type(value) is type(expected)


# ---- YAML 1.1 surprises are refused ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [
        pytest.param("NO", ("'NO'", "boolean"), id="NO"),
        pytest.param("no", ("'no'", "boolean"), id="no"),
        pytest.param("yes", ("'yes'", "boolean"), id="yes"),
        pytest.param("Yes", ("'Yes'", "boolean"), id="Yes"),
        pytest.param("on", ("'on'", "boolean"), id="on"),
        pytest.param("OFF", ("'OFF'", "boolean"), id="OFF"),
        pytest.param("y", ("'y'", "boolean"), id="y"),
        pytest.param("012", ("'012'", "leading zero"), id="octal-012"),
        pytest.param("-0755", ("'-0755'", "leading zero"), id="octal-negative"),
        pytest.param("0x1F", ("'0x1F'", "base 10"), id="hex-0x1F"),
        pytest.param("0o17", ("'0o17'", "base 10"), id="octal-0o17"),
        pytest.param("0b101", ("'0b101'", "base 10"), id="binary-0b101"),
        pytest.param("1:30", ("'1:30'", "base-60"), id="sexagesimal-1:30"),
        pytest.param("190:20:30", ("'190:20:30'", "base-60"), id="sexagesimal-190:20:30"),
        pytest.param(".inf", ("'.inf'", "finite"), id=".inf"),
        pytest.param("-.inf", ("'-.inf'", "finite"), id="-.inf"),
        pytest.param(".nan", ("'.nan'", "finite"), id=".nan"),
        pytest.param(".NaN", ("'.NaN'", "finite"), id=".NaN"),
        pytest.param("1_000", ("'1_000'", "'_'"), id="underscores"),
        pytest.param("12345678901234567890", ("too large",), id="int-20-digits"),
        pytest.param("1e999", ("out of range",), id="exponent-999"),
        pytest.param("2025-02-30", ("'2025-02-30'", "date"), id="impossible-date"),
    ],
)
def test_ambiguous_plain_scalar_is_refused_at_its_place(value: str, words: tuple[str, ...]) -> None:
    text = f"schema: x\nbidder:\n  id: a\n  country: {value}\nprice: 1\n"
    problem = only_problem(text)
    line, column = at(text, "country: ")
    assert (problem.line, problem.column) == (line, column + len("country: "))
    for word in words:
        assert word in problem.message
    assert resolve_plain(value)[1] is not None


@pytest.mark.parametrize("value", ["NO", "yes", "on", "012", "0x1F", "1:30", ".inf", ".nan", "2025-08-01", "1.5"])
@pytest.mark.parametrize("quote", ['"', "'"])
def test_quoted_scalars_stay_text(value: str, quote: str) -> None:
    doc, problems = parse(f"a: {quote}{value}{quote}\n")
    assert problems == []
    assert doc.data == {"a": value}


def test_block_scalars_stay_text() -> None:
    doc, problems = parse("a: |\n  yes\nb: >\n  012\n")
    assert problems == []
    assert doc.data == {"a": "yes\n", "b": "012\n"}


def test_keys_are_text_even_when_they_look_like_values() -> None:
    doc, problems = parse("on: 1\n012: 2\nnull: 3\n")
    assert problems == []
    assert doc.data == {"on": 1, "012": 2, "null": 3}


def test_every_refused_scalar_of_a_file_is_reported() -> None:
    text = "a: NO\nb:\n  - 012\n  - ok\nc: {d: 1:30, e: .inf}\n"
    _, problems = parse(text)
    assert sorted((p.line, p.column) for p in problems) == [
        at(text, "NO"), at(text, "012"), at(text, "1:30"), at(text, ".inf"),
    ]  # fmt: skip


# ---- dates ---------------------------------------------------------------------------------


def test_dates_are_parsed() -> None:
    doc, problems = parse("evaluation_date: 2025-08-01\ndeadline: '2025-12-31'\n")
    assert problems == []
    assert doc.data["evaluation_date"] == date(2025, 8, 1)
    assert doc.data["deadline"] == "2025-12-31"  # quoted: text (the models parse it when a date is due)


def test_impossible_date_is_located() -> None:
    text = "schema: x\nschedule:\n  service_start: 2026-02-30\n"
    problem = only_problem(text)
    assert (problem.line, problem.column) == at(text, "2026-02-30")
    assert "2026-02-30" in problem.message


# ---- anchors, aliases, tags -----------------------------------------------------------------


def test_anchor_is_refused_at_the_anchor() -> None:
    text = "schema: x\ndatacenter: &dc\n  name: A\nbackup: *dc\n"
    doc, problems = parse(text)
    assert doc is None
    assert len(problems) == 1
    assert (problems[0].line, problems[0].column) == at(text, "&dc")
    assert "anchors" in problems[0].message


def test_anchor_on_a_scalar_is_refused() -> None:
    text = "a: 1\nprice: &p 100\n"
    problem = only_problem(text)
    assert (problem.line, problem.column) == at(text, "&p")


def test_alias_is_refused_at_the_alias() -> None:
    text = "schema: x\nfinancing:\n  committed: *money\n"
    doc, problems = parse(text)
    assert doc is None
    assert len(problems) == 1
    assert (problems[0].line, problems[0].column) == at(text, "*money")
    assert "aliases" in problems[0].message


def test_merge_key_with_alias_is_refused() -> None:
    text = "base: &b {x: 1}\nother:\n  <<: *b\n"
    problem = only_problem(text)
    assert (problem.line, problem.column) == at(text, "&b")


@pytest.mark.parametrize(
    "tagged",
    [
        "!!python/object:os.system x",
        "!!python/object/apply:os.system ['echo hi']",
        "!!str 5",
        "!!float 1",
        "!custom 5",
    ],
)
def test_explicit_tags_are_refused(tagged: str) -> None:
    text = f"schema: x\nvalue: {tagged}\n"
    doc, problems = parse(text)
    assert doc is None
    assert len(problems) == 1
    assert (problems[0].line, problems[0].column) == at(text, "!")
    assert "tags" in problems[0].message


def test_tag_on_the_root_is_refused() -> None:
    problem = only_problem("!!map\nschema: x\n")
    assert (problem.line, problem.column) == (1, 1)
    assert "tags" in problem.message


# ---- duplicate keys --------------------------------------------------------------------------


def test_duplicate_key_is_refused_naming_the_first_line() -> None:
    text = "schema: x\nprice: 100\nclusters: []\nprice: 200\n"
    _, problems = parse(text)
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.line, problem.column) == at(text, "price", nth=2)
    assert "duplicate key 'price'" in problem.message
    assert f"first given on line {at(text, 'price')[0]}" in problem.message


def test_nested_duplicate_key_is_located() -> None:
    text = "schema: x\nbidder:\n  id: a\n  name: A\n  id: b\n"
    _, problems = parse(text)
    assert [(p.line, p.column) for p in problems] == [at(text, "id:", nth=2)]
    assert f"first given on line {at(text, 'id:')[0]}" in problems[0].message


def test_duplicate_key_in_json_is_refused() -> None:
    text = '{\n  "price": 1,\n  "price": 2\n}\n'
    _, problems = parse(text)
    assert [(p.line, p.column) for p in problems] == [at(text, '"price"', nth=2)]
    assert "first given on line 2" in problems[0].message


def test_non_text_key_is_refused() -> None:
    text = "? [a, b]\n: 1\n"
    problem = only_problem(text)
    assert (problem.line, problem.column) == at(text, "[a, b]")


# ---- syntax errors and document shape ---------------------------------------------------------


def test_syntax_error_is_located() -> None:
    text = "schema: x\nbidder:\n  country: KR: extra\n"
    doc, problems = parse(text)
    assert doc is None
    assert len(problems) == 1
    assert (problems[0].line, problems[0].column) == at(text, ": extra")
    assert "not valid YAML" in problems[0].message


def test_unclosed_flow_sequence_is_located_where_it_is_noticed() -> None:
    text = "a: [1, 2\nb: 3\n"
    problem = only_problem(text)
    assert "not valid YAML" in problem.message
    assert (problem.line, problem.column) == at(text, ": 3")  # the ':' that cannot be in the list


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n"])
def test_empty_document(text: str) -> None:
    doc, problems = parse(text)
    assert doc is None
    assert len(problems) == 1
    assert problems[0].line == 0  # about the file as a whole
    assert "empty" in problems[0].message
    assert str(problems[0]).startswith("in.yaml: ")


@pytest.mark.parametrize(
    ("text", "start"),
    [("- a\n- b\n", "- a"), ("just text\n", "just"), ("# note\n[1, 2]\n", "[1, 2]"), ("42\n", "42")],
)
def test_top_level_must_be_a_mapping(text: str, start: str) -> None:
    doc, problems = parse(text)
    assert doc is None
    assert len(problems) == 1
    assert (problems[0].line, problems[0].column) == at(text, start)
    assert "mapping" in problems[0].message


def test_json_input_works_with_locations() -> None:
    text = '{\n  "schema": "bideval/bid/v1",\n  "bidder": {"id": "a", "name": "A"},\n  "price": 5,\n  "ok": true\n}\n'
    doc, problems = parse(text)
    assert problems == []
    assert doc.data == {"schema": "bideval/bid/v1", "bidder": {"id": "a", "name": "A"}, "price": 5, "ok": True}
    assert doc.locate(("price",)) == at(text, "5,")
    assert doc.locate(("price",), key=True) == at(text, '"price"')
    assert doc.locate(("bidder", "name")) == at(text, '"A"')


def test_locations_of_values_and_keys() -> None:
    text = "schema: x\nclusters:\n  - {id: c1, nodes: 8}\n  - id: c2\n    nodes: 0\n"
    doc, problems = parse(text)
    assert problems == []
    assert doc.locate(("clusters", 0, "nodes")) == at(text, "8}")
    assert doc.locate(("clusters", 1, "nodes")) == at(text, "0\n")
    assert doc.locate(("clusters", 1, "nodes"), key=True) == at(text, "nodes", nth=2)
    # a path the document does not have falls back to its nearest located parent
    assert doc.locate(("clusters", 1, "gpu")) == doc.locate(("clusters", 1))
    assert doc.locate(("nothing",)) == (1, 1)
    problem = doc.problem(("clusters", 1, "nodes"), "must be greater than 0")
    assert str(problem) == f"in.yaml:{at(text, '0' + chr(10))[0]}:{at(text, '0' + chr(10))[1]}: must be greater than 0"


# ---- files: encodings, bytes, size ----------------------------------------------------------------


def test_read_document_reads_utf8_and_hashes_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "bid.yaml"
    raw = "schema: bideval/bid/v1\nname: 가온AI\nprice: 10\n".encode()
    path.write_bytes(raw)
    doc, problems = read_document(path, "bid.yaml")
    assert problems == []
    assert doc.data == {"schema": "bideval/bid/v1", "name": "가온AI", "price": 10}
    import hashlib

    assert doc.sha256 == hashlib.sha256(raw).hexdigest()


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bid.yaml"
    path.write_bytes(b"\xef\xbb\xbfschema: x\nprice: 1\n")
    doc, problems = read_document(path, "bid.yaml")
    assert problems == []
    assert doc.data == {"schema": "x", "price": 1}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_file_is_refused(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "bid.yaml"
    path.write_bytes("schema: bideval/bid/v1\nprice: 1\n".encode(encoding))
    doc, problems = read_document(path, "bid.yaml")
    assert doc is None
    assert len(problems) == 1
    assert problems[0].file == "bid.yaml"
    # with a byte-order mark the file is named UTF-16; without one its NUL bytes give it away
    assert ("UTF-16" if encoding == "utf-16" else "NUL") in problems[0].message


@pytest.mark.parametrize(("bom", "encoding"), [(codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be")])
def test_utf32_file_is_named_utf32_not_utf16(tmp_path: Path, bom: bytes, encoding: str) -> None:
    # the UTF-32 little-endian byte-order mark (FF FE 00 00) starts like UTF-16's (FF FE)
    path = tmp_path / "bid.yaml"
    path.write_bytes(bom + "schema: bideval/bid/v1\nprice: 1\n".encode(encoding))
    doc, problems = read_document(path, "bid.yaml")
    assert doc is None
    assert [str(p) for p in problems] == ["bid.yaml: file is UTF-32; save it as UTF-8"]


def test_latin1_bytes_are_refused_at_the_first_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "bid.yaml"
    text = "schema: x\nname: Caf\xe9 Ltd\nprice: 1\n"
    path.write_bytes(text.encode("latin-1"))
    doc, problems = read_document(path, "bid.yaml")
    assert doc is None
    assert len(problems) == 1
    assert (problems[0].line, problems[0].column) == at(text, "\xe9")
    assert "UTF-8" in problems[0].message


def test_latin1_byte_after_korean_text_is_located_in_characters(tmp_path: Path) -> None:
    """Columns count characters, as editors and every other error do — not bytes."""
    path = tmp_path / "bid.yaml"
    path.write_bytes("schema: x\nname: {ko: 가온, en: Caf".encode() + b"\xe9}\n")
    doc, problems = read_document(path, "bid.yaml")
    assert doc is None
    line, column = problems[0].line, problems[0].column
    assert (line, column) == at("schema: x\nname: {ko: 가온, en: Caf?}\n", "?")


def test_nul_bytes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "bid.yaml"
    path.write_bytes(b"schema: x\nprice: 1\x00\n")
    doc, problems = read_document(path, "bid.yaml")
    assert doc is None
    assert len(problems) == 1
    assert "NUL" in problems[0].message
    assert problems[0].file == "bid.yaml"


def test_file_over_5_mib_is_refused_before_reading(tmp_path: Path) -> None:
    assert MAX_BYTES == 5 * 1024 * 1024
    path = tmp_path / "huge.yaml"
    with path.open("wb") as stream:
        stream.write(b"schema: x\n")
        stream.truncate(MAX_BYTES + 1)  # sparse; never read, so its NULs do not matter
    doc, problems = read_document(path, "huge.yaml")
    assert doc is None
    assert len(problems) == 1
    assert problems[0].line == 0
    assert "5 MiB" in problems[0].message
    assert f"{MAX_BYTES + 1:,}" in problems[0].message


def test_file_of_exactly_5_mib_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    head = b"schema: x\nnote: '"
    tail = b"'\n"
    path.write_bytes(head + b"a" * (MAX_BYTES - len(head) - len(tail)) + tail)
    assert path.stat().st_size == MAX_BYTES
    doc, problems = read_document(path, "big.yaml")
    assert problems == []
    assert len(doc.data["note"]) == MAX_BYTES - len(head) - len(tail)


def test_missing_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    doc, problems = read_document(tmp_path / "nope.yaml", "nope.yaml")
    assert doc is None
    assert len(problems) == 1
    assert problems[0].file == "nope.yaml"
    assert "cannot read" in problems[0].message


def test_an_exponent_beyond_what_decimal_holds_is_out_of_range() -> None:
    """Decimal itself refuses 1e99999999999999999999 (InvalidOperation): a located problem, not a traceback."""
    doc, problems = parse_text("schema: x\npower_mw: 1e99999999999999999999\n", "bid.yaml")
    assert [str(p) for p in problems] == ["bid.yaml:2:11: number 1e99999999999999999999 is out of range"]
