"""Trajectory: the recorded states of one training run, and its JSON file format.

JSON format (``gdanim-trajectory``, version 1)
------------------------------------------------
Top-level keys:

``w``, ``b``
    Lists of floats: the line ``y = w x + b`` in data units, first the initial state, then one
    entry per update (``--epochs 1000`` gives 1001 entries unless the run diverged).
``loss``
    The full-data loss (with its L2 term) at each state.
``dw``, ``db``
    The full-data gradient at each state, with respect to the parameters the optimizer steps:
    ``w``, ``b`` themselves, or ``w_opt``, ``b_opt`` when ``x`` was standardised.
``w_opt``, ``b_opt``
    Only with ``--normalize``: the optimizer's parameters, for ``(x - mean) / std``.
``diverged_at``
    ``null``, or the first update whose loss was non-finite or above 1e6 times the start.
``config``, ``dataset``
    The resolved training configuration; the data's ``name``, ``n`` and ``sha256``.

Only ``w`` and ``b`` are required: a run recorded by another tool loads, and the missing
columns are filled in from the data it is drawn with (:meth:`Trajectory.complete`).

Several features (version 2)
----------------------------
A run on ``d >= 2`` features (``y = w . x + b``) is written the same way with ``"version": 2``,
except that ``w``, ``dw`` and ``w_opt`` hold a list of ``d`` numbers per state (the weight
vector, in the order of ``dataset.features``, or ``dataset.columns.x`` for a file), and
``config.init`` is ``[w1, ..., wd, b]``. With ``--normalize`` each feature is standardised on
its own (``config.x_mean``, ``config.x_std`` are lists). A one-feature run is written exactly
as version 1 above.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from .errors import InputError
from .fileio import atomic_write_text, read_json

FloatArray = NDArray[np.float64]
FORMAT = "gdanim-trajectory"
VERSION = 1
#: The version of a file with several features: a weight vector per state.
VERSION_FEATURES = 2
#: The columns that hold a weight (a vector per state with several features).
WEIGHT_KEYS = ("w", "dw", "w_opt")


def _is_number(u: Any) -> bool:
    return isinstance(u, (int, float)) and not isinstance(u, bool)


def _numbers(v: Any) -> bool:
    return isinstance(v, list) and all(map(_is_number, v))


@dataclass(frozen=True, eq=False)
class TrajectoryConfig(Mapping[str, Any]):
    """The training a trajectory records (its ``config``), field by field.

    Every field is ``None`` where the file does not say (a run recorded by another tool may
    say nothing). Keys gdanim does not know are kept in ``extra``, and the keys' order as
    read, so a file read and written again has the same bytes. It reads as a mapping too
    (``config.get("lr")``), as the JSON object it is written as.
    """

    loss: str | None = None
    optimizer: str | None = None
    lr: float | None = None
    epochs: int | None = None
    #: ``(w, b)``, or ``(w1, ..., wd, b)`` with ``d`` features.
    init: tuple[float, ...] | None = None
    l2: float | None = None
    delta: float | None = None
    momentum: float | None = None
    batch_size: int | None = None
    seed: int | None = None
    normalize: bool | None = None
    beta2: float | None = None
    eps: float | None = None
    #: Only when x was standardised: its mean and sd (a tuple per feature with several).
    x_mean: float | tuple[float, ...] | None = None
    x_std: float | tuple[float, ...] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: The keys in the order they are written (the known fields' order when not read).
    order: tuple[str, ...] = ()

    KINDS: ClassVar[dict[str, str]] = {
        "loss": "text", "optimizer": "text", "lr": "number", "epochs": "whole",
        "init": "numbers", "l2": "number", "delta": "number", "momentum": "number",
        "batch_size": "whole", "seed": "whole", "normalize": "flag", "beta2": "number",
        "eps": "number", "x_mean": "number or numbers", "x_std": "number or numbers",
    }  # fmt: skip
    _WORDS: ClassVar[dict[str, str]] = {
        "text": "a string", "number": "a number", "whole": "a whole number",
        "numbers": "a list of numbers", "flag": "true or false",
        "number or numbers": "a number or a list of numbers",
    }  # fmt: skip

    def __post_init__(self) -> None:
        for name, kind in self.KINDS.items():
            value = getattr(self, name)
            if isinstance(value, list):
                value = tuple(value)
                object.__setattr__(self, name, value)
            if value is not None and not self._fits(kind, value):
                raise ValueError(f"'config.{name}' must be {self._WORDS[kind]}, not {value!r}")
        known = [f.name for f in fields(self) if f.name in self.KINDS]
        if not self.order:
            present = [k for k in known if getattr(self, k) is not None] + list(self.extra)
            object.__setattr__(self, "order", tuple(present))

    @staticmethod
    def _fits(kind: str, value: Any) -> bool:
        if kind == "text":
            return isinstance(value, str)
        if kind == "number":
            return _is_number(value)
        if kind == "whole":
            return isinstance(value, int) and not isinstance(value, bool)
        if kind == "flag":
            return isinstance(value, bool)
        vector = isinstance(value, tuple) and all(map(_is_number, value))
        return vector if kind == "numbers" else vector or _is_number(value)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrajectoryConfig:
        """The ``config`` object of a trajectory file (or what a trainer records); a
        ``ValueError`` naming the key when a known key has the wrong type."""
        if isinstance(data, TrajectoryConfig):
            return data
        if not isinstance(data, Mapping):
            raise ValueError("'config' must be an object")
        known = {k: v for k, v in data.items() if k in cls.KINDS}
        extra = {k: v for k, v in data.items() if k not in cls.KINDS}
        return cls(**known, extra=extra, order=tuple(data))

    def to_dict(self) -> dict[str, Any]:
        """The JSON object, its keys in :attr:`order`."""
        return {key: self[key] for key in self.order}

    def __getitem__(self, key: str) -> Any:
        """The value as the JSON object has it (a list where the field holds a tuple)."""
        if key not in self.order:
            raise KeyError(key)
        if key not in self.KINDS:
            return self.extra[key]
        value = getattr(self, key)
        return list(value) if isinstance(value, tuple) else value

    def __iter__(self) -> Iterator[str]:
        return iter(self.order)

    def __len__(self) -> int:
        return len(self.order)

    def __repr__(self) -> str:
        return f"TrajectoryConfig({self.to_dict()!r})"


def _as_vector(a: Any, name: str, n: int | None = None) -> FloatArray:
    try:
        arr = np.array(a, dtype=np.float64)
    except (OverflowError, TypeError):
        raise ValueError(f"{name} must be a list of numbers of float64 size") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if n is not None and arr.size != n:
        raise ValueError(f"{name} has {arr.size} entries, expected {n}")
    arr.setflags(write=False)
    return arr


def _as_weights(a: Any, name: str, n: int | None = None) -> FloatArray:
    """A weight column: a number per state, or a vector of ``d >= 2`` per state."""
    try:
        arr = np.array(a, dtype=np.float64)
    except (OverflowError, TypeError, ValueError):
        raise ValueError(f"{name} must be a list of numbers (or of lists of numbers)") from None
    if arr.ndim != 2:
        return _as_vector(arr, name, n)
    if arr.shape[1] < 2:
        raise ValueError(f"{name} must hold 2 or more weights per state, got {arr.shape[1]}")
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{name} has {arr.shape[0]} entries, expected {n}")
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, init=False)
class Trajectory:
    """States of a run, each array of shape ``(n_states,)``; with ``d`` features ``w``, ``dw``
    and ``w_opt`` have shape ``(n_states, d)``.

    Attributes
    ----------
    w, b
        The line (or plane) in data units at each state; finite.
    loss, dw, db
        Loss and full-data gradient at each state; ``None`` for a bare imported path until
        :meth:`complete` fills them in.
    w_opt, b_opt
        The optimizer's own parameters when x was standardised, else ``None``.
    diverged_at
        Index of the first update whose loss blew up (training stopped there), or ``None``.
    config
        The training that produced it (:class:`TrajectoryConfig`; any mapping is taken and
        read into one, a wrong type refused with ``ValueError``).
    dataset
        The data it was drawn on (free-form, JSON-serialisable).
    """

    w: FloatArray
    b: FloatArray
    loss: FloatArray | None = None
    dw: FloatArray | None = None
    db: FloatArray | None = None
    w_opt: FloatArray | None = None
    b_opt: FloatArray | None = None
    diverged_at: int | None = None
    config: TrajectoryConfig = field(default_factory=TrajectoryConfig)
    dataset: dict[str, Any] = field(default_factory=dict)

    def __init__(
        self,
        w: Any,
        b: Any,
        loss: Any = None,
        dw: Any = None,
        db: Any = None,
        w_opt: Any = None,
        b_opt: Any = None,
        diverged_at: int | None = None,
        config: Mapping[str, Any] | None = None,
        dataset: dict[str, Any] | None = None,
    ) -> None:
        for name, value in (
            ("w", w), ("b", b), ("loss", loss), ("dw", dw), ("db", db), ("w_opt", w_opt),
            ("b_opt", b_opt), ("diverged_at", diverged_at),
            ("config", TrajectoryConfig.from_dict(config or {})),
            ("dataset", dataset if dataset is not None else {}),
        ):  # fmt: skip
            object.__setattr__(self, name, value)
        self.__post_init__()

    def __post_init__(self) -> None:
        w = _as_weights(self.w, "w")
        n = int(w.shape[0])
        object.__setattr__(self, "w", w)
        object.__setattr__(self, "b", _as_vector(self.b, "b", n))
        if n < 1:
            raise ValueError("a trajectory needs at least one state")
        if not (np.isfinite(self.w).all() and np.isfinite(self.b).all()):
            raise ValueError("w and b must be finite")
        for name in ("loss", "dw", "db", "w_opt", "b_opt"):
            v = getattr(self, name)
            if v is not None:
                arr = _as_weights(v, name, n) if name in WEIGHT_KEYS else _as_vector(v, name, n)
                if name in WEIGHT_KEYS and arr.shape[1:] != w.shape[1:]:
                    raise ValueError(f"{name} must have as many weights per state as w")
                object.__setattr__(self, name, arr)
        if self.diverged_at is not None and not 1 <= self.diverged_at <= n:
            raise ValueError("diverged_at counts updates from 1 up to the number of states")
        for name in ("loss", "dw", "db", "w_opt", "b_opt"):
            v = getattr(self, name)
            if v is not None and not np.isfinite(v).all():
                raise ValueError(f"{name} must be finite")

    @property
    def n_states(self) -> int:
        return int(self.w.shape[0])

    @property
    def d(self) -> int:
        """Number of features: 1, or the length of each weight vector."""
        return 1 if self.w.ndim == 1 else int(self.w.shape[1])

    @property
    def n_updates(self) -> int:
        return self.n_states - 1

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def lr(self) -> float | None:
        v = self.config.lr
        return float(v) if v is not None else None

    def complete(self, loss_at: Any, grad_at: Any) -> Trajectory:
        """Fill in missing ``loss``/``dw``/``db`` from callables of ``(w, b)`` arrays."""
        if self.loss is not None and self.dw is not None and self.db is not None:
            return self
        loss = self.loss if self.loss is not None else loss_at(self.w, self.b)
        if self.dw is None or self.db is None:
            dw, db = grad_at(self.w, self.b)
        else:
            dw, db = self.dw, self.db
        return replace(self, loss=loss, dw=dw, db=db)

    # ---------------------------------------------------------------- frames
    def position(self, t: float, skew: float = 0.75) -> float:
        """Fractional state index at time fraction ``t`` in [0, 1] of the descent.

        Early updates, which make the large steps, get more screen time than later ones: the
        index grows like ``expm1(t * log1p(n))`` blended with linear time by ``1 - skew``. So
        a 20,000-update run costs the same frames as a 100-update one.
        """
        n = self.n_updates
        if n == 0 or t <= 0.0:
            return 0.0
        if t >= 1.0:
            return float(n)
        s = skew * math.expm1(t * math.log1p(n)) + (1.0 - skew) * t * n
        return min(max(s, 0.0), float(n))

    def frame_positions(self, n_frames: int, skew: float = 0.75) -> FloatArray:
        """:meth:`position` at ``n_frames`` evenly timed frames, first 0 and last exactly n."""
        if n_frames < 1:
            raise ValueError("n_frames must be >= 1")
        t = np.linspace(0.0, 1.0, n_frames)
        pos = np.array([self.position(float(u), skew) for u in t])
        if n_frames > 1:
            pos[-1] = self.n_updates
        return pos

    def at(self, s: float | FloatArray) -> tuple[FloatArray, FloatArray]:
        """``(w, b)`` at fractional state index ``s``, linear between recorded states."""
        if np.ndim(s) == 0:
            # Scalar fast path: scenes call this once per frame.
            n = self.n_states - 1
            x = min(max(float(s), 0.0), float(n))
            i = min(int(x), max(n - 1, 0))
            f = x - i
            j = min(i + 1, n)
            w = self.w[i] + f * (self.w[j] - self.w[i])
            b = self.b[i] + f * (self.b[j] - self.b[i])
            return np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64)
        idx = np.arange(self.n_states, dtype=np.float64)
        if self.w.ndim == 2:
            ws = [np.interp(s, idx, self.w[:, j]) for j in range(self.d)]
            return (
                np.stack(ws, axis=-1).astype(np.float64),
                np.asarray(np.interp(s, idx, self.b), dtype=np.float64),
            )
        return (
            np.asarray(np.interp(s, idx, self.w), dtype=np.float64),
            np.asarray(np.interp(s, idx, self.b), dtype=np.float64),
        )

    # ---------------------------------------------------------------- JSON
    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION if self.d == 1 else VERSION_FEATURES,
        }
        for name in ("w", "b", "loss", "dw", "db", "w_opt", "b_opt"):
            v = getattr(self, name)
            if v is not None and v.ndim == 2:
                out[name] = [[float(u) for u in row] for row in v]
            elif v is not None:
                out[name] = [float(u) for u in v]
        out["diverged_at"] = self.diverged_at
        out["config"] = self.config.to_dict()
        out["dataset"] = self.dataset
        return out

    def to_frame(self) -> Any:
        """A pandas DataFrame, a row per state: ``update``, ``w``, ``b``, ``loss``, ``dw``,
        ``db`` (and ``w_opt``, ``b_opt`` when x was standardised); with ``d`` features
        ``w1`` ... ``wd``, ``dw1`` ..., ``w_opt1`` .... Needs pandas."""
        try:
            import pandas as pd
        except ImportError:
            raise InputError("to_frame() needs pandas: pip install pandas") from None
        columns: dict[str, Any] = {"update": np.arange(self.n_states)}
        for name in ("w", "b", "loss", "dw", "db", "w_opt", "b_opt"):
            values = getattr(self, name)
            if values is not None and values.ndim == 2:
                for j in range(values.shape[1]):
                    columns[f"{name}{j + 1}"] = values[:, j]
            elif values is not None:
                columns[name] = values
        return pd.DataFrame(columns).set_index("update")

    def to_json(self) -> str:
        """One top-level key per line, lists inline: compact and still diffable."""
        items = [
            f" {json.dumps(k)}: {json.dumps(v, allow_nan=False, separators=(',', ':'))}"
            for k, v in self.to_dict().items()
        ]
        return "{\n" + ",\n".join(items) + "\n}\n"

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the JSON file atomically (a temporary file renamed into place)."""
        atomic_write_text(os.fspath(path), self.to_json())

    @classmethod
    def from_dict(cls, data: Any) -> Trajectory:
        if not isinstance(data, dict):
            raise ValueError("a trajectory is a JSON object with lists 'w' and 'b'")
        if "w" not in data or "b" not in data:
            raise ValueError("a trajectory needs lists 'w' and 'b'")

        def number(u: Any) -> bool:
            return isinstance(u, (int, float)) and not isinstance(u, bool)

        for key in ("w", "b", "loss", "dw", "db", "w_opt", "b_opt"):
            v = data.get(key)
            if v is None:
                continue
            vectors = key in WEIGHT_KEYS and isinstance(v, list) and v and isinstance(v[0], list)
            if vectors:
                size = len(v[0])
                if not all(
                    isinstance(u, list) and len(u) == size and all(map(number, u)) for u in v
                ):
                    raise ValueError(f"'{key}' must be a list of equally long lists of numbers")
            elif not isinstance(v, list) or not all(number(u) for u in v):
                raise ValueError(f"'{key}' must be a list of numbers")
        div = data.get("diverged_at")
        if div is not None and (not isinstance(div, int) or isinstance(div, bool)):
            raise ValueError("'diverged_at' must be null or an integer")
        config = data.get("config") or {}
        dataset = data.get("dataset") or {}
        if not isinstance(config, dict) or not isinstance(dataset, dict):
            raise ValueError("'config' and 'dataset' must be objects")
        config = TrajectoryConfig.from_dict(config)
        return cls(
            w=data["w"],
            b=data["b"],
            loss=data.get("loss"),
            dw=data.get("dw"),
            db=data.get("db"),
            w_opt=data.get("w_opt"),
            b_opt=data.get("b_opt"),
            diverged_at=div,
            config=config,
            dataset=dataset,
        )

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Trajectory:
        """Read a trajectory file; :class:`InputError` with one line when it is not one."""
        p = os.fspath(path)
        data = read_json(p, "a trajectory")
        try:
            return cls.from_dict(data)
        except RecursionError:
            raise InputError(f"{p}: nested too deeply to be a trajectory") from None
        except ValueError as exc:
            raise InputError(f"{p}: {exc}") from None
