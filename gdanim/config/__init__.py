"""The configuration: one validated model for the command line, lecture files and Python.

- :mod:`~gdanim.config.names`: the vocabularies and limits (qualities, aspects, formats, ...);
- :mod:`~gdanim.config.checks`: the value checks, with their messages;
- :mod:`~gdanim.config.models`: :class:`TrainConfig` and :class:`RenderSpec`;
- :mod:`~gdanim.config.errors`: a validation error as one line naming the key.
"""

from __future__ import annotations

from .models import LRS_SCENES, TRAIN_KEYS, VARY_SCENES, RenderSpec, TrainConfig, frame_size

__all__ = ["LRS_SCENES", "TRAIN_KEYS", "VARY_SCENES", "RenderSpec", "TrainConfig", "frame_size"]
