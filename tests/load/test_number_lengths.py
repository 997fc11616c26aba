"""Numbers of absurd length are refused, located, before any conversion (issue 18 §8).

A price of 200,000 digits once ended in a traceback: the message echoed the digits, and
Python refuses to turn more than 4,300 of them into an int. Now the text's length is checked
first, in YAML and in JSON, and the message counts the digits instead of echoing them.
"""

from __future__ import annotations

import json
import shutil

import pytest

from bideval.load.json_text import read_json
from bideval.load.limits import MAX_NUMBER_CHARS
from bideval.load.strict_yaml import parse_text, resolve_plain
from tests.conftest import KR, run

DIGITS = "9" * 200_000


@pytest.mark.parametrize("text", [DIGITS, "-" + DIGITS, "1." + DIGITS, "0." + DIGITS + "e5", "1e" + DIGITS,
                                  "0" + DIGITS, "1_" + DIGITS])  # fmt: skip
def test_resolve_plain_counts_the_digits(text):
    value, message = resolve_plain(text)
    assert value == text and message is not None
    assert message.startswith("number of ") and message.endswith(" digits is out of range")
    assert len(message) < 60  # the digits are counted, never echoed


def test_the_limit_is_below_pythons_int_string_limit():
    assert MAX_NUMBER_CHARS < 4300
    assert (
        resolve_plain("9" * (MAX_NUMBER_CHARS + 1))[1] == f"number of {MAX_NUMBER_CHARS + 1:,} digits is out of range"
    )


def test_numbers_up_to_the_limit_read_as_before():
    """31 significant digits (a corpus case) and the 19-digit integers still read, or are refused as before."""
    assert str(resolve_plain("13.4999999999999999999999999999")[0]) == "13.4999999999999999999999999999"
    assert resolve_plain("9" * 19) == (int("9" * 19), None)
    assert resolve_plain("9" * 20)[1] == f"number {'9' * 20} is too large"
    assert resolve_plain("1." + "0" * (MAX_NUMBER_CHARS - 2))[1] is None


@pytest.mark.parametrize("number", [DIGITS, "1." + DIGITS])
def test_json_and_yaml_give_the_same_located_problem(number):
    """JSON: `read_json` leaves the text to the YAML reader, which names line and column."""
    text = '{\n  "schema": "bideval/bid/v1",\n  "price": ' + number + "\n}\n"
    assert read_json(text) is None
    count = sum(c.isdigit() for c in number)
    for source, line, column in ((text, 3, 12), (f"schema: bideval/bid/v1\nprice: {number}\n", 2, 8)):
        _, problems = parse_text(source, "bid")
        assert [(p.line, p.column, p.message) for p in problems] == [
            (line, column, f"number of {count:,} digits is out of range")
        ]


def test_cli_reports_the_price_without_a_traceback(tmp_path):
    """`bideval validate` on the KR sample with a 200,000-digit price, in YAML then in JSON."""
    rubric, sample = KR
    for suffix, body in ((".yaml", f"schema: bideval/bid/v1\nbidder:\n  id: alpha-soft\n  name: A\nprice: {DIGITS}\n"),
                         (".json", json.dumps({"schema": "bideval/bid/v1", "bidder": {"id": "alpha-soft", "name": "A"},
                                               "price": 0}).replace("0}", DIGITS + "}"))):  # fmt: skip
        bids = tmp_path / suffix[1:]
        shutil.copytree(sample, bids)
        (bids / "alpha-soft.yaml").unlink()
        (bids / f"alpha-soft{suffix}").write_text(body, encoding="utf-8")
        result = run("validate", rubric, bids)
        assert result.exit_code == 1 and (result.exception is None or isinstance(result.exception, SystemExit))
        assert "number of 200,000 digits is out of range" in result.output
        assert "Traceback" not in result.output and DIGITS[:5000] not in result.output
