"""The key scrubber: every encoding and every 6+ character piece, nothing else."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from companion import scrubber
from tests.online_servers import key_echoes, leaks

KEY = "sk-proj-Q2x/9Lm+Tz41:fx"


@pytest.fixture(autouse=True)
def fresh_registry() -> Iterator[None]:
    scrubber.forget_all()
    yield
    scrubber.forget_all()


def test_nothing_registered_changes_nothing() -> None:
    assert scrubber.scrub(f"echo {KEY}") == f"echo {KEY}"
    assert scrubber.registered_count() == 0


@pytest.mark.parametrize("name", list(key_echoes(KEY)))
def test_each_echo_is_scrubbed_and_the_rest_kept(name: str) -> None:
    scrubber.register(KEY)
    text = f"Error 4711: {key_echoes(KEY)[name]} -- please check your account"
    out = scrubber.scrub(text)
    assert out.startswith("Error 4711: ") and out.endswith(" -- please check your account")
    assert "[key]" in out
    assert leaks(out, KEY) == []


def test_a_key_inside_longer_base64_is_found_at_every_alignment() -> None:
    scrubber.register(KEY)
    for prefix in ("", "a", "ab", "abc", "Bearer ", "user:"):
        blob = base64.b64encode(f"{prefix}{KEY} and more".encode()).decode()
        other = base64.b64encode(f"{prefix}{'#' * len(KEY)} and more".encode()).decode()
        # The characters that carry the key are the ones that change with it.
        first = next(i for i in range(len(blob)) if blob[i] != other[i])
        last = max(i for i in range(len(blob)) if blob[i] != other[i])
        carried = blob[first : last + 1]
        out = scrubber.scrub(blob)
        assert "[key]" in out, prefix
        assert not any(carried[i : i + 8] in out for i in range(len(carried) - 7)), prefix


def test_extra_keys_are_scrubbed_without_being_registered() -> None:
    typed = "typed-Zq81Lm02Xv93"
    assert scrubber.scrub(f"bad key {typed}", extra=[typed, None, ""]) == "bad key [key]"
    assert scrubber.registered_count() == 0
    assert scrubber.scrub(f"bad key {typed}") == f"bad key {typed}"


def test_short_strings_are_not_keys() -> None:
    scrubber.register("k")
    scrubber.register("abc1234")  # 7 characters
    scrubber.register("   ")
    scrubber.register(None)
    assert scrubber.registered_count() == 0
    assert scrubber.scrub("key rejected, abc1234") == "key rejected, abc1234"


def test_ordinary_text_is_left_alone() -> None:
    scrubber.register(KEY)
    for text in (
        "DeepL: key rejected (HTTP 403)",
        "the server redirected to another address (not followed): check the server URL",
        "你好，很高兴认识你！ 😀 https://xhslink.com/a",
    ):
        assert scrubber.scrub(text) == text


def test_clean_also_strips_terminal_controls_and_cuts() -> None:
    scrubber.register(KEY)
    out = scrubber.clean(f"\x1b[2J{quote(KEY, safe='')}\x07 " + "x" * 500, limit=40)
    assert "\x1b" not in out and "\x07" not in out
    assert len(out) == 40 and out.endswith("…")
    assert leaks(out, KEY) == []


key_text = st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=8, max_size=64
)
surroundings = st.text(max_size=40)


@settings(max_examples=60, deadline=None)
@example(key="000]00001", before="0]0000", after="", encoding="reversed-halves")  # mark + rest
@given(key=key_text, before=surroundings, after=surroundings, encoding=st.sampled_from(
    sorted(key_echoes("x" * 8))
))  # fmt: skip
def test_any_key_in_any_echo_is_gone(key: str, before: str, after: str, encoding: str) -> None:
    scrubber.forget_all()
    scrubber.register(key)
    echo = key_echoes(key)[encoding]
    assert leaks(scrubber.scrub(before + echo + after), key) == []
