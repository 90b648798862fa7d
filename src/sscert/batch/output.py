"""Writing batch results: money and months as exact text, ID numbers masked by default."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from sscert.batch.convert import fen_text, month_text
from sscert.batch.engine import BatchResult

__all__ = ["write_outputs"]


def _id(unmasked: bool) -> pl.Expr:
    if unmasked:
        return pl.col("id_number")
    return (
        pl.col("id_number").str.slice(0, 6)
        + pl.lit("********")
        + pl.col("id_number").str.slice(14, 4)
    )


def write_outputs(
    result: BatchResult, out: Path, fmt: str, *, unmasked: bool = False
) -> list[Path]:
    """``persons``, ``months`` and ``rejected`` tables in ``out`` as Parquet or CSV."""
    out.mkdir(parents=True, exist_ok=True)
    ids = result.persons.select("person", id_number=_id(unmasked))
    persons = result.persons.with_columns(
        id_number=_id(unmasked),
        certified_on=pl.col("certified_on").dt.strftime("%Y-%m-%d"),
        **{c: fen_text(c) for c in ("paid_on_time", "backpaid", "withheld", "overpaid")},
        **{
            c: pl.when(pl.col(c).is_not_null()).then(fen_text(c))
            for c in ("repay", "fine_min", "fine_max")
        },
    ).drop("person")
    months = (
        result.months.join(ids, on="person")
        .with_columns(
            month=month_text("month"),
            paid_in=pl.when(pl.col("paid_in").is_not_null()).then(month_text("paid_in")),
            due=fen_text("due"),
            paid=fen_text("paid"),
        )
        .select("id_number", "month", "scheme", "due", "paid", "paid_in", "outcome")
    )
    rejected = result.rejected.join(ids, on="person").select("id_number", "index", "reason")
    paths = []
    for name, frame in (("persons", persons), ("months", months), ("rejected", rejected)):
        path = out / f"{name}.{fmt}"
        if fmt == "parquet":
            frame.write_parquet(path)
        else:
            frame.write_csv(path)
        paths.append(path)
    return paths
