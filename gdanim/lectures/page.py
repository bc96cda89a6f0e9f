"""``index.html`` from its template (templates/): the lecture and each scene with captions;
works from disk, offline."""

from __future__ import annotations

import functools
import html
import os
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..fileio import atomic_write_text
from ..media import captions
from ..scenes.registry import SCENES
from ..theme import theme as find_theme
from . import transcript
from .file import JOINED, Lecture
from .narration import run_sentences

if TYPE_CHECKING:
    from .results import SceneResult


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


clock = transcript.clock


class Link:
    """A link as the page writes it: ``<a href="HREF">TEXT</a>``, or text with links inside
    (``captions .srt .vtt``)."""

    def __init__(self, text: str, *targets: tuple[str, str]) -> None:
        self.text = text
        self.targets = targets or ((text, text),)

    def __html__(self) -> str:
        links = " ".join(f'<a href="{_e(href)}">{_e(label)}</a>' for label, href in self.targets)
        return f"{_e(self.text)} {links}" if self.text and len(self.targets) > 1 else links


def _caption_links(stem: str) -> Link:
    return Link("captions", (".srt", f"{stem}.srt"), (".vtt", f"{stem}.vtt"))


def _known(value: object) -> object:
    """A recorded fact, or ``?`` where the render did not record it."""
    return "?" if value is None else value


@functools.cache
def templates() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("gdanim.lectures", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def write_index(
    out: str, lecture: Lecture, ordered: list[SceneResult], joined: dict[str, Any] | None,
    decks: dict[str, dict[str, Any]], failures: list[dict[str, str]],
) -> str:  # fmt: skip
    """``index.html``: the lecture and each scene with captions; works from disk, offline."""
    env = templates()
    css = env.get_template("page.css").render(c=find_theme(lecture.theme))
    vtts: list[tuple[str, str]] = []
    ok = sum(1 for r in ordered if r.ok)
    meta = f"{ok} of {len(ordered)} scenes"
    if joined:
        meta += f" · {clock(joined['duration'])} in all"
    meta += " · made " + datetime.now().strftime("%Y-%m-%d %H:%M")
    lecture_part = None
    if joined:
        vtts.append(("vtt-lecture", captions.to_vtt(joined["cues"])))
        links = [Link(f"{JOINED}.mp4"), _caption_links(JOINED)]
        names = {"slides": "slides", "pptx": "lecture.pptx", "handout": "handout.pdf"}
        for kind, made in decks.items():
            links.append(Link(names[kind], (names[kind], made["path"])))
        links.append(Link("manifest.json"))
        first = next((r.poster for r in ordered if r.ok and r.poster), None)
        lecture_part = {
            "src": f"{JOINED}.mp4",
            "vtt": f"{JOINED}.vtt",
            "still": os.path.basename(first) if first else None,
            "links": links,
            "chapters": [
                {"start": p["start"], "clock": clock(p["start"]), "name": p["name"]}
                for p in joined.get("parts", [])
            ],
            "transcript": transcript.sections(
                [r for r in ordered if r.ok], [p["start"] for p in joined.get("parts", [])]
            ),
        }
    scenes = []
    for r in ordered:
        entry: dict[str, Any] = {"name": r.name, "summary": SCENES[r.spec.scene].summary}
        if not r.ok:
            entry["error"] = (r.video.error if r.video else None) or "not rendered"
            scenes.append(entry)
            continue
        assert r.info is not None
        video = os.path.basename(r.video_path)
        stem = os.path.splitext(video)[0]
        vid = f"vtt-{stem}"
        vtts.append((vid, captions.to_vtt(r.cues)))
        m = r.manifest
        links = [Link(video), _caption_links(stem)]
        if r.gif and r.gif.ok and r.gif.path:
            links.append(Link(os.path.basename(r.gif.path)))
        entry.update(
            error=None,
            video=video,
            vtt=f"{stem}.vtt",
            vtt_id=vid,
            size=(r.info.width, r.info.height),
            still=os.path.basename(r.poster) if r.poster else None,
            facts=(
                f"{_known(m.dataset_name)} data ({_known(m.points)} points) · "
                f"{_known(m.loss)} · {_known(m.optimizer)} · "
                f"{clock(r.info.duration)} · {r.info.width}x{r.info.height}, {r.info.fps} fps"
            ),
            runs=run_sentences(m),
            links=links,
        )
        scenes.append(entry)
    page = env.get_template("index.html").render(
        title=lecture.title,
        meta=meta,
        css=css,
        script="\n".join(env.loader.get_source(env, f)[0] for f in ("captions.js", "page.js")),
        joined=lecture_part,
        scenes=scenes,
        failures=failures,
        vtts=vtts,
    )
    path = os.path.join(out, "index.html")
    atomic_write_text(path, page)
    return path
