"""The room's join link as a QR code, drawn here (segno, no outside service) as PNG bytes."""

from __future__ import annotations

import io

import segno

# A hall: a phone reads a QR code from about ten times its width. A join link (~45 characters) makes a 29×29
# code (version 3, error correction M); at 16 px per module with a 4-module quiet zone it is 592 px wide, so
# shown at that size on a 1920-px projector 4 m wide it is 1.2 m across: readable from ~12 m.
MODULE_PX = 16


def png(url: str, module_px: int = MODULE_PX) -> bytes:
    """PNG bytes of a QR code holding ``url`` (error correction M, black on white, quiet zone of 4 modules)."""
    code = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="png", scale=module_px, border=4, dark="#000000", light="#ffffff")
    return out.getvalue()
