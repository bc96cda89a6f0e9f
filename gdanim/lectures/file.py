"""The lecture file (TOML): its scenes, each a render spec, checked by the configuration."""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from collections.abc import Callable
from typing import Any

from ..config import RenderSpec, checks
from ..config.fields import key_of
from ..config.lecture import DEFAULT_TITLE, EVERY_SCENE, FLAGS, Lecture, LectureScene
from ..config.vary import PRESETS
from ..errors import InputError
from ..scenes.registry import SCENES, scene_options

DEFAULT_SCENES = ("hiker-bowl", "derivation", "descent-path", "learning-rates")
DEFAULT_DATASET = "campaign"
DEFAULT_DIR = os.path.join("media", "lecture")
JOINED = "lecture"
#: Output names the lecture's own files use.
RESERVED = frozenset({JOINED, "index", "manifest", "slides", "beats", "handout"})
#: GIFs are for slides: this quality unless a resolution is set.
GIF_QUALITY = "low"
#: Where in a scene the page's still of it is taken (fraction of its length): past the middle,
#: where the run has done most of its work.
POSTER_AT = 0.75
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


# --------------------------------------------------------------------------------------------
# The lecture


def default_lecture() -> Lecture:
    """The four scenes on the default dataset."""
    return Lecture(
        tuple(LectureScene(s, RenderSpec(scene=s, dataset=DEFAULT_DATASET)) for s in DEFAULT_SCENES)
    )


#: Keys of the file's top level only, and of a scene table only.
TOP_KEYS = ("title", "scenes", *FLAGS)
SCENE_KEYS = ("scene", "name")
#: A scene that sets one of these takes none of the file's.
DATA_KEYS = ("dataset", "data", "x", "y", "sheet", "missing")
#: Keys as RenderSpec's fields spell them, and the file's own names for them.
SPELLED = {"data_path": "data", "x_col": "x", "y_col": "y", "trajectory_path": "trajectory"}
PATH_KEYS = ("data", "trajectory")


def _keys(names: tuple[str, ...]) -> tuple[str, ...]:
    """Spec fields as the file spells them."""
    return tuple(key_of(RenderSpec, n) for n in names)


def _scene_only() -> tuple[str, ...]:
    """The keys only some scenes take (their registry entries' ``options``)."""
    return _keys(tuple(scene_options()))


def load_lecture(path: str) -> Lecture:
    """Read and check a lecture file; any problem is one :class:`InputError` line."""
    import tomllib

    if os.path.isdir(path):
        raise InputError(f"{path}: is a folder; give a lecture .toml file")
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise InputError(f"{path}: nested too deeply to be a lecture file") from None
    try:
        return parse_lecture(doc, path, os.path.dirname(os.path.abspath(path)))
    except RecursionError:
        raise InputError(f"{path}: nested too deeply to be a lecture file") from None


class _Where:
    """Builds ``FILE: KEY: message`` lines."""

    def __init__(self, file: str) -> None:
        self.file = file

    def __call__(self, key: str, message: str) -> InputError:
        return InputError(f"{self.file}: {key}: {message}")


def _check(where: _Where, key: str, check: checks.Check, value: Any) -> Any:
    try:
        return check(value, False)
    except checks.Bad as exc:
        raise where(key, exc.message) from None


