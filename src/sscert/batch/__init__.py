"""The columnar batch engine (``pip install 'sscert[batch]'``): rules C1-C15 for millions of
people at once, on Polars, with the same answers as :func:`sscert.calculate`."""

from typing import Any

from sscert.batch.convert import from_case, from_people, to_result_dict
from sscert.batch.engine import BatchInput, BatchResult, evaluate_batch
from sscert.batch.tables import (
    BatchInputError,
    from_store,
    from_store_checked,
    from_tables,
    read_table,
    scan_table,
)
from sscert.contract import CampaignsArg, parse_case

__all__ = [
    "BatchInput",
    "BatchInputError",
    "BatchResult",
    "batch_calculate",
    "evaluate_batch",
    "from_case",
    "from_people",
    "from_store",
    "from_store_checked",
    "from_tables",
    "read_table",
    "scan_table",
    "to_result_dict",
]


def batch_calculate(case: dict[str, Any], *, campaigns: CampaignsArg = None) -> dict[str, Any]:
    """``calculate`` through the batch engine: the same case in, the same required keys out."""
    parsed = parse_case(case, campaigns=campaigns)
    result = evaluate_batch(from_case(parsed), parsed.campaign, parsed.as_of, parsed.first)
    return to_result_dict(parsed.as_of, result)
