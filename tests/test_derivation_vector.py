"""The derivation in vector form (``form = "vector"``): X_b with its ones column, the gradient
(2/N) X_bᵀ (X_b θ − y), the numbers on screen numpy's, on one feature and on two.

The numbers are checked without manim; two builds (the lesson at 16:9, the houses table's two
features at 1:1) check that every beat fits its frame, that the lines typeset carry numpy's
X_bᵀ r, and that every caption keeps to broadcast practice.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from click.testing import CliRunner

import gdanim
from gdanim.cli import cli
from gdanim.config import RenderSpec
from gdanim.datasets import get_dataset
from gdanim.derivation import first_step, fmt_num, tex_num
from gdanim.derivation.vector import SHOWN_ROWS, vector_plan, vector_step
from gdanim.errors import InputError
from gdanim.lectures.file import parse_lecture
from gdanim.media import captions
from gdanim.pipeline.prepare import prepare
from tests.test_caption_pacing import CODE_MATH, NUMBER_PAIR, check_cue


def spec_for(**kw) -> RenderSpec:
    return RenderSpec(scene="derivation", form="vector", format="png", quality="low", **kw)


def numpy_step(ds, traj):
    """X_b, r, X_bᵀ r and the gradient at the start, computed as the lesson's code does."""
    x = ds.x.reshape(len(ds.y), -1)
    xb = np.hstack([x, np.ones((len(ds.y), 1))])
    theta = np.append(np.atleast_1d(traj.w[0]), traj.b[0])
    r = xb @ theta - ds.y
    xtr = xb.T @ r
    return xb, r, xtr, (2 / len(ds.y)) * xtr


def vector_of(inputs):
    ds, cfg = inputs.dataset, inputs.config
    return vector_step(
        ds.x, ds.y, inputs.trajectory, inputs.loss_name, cfg.optimizer,
        features=ds.features, lr=inputs.runs[0].lr,
    )  # fmt: skip


# ------------------------------------------------------------------ numbers, without manim


def test_one_feature_lands_on_the_scalar_forms_first_step():
    inputs = prepare(spec_for())
    ds, traj = inputs.dataset, inputs.trajectory
    v = vector_of(inputs)
    xb, r, xtr, grad = numpy_step(ds, traj)
    assert v.xtr == pytest.approx(xtr, rel=1e-12)
    assert v.grad == pytest.approx(grad, rel=1e-9)
    assert v.xb_head == tuple(map(tuple, xb[:SHOWN_ROWS]))
    assert v.r_head == pytest.approx(r[:SHOWN_ROWS])
    # the lesson's first update, the same as the scalar form's, to the digits shown
    assert v.plain and v.theta1 is not None
    assert [fmt_num(t) for t in v.theta1] == ["36.1457", "6.59714"]
    s = first_step(ds.x, ds.y, traj, "mse", "gd")
    assert v.theta1 == pytest.approx((s.w1, s.b1), rel=1e-12)
    # the scalar form's sums are the rows of X_bᵀ r (its residual is y − ŷ = −r)
    assert v.xtr == pytest.approx((-s.sum_xg, -s.sum_g), rel=1e-12)


def test_two_features_take_three_columns_and_step_as_the_trainer_did():
    inputs = prepare(spec_for(dataset="houses"))
    ds, traj = inputs.dataset, inputs.trajectory
    assert ds.d == 2
    v = vector_of(inputs)
    _xb, _r, xtr, grad = numpy_step(ds, traj)
    assert v.d == 2 and len(v.xb_head[0]) == 3 and v.xb_head[0][2] == 1.0
    assert v.xtr == pytest.approx(xtr, rel=1e-12)
    assert v.grad == pytest.approx(grad, rel=1e-9)
    assert v.consistent
    theta1 = np.append(traj.w[1], traj.b[1])
    assert v.theta1 == pytest.approx(theta1, rel=1e-12)
    assert np.allclose(np.append(traj.w[0], traj.b[0]) - v.lr * grad, theta1, rtol=1e-9)
    plan = vector_plan(v, "mse")
    assert plan.lines["grad_data"].tex.count(r"\\") == 4  # two columns of three entries
    for j in range(3):
        assert plan.lines[f"dot_{j}"].tex.endswith(tex_num(v.xtr[j]))


