"""Every option of the configuration refuses a bad value in one line, from every source.

The fields are read from the models, so an option added later is checked here without a line
of its own: from Python (``gdanim.InputError``), from a lecture file and from the command line
(exit code 2, one line on stderr, the key spelt as that source spells it).
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from click.testing import CliRunner

from gdanim.cli import cli
from gdanim.config import TRAIN_KEYS, RenderSpec, TrainConfig
from gdanim.config.fields import field_opt, key_of
from gdanim.errors import InputError
from gdanim.settings import RunSettings

#: Values tried in turn; the first one the option refuses is the bad value checked below.
CANDIDATES: tuple[object, ...] = ("@@bad@@", -5, 10**9, 0, "1,2,3,4,5,6", "x=1")
#: Keys a lecture file or the command line spells differently or does not take per render.
NOT_IN_A_LECTURE = {"scene", "trajectory", "format", "output"}
NOT_ON_THE_COMMAND_LINE = {"scene", "width", "height"}
FILE_KEYS = {"data", "trajectory"}
RELATIVE_KEYS = {"data", "trajectory", "voice"}


def keys() -> list[str]:
    spec = [key_of(RenderSpec, n) for n in RenderSpec.model_fields if n != "train"]
    return [*TRAIN_KEYS, *spec]


def refused(key: str) -> tuple[object, str] | None:
    """The first candidate ``key`` refuses from Python, and the message; ``None`` if none."""
    for value in CANDIDATES:
        try:
            RenderSpec.parse({"scene": "descent-path", key: value}, "python")
        except InputError as exc:
            return value, str(exc)
    return None


def test_most_fields_refuse_one_of_the_candidates():
    checked = [k for k in keys() if refused(k) is not None]
    # Free text (a title, a column name, a path that is checked when read) takes any value.
    assert len(checked) >= len(keys()) - 6, sorted(set(keys()) - set(checked))


@pytest.mark.parametrize("key", keys())
def test_python_names_the_key_in_one_line(key):
    found = refused(key)
    if found is None:
        pytest.skip(f"{key} takes any of the candidates")
    _, text = found
    assert "\n" not in text
    assert text.startswith(f"{key}: "), text


@pytest.mark.parametrize("key", keys())
def test_a_lecture_file_names_the_key_and_says_the_same(key, tmp_path):
    found = refused(key)
    if found is None or key in NOT_IN_A_LECTURE:
        pytest.skip(f"{key}: nothing to refuse, or not a lecture key")
    value, text = found
    path = tmp_path / "lecture.toml"
    path.write_text(f"{key} = {json.dumps(value)}\n")
    result = CliRunner().invoke(cli, ["lecture", str(path), "--dry-run"])
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1, result.output
    what = text.split(": ", 1)[1]
    if key in RELATIVE_KEYS:  # a path in a lecture file is read relative to the file
        assert lines[0].startswith(f"gdanim: error: {path}: {key}: "), lines[0]
    else:
        assert lines[0] == f"gdanim: error: {path}: {key}: {what}"


@pytest.mark.parametrize("key", keys())
def test_the_command_line_names_the_key_in_one_line(key, tmp_path):
    found = refused(key)
    if found is None or key in NOT_ON_THE_COMMAND_LINE:
        pytest.skip(f"{key}: nothing to refuse, or not a command-line option")
    value, _ = found
    flag = "--" + key.replace("_", "-")
    model = TrainConfig if key in TRAIN_KEYS else RenderSpec
    name = next(n for n in model.model_fields if key_of(model, n) == key)
    if field_opt(model, name).flag:
        pytest.skip(f"{flag} is an on/off flag")
    result = CliRunner().invoke(
        cli,
        ["render", "descent-path", flag, str(value), "-o", str(tmp_path / "o.mp4")],
        prog_name="gdanim",
    )
    assert result.exit_code == 2, (key, result.output)
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1, result.output
    # A file's problem is named by the file, as every error about a file is.
    assert lines[0].startswith("gdanim") and "error" in lines[0]
    assert flag in lines[0] or (key in FILE_KEYS and f"error: {value}: " in lines[0])


def test_a_run_settles_every_training_option():
    """A training option is one field of TrainConfig; the resolved run carries it too."""
    assert [f.name for f in dataclasses.fields(RunSettings)] == list(TRAIN_KEYS)
