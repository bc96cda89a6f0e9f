"""Layout checks of a built scene, from the mobjects' bounding boxes (no pixels rendered).

:func:`check_layout` looks at the scene as the viewer sees it: every point goes through the
camera's own ``transform_points_pre_display``, so a 3D scene's projected mobjects, its
fixed-in-frame texts and its pinned (fixed-orientation) labels land where they are drawn.

It reports, as sentences:

1. anything visible that lies outside the frame (beyond :data:`FRAME_TOLERANCE_PX`);
2. texts (``Text``, ``MathTex``/``Tex``, ``GlyphNumber``) closer than :data:`TEXT_GAP_PX`;
   invisible texts (opacity 0) are left out; numbers side by side on one row (tick labels,
   a rate line's rates) closer than :data:`NUMBER_GAP_PX`, a word space with room to spare,
   so "0.001" and "0.002" never read as "0.0010.002" (a number's own dot leaves a gap of a
   few px, so two numbers :data:`TEXT_GAP_PX` apart read as one);
   and in the 2D scenes, texts crossed by a plotted stroke (a curve, a path, a contour line,
   a fitted line) unless an opaque backdrop is painted between them;
3. texts whose capital letters / digits are under :data:`MIN_TEXT_PX` tall at 480p. A text's
   size comes from its font size and how much it was scaled since it was typeset, never from
   its bounding box, so a rotated axis label is judged by its glyphs;
4. plot axes with fewer than :data:`MIN_TICK_LABELS` tick labels (every ``Panel``'s two axes
   and the learning-rate line). An axis without any label is fine when a neighbouring panel
   with the same range, in the same row or column, labels it (small multiples); that
   neighbour's own count is what gets judged;
5. notes a reader needs to read a plot right, dropped for room: a log axis whose name does
   not say "log" (an unnamed one is fine where a neighbour with the same range, in the same
   row or column, names it), and a contour map not to scale that does not say so, on its
   name or on its plot (a map whose scene says its stretch in words of its own, built with
   ``say_scale=False``, is left out; of maps of one view at one size, one may say it for all).

:func:`checked_build` builds a scene with every animation skipped, as
``scene_tools.build_scene`` does, and runs the check after every ``play()`` (``wait()`` is a
``play`` of ``Wait``) and on the final state.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import math
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from manim import Line, Mobject, Scene, SingleStringMathTex, Text, VMobject, tempconfig
from manim.camera.three_d_camera import ThreeDCamera

MIN_TEXT_PX = 12.0  # capital-letter height at 480p
REFERENCE_PX = 480  # the short side of the frame the size rule is stated for
FRAME_TOLERANCE_PX = 1.0
OVERLAP_TOLERANCE_PX = 1.0  # a stroke may graze a text's box by this much
TEXT_GAP_PX = 2.0  # the least gap between two texts' boxes
NUMBER_GAP_PX = 8.0  # the least gap between two numbers side by side on one row
BACKDROP_OPACITY = 0.8  # a fill at least this opaque hides the strokes under it
MIN_TICK_LABELS = 3
# Height of a capital (an upright "H") of MathTex per point of font size, in scene units:
# measured once (MathTex("H", font_size=54) is 0.3833 units tall), so checking a scene never
# runs LaTeX.
TEX_CAP_PER_POINT = 0.3833 / 54
# Text is scaled so that its size in points is proportional to its height: measured in the
# scene's own font by typesetting "H" (cached per font).
CAP_SAMPLE_SIZE = 48.0


# ------------------------------------------------------------------------------ geometry


class View:
    """The camera of a built scene: projection, frame bounds, pixels per scene unit."""

    def __init__(self, scene: Any) -> None:
        cam = scene.renderer.camera
        self.cam = cam
        self.three_d = isinstance(cam, ThreeDCamera)
        if self.three_d:
            cam.reset_rotation_matrix()  # from the trackers, as the next frame would
            centre = np.zeros(3)
        else:
            centre = np.asarray(cam.frame_center, dtype=np.float64)
        self.w, self.h = float(cam.frame_width), float(cam.frame_height)
        self.lo = centre[:2] - np.array([self.w, self.h]) / 2
        self.hi = centre[:2] + np.array([self.w, self.h]) / 2
        # The size rule is for 480p: px per unit of a frame whose short side has 480 px.
        self.px = REFERENCE_PX / min(self.w, self.h)
        # What the scene is really rendered at, for the record.
        self.render_px = float(cam.pixel_height) / self.h

    def points(self, m: Mobject) -> np.ndarray:
        """``m``'s own points where they are drawn, ``(n, 2)`` (non-finite points dropped)."""
        pts = np.asarray(m.points, dtype=np.float64)
        if not len(pts):
            return np.zeros((0, 2))
        pts = pts[np.all(np.isfinite(pts), axis=1)]
        if not len(pts):
            return np.zeros((0, 2))
        if self.three_d:
            pts = self.cam.transform_points_pre_display(m, pts)
        return pts[:, :2]

    def family_points(self, m: Mobject) -> np.ndarray:
        parts = [self.points(s) for s in m.family_members_with_points()]
        parts = [p for p in parts if len(p)]
        return np.concatenate(parts) if parts else np.zeros((0, 2))


