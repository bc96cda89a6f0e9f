"""The pack: each scene read back and captioned, the joined video, the manifest."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any

from ..errors import InputError
from ..fileio import atomic_write_text, check_target
from ..media import captions
from ..media.ffmpeg import join_videos, poster
from ..media.probe import video_info
from ..pipeline.identity import file_sha256
from .file import FLAGS, JOINED, POSTER_AT, Lecture, with_flags
from .jobs import Job, check_dask, cpu_seconds, one_line, plan, run_dask, run_local
from .narration import generated_captions
from .page import write_index
from .progress import Progress
from .publish import publish
from .records import JobResult, LectureManifest
from .results import SceneResult


def _scene_captions(result: SceneResult) -> None:
    """The scene's own subcaptions, else captions made from its run numbers; .srt and .vtt,
    to broadcast practice."""
    assert result.info is not None
    path = result.video_path
    srt = captions.sibling(path, "srt")
    generated = generated_captions(result.manifest, result.info.duration)
    cues: list[captions.Cue] = []
    if os.path.isfile(srt):
        cues = captions.read(srt)
    if cues and captions.to_srt(cues) != captions.to_srt(captions.practice(generated)):
        result.caption_source = "scene"
        result.beat_cues = list(result.manifest.cues) or cues
    else:
        result.beat_cues = generated
        cues = captions.practice(generated)
        result.caption_source = "run numbers"
        captions.write(srt, cues)
    captions.write(captions.sibling(path, "vtt"), cues)
    result.cues = cues


def _json_key(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()


@dataclass
class LectureReport:
    """The outcome of :func:`make_lecture`: ``record`` is its ``manifest.json``."""

    out_dir: str
    record: LectureManifest
    failures: list[dict[str, str]]

    @property
    def manifest(self) -> dict[str, Any]:
        """The manifest as the file has it (a JSON object)."""
        return self.record.to_dict()

    @property
    def index(self) -> str:
        return os.path.join(self.out_dir, "index.html")

    @property
    def ok(self) -> bool:
        return not self.failures


def _cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def check_out_dir(out_dir: str) -> str:
    """Create the output folder; one line when it cannot be."""
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise InputError(f"{out_dir}: is a file; -o takes a folder")
    try:
        os.makedirs(out_dir, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot create the folder ({exc.strerror})") from None
    if not os.access(out_dir, os.W_OK):
        raise InputError(f"{out_dir}: the folder is not writable")
    return os.path.abspath(out_dir)


#: The files a lecture writes besides its scenes' (their names in the output folder).
PACK_FILES = ("manifest.json", "index.html", f"{JOINED}.mp4", f"{JOINED}.srt", f"{JOINED}.vtt",
              "lecture.pptx", "handout.pdf")  # fmt: skip


def check_targets(lecture: Lecture, out: str, todo: list[Job]) -> None:
    """One line, before anything renders, when the lecture would write over one of its own
    inputs (the lecture file, a data file, a recorded run) or onto a device or a pipe."""
    inputs: list[str | None] = [lecture.source]
    for s in lecture.scenes:
        inputs += [s.spec.data_path, s.spec.trajectory_path]
    targets = [os.path.join(out, name) for name in PACK_FILES]
    for job in todo:
        stem = os.path.splitext(job.output)[0]
        targets += [job.output, job.output + ".json", stem + ".srt", stem + ".vtt"]
    for target in targets:
        check_target(target, inputs, what="the lecture")


def make_lecture(
    lecture: Lecture,
    out_dir: str,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    quiet: bool = False,
    stream: IO[str] | None = None,
    **flags: bool,
) -> LectureReport:
    """Render the lecture into ``out_dir`` and write the pack; see the package docstring.

    ``flags`` (``gif``, ``slides``, ``pptx``, ``handout``: :data:`~.file.FLAGS`) make what
    they name besides what the lecture's file asks for.
    """
    stream = stream or sys.stderr
    lecture = with_flags(lecture, **flags)
    gif, slides, pptx, handout = lecture.gif, lecture.slides, lecture.pptx, lecture.handout
    if pptx:
        from .pptx import check_available

        check_available()
    if handout:
        from .handout import check_available as check_handout

        check_handout()
    if scheduler:
        check_dask()
    from ..speech.render import check_lecture_voices

    check_lecture_voices([(s.name, s.spec) for s in lecture.scenes])
    out = check_out_dir(out_dir)
    workers = None if scheduler else (jobs or _cores())
    todo = plan(lecture, out, gif=gif, force=force)
    check_targets(lecture, out, todo)
    results = {s.name: SceneResult(s.name, s.spec) for s in lecture.scenes}
    failures: list[dict[str, str]] = []
    started = time.perf_counter()
    cpu0 = cpu_seconds()
    with Progress(todo, stream, workers, quiet) as progress:

        def on_done(job: Job, outcome: JobResult) -> None:
            setattr(results[job.name], job.kind, outcome)
            if outcome.error:
                failures.append({"name": job.name, "kind": job.kind, "error": outcome.error})
            progress.done(job, outcome)

        if scheduler:
            run_dask(todo, scheduler, on_done)
        else:
            run_local(todo, workers or 1, on_done)
    render_wall = time.perf_counter() - started

    # Read each video back: its real duration sets the caption offsets of the joined video.
    ordered = [results[s.name] for s in lecture.scenes]
    for r in ordered:
        if r.video is None or not r.video.ok:
            continue
        try:
            r.info = video_info(r.video_path)
            _scene_captions(r)
            r.poster = poster(r.video_path, r.info.duration * POSTER_AT)
        except Exception as exc:
            r.info = None
            err = one_line(exc)
            failures.append({"name": r.name, "kind": "captions", "error": err})
            stream.write(f"lecture: {r.name}: {err}\n")

    t_join = time.perf_counter()
    joined = _join(out, [r for r in ordered if r.ok], failures, stream, force)
    join_seconds = time.perf_counter() - t_join

    def fail(name: str, kind: str, error: str) -> None:
        failures.append({"name": name, "kind": kind, "error": error})
        stream.write(f"lecture: {name} ({kind}) failed: {error}\n")

    kinds = tuple(k for k, on in (("pptx", pptx), ("slides", slides), ("handout", handout)) if on)
    t_decks = time.perf_counter()
    decks = publish(out, lecture, ordered, joined, kinds, force, fail)
    decks_seconds = time.perf_counter() - t_decks

    manifest = _manifest(
        lecture, out, ordered, joined, decks, failures,
        {"jobs": workers, "scheduler": scheduler, **{k: getattr(lecture, k) for k in FLAGS},
         "force": force},
        {
            "render_wall_seconds": round(render_wall, 3),
            "join_seconds": round(join_seconds, 3),
            "decks_seconds": round(decks_seconds, 3),
            "total_seconds": round(time.perf_counter() - started, 3),
            "jobs_cpu_seconds": round(
                sum(o.cpu_seconds or 0.0 for r in ordered for o in (r.video, r.gif) if o),
                3,
            ),
            "cpu_seconds": round(cpu_seconds() - cpu0, 3),
        },
    )  # fmt: skip
    atomic_write_text(os.path.join(out, "manifest.json"), manifest.to_json())
    write_index(out, lecture, ordered, joined, decks, failures)
    return LectureReport(out, manifest, failures)


def _intact(path: str, size: int, sha256: str) -> bool:
    """The file has the size and hash its record says (a damaged file is made again)."""
    try:
        return os.path.getsize(path) == size and bool(sha256) and file_sha256(path) == sha256
    except OSError:
        return False


def _join(
    out: str, parts: list[SceneResult], failures: list[dict[str, str]], stream: IO[str],
    force: bool,
) -> dict[str, Any] | None:  # fmt: skip
    """``lecture.mp4`` and its captions, reused when its parts are unchanged."""
    if not parts:
        return None
    dest = os.path.join(out, f"{JOINED}.mp4")
    keys = [r.rendered.key for r in parts]
    infos = [r.info for r in parts if r.info is not None]
    durations = [i.duration for i in infos]
    key = _json_key({"parts": keys, "durations": durations})
    previous = LectureManifest.previous(out)
    old = previous.lecture if previous is not None else None
    reused = (
        not force
        and old is not None
        and os.path.isfile(dest)
        and old.key == key
        and _intact(dest, old.bytes, old.sha256)
    )
    method = old.method if old is not None else "copy"
    try:
        if not reused:
            paths = [r.video_path for r in parts]
            method = join_videos(paths, infos, dest)
            _join_sound(paths, durations, dest)
        info = video_info(dest)
    except Exception as exc:
        failures.append({"name": JOINED, "kind": "join", "error": one_line(exc)})
        stream.write(f"lecture: joining the scenes failed: {one_line(exc)}\n")
        return None
    cues = captions.join([(r.cues, r.info.duration) for r in parts if r.info is not None])
    captions.write(os.path.join(out, f"{JOINED}.srt"), cues)
    captions.write(os.path.join(out, f"{JOINED}.vtt"), cues)
    starts, t = [], 0.0
    for d in durations:
        starts.append(round(t, 3))
        t += d
    return {
        "path": f"{JOINED}.mp4",
        "key": key,
        "method": method,
        "reused": reused,
        "bytes": os.path.getsize(dest),
        "sha256": file_sha256(dest),
        "duration": round(info.duration, 3),
        "parts_duration": round(sum(durations), 3),
        "parts": [{"name": r.name, "start": s} for r, s in zip(parts, starts, strict=True)],
        "width": info.width,
        "height": info.height,
        "fps": info.fps,
        "captions": {"srt": f"{JOINED}.srt", "vtt": f"{JOINED}.vtt", "cues": len(cues)},
        "cues": cues,
    }


def _join_sound(paths: list[str], durations: list[float], dest: str) -> None:
    """Where any scene speaks, the joined video gets their sound, each scene's at its start
    (silence for a silent one)."""
    from ..fileio import private_dir
    from ..speech.narration import has_sound, join_sound

    if not any(has_sound(p) for p in paths):
        return
    with private_dir(dest) as tmp:
        os.replace(join_sound(list(zip(paths, durations, strict=True)), dest, tmp), dest)


def _rel(out: str, path: str | None) -> str | None:
    return os.path.relpath(path, out) if path else None


def _manifest(
    lecture: Lecture, out: str, ordered: list[SceneResult], joined: dict[str, Any] | None,
    decks: dict[str, dict[str, Any]], failures: list[dict[str, str]], options: dict[str, Any],
    timings: dict[str, Any],
) -> LectureManifest:  # fmt: skip
    from ..pipeline.manifest import versions

    scenes = []
    for r in ordered:
        entry: dict[str, Any] = {"name": r.name, "scene": r.spec.scene, "spec": r.spec.to_dict()}
        entry["ok"] = r.ok
        entry["error"] = r.video.error if r.video else None
        if r.ok:
            assert r.info is not None
            v = r.rendered
            entry.update(
                key=v.key,
                output=_rel(out, v.path),
                manifest=_rel(out, v.manifest_path),
                duration=round(r.info.duration, 3),
                width=r.info.width,
                height=r.info.height,
                fps=r.info.fps,
                codec=r.info.codec,
                reused=v.reused,
                render_seconds=round(v.seconds, 3),
                cpu_seconds=v.cpu_seconds,
                worker={"host": v.host, "pid": v.pid},
                captions={
                    "srt": _rel(out, captions.sibling(r.video_path, "srt")),
                    "vtt": _rel(out, captions.sibling(r.video_path, "vtt")),
                    "source": r.caption_source,
                    "cues": len(r.cues),
                },
                **r.manifest.scene_records(),
            )
        if r.gif is not None:
            entry["gif"] = {
                "output": _rel(out, r.gif.path),
                "key": r.gif.key,
                "reused": r.gif.reused,
                "seconds": round(r.gif.seconds, 3),
                "error": r.gif.error,
            }
        if r.beats:
            entry["beats"] = [
                {"start": b.start, "end": b.end, "clip": b.clip, "poster": b.poster,
                 "text": b.text}
                for b in r.beats
            ]  # fmt: skip
        scenes.append(entry)
    lecture_entry = None
    if joined is not None:
        lecture_entry = {k: v for k, v in joined.items() if k != "cues"}
    return LectureManifest.model_validate(
        {
            "format": "gdanim-lecture",
            "version": 1,
            "title": lecture.title,
            "source": os.path.abspath(lecture.source) if lecture.source else None,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "options": options,
            "scenes": scenes,
            "lecture": lecture_entry,
            "decks": decks,
            "failures": failures,
            "complete": not failures,
            "timings": timings,
            "versions": versions(),
        }
    )
