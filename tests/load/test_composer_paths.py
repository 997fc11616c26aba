"""The LibYAML fast path and the pure-Python composer must read and refuse the same things."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bideval.load import strict_yaml

TEXT = 'schema: x\nprice: 100\nshare: 0.25\nname: "NO"\nwhen: 2025-01-02\nlist: [1, 2]\n'


@pytest.fixture(params=[True, False], ids=["libyaml", "pure-python"])
def path(request, monkeypatch):
    if request.param and not strict_yaml._LIBYAML:
        pytest.skip("PyYAML built without LibYAML")
    monkeypatch.setattr(strict_yaml, "_LIBYAML", request.param)


def test_same_values_and_marks(path):
    doc, problems = strict_yaml.parse_text(TEXT, "f.yaml")
    assert problems == []
    assert doc.data["price"] == 100 and doc.data["share"] == Decimal("0.25") and doc.data["name"] == "NO"
    assert doc.locate(("share",)) == (3, 8) and doc.locate(("list", 1)) == (6, 11)


@pytest.mark.parametrize(("text", "line", "words"), [
    ("a: &x 1\nb: *x\n", 1, "anchors"),
    ("a: 1\nb: !!python/object:os.system x\n", 2, "tags"),
    ("a: 1\nb: ! 5\n", 2, "tags"),
    ("a: 1\nb: [1, 2\n", 2, "not valid YAML"),  # the file's last line, not the end of the stream after it
])  # fmt: skip
def test_same_refusals(path, text, line, words):
    doc, problems = strict_yaml.parse_text(text, "f.yaml")
    assert doc is None and problems[0].line == line and words in problems[0].message