def visible(m: Mobject) -> bool:
    """Whether ``m`` itself (not its family) paints anything."""
    if type(m).__name__ == "ValueTracker" or not len(m.points):
        return False
    if not isinstance(m, VMobject):
        return True
    fill = np.asarray(m.get_fill_opacities(), dtype=np.float64)
    if fill.size and float(np.max(fill)) > 0:
        return True
    stroke = np.asarray(m.get_stroke_opacities(), dtype=np.float64)
    width = float(np.max(np.atleast_1d(m.get_stroke_width())))
    return bool(stroke.size and float(np.max(stroke)) > 0 and width > 0)


def is_text(m: Mobject) -> bool:
    return isinstance(m, (Text, SingleStringMathTex)) or type(m).__name__ == "GlyphNumber"


def describe_text(m: Mobject) -> str:
    if isinstance(m, Text):
        words = " ".join(str(m.original_text).split())
        return f"text {_short(words)!r}"
    if isinstance(m, SingleStringMathTex):
        return f"tex {_short(' '.join(str(m.tex_string).split()))!r}"
    if type(m).__name__ == "GlyphNumber":
        return "number"  # its value changes from beat to beat; the finding should not
    return type(m).__name__


def _short(s: str, n: int = 40) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


# ------------------------------------------------------------------------------ the scene


@dataclass
class Item:
    """A text, or another mobject that paints, with the widgets it sits in."""

    mob: Mobject
    owners: tuple[str, ...]
    box: np.ndarray = field(default_factory=lambda: np.zeros((2, 2)))  # (lo, hi) on screen


def _is_widget(m: Mobject) -> bool:
    """A mobject class of the project (a panel, a readout...), not one of manim's."""
    return not type(m).__module__.startswith("manim") and not is_text(m)


def known_mobjects(scene: Any) -> list[Mobject]:
    """The scene's mobjects and those it keeps as attributes (not all of which are added)."""
    out = list(scene.mobjects)
    for v in vars(scene).values():
        if isinstance(v, Mobject):
            out.append(v)
        elif isinstance(v, (list, tuple)):
            out += [x for x in v if isinstance(x, Mobject)]
    return out


def widget_owners(scene: Any) -> dict[int, tuple[str, ...]]:
    """For each mobject, the project widgets it belongs to, outermost first."""
    widgets: dict[int, Mobject] = {}
    for top in known_mobjects(scene):
        for m in top.get_family():
            if _is_widget(m):
                widgets[id(m)] = m
    owners: dict[int, list[tuple[int, str]]] = {}
    for w in widgets.values():
        family = w.get_family()
        for m in family:
            if m is not w:
                owners.setdefault(id(m), []).append((-len(family), type(w).__name__))
    return {k: tuple(dict.fromkeys(n for _, n in sorted(v))) for k, v in owners.items()}


def collect(scene: Any, view: View) -> tuple[list[Item], list[Item]]:
    """Visible texts (outermost only) and every other visible mobject of the scene."""
    texts: list[Item] = []
    others: list[Item] = []
    seen: set[int] = set()
    owners = widget_owners(scene)

    def walk(m: Mobject) -> None:
        if id(m) in seen:
            return
        seen.add(id(m))
        mine = owners.get(id(m), ())
        if view.three_d and m in view.cam.fixed_orientation_mobjects:
            mine = (*mine, "pinned 3D label")
        if is_text(m):
            painted = [s for s in m.family_members_with_points() if visible(s)]
            pts = [view.points(s) for s in painted]
            pts = [p for p in pts if len(p)]
            if pts:
                allp = np.concatenate(pts)
                texts.append(Item(m, mine, np.array([allp.min(axis=0), allp.max(axis=0)])))
            return
        if visible(m):
            p = view.points(m)
            if len(p):
                others.append(Item(m, mine, np.array([p.min(axis=0), p.max(axis=0)])))
        for sub in m.submobjects:
            walk(sub)

    for top in scene.mobjects:
        walk(top)
    return texts, others


