"""Reading a results.json back into a `Result` (for `bideval report`), with located errors."""

from __future__ import annotations

from pathlib import Path

from bideval.engine.result import READ_BACK, RESULTS_SCHEMA, Result
from bideval.engine.result_checks import check_result
from bideval.errors import InputError
from bideval.load.strict_yaml import read_document
from bideval.load.validate import validate


def load_results(path: Path) -> Result:
    doc, problems = read_document(path, str(path))
    if doc is None or problems:
        raise InputError(problems)
    result, problems = validate(doc, Result, RESULTS_SCHEMA, context=READ_BACK)
    if result is None:
        raise InputError(problems)
    problems = check_result(result, doc)  # the parts must agree: ids, order, magnitudes
    if problems:
        raise InputError(problems)
    return result
