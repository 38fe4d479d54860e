"""A run's estimated cost from the endpoint's optional prices per million tokens: one rule,
used by the evaluator page and the API."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MILLION = Decimal(1_000_000)
#: Amounts are kept to a millionth of the currency unit (a short run costs fractions of a cent).
QUANTUM = Decimal("0.000001")


@dataclass(frozen=True)
class EstimatedCost:
    """What a run cost by the endpoint's prices: ``amount`` in ``currency`` (Decimal)."""

    amount: Decimal
    currency: str
    price_in_per_million: Decimal
    price_out_per_million: Decimal
    tokens_in: int
    tokens_out: int

    def __str__(self) -> str:
        return f"{self.amount:f} {self.currency}"


def estimated_cost(endpoint, *, tokens_in: int, tokens_out: int) -> EstimatedCost | None:
    """tokens_in × price_in / 1e6 + tokens_out × price_out / 1e6, rounded half up to 1e-6.

    ``endpoint`` is an :class:`~evaluations.endpoints.models.Endpoint` (or anything with
    ``price_in_per_million``, ``price_out_per_million`` and ``price_currency``). Token counts
    are as the endpoint reported them (a missing count counts 0). None when the endpoint has no
    prices set (both or neither are set; the database holds them to that): the pages show "—".
    """
    price_in = getattr(endpoint, "price_in_per_million", None)
    price_out = getattr(endpoint, "price_out_per_million", None)
    if price_in is None or price_out is None:
        return None
    price_in, price_out = Decimal(price_in), Decimal(price_out)
    tokens_in, tokens_out = int(tokens_in or 0), int(tokens_out or 0)
    amount = (tokens_in * price_in + tokens_out * price_out) / MILLION
    return EstimatedCost(
        amount=amount.quantize(QUANTUM, rounding=ROUND_HALF_UP),
        currency=endpoint.price_currency or "USD",
        price_in_per_million=price_in,
        price_out_per_million=price_out,
        tokens_in=tokens_in,
        tokens_out=tokens_out,
    )