def owner_text(owners: tuple[str, ...]) -> str:
    return f" (in {' > '.join(owners)})" if owners else ""


# ------------------------------------------------------------------------------ 1. frame


def outside_frame(view: View, texts: list[Item], others: list[Item]) -> list[str]:
    tol = FRAME_TOLERANCE_PX / view.px
    out: list[str] = []
    for item in [*texts, *others]:
        lo, hi = item.box
        over = {
            "left": view.lo[0] - lo[0],
            "right": hi[0] - view.hi[0],
            "bottom": view.lo[1] - lo[1],
            "top": hi[1] - view.hi[1],
        }
        sides = [f"{side} by {d * view.px:.0f} px" for side, d in over.items() if d > tol]
        if sides:
            what = describe_text(item.mob) if is_text(item.mob) else type(item.mob).__name__
            out.append(f"{what}{owner_text(item.owners)} is outside the frame: {', '.join(sides)}")
    return sorted(set(out))


# ------------------------------------------------------------------------------ 2. overlaps


def overlapping_texts(view: View, texts: list[Item]) -> list[str]:
    if len(texts) < 2:
        return []
    half_gap = TEXT_GAP_PX / 2 / view.px
    lo = np.array([t.box[0] for t in texts]) - half_gap
    hi = np.array([t.box[1] for t in texts]) + half_gap
    both = np.minimum(hi[:, None, :], hi[None, :, :]) - np.maximum(lo[:, None, :], lo[None, :, :])
    hit = (both[..., 0] > 0) & (both[..., 1] > 0)
    out = []
    for i, j in zip(*np.nonzero(np.triu(hit, 1)), strict=True):
        a, b = texts[int(i)], texts[int(j)]
        if a.mob in b.mob.get_family() or b.mob in a.mob.get_family():
            continue
        w, h = both[i, j] * view.px
        out.append(
            f"{describe_text(a.mob)} overlaps {describe_text(b.mob)} "
            f"({w - TEXT_GAP_PX:.0f} x {h - TEXT_GAP_PX:.0f} px, "
            f"closer than {TEXT_GAP_PX:.0f} px)"
        )
    return sorted(set(out))


#: A number as a label writes it: digits, signs, separators, a power of ten or a scale.
NUMBER = re.compile(r"[\d.,+\-−×()⁰¹²³⁴⁵⁶⁷⁸⁹⁻ ]*\d[\d.,+\-−×()⁰¹²³⁴⁵⁶⁷⁸⁹⁻ ]*")


def _number(item: Item) -> bool:
    return isinstance(item.mob, Text) and bool(NUMBER.fullmatch(str(item.mob.original_text)))


def numbers_run_together(view: View, texts: list[Item]) -> list[str]:
    """Numbers side by side on one row (each over half the other's height) with less than
    :data:`NUMBER_GAP_PX` between them: they read as one number."""
    nums = [t for t in texts if _number(t)]
    out = []
    for a, b in itertools.combinations(nums, 2):
        (alo, ahi), (blo, bhi) = a.box * view.px, b.box * view.px
        rows = min(ahi[1], bhi[1]) - max(alo[1], blo[1])
        if rows <= 0.5 * min(ahi[1] - alo[1], bhi[1] - blo[1]):
            continue
        gap = max(blo[0] - ahi[0], alo[0] - bhi[0])
        if gap < NUMBER_GAP_PX:
            left, right = (a, b) if alo[0] <= blo[0] else (b, a)
            out.append(
                f"{describe_text(left.mob)} and {describe_text(right.mob)}"
                f"{owner_text(left.owners)} run together ({max(gap, 0):.1f} px apart, "
                f"needs {NUMBER_GAP_PX:g})"
            )
    return sorted(set(out))


