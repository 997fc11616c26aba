"""Decision analysis: how robust the ranking is, and how consistent the panel (issue 6).

Everything here reads a finished `Result` (or re-runs the pipeline on changed inputs);
nothing changes how bids are scored. Weight analyses use the linear model the rubric
implies: a leaf's score is its points × the share of them the bid earned, so moving
points between criteria moves totals linearly — exact in fractions, before rounding.
Statuses (gates, minimums, thresholds) are held as evaluated.
"""
