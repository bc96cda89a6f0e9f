"""Datasets: one feature ``x`` against one target ``y``, and where they come from.

- :mod:`~gdanim.datasets.dataset`: the :class:`Dataset` type, the defaults one's own data
  train with, and the data with x standardised as a run's optimizer saw it;
- :mod:`~gdanim.datasets.lessons`: the built-in lessons' data, by name;
- :mod:`~gdanim.datasets.files`: an instructor's own table, from a text export or a
  spreadsheet (:func:`load_table`);
- :mod:`~gdanim.datasets.memory`: data held in memory (a DataFrame, a mapping of columns, two
  arrays);
- :mod:`~gdanim.datasets.conditioning`: how hard a feature is for gradient descent (the
  updates a default run takes, whether x is standardised).
"""

from __future__ import annotations

from .dataset import Dataset, standardized_data
from .files.load import load_csv, load_table
from .lessons import DATASETS, get_dataset

__all__ = ["DATASETS", "Dataset", "get_dataset", "load_csv", "load_table", "standardized_data"]
