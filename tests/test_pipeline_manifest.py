"""A render's manifest, written and read by :class:`RenderManifest`.

The goldens in tests/golden/records/render-*.json were written before the manifest was typed:
one by a real narrated render, the others by the render's manifest builder on prepared
inputs (a fixed key, size, time and two beats). Read and written again they keep their bytes;
built again from the same spec they are the same bytes but for the library versions; a
hand-edited or damaged one is refused in one line naming the key. A field added to the spec
since (``form``) is the one line each golden gained, where the spec's field order puts it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gdanim.config import RenderSpec
from gdanim.errors import InputError
from gdanim.lectures.records import LectureManifest
from gdanim.media.captions import Cue
from gdanim.pipeline.manifest import RenderManifest
from gdanim.pipeline.prepare import prepare
from gdanim.pipeline.render import reusable

GOLDEN = Path(__file__).parent / "golden" / "records"
WRITTEN = sorted(GOLDEN.glob("render-*.json"))

#: How the built goldens were made: their specs (as the command line gives them).
BUILT = {
    "compare": dict(scene="compare", preset="momentum", format="gif", resolution="320x180"),
    "feature-scaling": dict(scene="feature-scaling", format="png", resolution="320x180"),
    "learning-rates-diverging": dict(
        scene="learning-rates", lrs="0.001,0.01,5", format="webm", resolution="320x180"
    ),
    "mae-normalized-own-data": dict(
        scene="descent-path",
        data="grades.csv",
        loss="mae",
        normalize="true",
        format="png",
        resolution="320x180",
    ),
    "compare-init": dict(
        scene="compare", vary="init=0,0;150,-300", format="mp4", resolution="320x180"
    ),
}
GRADES = "hours,score\n1,52\n2,55\n3,61\n4,64\n5,70\n,71\n"


def test_every_golden_is_read_and_written_again_with_its_bytes():
    assert len(WRITTEN) == 6
    for path in WRITTEN:
        record = RenderManifest.load(str(path))
        assert record.to_json().encode() == path.read_bytes(), path.name
        assert record.to_dict() == json.loads(path.read_text())


def test_a_narrated_render_reads_as_typed_records():
    record = RenderManifest.load(str(GOLDEN / "render-descent-path-narrated.json"))
    assert record.output.format == "mp4" and record.output.sha256 is not None
    assert record.narration is not None and record.narration.beats[0].id == "descent-path-01"
    assert record.comparison is None and record.standardized is None
    assert record.cues[0] == Cue(0.0, 13.7, record.narration.beats[0].text)
    (run,) = record.runs
    assert run.outcome.kind == "converged" and "value" not in run.model_fields_set


@pytest.mark.parametrize("name", sorted(BUILT))
def test_a_manifest_built_again_has_the_goldens_bytes(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "grades.csv").write_text(GRADES)
    golden = GOLDEN / f"render-{name}.json"
    spec = RenderSpec.parse(dict(BUILT[name]), "cli")
    beats = [Cue(0.0, 1.5, "A beat."), Cue(1.5, 3.0, "Another beat.")]
    made = RenderManifest.build(
        spec, prepare(spec), "0" * 64, f"/x/{name}.{spec.format}", 12345, 1.23456, beats,
        sha256="f" * 64,
    )  # fmt: skip
    written = json.loads(golden.read_text())
    # The libraries' versions are this machine's; everything else is the golden's.
    assert made.versions["gdanim"]
    made = made.model_copy(update={"versions": written["versions"]})
    assert made.to_json().encode() == golden.read_bytes()


def _edited(tmp_path: Path, change) -> str:
    data = json.loads((GOLDEN / "render-compare.json").read_text())
    change(data)
    path = tmp_path / "a.mp4.json"
    path.write_text(json.dumps(data, indent=1))
    return str(path)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d["output"].update(bytes="12"), "output.bytes: Input should be a valid integer"),
        (lambda d: d["runs"][0]["outcome"].update(kind="fine"),
         "runs.0.outcome.kind: Input should be 'converged', 'slow', 'oscillating' or 'diverged'"),
        (lambda d: d.update(format="gdanim-lecture"), "format: Input should be 'gdanim-render'"),
        (lambda d: d["runs"][1].update(colour="red"),
         "runs.1.colour: Extra inputs are not permitted"),
        (lambda d: d.pop("runs"), "runs: Field required"),
        (lambda d: d["dataset"].pop("n"), "dataset.n: Field required"),
    ],
)  # fmt: skip
def test_a_hand_edited_manifest_is_one_line_naming_the_key(tmp_path, change, words):
    path = _edited(tmp_path, change)
    with pytest.raises(InputError) as err:
        RenderManifest.load(path)
    assert str(err.value) == f"{path}: {words}"
    assert RenderManifest.previous(path) is None


@pytest.mark.parametrize("record", [RenderManifest, LectureManifest])
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[1, 2]", "not {what} (not a JSON object)"),
        ('{"format": ', "line 1: not valid JSON"),
        ("", "line 1: not valid JSON"),
    ],
)
def test_a_damaged_record_file_is_one_line(tmp_path, record, text, words):
    """The render's and the lecture's manifests are read by the one base, alike."""
    path = tmp_path / "manifest.json"
    path.write_text(text)
    with pytest.raises(InputError) as err:
        record.load(str(path))
    message = f"{path}: {words.format(what=record.WHAT)}"
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_a_damaged_or_missing_render_manifest_is_nothing_to_reuse(tmp_path):
    path = tmp_path / "a.mp4.json"
    path.write_text('{"format": ')
    assert RenderManifest.previous(str(path)) is None
    assert RenderManifest.previous(str(tmp_path / "missing.json")) is None


def test_a_file_is_reused_only_when_its_manifest_says_its_key_size_and_hash(tmp_path):
    import hashlib

    video = tmp_path / "a.mp4"
    video.write_bytes(b"not really a video")
    data = json.loads((GOLDEN / "render-compare.json").read_text())
    data["output"].update(bytes=video.stat().st_size)
    data["output"]["sha256"] = hashlib.sha256(video.read_bytes()).hexdigest()
    record = RenderManifest.from_dict(data)
    assert reusable(str(video), record, data["key"])
    assert not reusable(str(video), record, "1" * 64)
    video.write_bytes(b"not really a video either")
    assert not reusable(str(video), record, data["key"])
    assert not reusable(str(video), None, data["key"])
