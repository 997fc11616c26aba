"""Derive the report's bundled fonts from Debian's Nanum Gothic (fonts-nanum 20200506-1).

    python docs/derive_fonts.py /usr/share/fonts/truetype/nanum bideval/render/assets/fonts

Nanum Gothic carries its font designers' Visual TrueType sources (tables TSI0–TSI5): about 200 KB
per font that no renderer reads, but that every PDF subset used to copy and every report paid for
(fontTools passes unknown tables through). Removing them changes no outline, metric or character
map; the glyphs a report draws are Nanum Gothic's, unchanged. The SIL Open Font License reserves
the name "NanumGothic" (in English and Korean) for the original, so a modified copy carries another
name: "Bideval Gothic". Copyright, license and designer entries are kept; OFL.txt ships beside.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools.ttLib import TTFont

SOURCES = {"NanumGothic.ttf": "Regular", "NanumGothicBold.ttf": "Bold"}
FAMILY = "Bideval Gothic"
NOTE = ("Derived from Nanum Gothic 3.021 (Debian fonts-nanum 20200506-1) by removing the Visual "
        "TrueType source tables TSI0-TSI5; renamed as the SIL Open Font License 1.1 requires.")  # fmt: skip
RENAMED = {1, 3, 4, 6, 16, 18, 20}  # family, unique id, full name, PostScript name, typographic family,
# Mac full name, CID findfont name
DROPPED = {7}  # the trademark notice names the original font


def derive(source: Path, target: Path, style: str) -> None:
    font = TTFont(source)
    for tag in ("TSI0", "TSI1", "TSI2", "TSI3", "TSI5"):
        del font[tag]
    postscript = f"{FAMILY.replace(' ', '')}-{style}"
    names = font["name"]
    names.names = [n for n in names.names if n.nameID not in DROPPED]
    for record in names.names:
        if record.nameID in RENAMED:
            full = f"{FAMILY} {style}".replace(" Regular", "")
            text = {1: FAMILY, 16: FAMILY, 4: full, 18: full}.get(record.nameID, postscript)
            record.string = text
    names.setName(NOTE, 10, 3, 1, 0x409)
    font.save(target)


def main() -> None:
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    for name, style in SOURCES.items():
        derive(source / name, target / f"BidevalGothic-{style}.ttf", style)


if __name__ == "__main__":
    main()
