"""The loss contours in (w, b) and the descent's trail over them."""

from __future__ import annotations

import math

import numpy as np
from manim import (
    DL,
    DR,
    ORIGIN,
    RIGHT,
    UL,
    UR,
    Arrow,
    Circle,
    Dot,
    Rectangle,
    Star,
    ValueTracker,
    VGroup,
    VMobject,
)
from numpy.typing import NDArray

from ...landscape import Landscape
from ...trajectory import Trajectory
from .. import style
from ..style import Theme
from .panels import Panel, Polyline, clip_segments, state_follower
from .text import label

FloatArray = NDArray[np.float64]

MARKER_FILL = 0.2  # the path's marker is a ring, so the optimum's star shows through
STEP_DOTS_UP_TO = 40  # runs of at most this many updates (or diverging) show each state
STEP_DOT_GAP = 0.12  # longer runs, each state this far (scene units) from the one before
#: A diverging run's hops are drawn as arcs, bowed to alternate sides of the line they
#: overshoot along (this far out, as a share of the hop's length), so each hop is seen.
HOP_BOW = 0.32
BOW_TRIES = (HOP_BOW, 0.24, 0.17, 0.12, 0.08, 0.05, 0.0)  # tried in turn near the frame
HOP_SAMPLES = 24  # straight pieces per drawn arc
ARC_HOPS_UP_TO = 200  # hops before the path leaves the view; longer runs are drawn straight


def scale_ratio(view: object, width: float, height: float) -> float:
    """Units of b per scene unit over units of w per scene unit: 1 when the axes are to scale."""
    v = view
    per_w = (v.w_max - v.w_min) / width  # type: ignore[attr-defined]
    per_b = (v.b_max - v.b_min) / height  # type: ignore[attr-defined]
    return float(per_b / per_w) if per_w > 0 else 1.0


#: Beyond this ratio of scales (either way) the axes say they are not to scale.
NOT_TO_SCALE = 1.5
NOT_TO_SCALE_WORDS = "axes not to scale"
#: The minimum's star is outlined in the background's colour, this wide, so it stands out
#: on the brightest inner contours (a narrow valley's, magnified).
STAR_OUTLINE = 3.0


