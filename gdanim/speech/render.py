"""Narration inside a render: the voice a spec names, the beats said before the scene plays."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from typing import Any

from ..config import RenderSpec
from ..errors import InputError
from ..pipeline.prepare import SceneInputs
from .narration import PAUSE, Narration
from .script import render_beats
from .voices import Recordings, Voice, voice_of


def voice_for(spec: RenderSpec) -> Voice:
    """The voice of a narrated spec, checked: one line when it cannot speak here."""
    voice = voice_of(spec.voice_name)
    voice.check()
    return voice


def narrate(inputs: SceneInputs, voice: Voice, name: str, media_dir: str) -> SceneInputs:
    """``inputs`` with a narration: each beat is said as the scene reaches it. A folder of
    recordings is checked first against the scene's beats (read without drawing): a missing,
    extra or unreadable recording stops the render before it starts."""
    script = None
    if isinstance(voice, Recordings):
        script = render_beats(inputs, name, media_dir)
        ids = [b.id for b in script]
        voice.check_beats(ids)
        voice.check_extra(ids, prefix=f"{name}-")
        for beat in script:  # every recording read (and kept) before the scene plays
            voice.say(beat.id, beat.spoken)
    return dataclasses.replace(inputs, narration=Narration(voice, name, script))


def narration_record(narration: Narration) -> dict[str, Any]:
    """The manifest's record of a narrated render: the voice, and each beat's id, start,
    speech length and words."""
    return {
        "voice": narration.voice.name,
        "synthesis_seconds": round(narration.synthesis_seconds, 3),
        "pause": PAUSE,
        "beats": [
            {"id": b.id, "start": round(t, 3), "speech_seconds": round(s.seconds, 3),
             "text": b.text, "spoken": b.spoken}
            for b, s, t in zip(narration.beats, narration.speech, narration.starts, strict=True)
        ],
    }  # fmt: skip


def check_lecture_voices(scenes: Sequence[tuple[str, RenderSpec]]) -> None:
    """Before a lecture renders: every voice it names can speak here, and a folder of
    recordings holds none that belongs to no scene of the lecture."""
    checked: dict[str, Voice] = {}
    for _, spec in scenes:
        if spec.narrated and spec.voice_name not in checked:
            checked[spec.voice_name] = voice_for(spec)
    for voice in checked.values():
        if not isinstance(voice, Recordings):
            continue
        names = [n for n, s in scenes if s.narrated and s.voice_name == voice.name]
        for beat, path in sorted(voice.files().items()):
            if not any(beat.startswith(f"{n}-") and beat[len(n) + 1 :].isdigit() for n in names):
                raise InputError(
                    f"--voice {voice.folder}: {os.path.basename(path)} is no beat of this "
                    f"lecture (its scenes: {', '.join(names)}); `gdanim script` lists the beats"
                )
