"""An instructor's own table read from a file, in the order the loader goes:

- :mod:`~gdanim.datasets.files.load`: :func:`~gdanim.datasets.files.load.load_table` opens the
  file, chooses its columns and reads their numbers into a
  :class:`~gdanim.datasets.Dataset`, rows with a missing value left out or refused;
- :mod:`~gdanim.datasets.files.source` reads a pipe once, unpacks ``.gz`` and ``.zip`` tables
  and names a file that is not a table (a web page, a PDF, an image);
- :mod:`~gdanim.datasets.files.text`, :mod:`~gdanim.datasets.files.spreadsheet` and
  :mod:`~gdanim.datasets.files.records` (JSON, and Parquet, Feather and Stata through pandas)
  read text exports of every common kind, workbooks and record files into a
  :mod:`~gdanim.datasets.files.table` (a header and rows of cells, each row with the line or
  sheet row it came from; titles, a units row and notes after the data set aside);
- :mod:`~gdanim.datasets.files.columns`: which columns are x and y;
- :mod:`~gdanim.datasets.files.cells`: what a cell holds (no value, a formatted number, text)
  and the size a usable number keeps;
- :mod:`~gdanim.datasets.files.fast`: numpy's C parser, for the files that allow it.

What real exports do is read as they do it: any common delimiter, UTF-8, UTF-16 and legacy
single-byte encodings, comment and blank lines, quoted fields, decimal commas, grouped
thousands, currency signs, the missing-value tokens of R, pandas, SAS, Stata and spreadsheets.
Every error names the file, and the line (or sheet and row) and column where it applies.
"""
