"""Optimizers: each computes one step from a gradient; the trainer owns the loop.

An optimizer sees the parameter vector ``theta = [w, b]`` (``[w1, ..., wd, b]`` with ``d``
features; the state of those with one is that vector's size) and the gradient the trainer
evaluated at :meth:`Optimizer.probe` (the current point, or Nesterov's look-ahead). Which
points the gradient averages over is the trainer's business, told by :attr:`batch`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Literal

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
Batch = Literal["full", "one", "mini"]
#: A part of a line of TeX: its text, or ``(text, role)``. The role ``num`` highlights the
#: run's constants; ``wrap`` starts the line's second row in a narrow frame. ``$beta``,
#: ``$beta1``, ``$beta2``, ``$eps`` and ``$batch`` stand for the run's constants.
TexPart = str | tuple[str, str]

_DLDW = r"\frac{\partial L}{\partial w}"
_DLDB = r"\frac{\partial L}{\partial b}"
_GRAD = (r"\Bigl(", _DLDW, ",", _DLDB, r"\Bigr)")


#: The stochastic optimizers' rule: the loss over a random batch B.
_BATCH_TEX: tuple[tuple[TexPart, ...], ...] = (
    ("w", r"\leftarrow", "w", "-", r"\eta", r"\frac{\partial L_B}{\partial w}"),
    ("b", r"\leftarrow", "b", "-", r"\eta", r"\frac{\partial L_B}{\partial b}"),
    (r"L_B:\ \text{the loss over a random batch } B,", (r"|B| = $batch", "num"),
     (r"\text{, drawn anew each update}", "wrap")),
)  # fmt: skip


class Optimizer:
    """Plain full-batch gradient descent: ``theta <- theta - lr * g``.

    Parameters
    ----------
    lr
        Learning rate, > 0.
    momentum
        Momentum coefficient ``beta`` (momentum, nesterov) or Adam's ``beta1``.
    beta2, eps
        Adam's second-moment decay and denominator guard.
    """

    name: ClassVar[str] = "gd"
    title: ClassVar[str] = "gradient descent (full batch)"
    #: The method as a scene's title names it.
    method: ClassVar[str] = "Gradient descent"
    batch: ClassVar[Batch] = "full"
    uses_momentum: ClassVar[bool] = False
    #: The critical rate's rule, as ``gdanim analyze`` writes it and as the screen does.
    rule: ClassVar[str] = "2 / lambda_max"
    rule_screen: ClassVar[str] = "2/λmax"
    #: The update rule as the derivation writes it, line by line, and in words (``{beta}``
    #: and ``{batch}`` stand for the run's constants there).
    update_tex: ClassVar[tuple[tuple[TexPart, ...], ...]] = (
        ("w", r"\leftarrow", "w", "-", r"\eta", _DLDW),
        ("b", r"\leftarrow", "b", "-", r"\eta", _DLDB),
    )
    update_words: ClassVar[str] = (
        "The update: step against the gradient, scaled by the learning rate η, and repeat. "
        "Where the gradient is zero the line stops moving."
    )

    @classmethod
    def critical_rate(
        cls, lam_max: float, beta: float, stiffest: Callable[[int], float], batch_size: int
    ) -> float | None:
        """The rate above which the run diverges on a quadratic loss.

        ``lam_max`` is the Hessian's largest eigenvalue, ``beta`` the momentum, and
        ``stiffest(k)`` the mean curvature of the ``k`` stiffest points (for the stochastic
        methods, whose worst case is their stiffest point or batch).
        """
        return 2.0 / lam_max

    @classmethod
    def fastest_rate(cls, lam_min: float, lam_max: float) -> float | None:
        """The rate that shrinks the slowest and the fastest direction alike, where known."""
        return None

    def __init__(
        self, lr: float, momentum: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        if not (np.isfinite(lr) and lr > 0):
            raise ValueError("the learning rate must be a finite number > 0")
        if not 0 <= momentum < 1:
            raise ValueError("momentum must be in [0, 1)")
        self.lr = float(lr)
        self.momentum = float(momentum)
        self.beta2 = float(beta2)
        self.eps = float(eps)
        self.t = 0

    def probe(self, theta: FloatArray) -> FloatArray:
        """Where the gradient for the next step is taken."""
        return theta

    def step(self, theta: FloatArray, grad: FloatArray) -> FloatArray:
        """The next parameters, given the gradient at :meth:`probe`."""
        self.t += 1
        return self._update(theta, grad)

    def _update(self, theta: FloatArray, grad: FloatArray) -> FloatArray:
        return theta - self.lr * grad

    def hyperparameters(self) -> dict[str, float]:
        """What the trajectory records of this optimizer."""
        return {"momentum": self.momentum} if self.uses_momentum else {}


class GD(Optimizer):
    @classmethod
    def fastest_rate(cls, lam_min: float, lam_max: float) -> float | None:
        return 2.0 / (lam_max + lam_min)


class SGD(Optimizer):
    """One random point per update: the square trick, ``w += lr * x_i * (y_i - y_hat_i)``."""

    name = "sgd"
    title = "stochastic gradient descent (one point per update)"
    method = "Stochastic gradient descent"
    batch = "one"
    rule = "2 / (c max_i (x_i^2 + 1)), the stiffest single point"
    rule_screen = "the stiffest point's 2/λ"
    update_tex = _BATCH_TEX
    update_words = (
        "Stochastic gradient descent: the same step, but each update takes the gradient over "
        "one random point, cheap and noisy."
    )

    @classmethod
    def critical_rate(
        cls, lam_max: float, beta: float, stiffest: Callable[[int], float], batch_size: int
    ) -> float | None:
        return 2.0 / stiffest(1)


class MiniBatch(Optimizer):
    """A random batch of ``batch_size`` distinct points per update."""

    name = "minibatch"
    title = "minibatch gradient descent"
    method = "Minibatch gradient descent"
    batch = "mini"
    rule = "2 / (c mean of the batch_size largest x_i^2 + 1), the stiffest batch"
    rule_screen = "the stiffest batch's 2/λ"
    update_tex = _BATCH_TEX
    update_words = (
        "Minibatch gradient descent: the same step, but each update takes the gradient over "
        "a fresh random batch of {batch} points."
    )

    @classmethod
    def critical_rate(
        cls, lam_max: float, beta: float, stiffest: Callable[[int], float], batch_size: int
    ) -> float | None:
        return 2.0 / stiffest(batch_size)


class Momentum(Optimizer):
    """Heavy ball: ``v <- beta v - lr g``; ``theta <- theta + v``."""

    name = "momentum"
    title = "gradient descent with momentum"
    method = "Gradient descent with momentum"
    uses_momentum = True
    rule = "2 (1 + beta) / lambda_max"
    rule_screen = "2(1+β)/λmax"
    update_tex = (
        (r"\nabla L", "=", *_GRAD),
        ("v", r"\leftarrow", r"\beta v", "-", r"\eta", r"\nabla L", r",\quad",
         (r"\beta = $beta", "num")),
        ("(w,b)", r"\leftarrow", "(w,b)", "+", "v"),
    )  # fmt: skip
    update_words = (
        "Momentum: a velocity v keeps β = {beta} of its last value and adds −η times the "
        "gradient; (w, b) moves by v, so steps build up along a steady downhill direction."
    )

    @classmethod
    def critical_rate(
        cls, lam_max: float, beta: float, stiffest: Callable[[int], float], batch_size: int
    ) -> float | None:
        return 2.0 * (1.0 + beta) / lam_max

    def __init__(self, lr: float, momentum: float = 0.9, **kw: float) -> None:
        super().__init__(lr, momentum, **kw)
        self._v: FloatArray | None = None

    def _velocity(self, theta: FloatArray) -> FloatArray:
        """The velocity: zero, the parameter vector's size, until the first update."""
        if self._v is None:
            self._v = np.zeros_like(theta)
        return self._v

    def _update(self, theta: FloatArray, grad: FloatArray) -> FloatArray:
        v = self.momentum * self._velocity(theta) - self.lr * grad
        self._v = v
        return theta + v


