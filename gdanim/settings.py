"""A run's settings resolved for its data: every default filled in, every rate a number.

:class:`RunSettings` is what the numpy core, the scenes, the captions and the manifests read.
The configuration (:mod:`gdanim.config`) makes it once per run from the options and the data
(:meth:`gdanim.config.TrainConfig.resolve`): a rate named ``"right"``, a loss left to the
dataset, a start or an update budget left out are settled there, and nowhere else. The core
never imports the configuration.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .datasets import Dataset
    from .landscape import Analysis
    from .losses import Loss


@dataclass(frozen=True)
class RunSettings:
    """One run's options, resolved: numbers and names only, nothing left to a default."""

    loss: str
    optimizer: str
    lr: float
    epochs: int
    init: tuple[float, ...]
    l2: float = 0.0
    delta: float = 1.0
    momentum: float = 0.9
    batch_size: int = 16
    seed: int = 0
    normalize: bool = False

    def __post_init__(self) -> None:
        # Plain Python numbers, so that a run's record is the same JSON whatever made it.
        object.__setattr__(self, "lr", float(self.lr))
        object.__setattr__(self, "init", tuple(float(v) for v in self.init))

    def replace(self, **changes: Any) -> RunSettings:
        return dataclasses.replace(self, **changes)

    def make_loss(self) -> Loss:
        from .losses import make_loss

        return make_loss(self.loss, l2=self.l2, delta=self.delta)

    def analysis(self, dataset: Dataset) -> Analysis:
        """The landscape's analysis for these settings on ``dataset``."""
        from .landscape import analyze

        return analyze(
            dataset,
            self.make_loss(),
            self.optimizer,
            momentum=self.momentum,
            batch_size=self.batch_size,
            normalize=self.normalize,
            init=self.init,
        )

    def to_dict(self) -> dict[str, Any]:
        """The settings as a trajectory and a manifest record them (``init`` as a list)."""
        d = dataclasses.asdict(self)
        d["init"] = list(self.init)
        return d