#: Strokes the check holds texts clear of: what a panel plots (contour lines, paths, loss
#: curves, fitted lines: plain ``VMobject`` polylines). Frames, ticks, arrows and the 3D
#: scene's mesh are left out (a tick label sits by its tick by design).
PLOTTED = ("DescentTrail", "LossContours")


def _plotted(item: Item) -> bool:
    return type(item.mob) is VMobject and (
        not item.owners or any(w in PLOTTED for w in item.owners)
    )


def _segments_hit(pts: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> bool:
    """Whether the polyline through ``pts`` (a stroke's points) enters the box ``lo``-``hi``."""
    if len(pts) < 2:
        return False
    p, q = pts[:-1], pts[1:]
    d = q - p
    t0 = np.zeros(len(p))
    t1 = np.ones(len(p))
    ok = np.ones(len(p), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for k in (0, 1):
            par = d[:, k] == 0
            ok &= ~(par & ((lo[k] - p[:, k] > 0) | (hi[k] - p[:, k] < 0)))
            ta = np.where(par, -np.inf, (lo[k] - p[:, k]) / d[:, k])
            tb = np.where(par, np.inf, (hi[k] - p[:, k]) / d[:, k])
            t0 = np.maximum(t0, np.minimum(ta, tb))
            t1 = np.minimum(t1, np.maximum(ta, tb))
    return bool(np.any(ok & (t0 <= t1)))


def texts_on_strokes(view: View, texts: list[Item], others: list[Item]) -> list[str]:
    """Texts crossed by a plotted stroke painted before no opaque backdrop of theirs."""
    if view.three_d:
        return []
    tol = OVERLAP_TOLERANCE_PX / view.px
    order = {id(item.mob): k for k, item in enumerate(others)}
    strokes = [
        o for o in others
        if _plotted(o)
        and float(np.max(np.atleast_1d(o.mob.get_stroke_width()))) > 0
        and float(np.max(np.asarray(o.mob.get_stroke_opacities(), dtype=np.float64))) > 0
        and not _filled(o.mob)
    ]  # fmt: skip
    backdrops = [o for o in others if isinstance(o.mob, VMobject) and _filled(o.mob)]
    out = []
    for t in texts:
        lo, hi = t.box[0] + tol, t.box[1] - tol
        if np.any(hi <= lo):
            continue
        for s in strokes:
            slo, shi = s.box
            if np.any(shi < lo) or np.any(slo > hi):
                continue
            if not _segments_hit(view.points(s.mob), lo, hi):
                continue
            covered = any(
                order[id(b.mob)] > order[id(s.mob)]
                and np.all(b.box[0] <= t.box[0] + tol)
                and np.all(b.box[1] >= t.box[1] - tol)
                for b in backdrops
            )
            if not covered:
                what = " > ".join(s.owners) or type(s.mob).__name__
                out.append(f"{describe_text(t.mob)} lies on a stroke of {what}")
                break
    return sorted(set(out))


def _filled(m: VMobject) -> bool:
    fill = np.asarray(m.get_fill_opacities(), dtype=np.float64)
    return bool(fill.size and float(np.max(fill)) >= BACKDROP_OPACITY)


# ------------------------------------------------------------------------------ 3. text size

_REFERENCE: dict[tuple[Any, ...], tuple[int, float]] = {}
_CAP: dict[str, float] = {}
_TYPESET_DIR: list[str] = []


@contextlib.contextmanager
def _scratch() -> Iterator[None]:
    """Typeset reference texts into a private folder, never the project's media."""
    if not _TYPESET_DIR:
        _TYPESET_DIR.append(tempfile.mkdtemp(prefix="layout-check-"))
        atexit.register(shutil.rmtree, _TYPESET_DIR[0], ignore_errors=True)
    with tempconfig({"media_dir": _TYPESET_DIR[0], "verbosity": "ERROR"}):
        yield


def _rms(pts: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.sum((pts - pts.mean(axis=0)) ** 2, axis=1))))


def _text_reference(m: Text) -> tuple[int, float]:
    """Point count and spread of ``m`` as typeset, before any scaling or rotation."""
    size = m._font_size
    # Text keeps its line spacing as size * (1 + the spacing it was given).
    spacing = round((m.line_spacing - size) / size, 9) if size else -1
    key = (m.original_text, m.font, size, m.slant, m.weight, spacing)
    if key not in _REFERENCE:
        with _scratch():
            fresh = Text(
                m.original_text, font=m.font, font_size=size, slant=m.slant, weight=m.weight,
                line_spacing=spacing,
            )  # fmt: skip
        pts = np.concatenate([s.points for s in fresh.family_members_with_points()])[:, :2]
        _REFERENCE[key] = (len(pts), _rms(pts))
    return _REFERENCE[key]