class Nesterov(Momentum):
    """Nesterov momentum: the gradient is taken at the look-ahead ``theta + beta v``."""

    name = "nesterov"
    title = "Nesterov accelerated gradient"
    method = "Nesterov momentum"
    rule = "2 (1 + beta) / ((1 + 2 beta) lambda_max)"
    rule_screen = "2(1+β)/((1+2β)λmax)"
    update_tex = (
        (r"\nabla L", "=", *_GRAD),
        ("v", r"\leftarrow", r"\beta v", "-", r"\eta", r"\nabla L\bigl((w,b) + \beta v\bigr)",
         r",\quad", (r"\beta = $beta", "num")),
        ("(w,b)", r"\leftarrow", "(w,b)", "+", "v"),
    )  # fmt: skip
    update_words = (
        "Nesterov momentum: like momentum (β = {beta}), but the gradient is taken at the "
        "look-ahead point (w, b) + βv, where the velocity is about to carry the line."
    )

    @classmethod
    def critical_rate(
        cls, lam_max: float, beta: float, stiffest: Callable[[int], float], batch_size: int
    ) -> float | None:
        return 2.0 * (1.0 + beta) / ((1.0 + 2.0 * beta) * lam_max)

    def probe(self, theta: FloatArray) -> FloatArray:
        return theta + self.momentum * self._velocity(theta)


