"""The lecture as a PowerPoint deck (python-pptx): a slide per beat, its clip embedded.

A title slide; then, for each scene, one slide per beat whose clip fills the slide, with the
beat's captions as speaker notes, and a closing slide with the scene's verdict in numbers.
Each clip starts on the presenter's next click (space bar, clicker, or a click anywhere), as
PowerPoint writes "Start: On Click" (:func:`on_click_timing`); until then, and in a printed
or paused deck, it shows its poster, the beat's last frame. The title and closing slides are
laid out for the page, centred. The deck opens in PowerPoint, LibreOffice Impress and Google
Slides. python-pptx is imported only here (``pip install 'gdanim[pptx]'``).
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
#: The margin around the title and closing slides' text, as a share of the short side.
MARGIN = 0.08
#: The presentation's XML namespace.
P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"


def on_click_timing(spid: int, ms: int) -> str:
    """A slide's ``p:timing`` that plays the video shape ``spid`` (``ms`` long) on the next
    click, as PowerPoint writes a video set to "Start: On Click".

    The main sequence holds one click step (``delay="indefinite"``: it waits for a click, the
    space bar or a clicker) with a media "play" effect (``presetClass="mediacall"``,
    ``nodeType="clickEffect"``, ``playFrom(0.0)``) on the video; the media node keeps the
    video shown when stopped; and, as PowerPoint adds for every video, a click on the video
    itself pauses and resumes it (the interactive sequence's ``togglePause``).
    """
    target = f'<p:tgtEl><p:spTgt spid="{spid}"/></p:tgtEl>'
    return (
        f'<p:timing xmlns:p="{P_NS}"><p:tnLst><p:par>'
        '<p:cTn id="1" dur="indefinite" restart="never" nodeType="tmRoot"><p:childTnLst>'
        '<p:seq concurrent="1" nextAc="seek">'
        '<p:cTn id="2" dur="indefinite" nodeType="mainSeq"><p:childTnLst>'
        '<p:par><p:cTn id="3" fill="hold">'
        '<p:stCondLst><p:cond delay="indefinite"/></p:stCondLst><p:childTnLst>'
        '<p:par><p:cTn id="4" fill="hold">'
        '<p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>'
        '<p:par><p:cTn id="5" presetID="1" presetClass="mediacall" presetSubtype="0" '
        'fill="hold" nodeType="clickEffect">'
        '<p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>'
        '<p:cmd type="call" cmd="playFrom(0.0)"><p:cBhvr>'
        f'<p:cTn id="6" dur="{max(ms, 1)}" fill="hold"/>{target}'
        "</p:cBhvr></p:cmd>"
        "</p:childTnLst></p:cTn></p:par>"
        "</p:childTnLst></p:cTn></p:par>"
        "</p:childTnLst></p:cTn></p:par>"
        "</p:childTnLst></p:cTn>"
        '<p:prevCondLst><p:cond evt="onPrev" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl>'
        "</p:cond></p:prevCondLst>"
        '<p:nextCondLst><p:cond evt="onNext" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl>'
        "</p:cond></p:nextCondLst>"
        "</p:seq>"
        '<p:video><p:cMediaNode vol="80000"><p:cTn id="7" fill="hold" display="0">'
        '<p:stCondLst><p:cond delay="indefinite"/></p:stCondLst></p:cTn>'
        f"{target}</p:cMediaNode></p:video>"
        '<p:seq concurrent="1" nextAc="seek">'
        '<p:cTn id="8" restart="whenNotActive" fill="hold" evtFilter="cancelBubble" '
        'nodeType="interactiveSeq">'
        f'<p:stCondLst><p:cond evt="onClick" delay="0">{target}</p:cond></p:stCondLst>'
        '<p:endSync evt="end" delay="0"><p:rtn val="all"/></p:endSync><p:childTnLst>'
        '<p:par><p:cTn id="9" fill="hold">'
        '<p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>'
        '<p:par><p:cTn id="10" fill="hold">'
        '<p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>'
        '<p:par><p:cTn id="11" presetID="2" presetClass="mediacall" presetSubtype="0" '
        'fill="hold" nodeType="clickEffect">'
        '<p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>'
        '<p:cmd type="call" cmd="togglePause"><p:cBhvr>'
        f'<p:cTn id="12" dur="1" fill="hold"/>{target}'
        "</p:cBhvr></p:cmd>"
        "</p:childTnLst></p:cTn></p:par>"
        "</p:childTnLst></p:cTn></p:par>"
        "</p:childTnLst></p:cTn></p:par>"
        "</p:childTnLst>"
        f'<p:nextCondLst><p:cond evt="onClick" delay="0">{target}</p:cond></p:nextCondLst>'
        "</p:cTn></p:seq>"
        "</p:childTnLst></p:cTn></p:par></p:tnLst></p:timing>"
    )


def _set_timing(slide: Any, xml: str) -> None:
    """Replace the slide's ``p:timing`` with ``xml`` (it follows the shapes and transition)."""
    from pptx.oxml import parse_xml

    root = slide._element
    for old in root.findall(f"{{{P_NS}}}timing"):
        root.remove(old)
    timing = parse_xml(xml)
    ext = root.find(f"{{{P_NS}}}extLst")
    if ext is not None:
        ext.addprevious(timing)
    else:
        root.append(timing)


def _fit(shape: Any, left: int, top: int, width: int, height: int, centred: bool) -> None:
    """Place a placeholder in the box given (EMU), its paragraphs centred or left."""
    from pptx.enum.text import PP_ALIGN

    shape.left, shape.top, shape.width, shape.height = left, top, width, height
    for paragraph in shape.text_frame.paragraphs:
        paragraph.alignment = PP_ALIGN.CENTER if centred else PP_ALIGN.LEFT


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

    from ..theme import theme as find_theme

    prs = Presentation()
    w, h = size
    long_side = int(Inches(LONG_SIDE_IN))
    sw = long_side if w >= h else round(long_side * w / h)
    sh = round(long_side * h / w) if w >= h else long_side
    prs.slide_width, prs.slide_height = Emu(sw), Emu(sh)

    colors = find_theme(theme)

    def paint(slide: Any, body_size: int | None = None) -> None:
        """The theme's background and text colours, as the videos have them."""
        slide.background.fill.solid()
        slide.background.fill.fore_color.rgb = RGBColor.from_string(colors.background[1:])
        for shape in slide.placeholders:
            for paragraph in shape.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.color.rgb = RGBColor.from_string(colors.ink[1:])
                    if body_size and shape.placeholder_format.idx != 0:
                        run.font.size = Pt(body_size)

    title = deck_title(title)
    # The layouts' boxes are for a 4:3 page: the text is placed anew on this page.
    margin = round(min(sw, sh) * MARGIN)
    inner = sw - 2 * margin
    first = prs.slides.add_slide(prs.slide_layouts[0])
    first.shapes.title.text = title
    first.placeholders[1].text = subtitle
    _fit(first.shapes.title, margin, round(sh * 0.28), inner, round(sh * 0.24), True)
    _fit(first.placeholders[1], margin, round(sh * 0.55), inner, round(sh * 0.16), True)
    paint(first)
    for scene in scenes:
        for beat in scene.beats:
            slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
            movie = slide.shapes.add_movie(
                os.path.join(out, beat.clip), 0, 0, sw, sh,
                poster_frame_image=os.path.join(out, beat.poster), mime_type="video/mp4",
            )  # fmt: skip
            _set_timing(slide, on_click_timing(movie.shape_id, round(beat.duration * 1000)))
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
        _fit(closing.shapes.title, margin, margin, inner, round(sh * 0.16), True)
        top = margin + round(sh * 0.2)
        _fit(closing.placeholders[1], margin, top, inner, sh - margin - top, False)
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