def _cap_per_point(font: str) -> float:
    if font not in _CAP:
        with _scratch():
            h = Text("H", font=font, font_size=CAP_SAMPLE_SIZE)
        _CAP[font] = h.height / CAP_SAMPLE_SIZE
    return _CAP[font]


def cap_height(view: View, m: Mobject) -> float | None:
    """Height of a capital letter or digit of ``m`` on screen, in scene units."""
    if isinstance(m, Text):
        n, rms0 = _text_reference(m)
        pts = np.concatenate([view.points(s) for s in m.family_members_with_points()])
        # Scaling multiplies the spread of the points, rotation leaves it be; a text that
        # re-typesets differently is taken as upright.
        upright = m.height / m.initial_height
        scale = _rms(pts) / rms0 if len(pts) == n and rms0 > 0 else upright
        return scale * m._font_size * _cap_per_point(m.font)
    if isinstance(m, SingleStringMathTex):
        return float(m.font_size) * TEX_CAP_PER_POINT
    if type(m).__name__ == "GlyphNumber":
        ruler = view.points(m.ruler)
        if len(ruler) < 2:
            return None
        cell = float(np.linalg.norm(ruler[-1] - ruler[0]))
        digit = m.table["1"][0] if "1" in m.table else next(iter(m.table.values()))[0]
        return cell / m.advance * float(digit.height)
    return None


def small_texts(view: View, texts: list[Item]) -> list[str]:
    """One sentence per widget and size: a panel's tick labels are one finding, not ten."""
    groups: dict[tuple[tuple[str, ...], float], list[str]] = {}
    for item in texts:
        h = cap_height(view, item.mob)
        if h is not None and h * view.px < MIN_TEXT_PX - 1e-6:
            # Rounded down, so a text just short of the limit never reads as meeting it.
            key = (item.owners, math.floor(h * view.px * 10) / 10)
            groups.setdefault(key, []).append(describe_text(item.mob))
    out = []
    for (owners, px), names in groups.items():
        names = sorted(set(names))
        listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        verb = "is" if len(names) == 1 else "are"
        out.append(
            f"{listed}{owner_text(owners)} {verb} {px:.1f} px tall at 480p (needs {MIN_TEXT_PX:g})"
        )
    return sorted(out)


# ------------------------------------------------------------------------------ 4. ticks


@dataclass
class Axis:
    name: str
    labels: int
    value_range: tuple[float, float]
    span: tuple[float, float]  # extent on screen along the other direction's row/column
    side: str  # "x" or "y"
    shareable: bool = True  # a neighbouring panel may label it instead


def _shown(m: Mobject, on_screen: set[int]) -> bool:
    return id(m) in on_screen and any(visible(s) for s in m.family_members_with_points())


def _panel_axes(view: View, panel: Any, on_screen: set[int]) -> list[Axis]:
    frame = view.family_points(panel.frame)
    if not len(frame):
        return []
    (x0, y0), (x1, y1) = frame.min(axis=0), frame.max(axis=0)
    tol = 2 * FRAME_TOLERANCE_PX / view.px
    below = beside = 0
    for m in panel.ticks:
        if not isinstance(m, Text) or not _shown(m, on_screen):
            continue
        p = view.family_points(m)
        if not len(p):
            continue
        if p[:, 1].max() <= y0 + tol:
            below += 1
        elif p[:, 0].max() <= x0 + tol:
            beside += 1
    names = {}
    for m in panel.labels:
        if isinstance(m, Text):
            p = view.family_points(m)
            names["x" if len(p) and p[:, 1].max() <= y0 + tol else "y"] = m.original_text
    where = f"{type(panel).__name__} at ({(x0 + x1) / 2:.1f}, {(y0 + y1) / 2:.1f})"
    return [
        Axis(
            f"x axis {names.get('x', '')!r} of {where}".replace(" '' ", " "),
            below, tuple(panel.x_range), (x0, x1), "x",
        ),
        Axis(
            f"y axis {names.get('y', '')!r} of {where}".replace(" '' ", " "),
            beside, tuple(panel.y_range), (y0, y1), "y",
        ),
    ]  # fmt: skip


