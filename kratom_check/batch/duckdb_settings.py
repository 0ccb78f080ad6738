"""The DuckDB engine's settings: its extra loaded, --threads and --memory-limit checked, a connection made."""

from __future__ import annotations

import os
import re
from typing import Any

from ..errors import UsageError, shown
from ..i18n import _

INSTALL = "pip install 'kratom-check[duckdb]'"
BATCH_ROWS = 16 * 1024
"""Rows per Arrow batch handed from DuckDB to the writer: small, so memory stays flat."""
STREAM_AHEAD = "16MB"
"""DuckDB's streaming_buffer_size: results it may work out ahead while Python writes the last batch."""


def installed() -> bool:
    """Whether the `duckdb` extra is installed (found, not imported: the default install never loads it)."""
    from importlib.util import find_spec

    return all(find_spec(name) is not None for name in ("duckdb", "pyarrow"))


def modules() -> tuple[Any, Any]:
    """duckdb and pyarrow, or a message saying how to install them."""
    try:
        import duckdb
        import pyarrow
    except ImportError:
        raise UsageError(
            _("The DuckDB engine is an optional extra. Install it with: {command}").format(command=INSTALL)
        ) from None
    return duckdb, pyarrow


THREADS_PER_CORE = 4
"""The most threads --threads may ask for, per core this process may run on: more only adds overhead."""
LEAST_MEMORY = 16 * 1000**2
"""The smallest --memory-limit (16MB) the engine starts with: below it, DuckDB fails on the first rows."""
_SIZE = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)(e[+-]?\d+)?\s*(?:([kmgt])(i?)b|b|bytes?)\s*", re.IGNORECASE)


def cores() -> int:
    """The cores this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def check_settings(threads: int | None, memory_limit: str) -> None:
    """--threads at most a few per core, and a --memory-limit DuckDB can start in, each with its own message."""
    most = THREADS_PER_CORE * cores()
    if threads is not None and threads > most:
        raise UsageError(
            _(
                "--threads {threads} is more than this computer can use: at most {most} "
                "({per_core} for each of its {cores} cores). Leave it out to use every core."
            ).format(threads=threads, most=most, per_core=THREADS_PER_CORE, cores=cores())
        )
    if memory_limit.strip().startswith("-"):  # DuckDB takes -1 as no limit at all
        raise UsageError(
            _("--memory-limit {value} is below zero. Give a size like 512MB or 2GB.").format(
                value=shown(memory_limit.strip())
            )
        )
    size = _SIZE.fullmatch(memory_limit)
    if size is None:
        return  # DuckDB reads other spellings too (like 80%), and names what is wrong with one it cannot read
    number, exponent, prefix, binary = size.groups()
    scale = (1024 if binary else 1000) ** ("kmgt".index(prefix.lower()) + 1) if prefix else 1
    if float(number + (exponent or "")) * scale < LEAST_MEMORY:
        raise UsageError(
            _(
                "--memory-limit {value} is too small: the DuckDB engine needs at least 16MB, and more for each "
                "thread. Give a size like 512MB or 2GB, or leave it out for 1GB."
            ).format(value=shown(memory_limit.strip()))
        )


def connect(duckdb: Any, threads: int | None, memory_limit: str) -> Any:
    check_settings(threads, memory_limit)
    config: dict[str, Any] = {"memory_limit": memory_limit, "preserve_insertion_order": True}
    if threads is not None:
        config["threads"] = threads
    try:
        connection = duckdb.connect(config=config)
        # Results DuckDB may work out ahead of the writer: so its threads go on while Python writes.
        connection.execute(f"SET streaming_buffer_size = '{STREAM_AHEAD}'")
        return connection
    except duckdb.Error as exc:
        raise UsageError(
            _("--memory-limit {value!r} is not a size DuckDB accepts ({reason}). Use a size like 512MB or 2GB.").format(
                value=memory_limit, reason=shown(first_line(exc), limit=300)
            )
        ) from None


def first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
