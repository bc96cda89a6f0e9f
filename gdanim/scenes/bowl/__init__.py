"""The parts of the hiker-bowl scene: the loss as a wire bowl, a camera around it, the hiker.

Cairo draws 3D by projecting points and painting mobjects in the order they were added, with
no depth test. So everything here is a plain ``VMobject`` with 3D points (wire lines, polylines,
flat polygons), never a shaded ``Surface``, and every moving piece rewrites its points in place
from numbers: the family manim snapshots when a ``play()`` begins stays the same.

The package: :mod:`.geometry` (:class:`~.geometry.BowlMap` takes ``(w, b, loss)`` to the
scene, the loss on that ground, polylines, paths draped on the surface), :mod:`.camera` (a 3D
camera whose picture slides on screen, its key poses and the moves between them),
:mod:`.pieces` (the floor and the wire bowl), :mod:`.side` (the loop, the legend and the
closing note beside the bowl), :mod:`.walk` (the timeline: the beats' lengths, where the walk
is at each instant), :mod:`.figures` (the hiker, the downhill arrow, footprints) and
:mod:`.walkers` (those figures and the trail following the walk).
"""
