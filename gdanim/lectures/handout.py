"""A PDF handout: one page per beat with its last frame and its captions (Pillow).

For students, and for sharing without video. Pages are A4 landscape at 150 dpi; the text is
set in DejaVu Sans where the system has it (Pillow's own font otherwise).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import Any

from ..fileio import private_dir
from .decks import FIXED_TIME, SceneDeck, closing_title

PAGE = (1754, 1240)  # A4 landscape at 150 dpi
DPI = 150.0
MARGIN = 80
FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)


def _font(size: int) -> Any:
    from PIL import ImageFont

    for path in FONT_FILES:
        if os.path.isfile(path):
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _text(draw: Any, xy: tuple[int, int], text: str, size: int, fill: str, width: int) -> int:
    """``text`` wrapped to ``width`` pixels from ``xy``; returns the y below it."""
    font = _font(size)
    x, y = xy
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            wider = f"{line} {word}".strip()
            if line and font.getlength(wider) > width:
                draw.text((x, y), line, font=font, fill=fill)
                y += int(size * 1.35)
                line = word
            else:
                line = wider
        draw.text((x, y), line, font=font, fill=fill)
        y += int(size * 1.35)
    return y


def build_handout(dest: str, out: str, title: str, subtitle: str,
                  scenes: Sequence[SceneDeck]) -> int:  # fmt: skip
    """Write the handout to ``dest`` (atomically); returns its number of pages."""
    from PIL import Image, ImageDraw

    pages = []
    cover = Image.new("RGB", PAGE, "white")
    draw = ImageDraw.Draw(cover)
    y = _text(draw, (MARGIN, 420), title, 64, "#1d1d1f", PAGE[0] - 2 * MARGIN)
    _text(draw, (MARGIN, y + 30), subtitle, 32, "#5b6570", PAGE[0] - 2 * MARGIN)
    pages.append(cover)
    width = PAGE[0] - 2 * MARGIN
    for scene in scenes:
        for beat in scene.beats:
            page = Image.new("RGB", PAGE, "white")
            draw = ImageDraw.Draw(page)
            head = f"{scene.name} · {beat.index} of {len(scene.beats)}"
            _text(draw, (MARGIN, MARGIN - 30), head, 26, "#5b6570", width)
            with Image.open(os.path.join(out, beat.last)) as frame:
                shot = frame.convert("RGB")
            box_h = int(PAGE[1] * 0.66)
            scale = min(width / shot.width, box_h / shot.height)
            shot = shot.resize((round(shot.width * scale), round(shot.height * scale)),
                               Image.Resampling.LANCZOS)  # fmt: skip
            top = MARGIN + 20
            page.paste(shot, (MARGIN + (width - shot.width) // 2, top))
            _text(draw, (MARGIN, top + shot.height + 30), beat.text, 28, "#1d1d1f", width)
            pages.append(page)
        page = Image.new("RGB", PAGE, "white")
        draw = ImageDraw.Draw(page)
        y = _text(draw, (MARGIN, MARGIN), closing_title(scene), 44, "#1d1d1f", width)
        for line in scene.verdict or (scene.summary,):
            y = _text(draw, (MARGIN, y + 24), f"• {line}", 30, "#1d1d1f", width)
        pages.append(page)
    stamp = time.strptime(
        "{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}".format(*FIXED_TIME), "%Y-%m-%d %H:%M:%S"
    )
    with private_dir(dest) as tmp:
        part = os.path.join(tmp, "handout.pdf")
        pages[0].save(
            part, "PDF", resolution=DPI, save_all=True, append_images=pages[1:], title=title,
            author="gdanim", creationDate=stamp, modDate=stamp,
        )  # fmt: skip
        os.replace(part, dest)
    return len(pages)
