"""A PDF handout: one page per beat with its last frame beside its captions, as real text.

For students, and for sharing without video. Every word on a page is text (the title, each
scene's heading and what it teaches, the captions with the run's numbers, the verdicts), so
the handout is searchable and copyable, and a screen reader reads it: the PDF is tagged
(headings, paragraphs, and each frame a figure whose alternative text is its captions), with
a bookmark per scene and its language set. Pages are A4 landscape; the text is set in DejaVu
Sans where the system has it (the PDF's own Helvetica otherwise). fpdf2 is imported only here
(``pip install 'gdanim[handout]'``).
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
import re
from collections.abc import Iterator, Sequence

from ..errors import InputError
from ..fileio import private_dir
from .decks import FIXED_TIME, SceneDeck, closing_title

#: A4 landscape, in millimetres.
PAGE_W, PAGE_H = 297.0, 210.0
MARGIN = 14.0
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
INK, MUTED = (29, 29, 31), (91, 101, 112)


def check_available() -> None:
    """One line when fpdf2 is not installed."""
    try:
        import fpdf  # noqa: F401
    except ImportError:
        raise InputError("--handout needs fpdf2: pip install 'gdanim[handout]'") from None


def _fonts() -> dict[str, str] | None:
    """DejaVu Sans, regular and bold, where the system has them."""
    for folder in FONT_DIRS:
        paths = {style: os.path.join(folder, name) for style, name in FONT_FILES.items()}
        if all(os.path.isfile(p) for p in paths.values()):
            return paths
    return None


class _Writer:
    """The handout's pages, drawn with fpdf2, every piece of text tagged for its role."""

    def __init__(self, title: str) -> None:
        from fpdf import FPDF

        pdf = FPDF(orientation="L", unit="mm", format="A4")
        pdf.set_auto_page_break(False)
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_title(title)
        pdf.set_author("gdanim")
        pdf.set_creator("gdanim")
        pdf.set_producer("gdanim")
        pdf.set_lang("en")
        pdf.set_creation_date(datetime.datetime(*FIXED_TIME, tzinfo=datetime.UTC))
        pdf.set_display_mode("fullpage")
        fonts = _fonts()
        if fonts:
            for style, path in fonts.items():
                pdf.add_font("DejaVu", style, path)
            self.family = "DejaVu"
        else:
            self.family = "Helvetica"
        self.unicode = fonts is not None
        # fpdf2 tags images itself; text is tagged through its marked-content calls.
        self.tags = hasattr(pdf, "_add_marked_content") and hasattr(pdf, "struct_builder")
        self.pdf = pdf

    def text(self, s: str) -> str:
        """``s`` as the font can set it (Helvetica has Latin-1 only)."""
        if self.unicode:
            return s
        return s.encode("latin-1", "replace").decode("latin-1")

    @contextlib.contextmanager
    def tagged(self, role: str) -> Iterator[None]:
        """What is drawn inside, marked as one structure element (``P``, ``H1``, ``H2``)."""
        pdf = self.pdf
        if not self.tags:
            yield
            return
        mcid = pdf.struct_builder.next_mcid_for_page(pdf.page)
        pdf._add_marked_content(struct_type=f"/{role}", mcid=mcid)
        pdf._out(f"/{role} <</MCID {mcid}>> BDC")
        yield
        pdf._out("EMC")

    def para(self, s: str, size: float, *, bold: bool = False, color: tuple[int, int, int] = INK,
             align: str = "L", x: float | None = None, w: float = 0.0,
             role: str = "P") -> None:  # fmt: skip
        """A paragraph from the cursor (at ``x`` mm if given), wrapped to ``w`` mm (0: to the
        right margin), tagged as ``role``."""
        pdf = self.pdf
        pdf.set_font(self.family, "B" if bold else "", size)
        pdf.set_text_color(*color)
        if x is not None:
            pdf.set_x(x)
        with self.tagged(role):
            pdf.multi_cell(w, size * 0.5, self.text(s), align=align, new_x="LEFT", new_y="NEXT")

    def bookmark(self, name: str) -> None:
        """A bookmark here (the outline a reader's sidebar shows)."""
        self.pdf.start_section(self.text(name), level=0)


def build_handout(dest: str, out: str, title: str, subtitle: str,
                  scenes: Sequence[SceneDeck]) -> int:  # fmt: skip
    """Write the handout to ``dest`` (atomically); returns its number of pages."""
    check_available()
    w = _Writer(title)
    pdf = w.pdf
    width = PAGE_W - 2 * MARGIN
    gap = 8.0

    pdf.add_page()
    pdf.set_y(PAGE_H * 0.36)
    w.para(title, 30, bold=True, align="C", role="H1")
    pdf.ln(4)
    w.para(subtitle, 15, color=MUTED, align="C")
    for scene in scenes:
        for beat in scene.beats:
            pdf.add_page()
            pdf.set_y(MARGIN)
            if beat.index == 1:
                w.bookmark(scene.name)
            head = f"{scene.name} · beat {beat.index} of {len(scene.beats)}"
            w.para(head, 15, bold=True, role="H2")
            note = f"{_clock(beat.start)} to {_clock(beat.end)} of the scene"
            if beat.index == 1:
                note = f"{scene.summary[0].upper()}{scene.summary[1:]}. {note}"
            w.para(note, 10.5, color=MUTED)
            pdf.ln(3)
            top = pdf.get_y()
            frame = os.path.join(out, beat.last)
            img_w, img_h = _image_size(frame)
            scale = min(width * 0.64 / img_w, (PAGE_H - top - MARGIN) / img_h)
            shown_w, shown_h = img_w * scale, img_h * scale
            alt = f"{scene.name}, the last frame of beat {beat.index}"
            pdf.image(frame, x=MARGIN, y=top, w=shown_w, h=shown_h, alt_text=w.text(alt))
            pdf.set_y(top)
            # A beat's caption as one paragraph, set again for the column: the captions' own
            # line breaks (42 characters for a screen) cut "w = 0, b" from "= 0" here.
            w.para(prose(beat.text), 12.5, x=MARGIN + shown_w + gap, w=width - shown_w - gap)
            pdf.ln(2.5)
        pdf.add_page()
        pdf.set_y(MARGIN)
        if not scene.beats:
            w.bookmark(scene.name)
        w.para(closing_title(scene), 20, bold=True, role="H2")
        pdf.ln(3)
        for line in scene.verdict or (scene.summary,):
            w.para(f"• {line}", 14)
            pdf.ln(2)
    count = pdf.pages_count
    # fontTools reports each step of subsetting the fonts at INFO, to whatever logging the
    # process has set up (manim's, in a lecture): not the user's business.
    quiet = logging.getLogger("fontTools")
    level = quiet.level
    quiet.setLevel(logging.WARNING)
    try:
        with private_dir(dest) as tmp:
            part = os.path.join(tmp, "handout.pdf")
            pdf.output(part)
            os.replace(part, dest)
    finally:
        quiet.setLevel(level)
    return count


def prose(text: str) -> str:
    """Caption text as one paragraph, an equation never broken at its sign ("b = 0" stays
    on one line: no-break spaces around "=")."""
    flat = " ".join(text.split())
    return re.sub(r" ([=≈<>≤≥]) ", "\u00a0\\1\u00a0", flat)


def _image_size(path: str) -> tuple[float, float]:
    from PIL import Image

    with Image.open(path) as im:
        return float(im.width), float(im.height)


def _clock(seconds: float) -> str:
    s = int(seconds + 1e-6)
    return f"{s // 60}:{s % 60:02d}"
