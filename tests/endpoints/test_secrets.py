"""Endpoint API keys: encrypted at rest, rotated, never shown, never derived silently."""

import logging
import pickle
from datetime import UTC, datetime

import pytest
import time_machine

from evaluations.endpoints.secrets import (
    DEVELOPMENT_KEY,
    ApiKey,
    ApiKeyDecryptError,
    EndpointKeyConfigError,
    InvalidApiKeyError,
    KeyBox,
    api_key_from_input,
    generate_key_secret,
    mask_api_key,
    redact,
)

SECRET = "sk-live-0123456789abcdefghijklmnopqrstuvwxyzABCD"


def test_a_key_round_trips_and_the_stored_token_does_not_contain_it():
    box = KeyBox(generate_key_secret())
    token = box.encrypt(ApiKey(SECRET))
    assert SECRET not in token
    assert SECRET[-8:] not in token
    assert box.decrypt(token).reveal() == SECRET
    assert box.encrypt(ApiKey(SECRET)) != token  # a fresh IV every time


def test_the_key_never_shows_itself():
    key = ApiKey(SECRET)
    texts = [
        repr(key),
        str(key),
        f"{key}",
        f"{key!r}",
        "%s" % (key,),  # noqa: UP031
        str([key]),
        str({"k": key}),
    ]
    for text in texts:
        assert SECRET not in text
        assert "hidden" in text
    with pytest.raises(TypeError):
        pickle.dumps(key)
    with pytest.raises(AttributeError):
        key._value = "other"


def test_the_box_shows_nothing_of_its_keys():
    secret = generate_key_secret()
    box = KeyBox(secret)
    assert secret not in repr(box)
    assert repr(box) == "KeyBox(1 key)"


def test_rotation_new_key_first_still_opens_old_tokens_and_rotate_moves_them_to_the_new_key():
    old, new = generate_key_secret(), generate_key_secret()
    with time_machine.travel(datetime(2025, 6, 1, 9, 0, tzinfo=UTC), tick=False):
        old_token = KeyBox(old).encrypt(ApiKey(SECRET))
    both = KeyBox(f"{new}, {old}")
    assert both.key_count == 2
    assert both.decrypt(old_token).reveal() == SECRET
    rotated = both.rotate(old_token)
    assert KeyBox(new).decrypt(rotated).reveal() == SECRET
    with pytest.raises(ApiKeyDecryptError):
        KeyBox(old).decrypt(rotated)
    # The date shown ("set on …") is the date the team entered the key, not of the rotation.
    assert both.key_set_on(rotated) == datetime(2025, 6, 1, 9, 0, tzinfo=UTC)


def test_a_token_under_a_key_no_longer_configured_or_altered_gives_a_clear_error():
    token = KeyBox(generate_key_secret()).encrypt(ApiKey(SECRET))
    with pytest.raises(ApiKeyDecryptError) as error:
        KeyBox(generate_key_secret()).decrypt(token)
    assert "ENDPOINT_KEY_SECRET" in str(error.value)
    assert token not in str(error.value)
    box = KeyBox(generate_key_secret())
    token = box.encrypt(ApiKey(SECRET))
    altered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with pytest.raises(ApiKeyDecryptError):
        box.decrypt(altered)
    with pytest.raises(ApiKeyDecryptError):
        box.decrypt("not a token")
    assert error.value.__cause__ is None and error.value.__suppress_context__


def test_key_set_on_is_the_moment_of_encryption_in_utc():
    box = KeyBox(generate_key_secret())
    with time_machine.travel(datetime(2025, 8, 15, 3, 30, 12, tzinfo=UTC), tick=False):
        token = box.encrypt(ApiKey(SECRET))
    assert box.key_set_on(token) == datetime(2025, 8, 15, 3, 30, 12, tzinfo=UTC)


def test_outside_debug_a_missing_secret_stops_the_site_with_instructions():
    for missing in (None, "", "   "):
        with pytest.raises(EndpointKeyConfigError) as error:
            KeyBox.from_setting(missing, debug=False)
        assert "ENDPOINT_KEY_SECRET is not set" in str(error.value)
        assert "Fernet.generate_key()" in str(error.value)


def test_in_debug_a_missing_secret_uses_the_public_development_key_and_says_so(caplog):
    with caplog.at_level(logging.WARNING, logger="evaluations.endpoints.secrets"):
        box = KeyBox.from_setting(None, debug=True)
    assert "not set" in caplog.text and "development key" in caplog.text
    token = box.encrypt(ApiKey(SECRET))
    assert KeyBox(DEVELOPMENT_KEY).decrypt(token).reveal() == SECRET


def test_a_configured_secret_is_used_even_in_debug():
    secret = generate_key_secret()
    token = KeyBox.from_setting(secret, debug=True).encrypt(ApiKey(SECRET))
    with pytest.raises(ApiKeyDecryptError):
        KeyBox(DEVELOPMENT_KEY).decrypt(token)


def test_a_malformed_secret_names_the_bad_position_not_its_text():
    good = generate_key_secret()
    with pytest.raises(EndpointKeyConfigError) as error:
        KeyBox(f"{good},not-a-fernet-key-at-all")
    assert "key 2 of 2" in str(error.value)
    assert "not-a-fernet-key-at-all" not in str(error.value)
    assert good not in str(error.value)
    with pytest.raises(EndpointKeyConfigError):
        KeyBox(",,,")


def test_masking_shows_at_most_the_prefix_and_the_last_four():
    assert mask_api_key(ApiKey(SECRET)) == "sk-…ABCD"
    assert mask_api_key(ApiKey("abcdefghijklmnopqrstuvwxyz")) == "…wxyz"
    assert mask_api_key(ApiKey("short-key")) == "…"


def test_entered_keys_are_stripped_and_checked():
    assert api_key_from_input(f"  {SECRET}\n").reveal() == SECRET
    for text, code in (
        ("", "empty"),
        ("   ", "empty"),
        ("sk-abc\ndef", "characters"),
        ("sk abc", "characters"),
        ("x" * 5000, "too_long"),
    ):
        with pytest.raises(InvalidApiKeyError) as error:
            api_key_from_input(text)
        assert error.value.code == code


def test_redact_removes_every_occurrence_of_the_key():
    key = ApiKey(SECRET)
    assert redact(f"bad key {SECRET} and {SECRET}.", key) == "bad key [redacted] and [redacted]."
    assert redact("nothing here", key) == "nothing here"
    assert redact("x", None) == "x"


def test_keys_compare_in_constant_time_and_by_value():
    assert ApiKey(SECRET) == ApiKey(SECRET)
    assert ApiKey(SECRET) != ApiKey(SECRET + "x")
    assert not ApiKey("")
