"""The hiker, the downhill arrow and the footprints; each rewrites its points in place."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import VGroup, VMobject

from .geometry import FloatArray, ellipse, polyline_beziers

# Sizes in scene units, before the camera's zoom.
HIKER_SIZE = 0.8
HIKER_STROKE = 5.5
ARROW_LENGTH = 0.85  # the downhill arrow at the start's slope
ARROW_HEAD = 0.2
ARROW_STROKE = 5.0
PRINT_LENGTH = 0.16
PRINT_WIDTH = 0.07


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
