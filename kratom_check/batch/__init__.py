"""Batch: many answer sets read, scored and written in one streaming pass, stage by stage.

- reading: `lines.py` (the bounded line reader), `read.py` (JSON Lines and CSV rows, as the Python
  engine reads them), `sources.py` (CSV, JSON Lines and Parquet as SQL, for the DuckDB engine);
- the engines: `python_engine.py` (built in) and `duckdb_engine.py` with `duckdb_query.py` and
  `duckdb_settings.py` (the questionnaire's SQL run on DuckDB, with the Python engine's own code for
  any row it is not sure of, and for the rest of a CSV from a row DuckDB cannot read), and
  `ctrl_c.py` (Ctrl-C taken between its batches);
- writing: `write.py` (JSON Lines and CSV rows, and standard output's own buffer), `arrow_write.py`
  (the DuckDB engine's Arrow batches as JSON Lines, CSV or Parquet);
- `results.py`: what they share (the id column, a row's outcome, the summary); `files.py`: one file
  through the chosen engine, as `kratom-check batch` runs it.

Nothing here is imported when the program starts; only `duckdb_engine.py` and what it imports need
the `duckdb` extra (duckdb and pyarrow), and they load them only when that engine runs.
"""
