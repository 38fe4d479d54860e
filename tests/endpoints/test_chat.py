"""Requests and responses in the OpenAI Chat Completions format, as plain values."""

import pytest

from evaluations.endpoints.chat import (
    ChatItem,
    EndpointConfig,
    GenerationSettings,
    error_detail,
    is_model_error,
    parse_completion,
)
from evaluations.endpoints.safety import UnsafeEndpointError
from evaluations.endpoints.secrets import ApiKey


def test_a_completion_is_read_with_usage_reasoning_and_the_served_model():
    data = {
        "model": "qwen3-8b",
        "choices": [
            {
                "message": {
                    "role": "assistant",
                    "content": "B",
                    "reasoning_content": "The capital is Seoul, choice B.",
                },
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 41, "completion_tokens": 12},
    }
    answer = parse_completion(data)
    assert (answer.text, answer.finish_reason, answer.tokens_in, answer.tokens_out) == (
        "B",
        "stop",
        41,
        12,
    )
    assert answer.reasoning_text == "The capital is Seoul, choice B."
    assert answer.served_model == "qwen3-8b"


def test_content_parts_are_joined_and_missing_or_odd_usage_is_none():
    data = {
        "choices": [
            {
                "message": {"content": [{"type": "text", "text": "정답은 "}, {"text": "B"}]},
                "finish_reason": "length",
            }
        ],
        "usage": {"prompt_tokens": "41", "completion_tokens": -1},
    }
    answer = parse_completion(data)
    assert answer.text == "정답은 B" and answer.finish_reason == "length"
    assert answer.tokens_in is None and answer.tokens_out is None
    assert parse_completion({"choices": [{"message": {"content": None}}]}).text is None


@pytest.mark.parametrize(
    "data",
    [{}, {"choices": []}, {"choices": [{}]}, {"choices": [{"message": {"content": 7}}]}],
)
def test_anything_that_is_not_a_completion_is_refused(data):
    with pytest.raises(ValueError, match="not a chat completion"):
        parse_completion(data)


def test_error_bodies_in_the_usual_shapes():
    assert error_detail(b'{"error": {"message": "Bad key", "code": "invalid_api_key"}}') == (
        "Bad key",
        "invalid_api_key",
    )
    assert error_detail(b'{"error": "overloaded"}') == ("overloaded", None)
    assert error_detail(b'{"detail": "Not Found"}') == ("Not Found", None)
    assert error_detail(b"<html>502 Bad Gateway</html>") == ("<html>502 Bad Gateway</html>", None)
    assert len(error_detail(b"x" * 5000)[0]) == 300


@pytest.mark.parametrize(
    ("status", "detail", "code", "expected"),
    [
        (404, "The model `gemma` does not exist.", None, True),  # vLLM
        (404, "", "model_not_found", True),  # OpenAI
        (400, "Unknown model: gemma", None, True),
        (404, "Not Found", None, False),  # a wrong URL, not a wrong model
        (400, "This model's maximum context length is 2048 tokens", None, False),
        (500, "model does not exist", None, False),
    ],
)
def test_a_wrong_model_is_told_from_a_wrong_url_or_a_long_prompt(status, detail, code, expected):
    assert is_model_error(status, detail, code) is expected


def test_extra_body_is_merged_last_and_wins():
    settings = GenerationSettings(
        reasoning=True, extra_body={"chat_template_kwargs": {"thinking": True}, "top_k": 20}
    )
    body = settings.request_body("m", ChatItem("1", "q").chat_messages())
    assert body["chat_template_kwargs"] == {"thinking": True}
    assert body["top_k"] == 20 and body["temperature"] == 0.0 and body["max_tokens"] == 512


def test_an_endpoint_config_checks_its_url_and_hides_its_key():
    with pytest.raises(UnsafeEndpointError):
        EndpointConfig("http://169.254.169.254/v1", "m")
    with pytest.raises(ValueError):
        EndpointConfig("https://models.example.com/v1", " ")
    config = EndpointConfig("https://models.example.com/v1/", "m", ApiKey("sk-secret-value-1234"))
    assert config.base_url == "https://models.example.com/v1"
    assert "sk-secret" not in repr(config)