class LossContours(Panel):
    """The loss contours over the framed (w, b) view, with the minimum marked.

    When one unit of b does not take about the length of one unit of w, the w axis's name
    says "not to scale": a step against the gradient crosses the contours at right angles
    only on axes to scale, and students are taught that it does.
    """

    def __init__(
        self,
        landscape: Landscape,
        width: float,
        height: float,
        theme: Theme,
        w_label: str = "w (slope)",
        b_label: str = "b (intercept)",
        say_scale: bool = True,
    ) -> None:
        v = landscape.view
        ratio = scale_ratio(v, width, height)
        self.to_scale = 1 / NOT_TO_SCALE <= ratio <= NOT_TO_SCALE
        # False where the scene says how the panel is stretched in words of its own.
        self.say_scale = say_scale
        if w_label and not self.to_scale and say_scale:
            w_label = f"{w_label}   ({NOT_TO_SCALE_WORDS})"
        super().__init__(
            (v.w_min, v.w_max), (v.b_min, v.b_max), width, height, theme, w_label, b_label,
            same_power=self.to_scale,
        )  # fmt: skip
        self.landscape = landscape
        self.scale_tag = VGroup()
        self._tag_forms: list[VGroup] = []  # the tag on one line and on two, where they fit
        self._avoided = np.zeros((0, 3))
        lines = VGroup()
        paths = landscape.contour_paths()
        n = max(len(paths) - 1, 1)
        for i, (_level, segments) in enumerate(paths):
            color = theme.contour_color(i / n)
            for seg in segments:
                m = VMobject(stroke_width=style.STROKE * 0.7, stroke_color=color)
                m.set_points_as_corners(self.to_scene(seg[:, 0], seg[:, 1]))
                lines.add(m)
        self.lines = lines
        w_star, b_star = landscape.optimum
        self.optimum = VGroup()
        if self.contains(w_star, b_star):
            star = Star(n=5, outer_radius=style.DOT_RADIUS * 2.2, color=theme.optimum)
            star.set_fill(theme.optimum, 1).set_stroke(theme.background, STAR_OUTLINE)
            star.move_to(self.axes.c2p(w_star, b_star))
            self.optimum.add(star)
        self.add(lines, self.optimum)
        if not self.to_scale and say_scale and not self.says_not_to_scale():
            self.tag_not_to_scale()

    def says_not_to_scale(self) -> bool:
        """Whether an axis name still carries "(axes not to scale)"."""
        return any(NOT_TO_SCALE_WORDS in getattr(m, "original_text", "") for m in self.labels)

    def tag_not_to_scale(self) -> None:
        """Say "axes not to scale" on the plot where the w axis's name has no room for it (a
        narrow panel): in a corner clear of the minimum and of the paths drawn (``avoid``)."""
        if len(self.scale_tag) or not self.say_scale:
            return
        f = self.frame
        # On one line, or on two where one is too wide or (see _place_tag) finds no clear
        # corner; where neither fits, the axes stay unmarked rather than covered.
        self._tag_forms = [
            tag
            for tag in (
                self._tag(NOT_TO_SCALE_WORDS),
                self._tag(NOT_TO_SCALE_WORDS.replace(" to", "\nto")),
            )
            if tag.width <= f.width and tag.height <= f.height / 3
        ]
        if not self._tag_forms:
            return
        self.scale_tag.add(self._tag_forms[0])
        self.add(self.scale_tag)
        self._place_tag()

    def _tag(self, words_text: str) -> VGroup:
        pad = 0.06
        words = label(words_text, self.theme, style.TICK_SIZE, self.theme.muted)
        back = Rectangle(width=words.width + 2 * pad, height=words.height + 2 * pad)
        back.set_stroke(width=0).set_fill(self.theme.panel, 1)
        return VGroup(back, words.move_to(back))

    def avoid(self, points: FloatArray) -> None:
        """Keep the "axes not to scale" tag off ``points`` (scene points of a path drawn on
        the panel): it moves to a corner none of them reach, if there is one."""
        self._avoided = np.concatenate([self._avoided, np.asarray(points)[:, :3]])
        self._place_tag()

    def _place_tag(self) -> None:
        if not len(self.scale_tag):
            return
        forms = self._tag_forms or [self.scale_tag[0]]
        placed = [(self._corner_for(tag), tag) for tag in forms]
        # The first form clear of every path, else the one on the fewest of their points.
        (_, corner), tag = min(placed, key=lambda p: p[0][0])
        tag.move_to(self.frame.get_corner(corner), aligned_edge=corner)
        if tag is not self.scale_tag[0]:
            self.scale_tag.remove(self.scale_tag[0])
            self.scale_tag.add(tag)

    def _corner_for(self, tag: VGroup) -> tuple[int, FloatArray]:
        """The corner of the plot where ``tag`` covers the fewest points of the paths drawn
        and the minimum (the first of the fewest: farthest from the minimum), and how many."""
        f = self.frame
        w_star, b_star = self.landscape.optimum
        star = np.asarray(self.axes.c2p(w_star, b_star), dtype=np.float64)
        pts = np.concatenate([self._avoided, star[None]])
        pts = pts[np.isfinite(pts).all(axis=1)]
        corners = sorted(
            [UL, UR, DL, DR], key=lambda c: -float(np.linalg.norm(f.get_corner(c) - star))
        )
        pad = 0.05

        def hits(corner: FloatArray) -> int:
            tag.move_to(f.get_corner(corner), aligned_edge=corner)
            lo, hi = tag.get_corner(DL) - pad, tag.get_corner(UR) + pad
            inside = (pts[:, 0] >= lo[0]) & (pts[:, 0] <= hi[0])
            inside &= (pts[:, 1] >= lo[1]) & (pts[:, 1] <= hi[1])
            return int(np.count_nonzero(inside))

        best = min(corners, key=hits)  # the first of the fewest: farthest from the minimum
        return hits(best), best


_STEP_DOT = Circle(radius=style.DOT_RADIUS * 0.45)
#: How far inside the frame the "left the view" arrow's tip stops: its head, drawn on the
#: edge, ran onto the tick labels beside it.
EXIT_INSET = 0.06


