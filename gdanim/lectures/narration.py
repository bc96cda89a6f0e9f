"""Captions for a scene that has none of its own: its runs' numbers, in sentences."""

from __future__ import annotations

from .. import numbers
from ..config.names import REGIMES
from ..media import captions
from ..pipeline.manifest import RenderManifest


def values_text(v: float | tuple[float, ...] | list[float]) -> str:
    """A number, or a run's weights as ``(w1, w2)``."""
    if isinstance(v, (tuple, list)):
        return "(" + ", ".join(numbers.fmt(u) for u in v) + ")"
    return numbers.fmt(v)


def run_sentences(manifest: RenderManifest) -> list[str]:
    """One sentence per run, from the numbers the render recorded."""
    out = []
    for run in manifest.runs:
        lr, label = run.lr, run.label
        name = f"Learning rate {numbers.fmt(lr, 3)}" + (f" ({label})" if label in REGIMES else "")
        if run.diverged_at:
            stop = numbers.count(run.diverged_at)
            out.append(f"{name}: the run diverges; it is stopped at update {stop}.")
            continue
        text = (
            f"{name}: w = {values_text(run.w)}, b = {values_text(run.b)} after "
            f"{numbers.count(run.updates)} updates"
        )
        if run.loss is not None:
            text += f", loss {values_text(run.loss)}"
        out.append(text + ".")
    return [numbers.minus_signs(v) for v in out]


def generated_captions(manifest: RenderManifest, duration: float) -> list[captions.Cue]:
    """Captions for a scene that has none of its own: its runs' numbers, in equal turns."""
    sentences = run_sentences(manifest)
    if not sentences or duration <= 0:
        return []
    step = duration / len(sentences)
    return [
        captions.Cue(round(i * step, 3), round((i + 1) * step, 3), s)
        for i, s in enumerate(sentences)
    ]
