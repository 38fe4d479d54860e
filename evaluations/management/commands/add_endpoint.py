import os
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from evaluations.endpoints.secrets import InvalidApiKeyError, api_key_from_input
from evaluations.endpoints.services import _OperatorUser, endpoint_add
from evaluations.services import RunError
from leaderboard.models import FoundationModel


class Command(BaseCommand):
    help = (
        "Add an approved OpenAI-compatible endpoint for a model; prints its id. The API key is "
        "read from the named environment variable, never from an argument."
    )

    def add_arguments(self, parser):
        parser.add_argument("--model", required=True, help="The model's slug.")
        parser.add_argument("--url", required=True, help="Base URL, e.g. https://host/v1")
        parser.add_argument("--served-model", required=True, help="The model name it serves.")
        parser.add_argument(
            "--api-key-env", help="The environment variable holding the API key (none: no key)."
        )
        parser.add_argument("--max-in-flight", type=int, required=True)
        parser.add_argument("--requests-per-minute", type=int, required=True)
        parser.add_argument("--timeout", type=float, default=60.0, help="Seconds per attempt.")
        parser.add_argument("--temperature", type=float, default=0.0)
        parser.add_argument("--max-tokens", type=int, default=512)
        parser.add_argument(
            "--reasoning",
            choices=["on", "off"],
            help="Ask for reasoning on or off (default: send nothing).",
        )

        parser.add_argument(
            "--price-in",
            type=Decimal,
            help="Optional: price per 1M input tokens (with --price-out), for the estimated cost.",
        )
        parser.add_argument(
            "--price-out",
            type=Decimal,
            help="Optional: price per 1M output tokens (with --price-in).",
        )
        parser.add_argument("--currency", default="USD", help="The prices' currency (ISO 4217).")

    def handle(self, *args, **options):
        try:
            model = FoundationModel.objects.get(slug=options["model"])
        except FoundationModel.DoesNotExist as exc:
            raise CommandError(f"No model with the slug {options['model']!r}.") from exc
        api_key = None
        variable = options["api_key_env"]
        if variable:
            value = os.environ.get(variable)
            if value is None:
                raise CommandError(f"The environment variable {variable} is not set.")
            try:
                api_key = api_key_from_input(value)
            except InvalidApiKeyError as exc:
                raise CommandError(f"{variable}: {exc}") from exc
        reasoning = {"on": True, "off": False}.get(options["reasoning"])
        try:
            endpoint = endpoint_add(
                user=_OperatorUser(),
                model=model,
                base_url=options["url"],
                served_model=options["served_model"],
                api_key=api_key,
                max_in_flight=options["max_in_flight"],
                requests_per_minute=options["requests_per_minute"],
                timeout=options["timeout"],
                temperature=options["temperature"],
                max_tokens=options["max_tokens"],
                reasoning=reasoning,
                price_in_per_million=options["price_in"],
                price_out_per_million=options["price_out"],
                price_currency=options["currency"],
            )
        except RunError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(str(endpoint.pk))
