"""The lecture as a PowerPoint deck (python-pptx): a slide per beat, its clip embedded.

A title slide; then, for each scene, one slide per beat whose clip fills the slide (it plays
on click; its poster is the beat's first frame) with the beat's captions as speaker notes,
and a closing slide with the scene's verdict in numbers. The deck opens in PowerPoint,
LibreOffice Impress and Google Slides. python-pptx is imported only here
(``pip install 'gdanim[pptx]'``).
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from typing import Any

from ..errors import InputError
from ..fileio import private_dir
from .decks import FIXED_TIME, SceneDeck, closing_title, fixed_zip_times

#: The long side of a slide, in inches (PowerPoint's widescreen slide is 13.333 x 7.5).
LONG_SIDE_IN = 13.333


def check_available() -> None:
    """One line when python-pptx is not installed."""
    try:
        import pptx  # noqa: F401
    except ImportError:
        raise InputError("--pptx needs python-pptx: pip install 'gdanim[pptx]'") from None


def deck_title(title: str) -> str:
    """The lecture's title as a deck can hold it: XML takes no control characters, and a
    title slide shows a line or two (the document property takes at most 255 characters)."""
    title = " ".join("".join(c if c.isprintable() else " " for c in title).split())
    return title if len(title) <= 120 else title[:119].rstrip() + "…"


def build_pptx(
    dest: str, out: str, title: str, subtitle: str, scenes: Sequence[SceneDeck],
    size: tuple[int, int], theme: str = "dark",
) -> int:  # fmt: skip
    """Write the deck to ``dest`` (atomically); ``out`` is the folder the beats' paths are
    relative to, ``size`` the videos' pixel size. Returns the number of slides."""
    check_available()
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Emu, Inches, Pt

    from .page import PAGE_COLORS

    prs = Presentation()
    w, h = size
    long_side = int(Inches(LONG_SIDE_IN))
    sw = long_side if w >= h else round(long_side * w / h)
    sh = round(long_side * h / w) if w >= h else long_side
    prs.slide_width, prs.slide_height = Emu(sw), Emu(sh)

    colors = PAGE_COLORS.get(theme, PAGE_COLORS["dark"])

    def paint(slide: Any, body_size: int | None = None) -> None:
        """The theme's background and text colours, as the videos have them."""
        slide.background.fill.solid()
        slide.background.fill.fore_color.rgb = RGBColor.from_string(colors["bg"][1:])
        for shape in slide.placeholders:
            for paragraph in shape.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.color.rgb = RGBColor.from_string(colors["fg"][1:])
                    if body_size and shape.placeholder_format.idx != 0:
                        run.font.size = Pt(body_size)

    title = deck_title(title)
    first = prs.slides.add_slide(prs.slide_layouts[0])
    first.shapes.title.text = title
    first.placeholders[1].text = subtitle
    paint(first)
    for scene in scenes:
        for beat in scene.beats:
            slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
            slide.shapes.add_movie(
                os.path.join(out, beat.clip), 0, 0, sw, sh,
                poster_frame_image=os.path.join(out, beat.poster), mime_type="video/mp4",
            )  # fmt: skip
            slide.notes_slide.notes_text_frame.text = (
                f"{scene.name}, beat {beat.index} of {len(scene.beats)} "
                f"({beat.duration:.1f} s)\n{beat.text}"
            )
        closing = prs.slides.add_slide(prs.slide_layouts[1])  # title and content
        closing.shapes.title.text = closing_title(scene)
        body = closing.placeholders[1].text_frame
        body.text = scene.verdict[0] if scene.verdict else scene.summary
        for line in scene.verdict[1:]:
            body.add_paragraph().text = line
        paint(closing, body_size=20)
        closing.notes_slide.notes_text_frame.text = scene.summary
    props = prs.core_properties
    props.title = title
    props.author = props.last_modified_by = "gdanim"
    props.created = props.modified = datetime.datetime(*FIXED_TIME)
    props.revision = 1
    with private_dir(dest) as tmp:
        part = os.path.join(tmp, "deck.pptx")
        prs.save(part)
        fixed_zip_times(part)
        os.replace(part, dest)
    return len(prs.slides)
