"""Text from the inputs, made safe to print on a terminal."""

from __future__ import annotations

import re

# Unicode's control characters (category Cc): C0 (NUL … US, with TAB, LF, CR, ESC, BEL), DEL and
# C1 (U+0080 … U+009F, with CSI and OSC). Through them a bid could clear the screen, move the
# cursor, retitle the window or forge output lines.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")


def visible(text: object) -> str:
    """`text` with every control character written out as an escape (ESC → `\\x1b`), so that it
    shows on the console instead of acting on the terminal. Everything else is kept as it is."""
    return _CONTROLS.sub(lambda match: f"\\x{ord(match.group()):02x}", str(text))
