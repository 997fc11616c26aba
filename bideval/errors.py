"""Errors as data: every problem with the inputs is a `Problem` carrying its location.

Loading collects all problems of a run before anything is evaluated; the CLI prints them
together and exits 1. Nothing downstream raises on bad input — it returns problems.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int  # 1-based; 0 when the problem concerns the file as a whole
    column: int  # 1-based; 0 when unknown
    message: str

    def __str__(self) -> str:
        if self.line <= 0:
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class InputError(Exception):
    """Raised once, at the end of a loading or evaluation step, with every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the inputs")
        self.problems = sorted(set(problems), key=_sort_key)


def _sort_key(p: Problem) -> tuple:
    # Natural order inside messages, so "cell B6" comes before "cell B10".
    natural = tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", p.message))
    return (p.file, p.line, p.column, natural)