def test_half_mse_and_l2_write_their_own_factor_and_penalty():
    inputs = prepare(spec_for(loss="half-mse", l2=0.5))
    v = vector_step(
        inputs.dataset.x, inputs.dataset.y, inputs.trajectory, "half-mse", "gd", l2=0.5,
    )  # fmt: skip
    assert v.consistent and v.plain
    _xb, r, xtr, _ = numpy_step(inputs.dataset, inputs.trajectory)
    theta0 = np.array(v.theta0)
    want = xtr / len(r) + 0.5 * theta0 * np.array([1.0, 0.0])
    assert v.grad == pytest.approx(want, rel=1e-9)
    plan = vector_plan(v, "half-mse")
    assert r"\frac{1}{2N}" in plan.lines["loss"].tex
    assert r"\frac{1}{N} X_b^{\top}" in plan.lines["gradient"].tex
    assert r"\lambda" in plan.lines["gradient"].tex


@pytest.mark.parametrize("kw", [{"epochs": 0}, {"lr": 1e200, "epochs": 5}])
def test_no_update_and_immediate_divergence_are_said(kw):
    inputs = prepare(spec_for(**kw))
    v = vector_of(inputs)
    plan = vector_plan(v, "mse")
    assert not v.has_update or inputs.trajectory.diverged_at == 1
    assert "update" not in plan.lines and plan.beats[-1].key == "v_step"
    assert plan.notes["v_step"] and plan.captions["v_step"] == plan.notes["v_step"][0]


# ------------------------------------------------------------------ the option, everywhere


def test_python_and_a_lecture_file_take_the_form():
    inputs = gdanim.scene_inputs("derivation", "houses", form="vector")
    assert inputs.spec.form == "vector" and inputs.dataset.d == 2
    lecture = parse_lecture(
        {"form": "vector", "scenes": [{"scene": "derivation"}, {"scene": "descent-path"}]}
    )
    forms = {s.spec.scene: s.spec.resolved_form for s in lecture.scenes}
    assert forms == {"derivation": "vector", "descent-path": "scalar"}
    own = parse_lecture({"scenes": [{"scene": "derivation", "form": "vector"}]})
    assert own.scenes[0].spec.form == "vector"
    # the scalar form is the default, and the output is named for the vector form
    assert RenderSpec(scene="derivation").resolved_form == "scalar"
    assert "-vector-" in spec_for().default_name()
    assert "vector" not in RenderSpec(scene="derivation").default_name()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["render", "descent-path", "--form", "vector"], "form: only derivation takes"),
        (["render", "derivation", "--form", "matrix"], "'matrix' is not one of 'scalar', 'vector'"),
        (["render", "derivation", "--form", "vector", "--loss", "mae"], "mae weighs each"),
        (["render", "derivation", "--dataset", "houses"], "--form vector"),
    ],
)
def test_refusals_are_one_line_and_exit_2(args, says, tmp_path):
    result = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "out.png"), "--format", "png"])
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and says in lines[0], result.output
    assert not list(tmp_path.iterdir())


def test_refusals_from_python_and_a_lecture_file():
    with pytest.raises(InputError, match="form: only derivation takes"):
        gdanim.scene_inputs("learning-rates", form="vector")
    with pytest.raises(InputError, match="huber weighs each residual"):
        gdanim.scene_inputs("derivation", form="vector", loss="huber")
    with pytest.raises(InputError, match=r"lecture.toml: scenes\[1\]\.form"):
        parse_lecture({"scenes": [{"scene": "compare", "preset": "momentum", "form": "vector"}]})


def test_three_features_are_refused(tmp_path):
    path = tmp_path / "three.csv"
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 5, (20, 3))
    y = x @ [1.0, 2.0, 3.0] + 4.0
    rows = "".join(
        ",".join(f"{v:.4f}" for v in (*row, t)) + "\n" for row, t in zip(x, y, strict=True)
    )
    path.write_text("a,b,c,y\n" + rows)
    with pytest.raises(InputError, match="--form vector writes one or two features"):
        prepare(spec_for(data=str(path), x="a,b,c", y="y"))
    assert get_dataset("houses").d == 2


