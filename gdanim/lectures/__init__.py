"""``gdanim lecture``: the lecture pack, every scene rendered in parallel and joined.

A lecture is an ordered list of scenes, each a :class:`~gdanim.config.RenderSpec`. The built-in
one is the four scenes on the ``campaign`` data; a TOML file sets another (schema below). Each
render is a job: a pure function of its spec (:func:`run_job`), run in a pool of processes or on
a Dask distributed cluster, each in its own media folder. Into the output folder go each scene's
video with its captions (.srt and .vtt), the joined ``lecture.mp4`` with its captions, when
asked GIFs, a reveal.js deck, a PowerPoint deck and a PDF handout, ``manifest.json`` and an
``index.html`` that plays it all offline.

Lecture file schema (TOML; every key optional but the scenes' names)::

    title = "Gradient descent"           # the page's and the deck's title
    # Defaults for every scene:
    dataset = "campaign"                 # a built-in dataset, or:
    # data = "grades.csv"                # a table (relative to this file): CSV/TSV or
    #                                    #   .xlsx/.ods, with
    # x = "hours"                        #   its columns: header names or 0-based indices
    # y = "score"
    # sheet = "data"                     #   a spreadsheet's sheet (default: the first)
    # missing = "skip"                   #   rows missing x or y: "skip" or "error"
    loss = "mse"                         # mse, half-mse, mae, huber
    optimizer = "gd"                     # gd, sgd, minibatch, momentum, nesterov, adam
    lr = 0.01                            # a number or "small", "right", "large"
    epochs = 1500
    init = [0.0, 0.0]                    # the start (w, b)
    l2 = 0.0                             # ridge penalty on w
    delta = 1.0                          # Huber's threshold
    momentum = 0.9                       # momentum / Nesterov beta, Adam beta1
    batch_size = 16                      # minibatch size
    seed = 0                             # sgd / minibatch sampling
    # normalize = true                   # standardise x (default: own data that needs it)
    # trajectory = "run.json"            # draw a recorded run instead of training
    lrs = [0.001, "right", 0.04]         # the learning-rates scene's rates (2 to 4)
    theme = "dark"                       # dark, light
    quality = "high"                     # low, medium, high, 4k
    resolution = "1280x720"              # instead of quality
    fps = 30
    aspect = "16:9"                      # 16:9, 4:3, 1:1, 9:16
    duration = 8.0                       # seconds the descent takes on screen
    gif = false                          # also a GIF per scene
    slides = false                       # also a reveal.js deck, a slide per beat
    pptx = false                         # also lecture.pptx, a slide per beat
    handout = false                      # also handout.pdf, a page per beat

    # The scenes, in order: a list of names, e.g. scenes = ["hiker-bowl", "derivation"],
    # or [[scenes]] tables, each overriding the defaults above for its scene:
    [[scenes]]
    scene = "hiker-bowl"
    [[scenes]]
    scene = "descent-path"
    name = "descent-housing"             # output file name (default: the scene's name)
    dataset = "housing"
    [[scenes]]
    scene = "learning-rates"
    lrs = [0.001, 0.01, 0.04]

Without ``scenes``, the four built-in scenes in their usual order. A scene that sets any
of ``dataset``, ``data``, ``x``, ``y`` takes none of the file's data keys. Options given on the
command line (quality, theme, aspect, resolution, fps, duration) apply to every scene. Errors
name the key, ``scenes[N]`` counting from 1 as the tables appear in the file.

The package, in the order a lecture is made: :mod:`.file` (the TOML file, checked by the
configuration), :mod:`.jobs` (the renders, in a process pool or on Dask, each handing back a
:class:`~.records.JobResult`), :mod:`.progress` (the status line), :mod:`.assemble`
(captions, the joined video, the manifest: a :class:`~.records.LectureManifest`, written and
read by that one class),
:mod:`.narration` (captions from run numbers), :mod:`.page` (``index.html`` from its
template), :mod:`.publish` (the decks and the handout, from :mod:`.beats`: each scene's video
cut where its beats start; :mod:`.pptx`, :mod:`.reveal`, :mod:`.handout`) and
:mod:`.command` (``gdanim lecture``).
"""

from __future__ import annotations

from .assemble import LectureReport, make_lecture
from .command import describe_jobs, run_command
from .file import (
    DEFAULT_SCENES,
    Lecture,
    LectureScene,
    default_lecture,
    load_lecture,
    parse_lecture,
    with_flags,
    with_options,
)
from .jobs import Job, plan, run_job
from .narration import generated_captions, run_sentences
from .progress import Progress
from .records import JobResult, LectureManifest
from .results import SceneResult

__all__ = [
    "DEFAULT_SCENES",
    "Job",
    "JobResult",
    "Lecture",
    "LectureManifest",
    "LectureReport",
    "LectureScene",
    "Progress",
    "SceneResult",
    "default_lecture",
    "describe_jobs",
    "generated_captions",
    "load_lecture",
    "make_lecture",
    "parse_lecture",
    "plan",
    "run_command",
    "run_job",
    "run_sentences",
    "with_flags",
    "with_options",
]
