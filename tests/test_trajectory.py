"""Trajectory: the JSON file format, loading foreign files, bad files and frame timing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gdanim.config import TrainConfig
from gdanim.datasets import get_dataset
from gdanim.errors import InputError
from gdanim.losses import make_loss
from gdanim.trainer import train
from gdanim.trajectory import FORMAT, VERSION, Trajectory, TrajectoryConfig

ARRAYS = ("w", "b", "loss", "dw", "db", "w_opt", "b_opt")


def _bits(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float64).view(np.uint64)


def _strict_loads(text: str):
    def refuse(name):
        raise AssertionError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def runs() -> dict[str, Trajectory]:
    return {
        "plain": train(get_dataset("campaign"), TrainConfig(lr=0.01, epochs=300)),
        "normalized": train(
            get_dataset("housing"), TrainConfig(lr="right", epochs=120, normalize=True)
        ),
        "diverged": train(get_dataset("campaign"), TrainConfig(lr=0.05, epochs=300)),
        "sgd": train(get_dataset("uniform"), TrainConfig(optimizer="sgd", lr=0.003, epochs=80)),
    }


@pytest.mark.parametrize("kind", ["plain", "normalized", "diverged", "sgd"])
def test_json_round_trip_is_bit_exact(runs, kind, tmp_path):
    traj = runs[kind]
    path = tmp_path / "t.json"
    traj.save(path)
    back = Trajectory.load(path)
    for name in ARRAYS:
        a, b = getattr(traj, name), getattr(back, name)
        if a is None:
            assert b is None, name
            continue
        np.testing.assert_array_equal(_bits(a), _bits(b), err_msg=name)
    assert back.diverged_at == traj.diverged_at
    assert back.config == json.loads(json.dumps(traj.config.to_dict()))
    assert back.dataset == traj.dataset
    # Saving the loaded trajectory gives the same bytes.
    assert back.to_json() == traj.to_json()
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_round_trip_keeps_awkward_floats(tmp_path):
    w = np.array([0.1, 1 / 3, 5e-324, -0.0, 1.7976931348623157e308, 2.0**-1074 * 3])
    traj = Trajectory(w=w, b=w[::-1].copy(), loss=np.abs(w))
    path = tmp_path / "odd.json"
    traj.save(path)
    back = Trajectory.load(path)
    np.testing.assert_array_equal(_bits(back.w), _bits(w))
    np.testing.assert_array_equal(_bits(back.b), _bits(w[::-1]))


@pytest.mark.parametrize("kind", ["plain", "normalized", "diverged"])
def test_to_json_is_strict_json_with_the_format_header(runs, kind):
    text = runs[kind].to_json()
    data = _strict_loads(text)
    assert data["format"] == FORMAT and data["version"] == VERSION
    assert len(data["w"]) == runs[kind].n_states
    assert data["diverged_at"] == runs[kind].diverged_at
    assert text.endswith("}\n")
    # One top-level key per line.
    assert len(text.splitlines()) == len(data) + 2


def test_non_finite_values_are_refused():
    with pytest.raises(ValueError, match="finite"):
        Trajectory(w=[0.0, 1.0], b=[0.0, 1.0], loss=[1.0, float("inf")])


def test_bare_w_and_b_file_loads_and_complete_fills_the_rest(runs, tmp_path):
    ref = runs["plain"]
    path = tmp_path / "foreign.json"
    path.write_text(json.dumps({"w": ref.w.tolist(), "b": ref.b.tolist()}))
    bare = Trajectory.load(path)
    assert bare.loss is None and bare.dw is None and bare.db is None
    assert bare.diverged_at is None and bare.config == {} and bare.dataset == {}
    ds = get_dataset("campaign")
    loss = make_loss("mse")
    full = bare.complete(
        lambda w, b: loss.value(ds.x, ds.y, w, b), lambda w, b: loss.grad(ds.x, ds.y, w, b)
    )
    for name in ("loss", "dw", "db"):
        np.testing.assert_allclose(getattr(full, name), getattr(ref, name), rtol=1e-10)
        assert getattr(full, name).shape == (ref.n_states,)
    # Complete data is left alone.
    assert ref.complete(None, None) is ref


def test_bom_and_integer_values_are_accepted(tmp_path):
    path = tmp_path / "ints.json"
    path.write_bytes(b'\xef\xbb\xbf{"w": [0, 1, 2], "b": [5, 4.5, 4], "diverged_at": null}')
    traj = Trajectory.load(path)
    assert traj.w.dtype == np.float64
    np.testing.assert_array_equal(traj.b, [5.0, 4.5, 4.0])


BAD_FILES = {
    "not-json": "w = [1, 2]\nb = [3, 4]\n",
    "truncated": '{"w": [1, 2], "b": [3,',
    "not-an-object": "[1, 2, 3]",
    "missing-w": '{"b": [1, 2]}',
    "missing-b": '{"w": [1, 2]}',
    "non-numeric": '{"w": [1, "two"], "b": [3, 4]}',
    "boolean": '{"w": [true, false], "b": [3, 4]}',
    "nested": '{"w": [[1, 2]], "b": [[3, 4]]}',
    "w-not-a-list": '{"w": 1.5, "b": [3]}',
    "nan-in-w": '{"w": [1, NaN], "b": [3, 4]}',
    "infinity-in-b": '{"w": [1, 2], "b": [3, Infinity]}',
    "overflow-in-w": '{"w": [1, 1e400], "b": [3, 4]}',
    "ragged": '{"w": [1, 2, 3], "b": [3, 4]}',
    "ragged-loss": '{"w": [1, 2], "b": [3, 4], "loss": [1]}',
    "empty": '{"w": [], "b": []}',
    "bad-diverged-at": '{"w": [1, 2], "b": [3, 4], "diverged_at": "soon"}',
    "zero-diverged-at": '{"w": [1, 2], "b": [3, 4], "diverged_at": 0}',
    "bad-config": '{"w": [1, 2], "b": [3, 4], "config": [1]}',
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_files_raise_input_error_naming_the_path(kind, tmp_path):
    path = tmp_path / f"{kind}.json"
    path.write_text(BAD_FILES[kind])
    with pytest.raises(InputError) as err:
        Trajectory.load(path)
    msg = str(err.value)
    assert str(path) in msg
    assert "\n" not in msg


def test_not_json_names_the_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n "w": [1, 2],\n "b": [3, oops]\n}\n')
    with pytest.raises(InputError, match=r"line 3"):
        Trajectory.load(path)


def test_missing_file_and_non_utf8_raise_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        Trajectory.load(tmp_path / "absent.json")
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"w": [1], "b": [2], "config": {"name": "caf\xe9"}}')
    with pytest.raises(InputError) as err:
        Trajectory.load(latin)
    assert str(latin) in str(err.value)
    with pytest.raises(InputError) as err:
        Trajectory.load(tmp_path)
    assert str(tmp_path) in str(err.value)


def test_huge_integer_is_an_input_error(tmp_path):
    path = tmp_path / "huge.json"
    path.write_text('{"w": [1' + "0" * 400 + '], "b": [0]}')
    with pytest.raises(InputError):
        Trajectory.load(path)


# ------------------------------------------------------------------ frames


@pytest.mark.parametrize("n_updates", [1, 5, 100, 1000, 20000])
@pytest.mark.parametrize("n_frames", [2, 10, 121, 600])
def test_frame_positions_are_monotone_from_zero_to_the_end(n_updates, n_frames):
    traj = Trajectory(w=np.zeros(n_updates + 1), b=np.zeros(n_updates + 1))
    pos = traj.frame_positions(n_frames)
    assert pos.shape == (n_frames,)
    assert pos[0] == 0.0
    assert pos[-1] == pytest.approx(n_updates, rel=1e-12)
    assert (pos <= n_updates).all()
    assert (np.diff(pos) >= 0).all()


@pytest.mark.parametrize("n_updates", [100, 1000, 20000])
def test_frame_positions_give_early_updates_more_frames(n_updates):
    traj = Trajectory(w=np.zeros(n_updates + 1), b=np.zeros(n_updates + 1))
    pos = traj.frame_positions(300)
    # The first half of the updates gets well over half of the frames...
    assert (pos <= n_updates / 2).mean() > 0.75
    # ...and the time per update only shrinks: the steps between frames never get smaller.
    steps = np.diff(pos)
    assert (np.diff(steps) >= -1e-9 * n_updates).all()
    assert steps[-1] > 10 * steps[0]


def test_frame_positions_edge_cases():
    single = Trajectory(w=[1.0], b=[2.0])
    np.testing.assert_array_equal(single.frame_positions(5), np.zeros(5))
    with pytest.raises(ValueError):
        single.frame_positions(0)
    # Linear timing when skew is 0.
    traj = Trajectory(w=np.zeros(11), b=np.zeros(11))
    np.testing.assert_allclose(traj.frame_positions(11, skew=0.0), np.arange(11.0))


def test_last_frame_is_exactly_the_last_update():
    traj = Trajectory(w=np.zeros(1001), b=np.zeros(1001))
    pos = traj.frame_positions(300)
    assert pos[-1] == 1000.0
    assert int(pos[-1]) == 1000


def test_at_interpolates_between_states():
    traj = Trajectory(w=[0.0, 2.0, 4.0], b=[10.0, 10.0, 0.0])
    w, b = traj.at(np.array([0.0, 0.5, 1.5, 2.0]))
    np.testing.assert_allclose(w, [0.0, 1.0, 3.0, 4.0])
    np.testing.assert_allclose(b, [10.0, 10.0, 5.0, 0.0])
    pos = traj.frame_positions(7)
    w_end, b_end = traj.at(pos[-1])
    assert float(w_end) == pytest.approx(4.0)
    assert float(b_end) == pytest.approx(0.0, abs=1e-12)


def test_trajectory_arrays_are_read_only(runs):
    traj = runs["plain"]
    with pytest.raises(ValueError):
        traj.w[0] = 1.0
    assert traj.lr == 0.01
    assert traj.n_updates == 300 and not traj.diverged


# ---------------------------------------------------------------- the typed config

GOLDEN = Path(__file__).parent / "golden" / "records"
#: Runs written by the trainer before ``config`` was typed, and their files' sha256.
RECORDED_RUNS: dict[str, tuple[dict[str, Any], str]] = {
    "gd": (
        {"dataset": "clean", "epochs": 40},
        "71b13a042d6d82853bd7200557d52631703259871977150f7b18d181857529c6",
    ),
    "adam-normalized": (
        {"dataset": "campaign", "optimizer": "adam", "normalize": True, "epochs": 30},
        "6bb0953ed9b66501f29e9e26d47d6466891e8634ef38e621a903224ee33d9e05",
    ),
    "minibatch-huber-l2": (
        {"dataset": "outliers", "optimizer": "minibatch", "loss": "huber", "l2": 0.1,
         "batch_size": 8, "seed": 3, "epochs": 25},
        "9edbc86f40efc0d02dbf922da6e9351cb7f893abadd27c54cb69e8183fe5297f",
    ),
    "momentum-diverging": (
        {"dataset": "noisy", "optimizer": "momentum", "lr": 5.0, "epochs": 30},
        "9e98e7e611a97d5a4ee2da2002c04d8d8a87eccd1cac61a395deb2c1fa4599c9",
    ),
    "two-features": (
        {"dataset": "houses", "normalize": True, "epochs": 20},
        "0f04cdd2bc86c5861694e537bcd4eabaf51c35777aafc9f79590ee4dee7b94ec",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(RECORDED_RUNS))
def test_a_run_is_written_with_the_bytes_it_had_before_config_was_typed(name, tmp_path):
    import gdanim

    options, sha = RECORDED_RUNS[name]
    path = tmp_path / f"{name}.json"
    gdanim.train(**options).save(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha
    assert path.read_bytes() == (GOLDEN / f"{name}.json").read_bytes()


@pytest.mark.parametrize("name", sorted(RECORDED_RUNS))
def test_a_recorded_file_read_and_written_again_keeps_its_bytes(name, tmp_path):
    golden = GOLDEN / f"{name}.json"
    traj = Trajectory.load(golden)
    assert isinstance(traj.config, TrajectoryConfig)
    assert traj.to_json().encode() == golden.read_bytes()


def test_the_config_is_typed_and_still_reads_as_the_json_object():
    traj = Trajectory.load(GOLDEN / "adam-normalized.json")
    cfg = traj.config
    assert (cfg.optimizer, cfg.loss, cfg.normalize, cfg.epochs) == ("adam", "mse", True, 30)
    assert isinstance(cfg.lr, float) and isinstance(cfg.x_mean, float)
    assert cfg.init == (0.0, 0.0) and cfg.beta2 == 0.999
    assert cfg["init"] == [0.0, 0.0] and cfg.get("lr") == cfg.lr and "x_std" in cfg
    assert dict(cfg) == json.loads((GOLDEN / "adam-normalized.json").read_text())["config"]
    features = Trajectory.load(GOLDEN / "two-features.json").config
    assert isinstance(features.x_std, tuple) and len(features.x_std) == 2


def test_a_foreign_config_keeps_its_own_keys_and_order(tmp_path):
    text = '{"w": [1, 2], "b": [3, 4], "config": {"tool": "mine", "lr": 1, "epochs": 1}}'
    path = tmp_path / "foreign.json"
    path.write_text(text)
    traj = Trajectory.load(path)
    assert traj.config.extra == {"tool": "mine"} and traj.config.lr == 1
    assert list(traj.to_dict()["config"]) == ["tool", "lr", "epochs"]
    assert traj.lr == 1.0


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ('{"lr": "fast"}', "'config.lr' must be a number, not 'fast'"),
        ('{"epochs": 2.5}', "'config.epochs' must be a whole number, not 2.5"),
        ('{"normalize": "yes"}', "'config.normalize' must be true or false, not 'yes'"),
        ('{"optimizer": 3}', "'config.optimizer' must be a string, not 3"),
        ('{"init": [0, "b"]}', "'config.init' must be a list of numbers"),
        ('{"x_std": {"a": 1}}', "'config.x_std' must be a number or a list of numbers"),
        ('{"seed": true}', "'config.seed' must be a whole number, not True"),
    ],
)
def test_a_wrong_type_in_config_is_one_line_naming_the_key(config, words, tmp_path):
    path = tmp_path / "edited.json"
    path.write_text('{"w": [1, 2], "b": [3, 4], "config": ' + config + "}")
    with pytest.raises(InputError) as err:
        Trajectory.load(path)
    msg = str(err.value)
    assert msg.startswith(f"{path}: {words}") and "\n" not in msg


def test_a_wrong_type_in_config_on_the_command_line_is_exit_code_2(tmp_path):
    from click.testing import CliRunner

    from gdanim.cli import cli

    path = tmp_path / "edited.json"
    path.write_text('{"w": [1, 2], "b": [3, 4], "config": {"lr": "fast"}}')
    args = ["render", "descent-path", "--trajectory", str(path), "-o", str(tmp_path / "x.mp4")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "'config.lr' must be a number" in result.output + (result.stderr or "")


def test_every_option_a_run_records_has_a_typed_field():
    """A training option added to RunSettings, or a hyperparameter an optimizer records,
    needs its field here too, or it would read back untyped (in ``extra``)."""
    import dataclasses

    from gdanim.optimizers import OPTIMIZERS
    from gdanim.settings import RunSettings

    recorded = {f.name for f in dataclasses.fields(RunSettings)}
    for cls in OPTIMIZERS.values():
        recorded |= set(cls(lr=0.1, momentum=0.9).hyperparameters())
    assert recorded | {"x_mean", "x_std"} == set(TrajectoryConfig.KINDS)
