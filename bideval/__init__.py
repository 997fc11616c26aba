"""bideval — evaluate procurement bids against a published rubric."""

import os

__version__ = "0.5.0"

# Scorecards and score sheets must be the same bytes whether or not lxml is installed: openpyxl
# writes through lxml when it can import it, and decides once, at its first import, from this
# variable. Every bideval import runs this file before any module that imports openpyxl.
# render/excel.py refuses to save a workbook if openpyxl was imported with lxml before bideval.
os.environ["OPENPYXL_LXML"] = "False"