def _options(
    table: dict[str, Any], where: _Where, label: Callable[[str], str], misplaced: dict[str, str],
    base_dir: str,
) -> dict[str, Any]:  # fmt: skip
    """A table's option keys, with the file's paths made absolute (and checked to exist)."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        # The Python names of the file's keys (data_path for data, as RenderSpec and the
        # manifest spell them) mean the same: a path relative to the file, own data.
        key = SPELLED.get(key, key)
        if key in out:
            raise where(label(key), "given twice (under two spellings)")
        if key in misplaced:
            raise where(label(key), misplaced[key])
        if key == "voice" and isinstance(value, str) and value not in ("espeak", "joe"):
            # A folder of recordings or a Piper model, relative to the lecture file.
            prefix = "piper:" if value.startswith("piper:") else ""
            path = os.path.expanduser(value.removeprefix(prefix))
            value = prefix + os.path.normpath(os.path.join(base_dir, path))
        if key in PATH_KEYS:
            given = _check(where, label(key), checks.path, value)
            full = os.path.normpath(os.path.join(base_dir, os.path.expanduser(given)))
            if not os.path.exists(full):
                raise where(label(key), f"{checks.show(value)}: no such file ({full})")
            if os.path.isdir(full):
                raise where(label(key), f"{checks.show(value)} is a folder ({full})")
            value = full
        out[key] = value
    return out


def parse_lecture(doc: dict[str, Any], file: str = "lecture.toml", base_dir: str = ".") -> Lecture:
    """A lecture from a parsed TOML document; paths are relative to ``base_dir``."""
    where = _Where(file)
    top = _options(
        {k: v for k, v in doc.items() if k not in TOP_KEYS},
        where,
        str,
        {k: "only inside a [[scenes]] table" for k in SCENE_KEYS},
        base_dir,
    )
    # The file's defaults are checked once on their own, so a bad one is named at the top:
    # those every scene takes, then each scene's own with them.
    at_top = functools.partial("{}: {}".format, file)
    only = _scene_only()
    plain = {k: v for k, v in top.items() if k not in only}
    RenderSpec.parse(plain, "toml", at_top)
    for scene, info in SCENES.items():
        given = {k: top[k] for k in _keys(info.options) if k in top}
        if given:
            RenderSpec.parse({**plain, **given, "scene": scene}, "toml", at_top)
    title = DEFAULT_TITLE
    if "title" in doc:
        title = _check(where, "title", checks.nonempty, doc["title"]).strip()
    flags = {key: _check(where, key, checks.boolean, doc.get(key, False)) for key in FLAGS}

    items = doc.get("scenes", list(DEFAULT_SCENES))
    if not isinstance(items, list):
        raise where(
            "scenes",
            "expected a list of scene names or [[scenes]] tables, e.g. scenes = "
            '["hiker-bowl", "descent-path"]',
        )
    if not items:
        raise where("scenes", "the lecture has no scenes")
    implicit_data = "dataset" not in top and "data" not in top
    if implicit_data:
        top["dataset"] = DEFAULT_DATASET

    scenes: list[LectureScene] = []
    used: dict[str, str] = {}
    pick_scene = checks.choice(list(SCENES))
    for i, item in enumerate(items, 1):
        label = f"scenes[{i}]"
        if isinstance(item, str):
            item = {"scene": item}
            scene_key = label
        elif isinstance(item, dict):
            scene_key = f"{label}.scene"
        else:
            raise where(label, f"{checks.show(item)} is neither a scene name nor a table")
        if "scene" not in item:
            raise where(label, f'needs scene = "NAME" (one of {", ".join(SCENES)})')
        scene = _check(where, scene_key, pick_scene, item["scene"])
        own = _options(
            {k: v for k, v in item.items() if k not in SCENE_KEYS},
            where,
            functools.partial("{}.{}".format, label),
            {k: "only at the top of the file" for k in TOP_KEYS},
            base_dir,
        )
        name = _scene_name(item.get("name"), scene, used, where, label)
        used[name] = label
        merged = dict(top)
        if any(k in own for k in DATA_KEYS):
            for k in DATA_KEYS:
                merged.pop(k, None)
        info = SCENES[scene]
        if (
            implicit_data
            and info.default_dataset != DEFAULT_DATASET
            and not any(k in own for k in DATA_KEYS)
        ):
            merged.pop("dataset", None)  # the scene's own lesson by default
        takes = _keys(info.options)
        for k in only:
            if k not in takes and k not in own:
                merged.pop(k, None)  # the file's value is for the scenes that take it
        if any(k in own for k in takes):
            for k in takes:
                merged.pop(k, None)  # the scene's own (an experiment, rates) replaces the file's
        preset = own.get("preset", merged.get("preset"))
        if "preset" in takes and isinstance(preset, str) and preset in PRESETS:
            # A preset brings its lesson's data and options; the scene's own keys still win.
            for k in (*DATA_KEYS, *PRESETS[preset].options):
                if k not in own:
                    merged.pop(k, None)
        merged.update(own)

        def place(key: str, own: dict[str, Any] = own, label: str = label) -> str:
            return f"{file}: {label}.{key}" if key in own else f"{file}: {key}"

        spec = RenderSpec.parse({**merged, "scene": scene, "format": "mp4"}, "toml", place)
        if spec.data_path:
            from ..pipeline.prepare import load_spec_data

            try:
                load_spec_data(spec)
            except InputError as exc:
                raise InputError(f"{place('data')}: {exc}") from None
        scenes.append(LectureScene(name, spec))
    return Lecture(tuple(scenes), title, file, **flags)


def _scene_name(name: Any, scene: str, used: dict[str, str], where: _Where, label: str) -> str:
    """The scene's output name: as given (checked), else the scene's, numbered if taken."""
    if name is not None:
        if not isinstance(name, str) or not _NAME.match(name):
            raise where(
                f"{label}.name",
                f"{checks.show(name)}: use letters, digits, '.', '_' and '-' (a file name)",
            )
        if name in RESERVED:
            raise where(f"{label}.name", f"{name!r} is the lecture's own file name")
        if name in used:
            raise where(f"{label}.name", f"{name!r} is already used by {used[name]}")
        return name
    name = scene
    n = 2
    while name in used or name in RESERVED:
        name = f"{scene}-{n}"
        n += 1
    return name


def with_options(lecture: Lecture, **options: Any) -> Lecture:
    """The command line's output options (:data:`EVERY_SCENE`) applied to every scene;
    ``None`` leaves a scene's own."""
    change: dict[str, Any] = {}
    for key, value in options.items():
        if key not in EVERY_SCENE:
            raise TypeError(f"with_options: {key!r} is not one of {', '.join(EVERY_SCENE)}")
        if value is None:
            continue
        if key == "quality":
            change.update(width=None, height=None)  # the quality sets the size again
        change[key] = value
    if not change:
        return lecture
    scenes = tuple(LectureScene(s.name, s.spec.replace(**change)) for s in lecture.scenes)
    return dataclasses.replace(lecture, scenes=scenes)


def with_flags(lecture: Lecture, **flags: bool) -> Lecture:
    """``lecture`` making also what ``flags`` (:data:`FLAGS`) turn on, besides what its file
    asks for."""
    for key in flags:
        if key not in FLAGS:
            raise TypeError(f"with_flags: {key!r} is not one of {', '.join(FLAGS)}")
    turned_on: dict[str, Any] = {k: True for k, on in flags.items() if on}
    return dataclasses.replace(lecture, **turned_on)
