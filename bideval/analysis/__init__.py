"""Decision analysis: how robust the ranking is, and how consistent the panel (issue 6).

Everything here reads a finished `Result` (or re-runs the pipeline on changed inputs);
nothing changes how bids are scored. Weight analyses use the linear model the rubric
implies: a leaf's score is its points × the share of them the bid earned, so moving
points between criteria moves totals linearly — exact in fractions, before rounding.
Statuses (gates, minimums, thresholds) are held as evaluated.

With the procedures of issue 18: every analysis is made per lot (bids compete only within
their lot, on its criteria, under its award); the totals ranked count each stage's weight and
the bonus and penalty points as evaluated; stage results and a sole applicant's suitability
check are held as evaluated by the weight analyses, and said so beside them (`run.HELD`),
while rank reversal and what-if re-run the whole evaluation and so apply them again.
"""
