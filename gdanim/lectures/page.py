"""``index.html``: the lecture and each scene with captions; works from disk, offline."""

from __future__ import annotations

import html
import os
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..fileio import atomic_write_text
from ..media import captions
from ..media.probe import VideoInfo
from ..scenes.registry import SCENES
from .file import JOINED, Lecture
from .narration import run_sentences

if TYPE_CHECKING:
    from .assemble import SceneResult

#: Page colours per theme (Okabe-Ito accents, as in the scenes).
PAGE_COLORS = {
    "dark": {"bg": "#111418", "fg": "#e8e8e8", "muted": "#9aa3ad", "card": "#1b2027",
             "accent": "#56b4e9", "bad": "#e69f00"},
    "light": {"bg": "#ffffff", "fg": "#1d1d1f", "muted": "#5b6570", "card": "#f3f5f7",
              "accent": "#0072b2", "bad": "#d55e00"},
}  # fmt: skip

_CSS = """
body { margin: 0 auto; max-width: 1180px; padding: 1.5rem; background: %(bg)s; color: %(fg)s;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
h1 { font-size: 1.7rem; margin: 0 0 .2rem; } h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; }
h3 { font-size: 1.05rem; margin: .2rem 0 .4rem; }
a { color: %(accent)s; } .muted, .meta { color: %(muted)s; }
video { width: 100%%; height: auto; background: #000; border-radius: 6px; display: block; }
.scenes { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr));
  gap: 1.2rem; }
article { background: %(card)s; border-radius: 8px; padding: .8rem 1rem 1rem; }
article.failed { border-left: 4px solid %(bad)s; }
.failed .error, .status .bad { color: %(bad)s; }
ul.runs { padding-left: 1.1rem; margin: .5rem 0; font-size: .92rem; }
.files { font-size: .9rem; margin: .4rem 0 0; }
.status { font-size: .9rem; margin: .4rem 0 0; }
code { font-size: .9em; }
"""

