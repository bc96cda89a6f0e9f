"""A run's configuration: :class:`TrainConfig`, every training option once.

``None`` fields take the dataset's defaults; :meth:`TrainConfig.resolve` fills them in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from . import checks
from .fields import Model, Opt, choice_from
from .names import MAX_EPOCHS

if TYPE_CHECKING:
    from ..datasets import Dataset
    from ..landscape import Analysis
    from ..losses import Loss


def _losses() -> list[str]:
    from ..losses import LOSSES

    return sorted(LOSSES)


def _optimizers() -> list[str]:
    from ..optimizers import OPTIMIZERS

    return sorted(OPTIMIZERS)


class TrainConfig(Model):
    """Everything a run depends on; ``None`` fields take the dataset's defaults.

    ``normalize=None`` (the default) standardises one's own data when gradient descent on raw
    x could not converge within the update budget
    (:func:`~gdanim.datasets.conditioning.needs_standardizing`); the built-in lessons keep raw x.
    """

    loss: Annotated[str | None, Opt(choice_from(_losses), "Loss function.", choices=_losses)] = None
    optimizer: Annotated[
        str, Opt(choice_from(_optimizers), "Update rule.", choices=_optimizers)
    ] = "gd"
    lr: Annotated[
        float | str | None,
        Opt(checks.rate, "Learning rate: a number or small/right/large.", metavar="LR"),
    ] = None
    epochs: Annotated[
        int | None, Opt(checks.integer(0, MAX_EPOCHS), "Number of updates.", metavar="N")
    ] = None
    init: Annotated[
        tuple[float, ...] | None,
        Opt(
            checks.point,
            "Starting point 'W,B' in data units ('W1,W2,B' with two features).",
            metavar="W,B",
        ),
    ] = None
    l2: Annotated[float, Opt(checks.number(0), "Ridge penalty (l2/2) w^2.", metavar="L2")] = 0.0
    delta: Annotated[
        float, Opt(checks.number(0, lo_open=True), "Huber threshold.", metavar="DELTA")
    ] = 1.0
    momentum: Annotated[
        float,
        Opt(checks.number(0, 1, hi_open=True), "Momentum/Nesterov beta, Adam beta1.", metavar="B"),
    ] = 0.9
    batch_size: Annotated[int, Opt(checks.integer(1), "Minibatch size.", metavar="N")] = 16
    seed: Annotated[int, Opt(checks.integer(), "Seed for sgd/minibatch.", metavar="N")] = 0
    normalize: Annotated[
        bool | None,
        Opt(
            checks.boolean,
            "Standardise x before training [default: on your own data where raw x is too "
            "ill-conditioned for gradient descent; off on the built-in lessons].",
            flag="--normalize/--no-normalize",
        ),
    ] = None

    def make_loss(self, dataset: Dataset) -> Loss:
        from ..losses import make_loss

        return make_loss(self.loss or dataset.loss, l2=self.l2, delta=self.delta)

    def resolve(self, dataset: Dataset) -> TrainConfig:
        """A copy with every default filled in and ``lr`` a number."""
        from ..trainer import resolve

        return resolve(self, dataset)

    def analysis(self, dataset: Dataset) -> Analysis:
        """The landscape's analysis for this (resolved) configuration."""
        from ..landscape import analyze

        return analyze(
            dataset,
            self.make_loss(dataset),
            self.optimizer,
            momentum=self.momentum,
            batch_size=self.batch_size,
            normalize=bool(self.normalize),
            init=self.init,
        )

    def standardizes(self, dataset: Dataset) -> bool:
        """Whether x is standardised: as asked, else where the raw problem needs it."""
        from ..datasets.conditioning import needs_standardizing

        if self.normalize is not None:
            return self.normalize
        return dataset.auto_standardize and needs_standardizing(dataset.x)

    def to_dict(self) -> dict[str, Any]:
        d = self.model_dump()
        d["init"] = list(self.init) if self.init is not None else None
        return d


TRAIN_KEYS = tuple(TrainConfig.model_fields)
