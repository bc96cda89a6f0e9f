"""gdanim.theme: one set of colours, read by the scenes, the page and both decks.

The page's stylesheet, the reveal.js deck's colours and the PowerPoint deck's are read back
from what gdanim writes and compared with the theme, for both themes.
"""

from __future__ import annotations

import re

import pytest

from gdanim import theme
from gdanim.config import RenderSpec
from gdanim.lectures.file import Lecture, LectureScene
from gdanim.lectures.results import SceneResult

HEX = re.compile(r"#[0-9A-Fa-f]{6}\b")


def _lecture(name: str) -> Lecture:
    spec = RenderSpec(scene="descent-path", theme=name, width=320, height=180)
    return Lecture((LectureScene("descent-path", spec),), title="Colours")


def _rules(css: str) -> dict[str, str]:
    """Each rule's declarations by selector: ``{"body": "margin: ...; background: ..."}``."""
    return {sel.strip(): body for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)}


def _colour(body: str, prop: str) -> str:
    found = re.search(rf"(?:^|[;\s]){prop}:\s*(#[0-9A-Fa-f]{{6}})", body)
    assert found, f"no {prop} in {body!r}"
    return found.group(1)


def test_the_scenes_read_the_same_theme_by_their_old_names():
    from gdanim.scenes import style

    assert style.THEMES is theme.THEMES and style.Theme is theme.Theme
    assert (style.ORANGE, style.SKY, style.GREEN) == (theme.ORANGE, theme.SKY, theme.GREEN)
    assert style.THEMES["dark"].contour_color(0.0).to_hex() == "#DCE22C"  # as it was drawn


@pytest.mark.parametrize("name", sorted(theme.THEMES))
def test_the_pages_colours_are_the_themes(tmp_path, name):
    from gdanim.lectures.page import write_index

    t = theme.THEMES[name]
    spec = _lecture(name).scenes[0].spec
    failed = SceneResult("descent-path", spec, errors=["no"])
    write_index(str(tmp_path), _lecture(name), [failed], None, {}, [])
    page = (tmp_path / "index.html").read_text()
    rules = _rules(re.search(r"<style>(.*?)</style>", page, re.S).group(1))
    assert _colour(rules["body"], "background").upper() == t.background
    assert _colour(rules["body"], "color").upper() == t.ink
    assert _colour(rules["a"], "color").upper() == t.accent
    assert _colour(rules[".muted, .meta"], "color").upper() == t.muted
    assert _colour(rules["article"], "background").upper() == t.panel
    assert _colour(rules[".failed .error, .status .bad"], "color").upper() == t.warn
    # Every colour on the page but the video's letterbox (black) is one of the theme's.
    named = {v for v in vars(t).values() if isinstance(v, str) and v.startswith("#")}
    used = {c.upper() for c in HEX.findall(rules["body"] + "".join(rules.values()))}
    assert used - {"#000000"} <= named


@pytest.mark.parametrize("name", sorted(theme.THEMES))
def test_the_reveal_decks_colours_are_the_themes(tmp_path, name):
    from gdanim.lectures.reveal import build_reveal

    t = theme.THEMES[name]
    dest, _ = build_reveal(str(tmp_path), "Colours", "none", [], name, (320, 180))
    with open(dest, encoding="utf-8") as fh:
        html = fh.read()
    root = _rules(re.search(r"<style>(.*?)</style>", html, re.S).group(1))[":root"]
    assert _colour(root, "--r-background-color") == t.background
    assert _colour(root, "--r-main-color") == t.ink
    assert _colour(root, "--r-heading-color") == t.ink
    assert _colour(root, "--r-link-color") == t.accent


@pytest.mark.parametrize("name", sorted(theme.THEMES))
def test_the_pptx_decks_colours_are_the_themes(tmp_path, name):
    pptx = pytest.importorskip("pptx")
    from gdanim.lectures.pptx import build_pptx

    t = theme.THEMES[name]
    dest = tmp_path / "deck.pptx"
    build_pptx(str(dest), str(tmp_path), "Colours", "none", [], (320, 180), name)
    slide = pptx.Presentation(str(dest)).slides[0]
    assert "#" + str(slide.background.fill.fore_color.rgb) == t.background
    runs = [r for s in slide.placeholders for p in s.text_frame.paragraphs for r in p.runs]
    assert runs and all("#" + str(r.font.color.rgb) == t.ink for r in runs)


def test_an_unknown_name_reads_as_the_dark_theme():
    assert theme.theme("sepia") is theme.THEMES["dark"]
    assert theme.theme("light") is theme.THEMES["light"]
