"""A run's estimated cost from the endpoint's optional prices: numbers worked out by hand, the
command's options, and the refusals (nothing saved)."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import translation

from evaluations.endpoints.costs import estimated_cost
from evaluations.endpoints.models import Endpoint


def priced(price_in, price_out, currency="USD"):
    return SimpleNamespace(
        price_in_per_million=price_in, price_out_per_million=price_out, price_currency=currency
    )


@pytest.mark.parametrize(
    ("price_in", "price_out", "tokens_in", "tokens_out", "amount"),
    [
        # 1,234,567 × 0.50 / 1e6 = 0.6172835; 89,012 × 1.50 / 1e6 = 0.133518; sum 0.7508015
        # → rounded half up to a millionth: 0.750802
        ("0.50", "1.50", 1_234_567, 89_012, "0.750802"),
        # 1e6 × 3 / 1e6 = 3; 2e6 × 15 / 1e6 = 30 → 33
        ("3", "15", 1_000_000, 2_000_000, "33.000000"),
        # 120 × 0.15 / 1e6 = 0.000018; 48 × 0.60 / 1e6 = 0.0000288 → 0.0000468 → 0.000047
        ("0.15", "0.60", 120, 48, "0.000047"),
        # free endpoints cost nothing, but a price is set
        ("0", "0", 500, 500, "0.000000"),
        # no counts reported: 0
        ("1", "1", None, None, "0.000000"),
    ],
)
def test_the_cost_is_tokens_times_price_per_million(
    price_in, price_out, tokens_in, tokens_out, amount
):
    cost = estimated_cost(
        priced(Decimal(price_in), Decimal(price_out)), tokens_in=tokens_in, tokens_out=tokens_out
    )
    assert cost.amount == Decimal(amount)
    assert str(cost) == f"{amount} USD"


def test_no_price_no_cost():
    assert estimated_cost(priced(None, None), tokens_in=10, tokens_out=10) is None
    assert estimated_cost(priced(Decimal(1), None), tokens_in=10, tokens_out=10) is None


def add(server, *extra):
    call_command(
        "add_endpoint",
        "--model", "model-a", "--url", server.url, "--served-model", server.model,
        "--max-in-flight", "2", "--requests-per-minute", "600", *extra,
    )  # fmt: skip


@pytest.mark.django_db
def test_add_endpoint_sets_the_prices_and_they_are_optional(model_a, server, capsys):
    add(server, "--price-in", "0.25", "--price-out", "2", "--currency", "krw")
    endpoint = Endpoint.objects.get(pk=capsys.readouterr().out.strip())
    assert endpoint.price_in_per_million == Decimal("0.25")
    assert endpoint.price_out_per_million == Decimal("2")
    assert endpoint.price_currency == "KRW"
    add(server)
    endpoint = Endpoint.objects.get(pk=capsys.readouterr().out.strip())
    assert endpoint.price_in_per_million is None and endpoint.price_out_per_million is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "extra",
    [
        ("--price-in", "1"),
        ("--price-out", "1"),
        ("--price-in", "-1", "--price-out", "1"),
        ("--price-in", "1", "--price-out", "1", "--currency", "dollars"),
        ("--price-in", "100000000", "--price-out", "1"),
        ("--price-in", "0.00001", "--price-out", "1"),
    ],
)
def test_add_endpoint_refuses_one_price_a_negative_price_or_a_bad_currency(model_a, server, extra):
    with translation.override("en"), pytest.raises(CommandError, match="[Pp]rice"):
        add(server, *extra)
    assert not Endpoint.objects.exists()


@pytest.mark.django_db
def test_the_database_holds_both_prices_or_neither(endpoint):
    with pytest.raises(IntegrityError), transaction.atomic():
        Endpoint.objects.filter(pk=endpoint.pk).update(price_in_per_million=Decimal(1))
