"""Running the batch engine on Apache Spark, for a national roster.

The roster is one row per person with nested entitlements, amount changes and events
(:data:`sscert.batch.nested.NESTED_SCHEMA`), partitioned by region code (the first six
characters of the ID number); every partition runs the Polars engine inside
``mapInArrow``. People are independent of one another, so partitions need no exchange.

Needs ``pip install 'sscert[spark]'`` and Java 17 on every node.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import polars as pl
import pyarrow as pa

from sscert.batch.convert import fen_text, month_text
from sscert.batch.engine import evaluate_batch
from sscert.batch.nested import flatten
from sscert.campaigns import load_campaign
from sscert.values.months import Month

__all__ = ["RESULT_SCHEMA", "run_on_spark"]

#: One row per person: the statuses, the totals (exact text) and the months, nested.
RESULT_SCHEMA = (
    "id_number string, region string, status string, certified_on string, "
    "suspected_fraud boolean, paid_on_time string, backpaid string, withheld string, "
    "overpaid string, repay string, fine_min string, fine_max string, "
    "months array<struct<month:string, scheme:string, due:string, paid:string, "
    "paid_in:string, outcome:string>>"
)


def _spark_type(kind: pa.DataType) -> pa.DataType:
    """Spark reads Arrow's 32-bit offsets: large lists and strings become plain ones."""
    if pa.types.is_large_list(kind) or pa.types.is_list(kind):
        return pa.list_(_spark_type(kind.value_type))
    if pa.types.is_struct(kind):
        return pa.struct([pa.field(f.name, _spark_type(f.type)) for f in kind])
    if pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        return pa.string()
    return kind


def _spark_schema(schema: pa.Schema) -> pa.Schema:
    return pa.schema([pa.field(f.name, _spark_type(f.type)) for f in schema])


def _evaluate_partition(
    batches: Iterator[pa.RecordBatch], campaign_name: str, as_of: dt.date, first: str | None
) -> Iterator[pa.RecordBatch]:
    campaign = load_campaign(campaign_name)
    first_month = Month.parse(first) if first else None
    for batch in batches:
        nested = pl.from_arrow(batch)
        assert isinstance(nested, pl.DataFrame)
        if nested.height == 0:
            continue
        result = evaluate_batch(flatten(nested), campaign, as_of, first_month)
        months = (
            result.months.with_columns(
                month=month_text("month"),
                paid_in=pl.when(pl.col("paid_in").is_not_null()).then(month_text("paid_in")),
                due=fen_text("due"),
                paid=fen_text("paid"),
                scheme=pl.col("scheme").cast(pl.Utf8),
                outcome=pl.col("outcome").cast(pl.Utf8),
            )
            .group_by("person", maintain_order=True)
            .agg(months=pl.struct("month", "scheme", "due", "paid", "paid_in", "outcome"))
        )
        persons = (
            result.persons.join(months, on="person", how="left")
            .with_columns(
                region=pl.col("id_number").str.slice(0, 6),
                certified_on=pl.col("certified_on").dt.strftime("%Y-%m-%d"),
                **{c: fen_text(c) for c in ("paid_on_time", "backpaid", "withheld", "overpaid")},
                **{
                    c: pl.when(pl.col(c).is_not_null()).then(fen_text(c))
                    for c in ("repay", "fine_min", "fine_max")
                },
            )
            .select(
                "id_number",
                "region",
                "status",
                "certified_on",
                "suspected_fraud",
                "paid_on_time",
                "backpaid",
                "withheld",
                "overpaid",
                "repay",
                "fine_min",
                "fine_max",
                "months",
            )
        )
        table = persons.to_arrow(compat_level=pl.CompatLevel.oldest())
        yield from table.cast(_spark_schema(table.schema)).to_batches()


def run_on_spark(
    people: Any,
    campaign_name: str,
    as_of: dt.date,
    first: str | None = None,
    *,
    partitions: int | None = None,
) -> Any:
    """Evaluate a Spark DataFrame of nested people; returns a Spark DataFrame with
    :data:`RESULT_SCHEMA`. ``campaign_name`` must be loadable on every node (a bundled id,
    or a path they all see)."""
    from pyspark.sql import functions as f  # noqa: PLC0415 - an optional dependency

    load_campaign(campaign_name)  # fail early, on the driver, for a bad name

    def evaluate(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return _evaluate_partition(batches, campaign_name, as_of, first)

    keyed = (
        people
        if "region" in people.columns
        else people.withColumn("region", f.substring("id_number", 1, 6))
    )
    spread = keyed.repartition(partitions, "region") if partitions else keyed.repartition("region")
    return spread.mapInArrow(evaluate, RESULT_SCHEMA)
