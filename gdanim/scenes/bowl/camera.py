"""The hiker-bowl camera: a 3D camera whose picture slides on screen, and its poses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from manim import ThreeDCamera, ValueTracker

from .geometry import FloatArray


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
