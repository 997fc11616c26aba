"""Zip files bideval writes: entries in the given order, one fixed time, fixed permissions,
so the same files give the same bytes (scorecards, score sheets and archives)."""

from __future__ import annotations

import io
import zipfile
from datetime import date


def deterministic_zip(files: dict[str, bytes], day: date) -> bytes:
    """A zip of `files` (name → bytes) in the given order, every entry dated `day` 00:00."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in files.items():
            info = zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, payload)
    return out.getvalue()
