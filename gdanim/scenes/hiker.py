"""The hiker figure and the cheap 3D pieces of the hiker-bowl scene.

Cairo draws 3D by projecting points and painting mobjects in the order they were added, with
no depth test. So everything here is a plain ``VMobject`` with 3D points (wire lines, polylines,
flat polygons), never a shaded ``Surface``, and every moving piece rewrites its points in place
from numbers: the family manim snapshots when a ``play()`` begins stays the same.

Coordinates: :class:`BowlMap` takes ``(w, b, loss)`` to scene ``(x, y, z)``. Each axis of the
landscape's view is stretched onto ``[-half, half]`` (w along x, b along y), and the height is
a power of the excess loss ``L - L*`` scaled so the highest point of the view sits at the rim.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from manim import ThreeDCamera, ValueTracker, VGroup, VMobject
from numpy.typing import NDArray

from ..landscape import View

FloatArray = NDArray[np.float64]
LossFn = Callable[[Any, Any], Any]


# ------------------------------------------------------------------------------ camera


def tween(tracker: ValueTracker, value: float, rate: Callable[[float], float]) -> Any:
    """An animation of ``tracker`` to ``value`` with its own rate function."""
    builder: Any = tracker.animate
    return builder(rate_func=rate).set_value(value)


@dataclass(frozen=True)
class Pose:
    """Every setting of a :class:`BowlCamera`: angles in radians, zoom, focal distance, and
    where on screen the scene's origin lands."""

    phi: float
    theta: float
    zoom: float
    focal: float
    shift: tuple[float, float]


