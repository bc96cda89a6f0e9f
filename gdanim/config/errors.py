"""One formatter from a validation error to the one line the user reads.

The same problem reads ``--lr: 'huge' is not a number nor one of small, right, large`` on the
command line, ``scenes[3].lr: ...`` in a lecture file and ``lr: ...`` from Python.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence

from pydantic import BaseModel, ValidationError

from ..errors import InputError

_KEY = re.compile(r"\{(\w+)\}")


def spell(key: str, source: str) -> str:
    """A key as ``source`` writes it: ``--batch-size`` on the command line, else ``batch_size``."""
    return "--" + key.replace("_", "-") if source == "cli" else key


def _user_key(loc: tuple[int | str, ...], model: type[BaseModel]) -> str | None:
    """The key a location names: the last name in it, as the user writes it."""
    names = [p for p in loc if isinstance(p, str) and p != "train"]
    if not names:
        return None
    name = names[-1]
    field = model.model_fields.get(name)
    return field.alias if field is not None and field.alias else name


def message(
    exc: ValidationError, source: str, model: type[BaseModel], keys: Sequence[str]
) -> tuple[str | None, str]:
    """The key the first error concerns (as the user writes it) and what is wrong.

    ``model`` is the one validated, ``keys`` every key it takes as the user writes them.
    """
    err = exc.errors(include_url=False)[0]
    ctx = err.get("ctx") or {}
    key = ctx.get("key") or _user_key(err["loc"], model)
    if err["type"] == "extra_forbidden":
        known = [spell(k, source) for k in keys]
        close = difflib.get_close_matches(spell(str(key), source), known, n=1, cutoff=0.6)
        return key, "unknown key" + (f" (did you mean {close[0]}?)" if close else "")
    text = str(ctx.get("message", err["msg"]))
    if ctx.get("rule"):
        text = _KEY.sub(lambda m: spell(m.group(1), source), text)
    return key, text


def input_error(
    exc: ValidationError,
    source: str,
    model: type[BaseModel],
    keys: Sequence[str],
    label: Callable[[str], str] | None = None,
) -> InputError:
    """``KEY: message`` as one :class:`InputError`; ``label`` places the key (``scenes[3].lr``)."""
    key, text = message(exc, source, model, keys)
    if key is None:
        return InputError(text)
    where = label(key) if label is not None else spell(key, source)
    return InputError(f"{where}: {text}")