# ------------------------------------------------------------------ built scenes

#: The lesson at 16:9 (with the pictures beside the lines), the houses table's two
#: features at 1:1 (no pictures, a 3-column X_b in a square frame).
BUILDS = {
    "lesson-16:9": {},
    "houses-1:1": {"dataset": "houses", "aspect": "1:1"},
}


@pytest.fixture(scope="module", params=list(BUILDS))
def build(request, tmp_path_factory):
    from tests.layout_check import checked_build

    spec = spec_for(**BUILDS[request.param])
    scene, report = checked_build(spec, tmp_path_factory.mktemp("vector"))
    return scene, report


@pytest.mark.slow
def test_every_beat_fits_its_frame(build):
    _scene, report = build
    assert not report.lines(), report.lines()
    assert report.beats > 20


@pytest.mark.slow
def test_the_lines_carry_numpys_xbt_r_and_step(build):
    scene, _ = build
    sheet = scene.vector_sheet
    inputs = scene.inputs
    _, r, xtr, grad = numpy_step(inputs.dataset, inputs.trajectory)
    lines = sheet.lines
    for j, v in enumerate(xtr):
        assert values(lines[f"dot_{j}"].tex_string)[-1] == pytest.approx(v, rel=5e-6)
    shown = values(lines["grad_data"].tex_string)
    assert shown == pytest.approx([*xtr, *grad], rel=5e-6)
    assert values(lines["r_data"].tex_string) == pytest.approx(r[:SHOWN_ROWS], rel=5e-5)
    theta1 = np.append(inputs.trajectory.w[1], inputs.trajectory.b[1])
    assert values(lines["update"].tex_string)[-len(theta1) :] == pytest.approx(theta1, rel=5e-6)
    # Where the run ended, θ's entries named beside their values (w first, as in X_b).
    end = lines["end"].tex_string
    last = np.append(inputs.trajectory.w[-1], inputs.trajectory.b[-1])
    assert values(end)[-len(last) :] == pytest.approx(last, rel=5e-6)
    assert re.search(r"\\theta = \\begin\{bmatrix\} w(_1)? .*\\\\ b \\end\{bmatrix\} = ", end), end
    d = inputs.dataset.d
    assert lines["data_xb"].tex_string.count("&") == d * (SHOWN_ROWS + 1)


@pytest.mark.slow
def test_every_caption_keeps_to_broadcast_practice(build):
    scene, _ = build
    beats = scene.renderer.file_writer.subcaptions
    keys = [b for b in scene.vector_sheet.plan.captions]
    assert {"v_model", "v_why", "v_xtr", "v_step", "end"} <= set(keys)
    assert any("Row j of Xb transposed is feature j" in b.content for b in beats)
    for beat in beats:
        text = beat.content
        start, end = beat.start.total_seconds(), beat.end.total_seconds()
        assert end - start >= captions.min_seconds(text) - 1e-3, (text, end - start)
        assert not CODE_MATH.search(text), text
        assert not NUMBER_PAIR.search(text), text
        for cue in captions.to_practice(text, start, end):
            check_cue(cue)


#: A number as the lines write it: thousands grouped (``12{,}651``), tiny or huge ones as
#: powers of ten.
NUMBER = re.compile(r"-?\d+(?:\{,\}\d{3})*(?:\.\d+)?(?: \\times 10\^\{(-?\d+)\})?")


def values(tex: str) -> list[float]:
    """The numbers of a line's number columns (``\\begin{bmatrix} ... \\end{bmatrix}``), in
    order, or the line's last number where it has no column."""
    cols = re.findall(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", tex)
    found: list[float] = []
    for col in cols or [tex.rsplit("=", 1)[-1]]:
        for m in NUMBER.finditer(col):
            mant = float(m.group(0).split(" ")[0].replace("{,}", ""))
            found.append(mant * 10 ** int(m.group(1)) if m.group(1) else mant)
    return found