class Adam(Optimizer):
    """Adam with bias correction; ``momentum`` is its ``beta1``."""

    name = "adam"
    title = "Adam"
    method = "Adam"
    uses_momentum = True
    rule = "none: Adam's steps are about lr per coordinate"
    rule_screen = "none"
    update_tex = (
        ("g", "=", *_GRAD),
        (r"m \leftarrow \beta_1 m + (1 - \beta_1)\, g,\quad",
         (r"s \leftarrow \beta_2 s + (1 - \beta_2)\, g^{2}", "wrap")),
        ("(w,b)", r"\leftarrow", "(w,b)", "-", r"\eta",
         r"\frac{m / (1 - \beta_1^{\,t})}{\sqrt{s / (1 - \beta_2^{\,t})} + \epsilon}"),
        ((r"\beta_1 = $beta1,\ \ \beta_2 = $beta2,\ \ \epsilon = $eps", "num"),),
    )  # fmt: skip
    update_words = (
        "Adam: running averages of the gradient (m) and of its square (s), corrected for "
        "their start at zero, give w and b each their own step size."
    )

    @classmethod
    def critical_rate(
        cls, lam_max: float, beta: float, stiffest: Callable[[int], float], batch_size: int
    ) -> float | None:
        return None

    def __init__(self, lr: float, momentum: float = 0.9, **kw: float) -> None:
        super().__init__(lr, momentum, **kw)
        self.m: FloatArray | None = None
        self.s: FloatArray | None = None

    def _update(self, theta: FloatArray, grad: FloatArray) -> FloatArray:
        if self.m is None or self.s is None:
            self.m, self.s = np.zeros_like(theta), np.zeros_like(theta)
        b1, b2 = self.momentum, self.beta2
        self.m = b1 * self.m + (1 - b1) * grad
        self.s = b2 * self.s + (1 - b2) * grad * grad
        m_hat = self.m / (1 - b1**self.t)
        s_hat = self.s / (1 - b2**self.t)
        return theta - self.lr * m_hat / (np.sqrt(s_hat) + self.eps)

    def hyperparameters(self) -> dict[str, float]:
        return {"momentum": self.momentum, "beta2": self.beta2, "eps": self.eps}


OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (GD, SGD, MiniBatch, Momentum, Nesterov, Adam)
}
