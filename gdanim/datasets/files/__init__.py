"""An instructor's own table read from a file, in the order the loader goes:

- :mod:`~gdanim.datasets.files.tables`: the file as a header and rows of cells, each row with
  the line (or sheet row) it came from: text exports of every common kind and spreadsheets;
- :mod:`~gdanim.datasets.files.columns`: which columns are x and y;
- :mod:`~gdanim.datasets.files.load`: :func:`~gdanim.datasets.files.load.load_table`, the two
  columns' numbers as a :class:`~gdanim.datasets.Dataset`, rows with a missing value left out
  or refused;
- :mod:`~gdanim.datasets.files.fast`: numpy's C parser, for the files that allow it;
- :mod:`~gdanim.datasets.files.cells`: a cell's number, and the size a usable one keeps.

Every error names the file, and the line (or sheet and row) and column where it applies.
"""
