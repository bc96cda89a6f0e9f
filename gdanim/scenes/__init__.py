"""The manim scenes. Each draws the :class:`~gdanim.pipeline.prepare.SceneInputs` it is given.

:mod:`~gdanim.scenes.registry` names them without importing manim; the scene modules and their
widgets import manim, so nothing outside this package and :mod:`gdanim.pipeline.render`
imports them.
"""
