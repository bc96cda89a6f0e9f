"""The still pieces of hiker-bowl: the floor with its shadows and axes, and the wire bowl.

The floor lies under the view box: its outline, the level curves' shadows, tick labels and
the axes' names, which stay upright facing the camera (:func:`pin`); from straight above it
becomes the contour map. Over it stand the wire mesh of the loss surface, its rim with posts
down to the floor, the level curves at their heights and a star at the lowest point.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from manim import DEGREES, DOWN, RIGHT, UP, Text, VGroup, VMobject

from ... import numbers
from ...landscape import Landscape
from ...trajectory import Trajectory
from .. import style
from ..base import map_labels
from ..style import Theme
from ..widgets import label, nice_ticks
from ..widgets.contours import NOT_TO_SCALE, NOT_TO_SCALE_WORDS
from .camera import PHI_3D, PHI_LATE, BowlCamera, CameraPlan
from .figures import HIKER_SIZE
from .geometry import LIFT, BowlMap, FloatArray, Ground, join_paths, thin

MESH_LINES = 11  # wire lines each way
MESH_SAMPLES = 33  # points along each wire line
CONTOUR_POINTS = 90  # most points kept per level curve
TICK_LENGTH = 0.1
TICK_OFFSET = 0.22  # tick labels from the floor's edge
LABEL_GAP = 0.15  # screen units between tick labels and an axis name
AXIS_END_OFFSET = 0.5  # axis names beyond the axes' ends (3D), screen units
LOSS_LABEL_RISE = 0.3

SCALE_NOTE_GAP = 0.08  # between the w axis's name and "axes not to scale" under it

#: Each level's colour and its curves as ``(k, 3)`` points at the level's height.
Levels = list[tuple[Any, list[FloatArray]]]


@dataclass
class Floor:
    """The floor's mobjects."""

    fill: VMobject  # transparent until the view from above
    outline: VGroup  # the square and the tick marks
    shadows: VGroup  # the level curves, flat on the floor
    ticks: list[Text]
    ends: list[Text]  # w and b beyond the axes' far ends (3D)
    names: list[Text]  # "w (slope)", "axes not to scale" if so, "b (intercept)" (from above)
    axis: VMobject  # the loss axis up the far corner
    loss_label: Text
    top_ticks: list[Text]  # tick labels shown from above only (crowded in 3D)


def to_scale(bowl: BowlMap) -> bool:
    """Whether the floor, a square from above, draws a unit of b about as long as one of w
    (else the map says its axes are not to scale, as the descent-path map does)."""
    v = bowl.view
    ratio = (v.b_max - v.b_min) / (v.w_max - v.w_min)
    return 1 / NOT_TO_SCALE <= ratio <= NOT_TO_SCALE


def scale_note(theme: Theme) -> Text:
    """ "axes not to scale", under the w axis's name from above."""
    return label(NOT_TO_SCALE_WORDS, theme, style.TICK_SIZE, theme.muted)


def scale_note_room(bowl: BowlMap, theme: Theme) -> float:
    """The height the view from above keeps under the w axis's name for :func:`scale_note`."""
    return 0.0 if to_scale(bowl) else scale_note(theme).height + SCALE_NOTE_GAP


def level_paths(landscape: Landscape, bowl: BowlMap, theme: Theme) -> Levels:
    """Each level's colour and its curves as ``(k, 3)`` points at the level's height."""
    paths = landscape.contour_paths()
    n = max(len(paths) - 1, 1)
    out: Levels = []
    for i, (level, segments) in enumerate(paths):
        lines = []
        for seg in segments:
            seg = thin(seg, CONTOUR_POINTS)
            lines.append(bowl.points(seg[:, 0], seg[:, 1], np.full(len(seg), level)))
        out.append((theme.contour_color(i / n), lines))
    return out


#: Screen units the b axis's name in 3D stands left of its tick labels' line: beyond the
#: far end that line meets the rim's corner post.
B_NAME_ASIDE = 0.3

