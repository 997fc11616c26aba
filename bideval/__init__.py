"""bideval — evaluate procurement bids against a published rubric."""

__version__ = "0.3.0"
