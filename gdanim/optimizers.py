"""Optimizers: each computes one step from a gradient; the trainer owns the loop.

An optimizer sees the parameter vector ``theta = [w, b]`` (``[w1, ..., wd, b]`` with ``d``
features; the state of those with one is that vector's size) and the gradient the trainer
evaluated at :meth:`Optimizer.probe` (the current point, or Nesterov's look-ahead). Which
points the gradient averages over is the trainer's business, told by :attr:`batch`.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
Batch = Literal["full", "one", "mini"]


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
    batch: ClassVar[Batch] = "full"
    uses_momentum: ClassVar[bool] = False

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
    pass


class SGD(Optimizer):
    """One random point per update: the square trick, ``w += lr * x_i * (y_i - y_hat_i)``."""

    name = "sgd"
    title = "stochastic gradient descent (one point per update)"
    batch = "one"


class MiniBatch(Optimizer):
    """A random batch of ``batch_size`` distinct points per update."""

    name = "minibatch"
    title = "minibatch gradient descent"
    batch = "mini"


class Momentum(Optimizer):
    """Heavy ball: ``v <- beta v - lr g``; ``theta <- theta + v``."""

    name = "momentum"
    title = "gradient descent with momentum"
    uses_momentum = True

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

    def probe(self, theta: FloatArray) -> FloatArray:
        return theta + self.momentum * self._velocity(theta)


class Adam(Optimizer):
    """Adam with bias correction; ``momentum`` is its ``beta1``."""

    name = "adam"
    title = "Adam"
    uses_momentum = True

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
