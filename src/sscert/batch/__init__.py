"""The columnar batch engine (``pip install 'sscert[batch]'``): rules C1-C12 for millions of
people at once, on Polars, with the same answers as :func:`sscert.calculate`."""

from sscert.batch.convert import from_case, to_result_dict
from sscert.batch.engine import BatchInput, BatchResult, evaluate_batch

__all__ = ["BatchInput", "BatchResult", "batch_calculate", "evaluate_batch", "from_case", "to_result_dict"]


def batch_calculate(case: dict) -> dict:  # type: ignore[type-arg]
    """``calculate`` through the batch engine: the same case in, the same required keys out."""
    from sscert.contract import parse_case  # noqa: PLC0415

    parsed = parse_case(case)
    result = evaluate_batch(from_case(parsed), parsed.campaign, parsed.as_of, parsed.first)
    return to_result_dict(parsed, result)