def _rate_axis(rates: Any, on_screen: set[int]) -> Axis:
    """The learning-rate line's tick labels: the all-Text group built after the tick marks."""
    parts = list(rates.scale_part.submobjects)
    n = 0
    for before, group in itertools.pairwise(parts):
        marks, labels = before.submobjects, group.submobjects
        if marks and all(isinstance(m, Line) for m in marks):
            if all(isinstance(m, Text) for m in labels):
                n = sum(1 for m in labels if _shown(m, on_screen))
            break
    return Axis("learning-rate axis", n, tuple(rates.decades), (0.0, 0.0), "x", shareable=False)


def few_tick_labels(view: View, scene: Any) -> list[str]:
    from gdanim.scenes.widgets import Panel

    on_screen = {id(m) for m in scene.get_mobject_family_members()}
    candidates = {id(m): m for top in known_mobjects(scene) for m in top.get_family()}
    axes: list[Axis] = []
    for m in candidates.values():
        # Only what is on screen: a panel by its frame, the rate line by its axis.
        if isinstance(m, Panel) and id(m.frame) in on_screen:
            axes += _panel_axes(view, m, on_screen)
        elif type(m).__name__ == "RateLine" and id(m.axis) in on_screen:
            axes.append(_rate_axis(m, on_screen))
    tol = 2 * FRAME_TOLERANCE_PX / view.px
    out = []
    for a in axes:
        if a.labels >= MIN_TICK_LABELS:
            continue
        if a.labels == 0 and a.shareable:
            # Shared with a neighbour in the same column (x) or row (y) that labels it (and
            # is reported itself if it has too few).
            twin = any(
                b is not a and b.side == a.side and b.labels > 0
                and np.allclose(b.value_range, a.value_range)
                and abs(b.span[0] - a.span[0]) < tol and abs(b.span[1] - a.span[1]) < tol
                for b in axes
            )  # fmt: skip
            if twin:
                continue
        out.append(f"{a.name} has {a.labels} tick label(s) (needs {MIN_TICK_LABELS})")
    return sorted(set(out))


# ------------------------------------------------------------------------------ 5. notes


def _axis_names(view: View, panel: Any, on_screen: set[int]) -> dict[str, str]:
    """The x and y names a panel shows, by where they sit (below the frame or beside it)."""
    frame = view.family_points(panel.frame)
    tol = 2 * FRAME_TOLERANCE_PX / view.px
    names: dict[str, str] = {}
    for m in panel.labels:
        if isinstance(m, Text) and _shown(m, on_screen):
            p = view.family_points(m)
            if len(p) and len(frame):
                side = "x" if p[:, 1].max() <= frame[:, 1].min() + tol else "y"
                names[side] = " ".join(str(m.original_text).split())
    return names


def _said_for(panel: Any, on_screen: set[int], *words: str, ordered: bool = True) -> bool:
    """Whether a note shown for a column of small panels (``panel.said_by``, set by the
    scene) says ``words`` for it ("maps: axes not to scale", "loss, update: log scale"),
    the words in that order across its lines (``ordered``), else anywhere in it."""
    note = getattr(panel, "said_by", None)
    if note is None:
        return False
    lines = [
        " ".join(str(m.original_text).split())
        for m in note.get_family()
        if isinstance(m, Text) and _shown(m, on_screen)
    ]
    said = " ".join(lines)
    if not ordered:
        return all(w in said for w in words)
    at = 0
    for w in words:
        at = said.find(w, at)
        if at < 0:
            return False
        at += len(w)
    return True


