"""Messages for text the YAML readers refuse (bideval/load/yaml_errors.py): on the right line,
inside the file, saying what is wrong — and the same from LibYAML and from pure Python."""

from __future__ import annotations

import pytest

from bideval.load import strict_yaml


@pytest.fixture(params=[True, False], ids=["libyaml", "pure-python"], autouse=True)
def composer(request, monkeypatch):
    if request.param and not strict_yaml._LIBYAML:
        pytest.skip("PyYAML built without LibYAML")
    monkeypatch.setattr(strict_yaml, "_LIBYAML", request.param)


def refusal(text: str) -> str:
    """The one problem reported for `text`, as the CLI prints it."""
    doc, problems = strict_yaml.parse_text(text, "in.yaml")
    assert doc is None and len(problems) == 1, [str(p) for p in problems]
    return str(problems[0])


# ---- characters YAML does not allow ------------------------------------------------------------


def test_control_character_is_located() -> None:
    # LibYAML reports it by byte offset and without a line; the pure-Python reader by character index
    text = "schema: x\nlabel: {ko: 관리, en: Project\x07management}\n"
    assert refusal(text) == (
        "in.yaml:2:28: not valid YAML: control character U+0007 is not allowed in YAML; remove it"
    )


def test_c1_control_character_from_mojibake_is_located() -> None:
    text = "schema: x\nbidder:\n  name: {ko: \xec\x95\x8c\xed\x8c\x8c, en: Alpha}\n"  # UTF-8 read as Latin-1
    assert refusal(text) == (
        "in.yaml:3:15: not valid YAML: control character U+0095 is not allowed in YAML; a C1 control character "
        "usually means the text was converted through Latin-1 or Windows-1252 by mistake; retype the garbled text"
    )


def test_other_unprintable_character_is_named() -> None:
    assert refusal("a: 1\nb: x\ufffe\n") == (
        "in.yaml:2:5: not valid YAML: character U+FFFE is not allowed in YAML; remove it"
    )


def test_bad_character_is_reported_before_an_anchor_that_comes_first() -> None:
    # LibYAML meets the anchor before it reads the character; pure Python checks characters first
    text = "a: &x 1\nb: \x1b[31m\n"
    assert refusal(text) == "in.yaml:2:4: not valid YAML: control character U+001B is not allowed in YAML; remove it"


# ---- unterminated quotes ----------------------------------------------------------------------------


def test_unterminated_quote_is_located_where_it_opens() -> None:
    # the parser notices at the end of the stream: line 4 of this 3-line file
    text = 'schema: x\nname: "Zeta Corp\nprice: 1000\n'
    assert refusal(text) == (
        'in.yaml:2:7: not valid YAML: the quoted string opened on line 2 is never closed; add the closing `"`'
    )


def test_unterminated_single_quote_without_final_line_break() -> None:
    assert refusal("a: 1\nb: 'it is\nc: 2") == (
        "in.yaml:2:4: not valid YAML: the quoted string opened on line 2 is never closed; add the closing `'`"
    )


def test_quote_that_runs_into_a_document_separator() -> None:
    text = 'a: 1\nb: "x\n---\nc: 2\n'
    assert refusal(text) == (
        'in.yaml:2:4: not valid YAML: the quoted string opened on line 2 is never closed before the `---` on '
        'line 3; add the closing `"`'
    )


# ---- a missing colon ---------------------------------------------------------------------------------


def test_missing_colon_is_located_on_its_own_line() -> None:
    # the scanner notices on the next line (5); the colon is missing on line 4
    text = "scores:\n  alpha-soft:\n    understanding: 11.5\n    methodology 26.5\n    management: 18\n"
    assert refusal(text) == (
        "in.yaml:4:5: not valid YAML: `methodology 26.5` has no ':' after its key; expected `key: value`"
    )


def test_missing_colon_on_the_last_line_ignores_a_comment() -> None:
    assert refusal("a: 1\nb c  # a note: here") == (
        "in.yaml:2:1: not valid YAML: `b c` has no ':' after its key; expected `key: value`"
    )


def test_key_too_long_for_yaml_is_not_called_a_missing_colon() -> None:
    text = "a: 1\n" + "k" * 1100 + ": 2\n"
    assert refusal(text) == (
        "in.yaml:2:1: not valid YAML: this key is too long; a key must fit on one line and be at most 1024 characters"
    )


# ---- the file ends too early ------------------------------------------------------------------------


def test_truncated_json_is_located_on_its_last_line() -> None:
    # LibYAML puts the end of the stream at 4:1, after the last line (3 lines, no final line break)
    text = '{\n  "bids": [\n    {"id": 1},'
    assert refusal(text) == "in.yaml:3:15: not valid YAML: the file ends where a value was expected; is it cut short?"


def test_unclosed_flow_collection_at_the_end_names_where_it_opens() -> None:
    text = "a: 1\nb: [1, 2\n\n\n"  # the end of the stream is line 5; the last line with text is 2
    assert refusal(text) == (
        "in.yaml:2:9: not valid YAML: the file ends before the `[` opened on line 2, column 4 is closed; add `]`"
    )


def test_unclosed_flow_mapping_without_final_line_break() -> None:
    assert refusal('{"a": {"b": 1') == (
        "in.yaml:1:14: not valid YAML: the file ends before the `{` opened on line 1, column 7 is closed; add `}`"
    )


def test_every_truncation_is_located_inside_the_file_and_alike_on_both_paths(monkeypatch) -> None:
    text = ('{\n  "schema": "bideval/results/v1",\n  "bids": [\n    {"id": "a", "score": "1.5", "ok": true},\n'
            '    {"id": "b", "tags": ["x", "y"]}\n  ],\n  "note": "done"\n}\n'
            'schema: x\nbidder:\n  id: a\n  name: "Zeta Corp"\n  tags: [x, "y", {k: v}]\nprice: 10\n')  # fmt: skip
    for end in range(1, len(text)):
        part = text[:end]
        found = []
        for libyaml in (True, False) if strict_yaml._LIBYAML else (False,):
            monkeypatch.setattr(strict_yaml, "_LIBYAML", libyaml)
            problems = strict_yaml.parse_text(part, "in.yaml")[1]
            assert all(p.line <= part.rstrip("\n").count("\n") + 1 for p in problems), part
            found.append([str(p) for p in problems])
        assert found[0] == found[-1], part


def test_a_json_key_over_1024_characters_is_named_as_too_long() -> None:
    """JSON allows any key length; YAML a simple key of at most 1,024 characters, and its parser
    then only says it expected ',' or '}'. Located where the key opens (line 2, column 3)."""
    text = '{"name": "한빛클라우드",\n  "' + "x" * 1100 + '": 1}\n'  # Korean before it: bytes ≠ characters
    assert refusal(text) == ("in.yaml:2:3: not valid YAML: this key is too long; a key must be at most "
                             "1024 characters")  # fmt: skip


def test_a_long_quoted_value_is_not_mistaken_for_a_long_key() -> None:
    text = '{"schema": "' + "x" * 1100 + '" "oops": 1}\n'
    assert "too long" not in refusal(text)
