"""The configuration: one validated model for the command line, lecture files and Python.

:class:`TrainConfig` (a run) and :class:`RenderSpec` (a render: data, training, output) are
frozen pydantic models. The command line (:mod:`gdanim.cli.options` builds its options from
the fields), the lecture file (:mod:`gdanim.lectures.file`) and the Python API all validate
through them, so an option is declared, checked and documented in one place.

- :mod:`~gdanim.config.names`: the vocabularies and limits (qualities, aspects, formats, ...);
- :mod:`~gdanim.config.checks`: the value checks, with their messages;
- :mod:`~gdanim.config.fields`: a field's :class:`~gdanim.config.fields.Opt` (its check and
  help), rules across fields, the models' frozen base;
- :mod:`~gdanim.config.train`: :class:`TrainConfig`;
- :mod:`~gdanim.config.spec`: :class:`RenderSpec`, and the checks a scene's registry entry
  asks for (the options only it takes, its own check);
- :mod:`~gdanim.config.lecture`: a lecture's scenes and flags, and the options applied to every
  scene (the lecture file, ``gdanim lecture`` and :func:`gdanim.lecture` take their names here);
- :mod:`~gdanim.config.errors`: a validation error as one line naming the key.
"""

from __future__ import annotations

from .spec import RenderSpec, frame_size
from .train import TRAIN_KEYS, TrainConfig

__all__ = ["TRAIN_KEYS", "RenderSpec", "TrainConfig", "frame_size"]
