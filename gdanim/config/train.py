"""A run's configuration: :class:`TrainConfig`, every training option once.

``None`` fields take the dataset's defaults; :meth:`TrainConfig.resolve` settles them into
the :class:`~gdanim.settings.RunSettings` every later stage reads.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Any

from .. import numbers
from ..errors import InputError
from . import checks
from .fields import Model, Opt, Varies, choice_from
from .names import MAX_EPOCHS

if TYPE_CHECKING:
    from ..datasets import Dataset
    from ..landscape import Analysis
    from ..losses import Loss
    from ..settings import RunSettings
    from ..trainer import Standardization


def _losses() -> list[str]:
    from ..losses import LOSSES

    return sorted(LOSSES)


def _optimizers() -> list[str]:
    from ..optimizers import OPTIMIZERS

    return sorted(OPTIMIZERS)


def _fmt(v: Any) -> str:
    return numbers.fmt(float(v))


class TrainConfig(Model):
    """Everything a run depends on; ``None`` fields take the dataset's defaults.

    ``normalize=None`` (the default) standardises one's own data when gradient descent on raw
    x could not converge within the update budget
    (:func:`~gdanim.datasets.conditioning.needs_standardizing`); the built-in lessons keep raw x.
    A field whose :class:`~gdanim.config.fields.Opt` has ``varies`` is one ``compare`` can vary.
    """

    loss: Annotated[
        str | None,
        Opt(
            choice_from(_losses),
            "Loss function.",
            choices=_losses,
            varies=Varies("the loss", lambda v, _: str(v), surface=True),
        ),
    ] = None
    optimizer: Annotated[
        str,
        Opt(
            choice_from(_optimizers),
            "Update rule.",
            choices=_optimizers,
            varies=Varies(
                "the optimizer",
                lambda v, o: f"minibatch of {o['batch_size']}" if v == "minibatch" else str(v),
            ),
        ),
    ] = "gd"
    lr: Annotated[
        float | str | None,
        Opt(
            checks.rate,
            "Learning rate: a number or small/right/large.",
            metavar="LR",
            varies=Varies(
                "the learning rate",
                lambda v, _: str(v) if isinstance(v, str) else f"lr = {_fmt(v)}",
            ),
        ),
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
            # A point as a pair would read as three numbers with a thousands separator.
            varies=Varies("the start", lambda v, _: f"start w = {_fmt(v[0])}, b = {_fmt(v[1])}"),
        ),
    ] = None
    l2: Annotated[
        float,
        Opt(
            checks.number(0),
            "Ridge penalty (l2/2) w^2.",
            metavar="L2",
            varies=Varies("the L2 penalty", lambda v, _: f"L2 = {_fmt(v)}", surface=True),
        ),
    ] = 0.0
    delta: Annotated[
        float,
        Opt(
            checks.number(0, lo_open=True),
            "Huber threshold.",
            metavar="DELTA",
            varies=Varies("huber's δ", lambda v, _: f"δ = {_fmt(v)}", surface=True),
        ),
    ] = 1.0
    momentum: Annotated[
        float,
        Opt(
            checks.number(0, 1, hi_open=True),
            "Momentum/Nesterov beta, Adam beta1.",
            metavar="B",
            varies=Varies(
                "the momentum β",
                lambda v, _: f"β = {_fmt(v)}",
                used_by=("momentum", "nesterov", "adam"),
            ),
        ),
    ] = 0.9
    batch_size: Annotated[
        int,
        Opt(
            checks.integer(1),
            "Minibatch size.",
            metavar="N",
            varies=Varies("the batch size", lambda v, _: f"batch of {v}", used_by=("minibatch",)),
        ),
    ] = 16
    seed: Annotated[
        int,
        Opt(
            checks.integer(),
            "Seed for sgd/minibatch (any whole number).",
            metavar="N",
            varies=Varies("the seed", lambda v, _: f"seed {v}", used_by=("sgd", "minibatch")),
        ),
    ] = 0
    normalize: Annotated[
        bool | None,
        Opt(
            checks.boolean,
            "Standardise x before training [default: on your own data where raw x is too "
            "ill-conditioned for gradient descent; off on the built-in lessons].",
            flag="--normalize/--no-normalize",
            varies=Varies(
                "scaling x", lambda v, _: "standardised x" if v else "raw x", surface=True
            ),
        ),
    ] = None

    def make_loss(self, dataset: Dataset) -> Loss:
        from ..losses import make_loss

        return make_loss(self.loss or dataset.loss, l2=self.l2, delta=self.delta)

    def resolve(self, dataset: Dataset) -> RunSettings:
        """The run's settings on ``dataset``: every default filled in and ``lr`` a number."""
        from ..datasets.conditioning import MAX_AUTO_EPOCHS, auto_epochs, moment_condition
        from ..landscape import scaled
        from ..settings import RunSettings
        from ..trainer import STANDARDIZED_FRACTION

        init = self.init if self.init is not None else dataset.init
        if len(init) != dataset.d + 1:
            d = dataset.d
            want = "'W,B'" if d == 1 else f"'{','.join(f'W{j + 1}' for j in range(d))},B'"
            who = "one feature starts" if d == 1 else f"{d} features start"
            raise InputError(f"init: {len(init)} numbers, but {who} from {d + 1}: {want}")
        normalize = self.standardizes(dataset)
        epochs = self.epochs
        if epochs is None:
            epochs = dataset.epochs
            if normalize and dataset.auto_standardize:
                epochs = auto_epochs(scaled(dataset.x))
                if dataset.d > 1:
                    # Correlated features leave a valley even after scaling: at a tenth of the
                    # critical rate its floor shrinks by 1 - 0.2 / kappa per update.
                    kappa = moment_condition(scaled(dataset.x))
                    need = math.ceil(8.0 * kappa / (2.0 * STANDARDIZED_FRACTION))
                    epochs = min(max(epochs, need), MAX_AUTO_EPOCHS)
        lr = self.lr if self.lr is not None else dataset.lr
        if self.lr is None and self.optimizer == "adam" and not isinstance(lr, str):
            # A lesson's rate is gradient descent's: Adam steps about lr per coordinate, so
            # 0.01 would crawl towards an optimum a hundred units away. Its "right" regime is
            # scaled to the distance instead.
            lr = "right"
        # Every option passes through as it is, but those a default settles here.
        run = RunSettings(
            **{
                **self.model_dump(),
                "loss": self.loss or dataset.loss,
                "lr": 0.0,  # settled below: the rates named by regime need the landscape
                "epochs": epochs,
                "init": tuple(float(v) for v in init),
                "normalize": normalize,
            }
        )
        if self.lr is None and normalize and dataset.auto_standardize:
            # On standardised x the bowl is round: half the critical rate lands on the optimum
            # in one update, which shows no descent. The round bowl's "right" regime, a tenth
            # of it, takes visible steps, each shrinking the gap by a fifth.
            lr = run.analysis(dataset).lr_regimes["right"]
        if isinstance(lr, str):
            lr = run.analysis(dataset).lr_regimes[lr]
        return run.replace(lr=float(lr))

    def analysis(self, dataset: Dataset) -> Analysis:
        """The landscape's analysis for this configuration on ``dataset``."""
        return self.resolve(dataset).analysis(dataset)

    def standardizes(self, dataset: Dataset) -> bool:
        """Whether x is standardised: as asked, else where the raw problem needs it."""
        from ..datasets.conditioning import needs_standardizing

        if self.normalize is not None:
            return self.normalize
        return dataset.auto_standardize and needs_standardizing(dataset.x)

    def standardization(self, dataset: Dataset) -> Standardization | None:
        """What standardising x does for this configuration; ``None`` when x stays raw."""
        from ..trainer import standardization

        return standardization(dataset, self.standardizes(dataset), auto=self.normalize is None)

    def to_dict(self) -> dict[str, Any]:
        d = self.model_dump()
        d["init"] = list(self.init) if self.init is not None else None
        return d


TRAIN_KEYS = tuple(TrainConfig.model_fields)