def dropped_notes(view: View, scene: Any) -> list[str]:
    from gdanim.scenes.widgets import LossContours, Panel
    from gdanim.scenes.widgets.contours import NOT_TO_SCALE_WORDS

    on_screen = {id(m) for m in scene.get_mobject_family_members()}
    candidates = {id(m): m for top in known_mobjects(scene) for m in top.get_family()}
    panels = [m for m in candidates.values() if isinstance(m, Panel) and id(m.frame) in on_screen]
    tol = 2 * FRAME_TOLERANCE_PX / view.px
    boxes = {}
    for p in panels:
        f = view.family_points(p.frame)
        boxes[id(p)] = (f.min(axis=0), f.max(axis=0)) if len(f) else None
    names = {id(p): _axis_names(view, p, on_screen) for p in panels}
    out = []
    for p in panels:
        box = boxes[id(p)]
        if box is None:
            continue
        (x0, y0), (x1, y1) = box
        where = f"{type(p).__name__} at ({(x0 + x1) / 2:.1f}, {(y0 + y1) / 2:.1f})"
        for side, k in (("x", 0), ("y", 1)):
            if not getattr(p, f"log_{side}", False):
                continue
            name = names[id(p)].get(side)
            if name is None:
                r = p.x_range if side == "x" else p.y_range
                # Unnamed, it is shared with a neighbour in its column (x) or row (y).
                other = 1 - k
                twin = any(
                    q is not p and getattr(q, f"log_{side}", False)
                    and boxes[id(q)] is not None
                    and side in names[id(q)]
                    and np.allclose(q.x_range if side == "x" else q.y_range, r)
                    and abs(boxes[id(q)][0][k] - box[0][k]) < tol
                    and abs(boxes[id(q)][1][k] - box[1][k]) < tol
                    and abs(boxes[id(q)][0][other] - box[0][other]) > tol
                    for q in panels
                )  # fmt: skip
                if not twin:
                    out.append(f"log {side} axis of {where} has no name to say it is log")
            elif "log" not in name and not _said_for(p, on_screen, name, "log", ordered=False):
                out.append(f"log {side} axis {name!r} of {where} does not say log")
        if isinstance(p, LossContours) and not p.to_scale and p.say_scale:
            # Maps of one view at one size (a column of lanes) may say it once for all.
            alike = [
                q for q in panels
                if isinstance(q, LossContours)
                and np.allclose([*q.x_range, *q.y_range], [*p.x_range, *p.y_range])
                and abs(q.frame.width - p.frame.width) < tol
                and abs(q.frame.height - p.frame.height) < tol
            ]  # fmt: skip
            said = any(
                isinstance(m, Text)
                and _shown(m, on_screen)
                and NOT_TO_SCALE_WORDS in " ".join(str(m.original_text).split())
                for q in alike
                for m in q.get_family()
            )
            if not said and not _said_for(p, on_screen, "not", "to scale"):
                out.append(f"{where} is not to scale and does not say so")
    return sorted(set(out))


# ------------------------------------------------------------------------------ the check


def check_layout(scene: Any) -> list[str]:
    """Every layout violation of the scene's current state, as sentences."""
    view = View(scene)
    texts, others = collect(scene, view)
    return [
        *outside_frame(view, texts, others),
        *overlapping_texts(view, texts),
        *numbers_run_together(view, texts),
        *texts_on_strokes(view, texts, others),
        *small_texts(view, texts),
        *few_tick_labels(view, scene),
        *dropped_notes(view, scene),
    ]


@dataclass
class Report:
    """Violations of a build, each with the beats it was seen in (1-based play count)."""

    beats: int = 0
    seen: dict[str, list[str]] = field(default_factory=dict)

    def add(self, where: str, violations: list[str]) -> None:
        for v in violations:
            self.seen.setdefault(v, []).append(where)

    def lines(self) -> list[str]:
        return [f"{v}  [{_beats(w)}]" for v, w in self.seen.items()]

    def messages(self) -> list[str]:
        return list(self.seen)


def _beats(where: list[str]) -> str:
    if len(where) <= 3:
        return ", ".join(where)
    return f"{where[0]} … {where[-1]} ({len(where)} states)"


@contextlib.contextmanager
def checking_every_play(report: Report) -> Iterator[None]:
    """Run :func:`check_layout` after every ``Scene.play`` (and so every ``wait``)."""
    original = Scene.play

    def play(self: Scene, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        report.beats += 1
        names = ",".join(sorted({type(a).__name__ for a in args if not isinstance(a, Mobject)}))
        report.add(f"beat {report.beats} {names}".strip(), check_layout(self))

    Scene.play = play  # type: ignore[method-assign]
    try:
        yield
    finally:
        Scene.play = original  # type: ignore[method-assign]


def checked_build(spec: Any, tmp_path: Any) -> tuple[Any, Report]:
    """Build ``spec`` with every animation skipped, checking after each beat and at the end."""
    from tests.scene_tools import build_scene

    report = Report()
    with checking_every_play(report):
        scene = build_scene(spec, tmp_path)
    report.add("end", check_layout(scene))
    return scene, report
