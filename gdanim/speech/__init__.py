"""Narration: each beat's spoken text, the voices that say it, the track that carries it.

:mod:`.spoken` (a caption as a narrator reads it, pure Python), :mod:`.voices` (eSpeak NG,
Piper, a folder of recordings), :mod:`.narration` (the beats said as the scene reaches them,
the sound track), :mod:`.script` (the beats read without drawing, the narration script),
:mod:`.render` (narration inside a render). Nothing here imports manim until a scene is read.
"""

from .spoken import spoken

__all__ = ["spoken"]