#: Above the loss axis's top: room for its name, in screen units.
LOSS_LABEL_ROOM = 0.35


def fit_points(
    ground: Ground,
    traj: Trajectory,
    zoom_3d: float = math.inf,
    zoom_top: float = math.inf,
    hiker_size: float = HIKER_SIZE,
    b_aside: float = B_NAME_ASIDE,
    name_spread: float = 0.0,
) -> FloatArray:
    """What must stay in the box at every 3D angle: the cube, the axes' far names and the
    loss axis's name, and the hiker standing anywhere on its path inside the view.

    The names keep their size on screen and are set off the floor by screen distances (see
    :func:`floor_pieces`): their anchors are where they are pinned for the camera's least 3D
    zoom ``zoom_3d`` and the zoom from above ``zoom_top`` (at an infinite zoom, on the
    floor's edges), the b name ``b_aside`` left of its axis; the hiker is ``hiker_size``
    tall. ``name_spread``: how much further the far names reach out on screen than a bare
    letter's (see :func:`end_spread`)."""
    bw = ground.bowl
    h, f, t = bw.half, bw.floor, bw.top
    pts = [[sx * h, sy * h, z] for sx in (-1, 1) for sy in (-1, 1) for z in (f, t)]
    off = TICK_OFFSET / zoom_top
    w_far, b_far = end_reach(h, zoom_3d, name_spread)
    # The loss axis's name stands on its top; the world's height shows on screen shortened
    # by sin(phi), least at the lower 3D view.
    rise = LOSS_LABEL_RISE + LOSS_LABEL_ROOM / (zoom_3d * math.sin(PHI_LATE * DEGREES))
    aside = b_aside / zoom_3d
    pts += [[w_far, -h - off, f], [-h - off - aside, b_far, f], [h, h, t + rise]]
    if name_spread > 0:
        # Wider names (w′, b′) reach further out on screen, whichever way the floor's
        # axes run there: room for them along and across both, twice over, as the camera's
        # moves between the fitted poses swing them a little further out.
        r = 2 * name_spread / zoom_3d
        for dw, db in ((r, r), (r, -r), (-r, r), (-r, -r)):
            pts += [[w_far + dw, -h - off + db, f], [-h - off - aside + dw, b_far + db, f]]
    inside = [i for i in range(traj.n_states) if bw.view.contains(traj.w[i], traj.b[i])]
    pick = np.array(inside[:: max(1, len(inside) // 200)], dtype=int)
    if pick.size:
        path = bw.points(traj.w[pick], traj.b[pick], ground.loss_at(traj.w[pick], traj.b[pick]))
        pts += (path + np.array([0.0, 0.0, hiker_size])).tolist()
    return np.array(pts, dtype=np.float64)


def end_names(standardized: bool) -> tuple[str, str]:
    """The axes' bare names, as the contour map's start: w and b, or w′ and b′."""
    w_words, b_words = map_labels(standardized)
    return w_words.split()[0], b_words.split()[0]


def end_spread(th: Theme, standardized: bool) -> float:
    """How much further than a bare w or b the far names reach either side of their
    anchors on screen (a prime's half width on standardised x)."""
    plain = (label(n, th, style.LABEL_SIZE).width for n in ("w", "b"))
    named = (label(n, th, style.LABEL_SIZE).width for n in end_names(standardized))
    return max(0.0, *(b - a for a, b in zip(plain, named, strict=True))) / 2


def end_reach(half: float, zoom_3d: float, spread: float = 0.0) -> tuple[float, float]:
    """How far along w and along b the axes' far names are pinned: :data:`AXIS_END_OFFSET`
    on screen beyond the floor's edge at the least 3D zoom (b runs away from the camera,
    foreshortened by cos(phi)); names ``spread`` wider either side than a bare letter are
    pinned that much further out, clear of the last tick labels."""
    w_far = half + (AXIS_END_OFFSET + spread) / zoom_3d
    b_far = half + (AXIS_END_OFFSET + spread) / (zoom_3d * math.cos(PHI_3D * DEGREES))
    return w_far, b_far


def pin(cam: BowlCamera, text: Text, anchor: np.ndarray, edge: np.ndarray | None = None) -> Text:
    """Keep ``text`` facing the camera with its ``edge`` (or centre) at ``anchor``.

    Manim shifts a fixed-orientation mobject by its centre's projection; aligning to an
    edge would drift with the zoom, so the anchor itself is what gets projected.
    """
    if edge is None:
        text.move_to(anchor)
    else:
        text.move_to(anchor, aligned_edge=edge)
    point = np.array(anchor, dtype=np.float64)
    cam.add_fixed_orientation_mobjects(text, center_func=lambda: point)
    return text


#: Least room between two tick labels on screen, at any pose of the camera.
TICK_LABEL_GAP = 0.14  # 8 px at 480p: numbers closer read as one
#: Labels an axis keeps in 3D where it can.
LEAST_TICKS = 3
#: Poses per camera move at which the floor's tick labels are kept apart.
POSE_SAMPLES = 9

#: Labels pinned on the floor: their anchors, their sizes on screen and the edge pinned.
Pinned = tuple[FloatArray, list[tuple[float, float]], np.ndarray]


def spaced_ticks(
    plan: CameraPlan,
    lo: float,
    hi: float,
    anchor: Any,
    edge: np.ndarray,
    theme: Theme,
    clear_of: Pinned | None = None,
) -> tuple[list[float], list[float]]:
    """Round tick values in ``[lo, hi]`` whose labels stay apart on screen all along the
    camera's moves: the most of them (three or four) that do, else two; and those labelled
    from straight above (all of them, where they stay apart there).

    ``anchor(value)`` is where a label is pinned (its ``edge`` there); labels keep their size
    on screen, so only the anchors move as the camera turns and the floor foreshortens.
    ``clear_of``: the other axis's labels, which these keep apart from too (at the floor's
    corner the two axes' first labels meet); a label that meets them at the least count is
    left to the view from above.
    """
    cam = plan.cam
    poses = [
        plan.pose_during(move, u)
        for move in plan.moves()
        for u in np.linspace(0.0, 1.0, POSE_SAMPLES)
    ]
    full = nice_ticks(lo, hi, 4)
    choices = [full]
    for target in (3, 2):
        ticks = nice_ticks(lo, hi, target, least=2)
        if ticks not in choices and len(ticks) >= 2:
            choices.append(ticks)

    def pinned(ticks: list[float]) -> Pinned:
        sizes = [
            (t.width, t.height)
            for t in (label(s, theme, style.TICK_SIZE) for s in numbers.tick_labels(ticks))
        ]
        return np.array([anchor(value) for value in ticks], dtype=np.float64), sizes, edge

    best = choices[-1]
    try:
        for ticks in choices:
            if all(_apart(cam, pose, pinned(ticks), clear_of) for pose in poses):
                best = ticks
                break
            if ticks is full:
                # Those of the full set that stay apart from the ones kept before them
                # (from either end): three labels still tell where zero and the scale
                # are, where the next coarser round step leaves two.
                apart = max(
                    _keep_apart(cam, poses, full, pinned, clear_of),
                    _keep_apart(cam, poses, full[::-1], pinned, clear_of)[::-1],
                    key=len,
                )
                if len(apart) >= LEAST_TICKS:
                    best = apart
                    break
        else:
            # Even two labels meet (each other or the other axis's): those that would are
            # left to the view from above.
            best = _keep_apart(cam, poses, best, pinned, clear_of)
        # The rest come in from above where they stay apart there.
        top_pose = [plan.poses["top"]]
        top = full if _apart(cam, top_pose[0], pinned(full), clear_of) else best
        top = _keep_apart(cam, top_pose, top, pinned, clear_of)
    finally:
        cam.set_pose(plan.poses["start"])
    return best, top


def _keep_apart(
    cam: BowlCamera,
    poses: list[Any],
    ticks: list[float],
    pinned: Any,
    clear_of: Pinned | None,
) -> list[float]:
    """Of ``ticks``, in turn, those whose labels keep apart from the ones kept before them
    (and from ``clear_of``) at every pose."""
    kept: list[float] = []
    for v in ticks:
        if all(_apart(cam, p, pinned([*kept, v]), clear_of) for p in poses):
            kept.append(v)
    return kept


def _among(value: float, values: list[float]) -> bool:
    scale = max((abs(v) for v in values), default=1.0) or 1.0
    return any(abs(value - v) <= 1e-9 * scale for v in values)


def _boxes(cam: BowlCamera, labels: Pinned) -> list[tuple[float, float, float, float]]:
    """On screen at the camera's pose: each label's box."""
    points, sizes, edge = labels
    at = cam.project_points(points)[:, :2]
    boxes = []
    for (x, y), (w, h) in zip(at, sizes, strict=True):
        cx = x - edge[0] * w / 2
        cy = y - edge[1] * h / 2
        boxes.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
    return boxes


def _apart(cam: BowlCamera, pose: Any, labels: Pinned, clear_of: Pinned | None = None) -> bool:
    """Whether ``labels`` keep apart from each other (and from ``clear_of``) at ``pose``."""
    cam.set_pose(pose)
    boxes = _boxes(cam, labels)
    others = _boxes(cam, clear_of) if clear_of is not None else []
    g = TICK_LABEL_GAP

    def meet(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
        return a[0] < b[2] + g and b[0] < a[2] + g and a[1] < b[3] + g and b[1] < a[3] + g

    for i in range(len(boxes)):
        if any(meet(boxes[i], o) for o in others):
            return False
        for j in range(i + 1, len(boxes)):
            if meet(boxes[i], boxes[j]):
                return False
    return True


def floor_pieces(
    bowl: BowlMap,
    levels: Levels,
    plan: CameraPlan,
    theme: Theme,
    standardized: bool = False,
    b_aside: float = B_NAME_ASIDE,
) -> Floor:
    """Floor outline and fill, the contour shadows, ticks, axis names (in 3D the b name
    ``b_aside`` left of its axis), the loss axis; ``standardized``: the floor is in the
    optimizer's coordinates, named so."""
    th = theme
    bw = bowl
    cam = plan.cam
    h, f = bw.half, bw.floor
    zoom_top, zoom_3d = plan.zoom_top, plan.zoom_3d
    square = np.array([[-h, -h, f], [h, -h, f], [h, h, f], [-h, h, f], [-h, -h, f]])
    outline = VMobject(stroke_color=th.muted, stroke_width=style.THIN)
    outline.set_points_as_corners(square)
    # The panel's fill comes in with the view from above, where the floor becomes the
    # contour map; in 3D an opaque floor would read as part of the surface.
    fill = VMobject(stroke_width=0).set_fill(th.panel, 0.0)
    fill.set_points_as_corners(square)
    shadows = VGroup()
    for color, paths in levels:
        flat = [np.column_stack([p[:, 0], p[:, 1], np.full(len(p), f)]) for p in paths]
        m = VMobject(stroke_color=color, stroke_width=style.THIN, stroke_opacity=0.5)
        m.points = join_paths(flat)
        shadows.add(m)
    v = bw.view
    tick_marks = []
    # Labels keep their size on screen while the world is zoomed: offsets in screen units
    # are divided by the zoom of the view they are read in.
    off = TICK_OFFSET / zoom_top

    # Every tick is marked; in 3D, where the floor turns and foreshortens, only those whose
    # labels stay apart are labelled, the rest come in with the view from above.
    def w_at(u: float) -> FloatArray:
        return np.array([bw.xy(u, 0.0)[0], -h - off, f])

    w_shown, w_ticks = spaced_ticks(plan, v.w_min, v.w_max, w_at, UP, th)
    # The b labels keep clear of the w labels shown with them, at the floor's corner.
    w_sizes = [
        (t.width, t.height)
        for t in (label(s, th, style.TICK_SIZE) for s in numbers.tick_labels(w_shown))
    ]
    w_pinned = (np.array([w_at(u) for u in w_shown], dtype=np.float64), w_sizes, UP)
    _, b_ticks = spaced_ticks(
        plan, v.b_min, v.b_max, lambda u: np.array([-h - off, bw.xy(0.0, u)[1], f]), RIGHT, th,
        clear_of=w_pinned,
    )  # fmt: skip
    # In 3D the b axis runs away from the eye up the floor's side: its numbers stand in a
    # column beside the bowl and read as a scale of heights. The floor counts w along its
    # front; b's numbers come in with the view from above (the readout says b meanwhile).
    b_shown: list[float] = []
    w_texts, b_texts, top_ticks = [], [], []
    for value, text in zip(w_ticks, numbers.tick_labels(w_ticks), strict=True):
        x = float(bw.xy(value, 0.0)[0])
        tick_marks.append(np.array([[x, -h, f], [x, -h - TICK_LENGTH / zoom_top, f]]))
        t = label(text, th, style.TICK_SIZE, th.muted)
        w_texts.append(pin(cam, t, np.array([x, -h - off, f]), UP))
        if not _among(value, w_shown):
            top_ticks.append(t)
    for value, text in zip(b_ticks, numbers.tick_labels(b_ticks), strict=True):
        y = float(bw.xy(0.0, value)[1])
        tick_marks.append(np.array([[-h, y, f], [-h - TICK_LENGTH / zoom_top, y, f]]))
        t = label(text, th, style.TICK_SIZE, th.muted)
        b_texts.append(pin(cam, t, np.array([-h - off, y, f]), RIGHT))
        if not _among(value, b_shown):
            top_ticks.append(t)
    ticks = [t for t in (*w_texts, *b_texts) if t not in top_ticks]
    marks = VMobject(stroke_color=th.muted, stroke_width=style.THIN)
    marks.points = join_paths(tick_marks)
    # In 3D the axes are named beyond their far ends; from above, as on the contour map
    # (on standardised x both in its w′, b′).
    w_words, b_words = map_labels(standardized)
    w_bare, b_bare = end_names(standardized)
    w_far, b_far = end_reach(h, zoom_3d, end_spread(th, standardized))
    w_end = pin(cam, label(w_bare, th, style.LABEL_SIZE), np.array([w_far, -h - off, f]))
    b_at = np.array([-h - off - b_aside / zoom_3d, b_far, f])
    b_end = pin(cam, label(b_bare, th, style.LABEL_SIZE), b_at)
    tall = max((t.height for t in w_texts), default=0.0)
    wide = max((t.width for t in b_texts), default=0.0)
    # From above the floor is ``side`` wide on screen: a name longer than that takes two
    # lines under it ("w′" over "per sd of x": what the prime means is said), else is bare.
    side = 2 * h * zoom_top

    def fitted_name(words: str, bare: str, lines: int = 2) -> Text:
        name = label(words, th, style.LABEL_SIZE)
        remark = re.fullmatch(r"(.*?) \((.*)\)", words)
        if name.width > side and remark and lines == 2:
            # As the small contour maps write it: "w′ / per sd of x".
            name = label(f"{remark.group(1)}\n{remark.group(2)}", th, style.LABEL_SIZE)
        return name if name.width <= side else label(bare, th, style.LABEL_SIZE)

    w_name = fitted_name(w_words, w_bare)
    name_at = -h - off - (tall + LABEL_GAP) / zoom_top
    pin(cam, w_name, np.array([0.0, name_at, f]), UP)
    names = [w_name]
    if not to_scale(bw):
        note = scale_note(th)
        note_at = name_at - (w_name.height + SCALE_NOTE_GAP) / zoom_top
        names.append(pin(cam, note, np.array([0.0, note_at, f]), UP))
    # Upright along the b axis, as on descent-path's contour panel the scene hands over to.
    # (b's on one line: the room left of the floor is kept for one.)
    b_name = fitted_name(b_words, b_bare, lines=1)
    b_name.rotate(math.pi / 2)
    pin(cam, b_name, np.array([-h - off - (wide + LABEL_GAP) / zoom_top, 0.0, f]), RIGHT)
    top = bw.top
    axis = VMobject(stroke_color=th.muted, stroke_width=style.THIN * 1.5)
    axis.set_points_as_corners(np.array([[h, h, f], [h, h, top + LOSS_LABEL_RISE / 2]]))
    loss_label = label("loss", th, style.LABEL_SIZE, th.muted)
    pin(cam, loss_label, np.array([h, h, top + LOSS_LABEL_RISE]), DOWN)
    return Floor(
        fill=fill,
        outline=VGroup(outline, marks),
        shadows=shadows,
        ticks=ticks,
        ends=[w_end, b_end],
        names=[*names, b_name],
        top_ticks=top_ticks,
        axis=axis,
        loss_label=loss_label,
    )


def bowl_pieces(
    ground: Ground, levels: Levels, optimum: tuple[float, float], theme: Theme
) -> tuple[VMobject, VMobject, VGroup, VMobject]:
    """The wire mesh, the surface's edge with posts down to the floor, the level curves
    at their heights, and the lowest point's star (at ``optimum``, when in view)."""
    th = theme
    bw = ground.bowl
    v = bw.view
    ws = np.linspace(v.w_min, v.w_max, MESH_LINES)
    bs = np.linspace(v.b_min, v.b_max, MESH_LINES)
    ts_w = np.linspace(v.w_min, v.w_max, MESH_SAMPLES)
    ts_b = np.linspace(v.b_min, v.b_max, MESH_SAMPLES)
    lines = []
    for w in ws:
        lines.append(bw.points(w, ts_b, ground.grid_loss_at(w, ts_b)))
    for b in bs:
        lines.append(bw.points(ts_w, b, ground.grid_loss_at(ts_w, b)))
    mesh = VMobject(stroke_color=th.muted, stroke_width=style.THIN, stroke_opacity=0.6)
    mesh.points = join_paths(lines)
    edges = [lines[0], lines[MESH_LINES - 1], lines[MESH_LINES], lines[-1]]
    f = bw.floor
    for line in (lines[0], lines[MESH_LINES - 1]):
        for corner in (line[0], line[-1]):
            edges.append(np.array([[corner[0], corner[1], f], corner]))
    rim = VMobject(stroke_color=th.muted, stroke_width=style.THIN * 1.6)
    rim.points = join_paths(edges)
    curves = VGroup()
    for color, paths in levels:
        m = VMobject(stroke_color=color, stroke_width=style.STROKE * 0.8)
        m.points = join_paths(paths)
        curves.add(m)
    # The lowest point, flat on the bowl's floor like the contour map's star.
    w_star, b_star = optimum
    star = VMobject(stroke_color=th.background, stroke_width=1.0)
    star.set_fill(th.optimum, 1.0)
    if v.contains(w_star, b_star):
        c = bw.points(w_star, b_star, ground.loss_at(w_star, b_star))[0]
        c[2] += LIFT
        angles = np.pi / 2 + np.arange(11) * np.pi / 5
        radii = np.where(np.arange(11) % 2 == 0, 0.16, 0.065)
        pts = np.column_stack(
            [c[0] + radii * np.cos(angles), c[1] + radii * np.sin(angles), np.full(11, c[2])]
        )
        star.set_points_as_corners(pts)
    return mesh, rim, curves, star