_SCRIPT = """
(function () {
  var videos = Array.prototype.slice.call(document.querySelectorAll('video'));
  var status = document.getElementById('status');
  function update() {
    var ready = 0, tracks = 0, bad = 0;
    videos.forEach(function (v) {
      if (v.dataset.ready === '1') ready++;
      if (v.dataset.ready === 'error') bad++;
      if (Number(v.dataset.cues) > 0) tracks++;
    });
    status.dataset.videos = videos.length;
    status.dataset.ready = ready;
    status.dataset.tracks = tracks;
    status.textContent = ready + ' of ' + videos.length + ' videos ready, ' + tracks +
      ' with captions' + (bad ? ', ' + bad + ' could not be played' : '');
  }
  function loaded(v, t) {
    v.dataset.cues = t.track && t.track.cues ? t.track.cues.length : 0;
    update();
  }
  function failed(v) { v.dataset.cues = 'error'; update(); }
  function fallback(v, t) {
    // Browsers refuse a caption file beside a page opened from disk (file://):
    // the page carries a copy of each one, handed over as a blob.
    if (!t.parentNode) return;
    var copy = document.getElementById(v.dataset.vtt);
    if (!copy) { failed(v); return; }
    var n = document.createElement('track');
    n.kind = 'captions'; n.srclang = 'en'; n.label = t.label || 'English'; n.default = true;
    n.dataset.copyOf = t.getAttribute('src');
    n.addEventListener('load', function () { loaded(v, n); });
    n.addEventListener('error', function () { failed(v); });
    var text = copy.textContent.replace(/^\\s+/, '');
    n.src = URL.createObjectURL(new Blob([text], {type: 'text/vtt'}));
    t.parentNode.replaceChild(n, t);
    if (n.track) n.track.mode = 'showing';
  }
  videos.forEach(function (v) {
    v.addEventListener('loadeddata', function () {
      v.dataset.ready = '1'; v.dataset.duration = v.duration.toFixed(3); update();
    });
    v.addEventListener('error', function () { v.dataset.ready = 'error'; update(); });
    if (v.readyState >= 2) { v.dataset.ready = '1'; v.dataset.duration = v.duration.toFixed(3); }
    var t = v.querySelector('track');
    if (!t) return;
    t.addEventListener('load', function () { loaded(v, t); });
    t.addEventListener('error', function () { fallback(v, t); });
    if (t.readyState === 2) loaded(v, t);
    if (t.readyState === 3) fallback(v, t);
  });
  Array.prototype.forEach.call(document.querySelectorAll('a[data-seek]'), function (a) {
    a.addEventListener('click', function (event) {
      var v = document.querySelector('#lecture video');
      if (!v) return;
      event.preventDefault();
      v.currentTime = Number(a.dataset.seek);
      v.play();
    });
  });
  update();
})();
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def clock(seconds: float) -> str:
    s = int(seconds + 1e-6)  # as a video player counts
    return f"{s // 60}:{s % 60:02d}"


def _video_tag(
    src: str, vtt: str, vtt_id: str, info: VideoInfo | None, label: str, still: str | None
) -> str:
    size = f' width="{info.width}" height="{info.height}"' if info else ""
    if still:
        size += f' poster="{_e(still)}"'
    return (
        f'<video controls preload="metadata" playsinline src="{_e(src)}"{size} '
        f'data-vtt="{_e(vtt_id)}" aria-label="{_e(label)}">\n'
        f'  <track kind="captions" srclang="en" label="English" default src="{_e(vtt)}">\n'
        f"</video>"
    )


def _runs_html(manifest: dict[str, Any]) -> str:
    items = "".join(f"<li>{_e(s)}</li>" for s in run_sentences(manifest))
    return f'<ul class="runs">{items}</ul>' if items else ""


def write_index(
    out: str, lecture: Lecture, ordered: list[SceneResult], joined: dict[str, Any] | None,
    deck: dict[str, Any] | None, failures: list[dict[str, str]],
) -> str:  # fmt: skip
    """``index.html``: the lecture and each scene with captions; works from disk, offline."""
    theme = lecture.scenes[0].spec.theme if lecture.scenes else "dark"
    css = _CSS % PAGE_COLORS.get(theme, PAGE_COLORS["dark"])
    vtts: list[tuple[str, str]] = []
    body: list[str] = []
    total = joined["duration"] if joined else 0.0
    ok = sum(1 for r in ordered if r.ok)
    meta = f"{ok} of {len(ordered)} scenes"
    if joined:
        meta += f" · {clock(total)} in all"
    meta += " · made " + datetime.now().strftime("%Y-%m-%d %H:%M")
    body.append(f'<header><h1>{_e(lecture.title)}</h1><p class="meta">{_e(meta)}</p>')
    body.append('<p id="status" class="status" data-ready="0" data-tracks="0">'
                "The videos load when the page runs its script.</p></header>")  # fmt: skip
    body.append("<main>")
    if joined:
        vtts.append(("vtt-lecture", captions.to_vtt(joined["cues"])))
        links = [
            f'<a href="{JOINED}.mp4">{JOINED}.mp4</a>',
            f'captions <a href="{JOINED}.srt">.srt</a> <a href="{JOINED}.vtt">.vtt</a>',
        ]
        if deck:
            links.append(f'<a href="{_e(deck["path"].replace(os.sep, "/"))}">slides</a>')
        links.append('<a href="manifest.json">manifest.json</a>')
        chapters = " · ".join(
            f'<a href="#t={p["start"]}" data-seek="{p["start"]}">{clock(p["start"])} '
            f"{_e(p['name'])}</a>"
            for p in joined.get("parts", [])
        )
        first = next((r.poster for r in ordered if r.ok and r.poster), None)
        still = os.path.basename(first) if first else None
        body.append('<section class="lecture" id="lecture"><h2>The lecture</h2>')
        body.append(
            _video_tag(f"{JOINED}.mp4", f"{JOINED}.vtt", "vtt-lecture", None, "lecture", still)
        )
        body.append(f'<p class="files">{" · ".join(links)}</p>')
        body.append(f'<p class="muted files">{chapters}</p></section>')
    body.append('<section><h2>Scenes</h2><div class="scenes">')
    for n, r in enumerate(ordered, 1):
        summary = SCENES[r.spec.scene].summary
        head = f'<h3>{n}. {_e(r.name)}</h3><p class="muted">{_e(summary)}</p>'
        if not r.ok:
            err = (r.video or {}).get("error") or "not rendered"
            body.append(
                f'<article class="failed" id="scene-{_e(r.name)}">{head}'
                f'<p class="error">Failed: {_e(err)}</p></article>'
            )
            continue
        assert r.video is not None and r.info is not None
        video = os.path.basename(r.video["path"])
        stem = os.path.splitext(video)[0]
        vid = f"vtt-{stem}"
        vtts.append((vid, captions.to_vtt(r.cues)))
        m = r.video.get("manifest", {})
        ds = m.get("dataset") or {}
        cfg = m.get("config") or {}
        facts = (
            f"{ds.get('name', '?')} data ({ds.get('n', '?')} points) · {cfg.get('loss', '?')} · "
            f"{cfg.get('optimizer', '?')} · {clock(r.info.duration)} · "
            f"{r.info.width}x{r.info.height}, {r.info.fps} fps"
        )
        links = [
            f'<a href="{_e(video)}">{_e(video)}</a>',
            f'captions <a href="{_e(stem)}.srt">.srt</a> <a href="{_e(stem)}.vtt">.vtt</a>',
        ]
        if r.gif and not r.gif.get("error") and r.gif.get("path"):
            g = os.path.basename(r.gif["path"])
            links.append(f'<a href="{_e(g)}">{_e(g)}</a>')
        body.append(f'<article id="scene-{_e(r.name)}">{head}')
        still = os.path.basename(r.poster) if r.poster else None
        body.append(_video_tag(video, f"{stem}.vtt", vid, r.info, r.name, still))
        body.append(f'<p class="muted files">{_e(facts)}</p>{_runs_html(m)}')
        body.append(f'<p class="files">{" · ".join(links)}</p></article>')
    body.append("</div></section>")
    if failures:
        items = "".join(
            f"<li><code>{_e(f['name'])}</code> ({_e(f['kind'])}): {_e(f['error'])}</li>"
            for f in failures
        )
        body.append(f'<section class="failed"><h2>What failed</h2><ul>{items}</ul></section>')
    body.append("</main>")
    for vid, text in vtts:
        # VTT cue text is escaped (no "<"), so it cannot close the script element.
        body.append(f'<script type="text/vtt" id="{_e(vid)}">{text}</script>')
    body.append(f"<script>{_SCRIPT}</script>")
    page = (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(lecture.title)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
    path = os.path.join(out, "index.html")
    atomic_write_text(path, page)
    return path
