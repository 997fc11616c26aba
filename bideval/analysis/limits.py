"""The bounds of the analysis settings, shared by `bideval analyze` and run.json (audit/archive.py).

A module of constants only, so the CLI can state them in its help without importing the analysis.
"""

from __future__ import annotations

# Monte Carlo samples: run.json has always been held to this; `analyze` refuses more rather than run
# for minutes without a word, and a re-run of an archive is never asked for more than `analyze` takes.
LEAST_SAMPLES = 1
MOST_SAMPLES = 100_000

# Dirichlet concentration: below 0.01 the draws are mostly zeros; above 1e6 they are the published weights.
LEAST_ALPHA = 0.01
MOST_ALPHA = 1e6