class BowlCamera(ThreeDCamera):
    """A ``ThreeDCamera`` whose picture can be slid on screen.

    The projection of the scene's origin lands at ``(shift_x, shift_y)`` instead of the frame's
    centre, so the bowl sits in its layout box while the camera orbits around the bowl's own
    centre. The shifts are value trackers like phi and theta: animating them moves the camera.
    """

    def __init__(self, **kwargs: Any) -> None:
        self.shift_x_tracker = ValueTracker(0.0)
        self.shift_y_tracker = ValueTracker(0.0)
        super().__init__(**kwargs)

    def get_value_trackers(self) -> list[ValueTracker]:
        return [*super().get_value_trackers(), self.shift_x_tracker, self.shift_y_tracker]

    def project_points(self, points: Any) -> Any:
        out = super().project_points(points)
        out[:, 0] += self.shift_x_tracker.get_value()
        out[:, 1] += self.shift_y_tracker.get_value()
        return out

    def axes_in_world(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        """The screen's right, up and towards-the-viewer directions in scene coordinates."""
        rot = self.generate_rotation_matrix()
        return rot[0], rot[1], rot[2]

    def trackers(self) -> dict[str, ValueTracker]:
        return {
            "phi": self.phi_tracker,
            "theta": self.theta_tracker,
            "zoom": self.zoom_tracker,
            "focal": self.focal_distance_tracker,
            "shift_x": self.shift_x_tracker,
            "shift_y": self.shift_y_tracker,
        }

    @staticmethod
    def values(pose: Pose) -> dict[str, float]:
        return {
            "phi": pose.phi,
            "theta": pose.theta,
            "zoom": pose.zoom,
            "focal": pose.focal,
            "shift_x": pose.shift[0],
            "shift_y": pose.shift[1],
        }

    def pose_between(
        self, a: Pose, b: Pose, u: float, rates: dict[str, Callable[[float], float]]
    ) -> Pose:
        """Where :meth:`move_to_pose` from ``a`` to ``b`` has the camera at time ``u``."""
        va, vb = self.values(a), self.values(b)
        v = {k: va[k] + (vb[k] - va[k]) * rates[k](u) for k in va}
        return Pose(v["phi"], v["theta"], v["zoom"], v["focal"], (v["shift_x"], v["shift_y"]))

    def set_pose(self, pose: Pose) -> None:
        """Set every tracker at once (to plan the framing, and to test it)."""
        values = self.values(pose)
        for key, tracker in self.trackers().items():
            tracker.set_value(values[key])
        self.reset_rotation_matrix()

    def move_to_pose(self, pose: Pose, rates: dict[str, Callable[[float], float]]) -> list[Any]:
        """Animations taking every tracker that changes to ``pose``, each with its rate."""
        values = self.values(pose)
        out = []
        for key, tracker in self.trackers().items():
            if abs(tracker.get_value() - values[key]) > 1e-12:
                out.append(tween(tracker, values[key], rates[key]))
        return out


# ------------------------------------------------------------------------------ coordinates


@dataclass(frozen=True)
class BowlMap:
    """``(w, b, loss)`` -> scene ``(x, y, z)``.

    ``x = half * (w - w_mid) / w_radius`` and likewise ``y`` for ``b``, so the view fills the
    square ``[-half, half]^2`` whatever the parameters' units. ``z = bottom + height * t`` with
    ``t = ((L - L*) / excess_top) ** power``: ``t = 0`` at the minimum and ``1`` at the highest
    point of the view.
    """

    view: View
    half: float
    height: float
    floor: float
    bottom: float
    loss_min: float
    excess_top: float
    power: float

    @property
    def w_mid(self) -> float:
        return (self.view.w_min + self.view.w_max) / 2

    @property
    def b_mid(self) -> float:
        return (self.view.b_min + self.view.b_max) / 2

    @property
    def sx(self) -> float:
        """Scene units per unit of w."""
        return 2 * self.half / (self.view.w_max - self.view.w_min)

    @property
    def sy(self) -> float:
        """Scene units per unit of b."""
        return 2 * self.half / (self.view.b_max - self.view.b_min)

    @property
    def top(self) -> float:
        return self.bottom + self.height

    def xy(self, w: Any, b: Any) -> tuple[FloatArray, FloatArray]:
        x = (np.asarray(w, dtype=np.float64) - self.w_mid) * self.sx
        y = (np.asarray(b, dtype=np.float64) - self.b_mid) * self.sy
        return x, y

    def wb(self, x: Any, y: Any) -> tuple[FloatArray, FloatArray]:
        """The inverse of :meth:`xy`."""
        w = np.asarray(x, dtype=np.float64) / self.sx + self.w_mid
        b = np.asarray(y, dtype=np.float64) / self.sy + self.b_mid
        return w, b

    def z(self, loss: Any) -> FloatArray:
        excess = np.maximum(np.asarray(loss, dtype=np.float64) - self.loss_min, 0.0)
        return self.bottom + self.height * (excess / self.excess_top) ** self.power

    def points(self, w: Any, b: Any, loss: Any) -> FloatArray:
        """``(n, 3)`` scene points."""
        x, y = self.xy(w, b)
        z = self.z(loss)
        x, y, z = np.broadcast_arrays(x, y, z)
        return np.column_stack([x.ravel(), y.ravel(), z.ravel()])

    def direction(self, dw: float, db: float) -> FloatArray:
        """A (w, b) direction as a unit vector in the floor plane (zero stays zero)."""
        v = np.array([dw * self.sx, db * self.sy, 0.0])
        n = float(np.linalg.norm(v))
        return v / n if n > 0 else v


# ------------------------------------------------------------------------------ geometry


def polyline_beziers(points: FloatArray) -> FloatArray:
    """Straight cubic pieces through ``points`` (``(k, 3)``): ``(4 (k - 1), 3)`` bezier points."""
    a, b = points[:-1], points[1:]
    d = b - a
    out = np.stack([a, a + d / 3, a + 2 * d / 3, b], axis=1)
    return out.reshape(-1, 3)


def join_paths(paths: Sequence[FloatArray]) -> FloatArray:
    """Several polylines as one bezier array: one mobject, one draw call, many subpaths."""
    parts = [polyline_beziers(p) for p in paths if len(p) >= 2]
    return np.concatenate(parts) if parts else np.zeros((0, 3))


def thin(points: FloatArray, most: int) -> FloatArray:
    """At most ``most`` points of a polyline, ends kept."""
    if len(points) <= most:
        return points
    idx = np.unique(np.linspace(0, len(points) - 1, most).round().astype(int))
    return points[idx]


def ellipse(center: FloatArray, along: FloatArray, across: FloatArray, n: int = 10) -> FloatArray:
    """A closed polygon: ``center + cos t * along + sin t * across``."""
    t = np.linspace(0.0, 2 * math.pi, n + 1)
    return center + np.outer(np.cos(t), along) + np.outer(np.sin(t), across)


def rotate_towards(a: FloatArray, b: FloatArray, f: float) -> FloatArray:
    """The horizontal unit vector ``f`` of the way from ``a`` to ``b`` (shortest turn)."""
    ta, tb = math.atan2(a[1], a[0]), math.atan2(b[1], b[0])
    d = (tb - ta + math.pi) % (2 * math.pi) - math.pi
    t = ta + d * min(max(f, 0.0), 1.0)
    return np.array([math.cos(t), math.sin(t), 0.0])


# ------------------------------------------------------------------------------ hiker


@dataclass(frozen=True)
class HikerColors:
    body: str
    blindfold: str
    stick: str
    outline: str


class Hiker(VGroup):
    """A walking person with a stick and a blindfold, drawn from lines and one disc.

    The limbs are true 3D lines (so the walking direction reads from any angle, and from
    straight above the figure shrinks to a head with a stick pointing the way); the head is a
    disc kept facing the camera, with the blindfold's knot on the back of the head. Every
    line has a halo in the background colour, so the figure stands out of the wire mesh.
    :meth:`pose` rewrites every point in place.

    Parameters
    ----------
    size
        Standing height in scene units, feet to top of head.
    """

    def __init__(self, size: float, colors: HikerColors, stroke: float) -> None:
        super().__init__()
        self.size = size
        self.stroke = stroke
        widths = {
            "stick": 0.6, "back_leg": 1.0, "back_arm": 0.8, "torso": 1.4, "front_leg": 1.0,
            "front_arm": 0.8,
        }  # fmt: skip

        def line(color: str, width: float) -> VMobject:
            m = VMobject(stroke_color=color, stroke_width=width, fill_opacity=0)
            m.set_points_as_corners(np.zeros((2, 3)))
            return m

        self.halos = {k: line(colors.outline, stroke * (w + 0.7)) for k, w in widths.items()}
        self.limbs = {
            k: line(colors.stick if k == "stick" else colors.body, stroke * w)
            for k, w in widths.items()
        }
        self.head = VMobject(stroke_color=colors.outline, stroke_width=stroke * 0.5)
        self.head.set_fill(colors.body, 1.0)
        self.head.set_points_as_corners(np.zeros((2, 3)))
        self.blindfold = line(colors.blindfold, stroke * 0.75)
        self.add(*self.halos.values(), *self.limbs.values(), self.head, self.blindfold)
        self.foot = np.zeros(3)

    def joints(self, foot: FloatArray, facing: FloatArray, swing: float) -> dict[str, FloatArray]:
        """Joint positions for a figure standing at ``foot`` facing ``facing`` (horizontal).

        ``swing`` in [-1, 1] is the stride: 0 stands with feet together.
        """
        s = self.size
        up = np.array([0.0, 0.0, 1.0])
        f = np.asarray(facing, dtype=np.float64)
        n = float(np.linalg.norm(f[:2]))
        f = np.array([f[0] / n, f[1] / n, 0.0]) if n > 0 else np.array([1.0, 0.0, 0.0])
        side = np.cross(up, f)
        stride = 0.17 * s * swing
        hip = foot + up * 0.47 * s
        neck = hip + up * 0.3 * s + f * 0.05 * s
        shoulder = neck - up * 0.04 * s
        head = neck + up * 0.12 * s + f * 0.015 * s
        j = {
            "hip": hip,
            "neck": neck,
            "head": head,
            "facing": f,
            "foot_a": foot + f * stride + side * 0.03 * s,
            "foot_b": foot - f * stride - side * 0.03 * s,
            "knee_a": hip + up * -0.24 * s + f * (stride * 0.5 + 0.04 * s) + side * 0.03 * s,
            "knee_b": hip + up * -0.24 * s + f * (-stride * 0.5 + 0.04 * s) - side * 0.03 * s,
            "hand_a": shoulder - up * 0.24 * s - f * stride * 0.7 + side * 0.06 * s,
            # The stick hand reaches forward; the stick's tip feels the ground ahead.
            "hand_b": shoulder - up * 0.17 * s + f * (0.17 * s + stride * 0.3) - side * 0.06 * s,
            "stick_tip": foot + f * (0.36 * s + stride * 0.4) - side * 0.07 * s,
        }
        j["stick_top"] = j["hand_b"] + (j["hand_b"] - j["stick_tip"]) * 0.12
        j["elbow_b"] = (shoulder + j["hand_b"]) / 2 - up * 0.05 * s
        j["shoulder"] = shoulder
        return j

    def pose(
        self,
        foot: FloatArray,
        facing: FloatArray,
        swing: float,
        screen: tuple[FloatArray, FloatArray, FloatArray],
    ) -> None:
        """Place the figure; ``screen`` is the camera's (right, up, out) in scene coordinates."""
        self.foot = np.asarray(foot, dtype=np.float64).copy()
        j = self.joints(self.foot, facing, swing)
        shapes = {
            "stick": [j["stick_top"], j["stick_tip"]],
            "torso": [j["hip"], j["neck"]],
            "back_leg": [j["hip"], j["knee_b"], j["foot_b"]],
            "front_leg": [j["hip"], j["knee_a"], j["foot_a"]],
            "back_arm": [j["shoulder"], j["hand_a"]],
            "front_arm": [j["shoulder"], j["elbow_b"], j["hand_b"]],
        }
        for key, pts in shapes.items():
            arr = np.array(pts)
            self.halos[key].set_points_as_corners(arr)
            self.limbs[key].set_points_as_corners(arr)
        right, up, _ = screen
        r = 0.1 * self.size
        self.head.set_points_smoothly(ellipse(j["head"], right * r, up * r, 12))
        # The blindfold: a band across the eyes and its knot's ends hanging at the back of the
        # head, on the side away from where the hiker faces on screen.
        ahead = 1.0 if float(np.dot(j["facing"], right)) >= 0 else -1.0
        band = j["head"] + up * 0.2 * r
        back = band - right * ahead * r
        self.blindfold.set_points_as_corners(
            np.array(
                [
                    band + right * ahead * r * 0.95,
                    back,
                    back - right * ahead * r * 0.55 - up * r * 0.5,
                    back,
                    back - right * ahead * r * 0.3 - up * r * 0.75,
                ]
            )
        )

    def points_3d(self) -> FloatArray:
        """Every point of the figure, for framing checks."""
        return np.concatenate([m.points for m in self.family_members_with_points()])


class SlopeArrow(VGroup):
    """A short arrow lying on the ground: a shaft and a flat head that faces the camera."""

    def __init__(self, color: str, stroke: float, head: float) -> None:
        super().__init__()
        self.head_length = head
        self.shaft = VMobject(stroke_color=color, stroke_width=stroke, fill_opacity=0)
        self.tip = VMobject(stroke_width=0).set_fill(color, 1.0)
        self.shaft.set_points_as_corners(np.zeros((2, 3)))
        self.tip.set_points_as_corners(np.zeros((3, 3)))
        self.add(self.shaft, self.tip)

    def put(self, start: FloatArray, end: FloatArray, out: FloatArray, opacity: float) -> None:
        """Arrow from ``start`` to ``end``; ``out`` points from the scene towards the viewer."""
        d = end - start
        length = float(np.linalg.norm(d))
        if length < 1e-9 or opacity <= 0.0:
            self.shaft.set_points_as_corners(np.array([start, start]))
            self.tip.set_points_as_corners(np.array([start, start, start]))
            self.set_opacity_parts(0.0)
            return
        u = d / length
        head = min(self.head_length, 0.45 * length)
        # The head's wings span the direction that is square to both the arrow and the line of
        # sight, so the head never turns edge-on.
        wing = np.cross(u, out)
        wn = float(np.linalg.norm(wing))
        wing = wing / wn if wn > 1e-9 else np.cross(u, np.array([0.0, 0.0, 1.0]))
        base = end - u * head
        self.shaft.set_points_as_corners(np.array([start, base + u * head * 0.2]))
        self.tip.set_points_as_corners(
            np.array([end, base + wing * head * 0.5, base - wing * head * 0.5, end])
        )
        self.set_opacity_parts(opacity)

    def set_opacity_parts(self, opacity: float) -> None:
        self.shaft.set_stroke(opacity=opacity)
        self.tip.set_fill(opacity=opacity)


# ------------------------------------------------------------------------------ paths


class DrapedPath:
    """A (w, b) path laid on the loss surface: straight in (w, b), following the ground.

    Segments between kept states are sampled ``samples`` times and lifted to the surface, so
    a long step that crosses the valley dips down and climbs the other side as the hiker does.

    Parameters
    ----------
    index
        The kept state indices (increasing), their ``(w, b)`` in ``w``, ``b``.
    """

    def __init__(
        self,
        bowl: BowlMap,
        loss_at: LossFn,
        index: FloatArray,
        w: FloatArray,
        b: FloatArray,
        samples: int,
        lift: float,
    ) -> None:
        self.index = np.asarray(index, dtype=np.float64)
        self.samples = samples
        t = np.linspace(0.0, 1.0, samples + 1)[:-1]
        if len(w) > 1:
            ws = (w[:-1, None] + (w[1:] - w[:-1])[:, None] * t[None, :]).ravel()
            bs = (b[:-1, None] + (b[1:] - b[:-1])[:, None] * t[None, :]).ravel()
            ws = np.append(ws, w[-1])
            bs = np.append(bs, b[-1])
        else:
            ws, bs = np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64)
        pts = bowl.points(ws, bs, loss_at(ws, bs))
        pts[:, 2] += lift
        self.pts = pts

    def upto(self, s: float) -> FloatArray:
        """The path's points from the first kept state to fractional state index ``s``."""
        idx = self.index
        if len(idx) < 2 or s <= idx[0]:
            return self.pts[:1]
        k = int(np.searchsorted(idx, s, side="right")) - 1
        if k >= len(idx) - 1:
            return self.pts
        f = (s - idx[k]) / (idx[k + 1] - idx[k])
        u = f * self.samples
        m = int(u)
        base = k * self.samples
        head = self.pts[: base + m + 1]
        if u - m > 1e-9:
            a, c = self.pts[base + m], self.pts[base + m + 1]
            head = np.vstack([head, a + (c - a) * (u - m)])
        return head


def footprint_beziers(
    centers: FloatArray, headings: FloatArray, length: float, width: float
) -> FloatArray:
    """Two shoe prints per centre, side by side along ``headings``; ``(k * 2 * 40, 3)``."""
    up = np.array([0.0, 0.0, 1.0])
    out = []
    for c, h in zip(centers, headings, strict=True):
        side = np.cross(up, h)
        for sgn, ahead in ((1.0, 0.25), (-1.0, -0.25)):
            centre = c + side * sgn * width * 0.85 + h * ahead * length
            out.append(polyline_beziers(ellipse(centre, h * length / 2, side * width / 2, 10)))
    return np.concatenate(out) if out else np.zeros((0, 3))


PRINT_POINTS = 2 * 10 * 4  # bezier points per pair of prints (two 10-gons, 4 points a piece)