class DescentTrail(VGroup):
    """The (w, b) path drawn as it goes, its marker, and an edge arrow when it leaves.

    Follows ``tracker`` (a fractional state index of ``trajectory``).
    """

    def __init__(
        self,
        panel: Panel,
        trajectory: Trajectory,
        tracker: ValueTracker,
        theme: Theme,
        color: str | None = None,
    ) -> None:
        super().__init__()
        color = color or theme.path
        self.panel = panel
        self.trajectory = trajectory
        self.poly = Polyline(
            panel, trajectory.w, trajectory.b, min_step=0.01, stop_at_exit=trajectory.diverged
        )
        self.line = VMobject(stroke_color=color, stroke_width=style.PATH_STROKE)
        self.start = Dot(
            panel.axes.c2p(trajectory.w[0], trajectory.b[0]),
            radius=style.DOT_RADIUS * 0.8,
            color=color,
        ).set_stroke(theme.background, 1.5)
        # A ring: where the run ends on the optimum, the star shows through it.
        self.marker = Dot(radius=style.DOT_RADIUS * 1.3, color=color, fill_opacity=MARKER_FILL)
        self.marker.set_stroke(color, 3)
        self.exit_arrow = Arrow(
            ORIGIN, RIGHT * 0.5, buff=0, color=theme.warn, stroke_width=5,
            max_tip_length_to_length_ratio=0.45,
        )  # fmt: skip
        self.exit_arrow.move_to(panel.frame).set_opacity(0)  # hidden until the path leaves
        self.template_arrow = self.exit_arrow.copy()
        self.tracker = tracker
        self.arcs = self._hop_arcs(trajectory) if trajectory.diverged else None
        if self.arcs is not None:
            self.arc_points, self.arc_index, self.arc_exit = self._arc_path(self.arcs)
        # Each visited state as a small dot where a run zig-zags along one line (a diverging
        # run) or takes few updates: the overdrawn path alone would read as one stroke.
        self.steps = VMobject(stroke_width=0).set_fill(color, 0.9)
        self._step_points = self._state_points(trajectory)
        if not (trajectory.diverged or trajectory.n_updates <= STEP_DOTS_UP_TO):
            # A long run: a dot on each update that lands apart from the one before (the
            # big early steps, w 0 → 36 → 52 → 59), none in the crowd of small late ones.
            pts = self._step_points
            hop = np.full(len(pts), np.inf)
            hop[1:] = np.linalg.norm(np.diff(pts, axis=0), axis=1)
            self._step_points = np.where((hop >= STEP_DOT_GAP)[:, None], pts, np.nan)
        self.moving = VGroup(self.line, self.steps, self.marker, self.exit_arrow)
        self.add(self.start, self.moving)
        self.steps.add_updater(state_follower(tracker, self._show_steps))
        self._show_steps(tracker.get_value())
        self.line.add_updater(state_follower(tracker, self._draw_line))
        self.marker.add_updater(state_follower(tracker, self._place_marker))
        self._place_marker(tracker.get_value())
        self._draw_line(tracker.get_value())
        if isinstance(panel, LossContours):
            panel.avoid(self.drawn_points())

    def drawn_points(self) -> FloatArray:
        """Scene points along the whole path as it will be drawn (each piece sampled)."""
        if self.arcs is not None:
            return self.arc_points
        xy = self.poly.xy
        pts = self.panel.to_scene(xy[:, 0], xy[:, 1])
        if len(pts) < 2:
            return pts
        t = np.linspace(0.0, 1.0, 9)[None, :, None]
        return (pts[:-1, None, :] + t * (pts[1:] - pts[:-1])[:, None, :]).reshape(-1, 3)

    def _hop_arcs(self, traj: Trajectory) -> FloatArray | None:
        """Scene points along each hop's arc, ``(hops, HOP_SAMPLES + 1, 3)``, up to the hop
        that leaves the view (None where the path has too many hops to draw so)."""
        w, b = np.asarray(traj.w, dtype=np.float64), np.asarray(traj.b, dtype=np.float64)
        (x0, x1), (y0, y1) = self.panel.x_range, self.panel.y_range
        with np.errstate(invalid="ignore"):
            inside = (w >= x0) & (w <= x1) & (b >= y0) & (b <= y1)
        out = np.flatnonzero(~inside)
        hops = int(out[0]) if out.size else len(w) - 1
        if hops < 1 or hops > ARC_HOPS_UP_TO:
            return None
        pts = self.panel.to_scene(w[: hops + 1], b[: hops + 1])
        p, q = pts[:-1], pts[1:]
        chord = q - p
        length = np.linalg.norm(chord, axis=1)
        # One reference side for every hop (the first hop's left): hop k bows to it when k
        # is even and away from it when odd, so a back-and-forth run's hops fall on
        # alternate sides of the line instead of on one stroke.
        first = chord[int(np.argmax(length > 1e-9))]
        normal = np.array([-first[1], first[0], 0.0]) / (float(np.linalg.norm(first)) or 1.0)
        side = np.where(np.arange(len(p)) % 2 == 0, 1.0, -1.0)
        f = self.panel.frame
        lo, hi = f.get_corner(DL)[:2], f.get_corner(UR)[:2]
        t = np.linspace(0.0, 1.0, HOP_SAMPLES + 1)[:, None]
        arcs = np.empty((len(p), HOP_SAMPLES + 1, 3))
        for k in range(len(p)):
            # The largest bow that keeps the hop in view up to where its straight line
            # leaves it: hops between states in view stay in view, and the hop that leaves
            # does so about where the run does.
            _, t_out, _ = clip_segments(
                p[k : k + 1, :2], q[k : k + 1, :2], (lo[0], hi[0], lo[1], hi[1])
            )
            seen = t[:, 0] <= float(t_out[0]) - 1e-9
            for bow in BOW_TRIES:
                c = (p[k] + q[k]) / 2 + side[k] * bow * length[k] * normal
                arc = (1 - t) ** 2 * p[k] + 2 * (1 - t) * t * c + t**2 * q[k]
                xy = arc[seen, :2]
                if np.all((xy >= lo - 1e-9) & (xy <= hi + 1e-9)):
                    break
            arcs[k] = arc
        return arcs

    def _arc_path(self, arcs: FloatArray) -> tuple[FloatArray, FloatArray, float]:
        """The arcs' samples in order up to where the drawn path leaves the view (the last
        point then on the frame), each sample's state index, and that exit's state index
        (inf if the path stays in view)."""
        n = arcs.shape[1] - 1
        flat = np.concatenate([arcs[:, :-1].reshape(-1, 3), arcs[-1:, -1]])
        hop = np.arange(arcs.shape[0])[:, None] + np.arange(n)[None, :] / n
        u = np.append(hop.ravel(), float(arcs.shape[0]))
        f = self.panel.frame
        (x0, y0), (x1, y1) = f.get_corner(DL)[:2], f.get_corner(UR)[:2]
        eps = 1e-9
        ok = (flat[:, 0] >= x0 - eps) & (flat[:, 0] <= x1 + eps)
        ok &= (flat[:, 1] >= y0 - eps) & (flat[:, 1] <= y1 + eps)
        bad = np.flatnonzero(~ok)
        if bad.size == 0:
            return flat, u, math.inf
        j = int(bad[0])
        _, t1, _ = clip_segments(flat[j - 1 : j, :2], flat[j : j + 1, :2], (x0, x1, y0, y1))
        t = float(t1[0])
        edge = flat[j - 1] + t * (flat[j] - flat[j - 1])
        cut = float(u[j - 1] + t * (u[j] - u[j - 1]))
        return np.concatenate([flat[:j], edge[None]]), np.append(u[:j], cut), cut

    def _arc_point(self, s: float) -> FloatArray:
        pts, u = self.arc_points, self.arc_index
        return np.array([np.interp(s, u, pts[:, i]) for i in range(3)])

    def _draw_line(self, s: float) -> None:
        if self.arcs is None:
            self.poly.draw(self.line, s)
            return
        pts, u = self.arc_points, self.arc_index
        s = min(s, float(u[-1]))
        k = int(np.searchsorted(u, s, side="right"))
        shown = np.concatenate([pts[:k], self._arc_point(s)[None]])
        if len(shown) < 2 or s <= 0:
            self.line.clear_points()
            return
        self.line.set_points_as_corners(shown)

    def _state_points(self, traj: Trajectory) -> FloatArray:
        """Scene points of the states inside the panel, one row per state (NaN outside)."""
        w, b = np.asarray(traj.w, dtype=np.float64), np.asarray(traj.b, dtype=np.float64)
        (x0, x1), (y0, y1) = self.panel.x_range, self.panel.y_range
        inside = (w >= x0) & (w <= x1) & (b >= y0) & (b <= y1)
        pts = self.panel.to_scene(np.where(inside, w, 0.0), np.where(inside, b, 0.0))
        pts[~inside] = np.nan
        return pts

    def _show_steps(self, s: float) -> None:
        k = math.floor(s + 1e-9)
        pts = self._step_points[1 : k + 1]
        pts = pts[np.isfinite(pts[:, 0])] if len(pts) else pts
        if not len(pts):
            self.steps.clear_points()
            return
        template = _STEP_DOT.points
        self.steps.points = (template[None, :, :] + pts[:, None, :]).reshape(-1, 3)

    def _place_marker(self, s: float) -> None:
        if self.arcs is not None:
            if s <= self.arc_exit:
                self.marker.move_to(self._arc_point(s))
                self.marker.set_fill(opacity=MARKER_FILL).set_stroke(opacity=1)
                self.exit_arrow.set_opacity(0)
                return
            self.marker.set_opacity(0)
            pts = self.arc_points
            edge = pts[-1]
            direction = pts[-1] - pts[-2] if len(pts) > 1 else RIGHT
            direction = direction / (float(np.linalg.norm(direction)) or 1.0)
            self._show_exit(edge, direction)
            return
        w, b = self.poly.point(s)
        if self.panel.contains(w, b):
            self.marker.move_to(self.panel.axes.c2p(w, b))
            self.marker.set_fill(opacity=MARKER_FILL).set_stroke(opacity=1)
            self.exit_arrow.set_opacity(0)
            return
        self.marker.set_opacity(0)
        self._show_exit(*self.exit_point(s))

    def _show_exit(self, edge: FloatArray, direction: FloatArray) -> None:
        """The "left the view" arrow, heading ``direction``, its tip just inside ``edge``."""
        tip = edge - direction * EXIT_INSET
        arrow = self.template_arrow.copy()
        arrow.put_start_and_end_on(tip - direction * 0.55, tip)
        self.exit_arrow.become(arrow).set_opacity(1)

    def exit_point(self, s: float) -> tuple[FloatArray, FloatArray]:
        """Where the path, outside the panel at state ``s``, crossed its frame (a scene
        point) and the scene direction it was going: the exit arrow's tip and heading."""
        traj = self.trajectory
        w, b = np.asarray(traj.w, dtype=np.float64), np.asarray(traj.b, dtype=np.float64)
        (x0, x1), (y0, y1) = self.panel.x_range, self.panel.y_range
        inside = (w >= x0) & (w <= x1) & (b >= y0) & (b <= y1)
        last = min(math.floor(s), len(w) - 1)
        before = np.flatnonzero(inside[: last + 1])
        i = int(before[-1]) if before.size else 0
        j = min(i + 1, len(w) - 1)
        p = np.array([[w[i], b[i]]])
        q = np.array([[w[j], b[j]]])
        _, t1, ok = clip_segments(p, q, (x0, x1, y0, y1))
        f = float(t1[0]) if ok[0] else 1.0
        ex, ey = w[i] + f * (w[j] - w[i]), b[i] + f * (b[j] - b[i])
        tip = np.asarray(self.panel.axes.c2p(ex, ey), dtype=np.float64)
        start = np.asarray(self.panel.axes.c2p(w[i], b[i]), dtype=np.float64)
        direction = tip - start
        norm = float(np.linalg.norm(direction))
        if norm < 1e-9:  # the exit is the last state inside: head away from the centre
            direction = tip - np.asarray(self.panel.frame.get_center(), dtype=np.float64)
            norm = float(np.linalg.norm(direction)) or 1.0
        return tip, direction / norm

    def clear_updaters_all(self) -> None:
        self.line.clear_updaters()
        self.marker.clear_updaters()
