"""Captions for a scene that has none of its own: its runs' numbers, in sentences."""

from __future__ import annotations

from typing import Any

from .. import numbers
from ..config.names import REGIMES
from ..media import captions


def _num(v: float) -> str:
    return numbers.fmt(v)


def run_sentences(manifest: dict[str, Any]) -> list[str]:
    """One sentence per run, from the numbers the render recorded."""
    out = []
    for run in manifest.get("runs", []):
        lr = float(run.get("lr") or 0.0)
        label = str(run.get("label", ""))
        name = f"Learning rate {numbers.fmt(lr, 3)}" + (f" ({label})" if label in REGIMES else "")
        if run.get("diverged_at"):
            stop = numbers.count(int(run["diverged_at"]))
            out.append(f"{name}: the run diverges; it is stopped at update {stop}.")
            continue
        final = run.get("final", {})
        text = (
            f"{name}: w = {_num(final.get('w', 0.0))}, b = {_num(final.get('b', 0.0))} after "
            f"{numbers.count(int(run.get('updates', 0)))} updates"
        )
        if final.get("loss") is not None:
            text += f", loss {_num(final['loss'])}"
        out.append(text + ".")
    return out


def generated_captions(manifest: dict[str, Any], duration: float) -> list[captions.Cue]:
    """Captions for a scene that has none of its own: its runs' numbers, in equal turns."""
    sentences = run_sentences(manifest)
    if not sentences or duration <= 0:
        return []
    step = duration / len(sentences)
    return [
        captions.Cue(round(i * step, 3), round((i + 1) * step, 3), s)
        for i, s in enumerate(sentences)
    ]
