"""The hiker-bowl camera: a 3D camera whose picture slides on screen, its poses and moves.

The camera orbits while the hiker walks, then settles straight above the bowl, where the
level curves become the contour map the descent-path scene starts from (w to the right, b up).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from manim import DEGREES, ThreeDCamera, ValueTracker, linear, smooth

from ..base import Box
from .geometry import FloatArray
from .walk import HIKER_IN_TIME, RISE_TIME, SETTLE_TIME

# Angles in degrees; the focal distance gives a little perspective in 3D and none from
# straight above, so the level curves there lie exactly over their floor shadows. The camera
# stays on the side of low b, so w runs left to right as on the contour map.
PHI_3D = 60.0
PHI_LATE = 52.0
THETA_START = -130.0
THETA_WALK = -115.0
THETA_END = -62.0
THETA_TOP = -90.0
FOCAL_3D = 18.0
FOCAL_TOP = 4000.0
FIT_MARGIN = 0.25  # kept free inside the bowl's box in 3D views


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


def perspective_fade(t: float) -> float:
    """Rate for the focal distance: its inverse (the perspective's strength) eases to zero."""
    inv = 1 / FOCAL_3D + smooth(t) * (1 / FOCAL_TOP - 1 / FOCAL_3D)
    return (1 / inv - FOCAL_3D) / (FOCAL_TOP - FOCAL_3D)


#: Rounds of fitting the 3D poses to labels set off by screen distances (see CameraPlan).
FIT_ROUNDS = 40


class CameraPlan:
    """The camera's key poses for a bowl in its layout box, and the moves between them.

    At each 3D pose the zoom and screen shift fit ``points(zoom_3d, zoom_top)`` (what must
    stay in view at every angle, given the least 3D zoom and the zoom from above, which
    place the labels) into ``box``, ``margin`` inside it; from straight above, the floor
    (``half`` either side of the centre) fills the plot area of ``top_box`` (else ``box``)
    left by the ticks and ``note_room`` under them. Labels set off by a distance on screen
    lie further out in the world the smaller the zoom, so the fit is repeated until the
    least 3D zoom it gives is the one it assumed. Between key poses every setting moves
    linearly. The camera is left at the first pose.
    """

    def __init__(
        self,
        cam: BowlCamera,
        points: Callable[[float, float], FloatArray],
        box: Box,
        half: float,
        duration: float,
        note_room: float = 0.0,
        margin: float = FIT_MARGIN,
        top_box: Box | None = None,
    ) -> None:
        self.cam = cam
        self.duration = duration
        thetas = [t * DEGREES for t in (THETA_START, THETA_WALK, THETA_END)]

        def fitted(pts: FloatArray, phi: float, theta: float) -> Pose:
            cam.set_pose(Pose(phi * DEGREES, theta, 1.0, FOCAL_3D, (0.0, 0.0)))
            p = cam.project_points(pts)[:, :2]
            lo, hi = p.min(axis=0), p.max(axis=0)
            size = hi - lo
            zoom = min((box.w - 2 * margin) / size[0], (box.h - 2 * margin) / size[1])
            mid = (lo + hi) / 2
            shift = (box.x - zoom * float(mid[0]), box.y - zoom * float(mid[1]))
            return Pose(phi * DEGREES, theta, float(zoom), FOCAL_3D, shift)

        area = (top_box or box).plot_area()
        # A line under the w axis's name from above (the axes are not to scale).
        area = Box(area.x, area.y + note_room / 2, area.w, area.h - note_room)
        side = min(area.w, area.h)
        self.zoom_top = side / (2 * half)
        top = Pose(0.0, THETA_TOP * DEGREES, self.zoom_top, FOCAL_TOP, (area.x, area.y))
        # From an infinite zoom (labels on the floor's edges) down: each round's least zoom
        # sets the labels further out, and the next fit is smaller, until they agree.
        zoom_3d = math.inf
        for _ in range(FIT_ROUNDS):
            pts = points(zoom_3d, self.zoom_top)
            poses = {
                "start": fitted(pts, PHI_3D, thetas[0]),
                "risen": fitted(pts, PHI_3D, (thetas[0] + thetas[1]) / 2),
                "walk": fitted(pts, PHI_3D, thetas[1]),
                "late": fitted(pts, PHI_LATE, thetas[2]),
            }
            least = min(p.zoom for p in poses.values())
            if least >= zoom_3d * (1 - 1e-3):
                # The labels stay where these poses were fitted to them.
                break
            zoom_3d = least
        self.poses = {**poses, "top": top}
        # Labels are sized for the smallest 3D zoom, the widest view.
        self.zoom_3d = zoom_3d
        cam.set_pose(self.poses["start"])

    #: Each camera move: (from, to, seconds or None for --duration, rates).
    def moves(self) -> dict[str, tuple[str, str, float]]:
        return {
            "rise": ("start", "risen", RISE_TIME),
            "enter": ("risen", "walk", HIKER_IN_TIME),
            "walk": ("walk", "late", self.duration),
            "settle": ("late", "top", SETTLE_TIME),
        }

    @staticmethod
    def rates(move: str) -> dict[str, Callable[[float], float]]:
        if move != "settle":
            return dict.fromkeys(("phi", "theta", "zoom", "focal", "shift_x", "shift_y"), linear)
        out: dict[str, Callable[[float], float]] = dict.fromkeys(
            ("phi", "theta", "zoom", "shift_x", "shift_y"), smooth
        )
        out["focal"] = perspective_fade
        return out

    def move(self, move: str) -> list[Any]:
        """The animations of one camera move."""
        _, to, _ = self.moves()[move]
        return self.cam.move_to_pose(self.poses[to], self.rates(move))

    def pose_during(self, move: str, u: float) -> Pose:
        """The camera at fraction ``u`` of a move, as the move's animations put it."""
        a, b, _ = self.moves()[move]
        return self.cam.pose_between(self.poses[a], self.poses[b], u, self.rates(move))
