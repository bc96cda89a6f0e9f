"""The lecture's hand-offs as typed records: the job's result and ``manifest.json``.

The manifest here was written by the lecture before it was typed (two scenes, their GIFs and
a reveal.js deck): read by :class:`LectureManifest` and written again, it keeps its bytes.
A hand-edited or damaged manifest is refused in one line naming the key.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from gdanim.errors import InputError
from gdanim.lectures.records import JobResult, LectureManifest
from gdanim.pipeline.manifest import RenderManifest

GOLDEN = Path(__file__).parent / "golden" / "records" / "lecture-manifest.json"


def test_a_written_manifest_read_and_written_again_keeps_its_bytes():
    record = LectureManifest.load(str(GOLDEN))
    assert record.to_json().encode() == GOLDEN.read_bytes()
    assert record.to_dict() == json.loads(GOLDEN.read_text())


def test_the_manifest_reads_as_typed_records():
    record = LectureManifest.load(str(GOLDEN))
    assert record.complete and record.failures == [] and record.options.slides
    first, second = record.scenes
    assert first.ok and first.duration is not None and first.duration > 1
    assert first.worker is not None and isinstance(first.worker.pid, int)
    assert first.gif is not None and first.gif.output == "descent-path.gif"
    assert first.beats and first.beats[0].clip.startswith("beats/")
    assert second.spec["dataset"] == "housing"
    assert record.lecture is not None and [p.name for p in record.lecture.parts] == [
        "descent-path",
        "descent-path-2",
    ]
    assert record.decks["slides"].slides is not None and record.decks["slides"].pages is None


def _edited(tmp_path: Path, change) -> str:
    data = json.loads(GOLDEN.read_text())
    change(data)
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(data, indent=1))
    return str(path)


def _set(path: tuple, value):
    def change(data):
        *parents, last = path
        for key in parents:
            data = data[key]
        data[last] = value

    return change


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (_set(("scenes", 0, "duration"), "long"),
         "scenes.0.duration: Input should be a valid number"),
        (_set(("scenes", 1, "ok"), "yes"), "scenes.1.ok: Input should be a valid boolean"),
        (_set(("lecture", "bytes"), 1.5), "lecture.bytes: Input should be a valid integer"),
        (_set(("failures",), [{"name": "x", "kind": "crash", "error": "e"}]),
         "failures.0.kind: Input should be 'video', 'gif', 'captions', 'join' or 'deck'"),
        (_set(("format",), "gdanim-render"), "format: Input should be 'gdanim-lecture'"),
        (_set(("scenes", 0, "colour"), "red"), "scenes.0.colour: Extra inputs are not permitted"),
        (lambda data: data.pop("scenes"), "scenes: Field required"),
    ],
)  # fmt: skip
def test_a_hand_edited_manifest_is_one_line_naming_the_key(tmp_path, change, words):
    path = _edited(tmp_path, change)
    with pytest.raises(InputError) as err:
        LectureManifest.load(path)
    assert str(err.value) == f"{path}: {words}"


def test_a_damaged_manifest_leaves_no_earlier_run(tmp_path):
    """(A damaged record file is one line: tests/test_pipeline_manifest.py, for both.)"""
    (tmp_path / "manifest.json").write_text('{"format": ')
    assert LectureManifest.previous(str(tmp_path)) is None


def test_a_missing_manifest_is_one_line_and_no_earlier_run(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        LectureManifest.load(str(tmp_path / "manifest.json"))
    assert LectureManifest.previous(str(tmp_path)) is None
    (tmp_path / "manifest.json").write_bytes(GOLDEN.read_bytes())
    found = LectureManifest.previous(str(tmp_path))
    assert found is not None and found.title == "Two descents"


def test_a_job_result_crosses_a_process_and_says_whether_it_made_its_file():
    rendered = GOLDEN.parent / "render-learning-rates-diverging.json"
    made = JobResult(
        "a", "video", "/out/a.mp4", path="/out/a.mp4", key="k",
        manifest=RenderManifest.load(str(rendered)),
    )  # fmt: skip
    failed = JobResult("b", "gif", "/out/b.gif", error="bad.json: 'b' must be a list of numbers")
    assert made.ok and not failed.ok
    for result in (made, failed):
        assert pickle.loads(pickle.dumps(result)) == result
    back = pickle.loads(pickle.dumps(made)).manifest
    assert back is not None and back.runs[1].verdict == "converged in 1024 updates"


def test_run_sentences_write_the_minus_sign_as_the_captions_do():
    """A deck's and handout's run lines wrote "b = -5781" beside captions and
    a screen that write "b = −5781"."""
    from types import SimpleNamespace

    from gdanim.lectures.narration import run_sentences

    run = SimpleNamespace(
        lr=0.1, label="", diverged_at=None, w=(48.07, -6.121), b=-5781.0, updates=200,
        loss=154546.0, verdict="converged in 17 updates",
    )  # fmt: skip
    said = run_sentences(SimpleNamespace(runs=[run]))
    assert said == ["Learning rate 0.1: w = (48.07, −6.121), b = −5781 after 200 updates, "
                    "loss 154,546."]  # fmt: skip
