"""Hostile servers on 127.0.0.1: key echoes in every encoding, drips, resets, bombs, redirects.

Each case is a real HTTP exchange with the engine code the app runs; nothing is mocked.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Iterator, Sequence

import pytest

from companion import scrubber
from companion.engines.base import CancelToken, EngineError, EngineInfo, ErrorKind
from companion.engines.http import MAX_REPLY_BYTES, OnlineEngine
from companion.engines.registry import engine_from_options
from companion.translator import Translator
from tests.online_servers import (
    PROVIDERS,
    ProviderServer,
    Scripted,
    error_body,
    key_echoes,
    leaks,
)

# No piece of it may occur in a file path: tracebacks shown with errors carry the checkout's
# path (a CI checkout under ".../checkout/" once matched "/check").
KEY = "sk-LEAK/Qz7xW+7f3a9c1e5b2d8046:fx"
ECHOES = key_echoes(KEY)
REASONS = {
    "deepl": "the text was refused (HTTP 400",
    "google": "the text was refused (HTTP 400",
    "microsoft": "the text was refused (HTTP 400",
    "libretranslate": "the text was refused (HTTP 400",
    "openai": "the text was refused (HTTP 400",
}


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture(params=PROVIDERS)
def provider(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def server(provider: str) -> Iterator[ProviderServer]:
    srv = ProviderServer(provider, key=KEY)
    yield srv
    srv.close()


def make(
    provider: str, server: ProviderServer, timeout: float = 10.0, deadline: float = 20.0
) -> OnlineEngine:
    options = {"url": server.base_url, "model": "test-model"}
    return engine_from_options(provider, options, KEY, timeout=timeout, deadline=deadline)


def everything_shown(exc: EngineError) -> str:
    return "\n".join([str(exc), repr(exc), exc.message, *traceback.format_exception(exc)])


class Letters:
    """A stand-in for the offline engine where no language pack is needed for the point."""

    info = EngineInfo("offline", "Offline (test)", online=False)

    def supports(self, source: str, target: str) -> bool:
        return True

    def translate_batch(
        self,
        sentences: Sequence[str],
        source: str,
        target: str,
        cancel: CancelToken | None = None,
    ) -> list[str]:
        return [f"<offline {s}>" for s in sentences]


# Key echoes ---------------------------------------------------------------------------------
@pytest.mark.parametrize("echo", list(ECHOES), ids=list(ECHOES))
def test_deepl_echo_in_any_encoding_never_shows_the_key(echo: str) -> None:
    server = ProviderServer("deepl", key=KEY)
    try:
        server.push(Scripted(400, error_body("deepl", f"Bad request: {ECHOES[echo]}")))
        with pytest.raises(EngineError) as caught:
            make("deepl", server).translate_batch(["你好"], "zh", "en")
    finally:
        server.close()
    assert caught.value.kind is ErrorKind.BAD_INPUT
    assert caught.value.message.startswith("the text was refused (HTTP 400: Bad request: ")
    assert leaks(everything_shown(caught.value), KEY) == []
    assert "\x1b" not in caught.value.message


@pytest.mark.parametrize("echo", ["raw", "base64-in-header", "split", "url", "zero-width"])
def test_every_provider_scrubs_echoes(provider: str, server: ProviderServer, echo: str) -> None:
    server.push(Scripted(400, error_body(provider, f"Bad: {ECHOES[echo]}")))
    with pytest.raises(EngineError) as caught:
        make(provider, server).translate_batch(["你好"], "zh", "en")
    assert caught.value.message.startswith(REASONS[provider])
    assert leaks(everything_shown(caught.value), KEY) == []


def test_an_unregistered_typed_key_is_scrubbed_too() -> None:
    """A key typed into Settings for a test (never stored) is scrubbed by its session."""
    typed = "typed-key-Zq81Lm02Xv93"
    server = ProviderServer("deepl", key=KEY)  # rejects the typed key and echoes it
    try:
        engine = engine_from_options("deepl", {"url": server.base_url}, typed)
        with pytest.raises(EngineError) as caught:
            engine.translate_batch(["你好"], "zh", "en")
    finally:
        server.close()
    assert caught.value.kind is ErrorKind.AUTH
    assert "[key]" in caught.value.message
    assert leaks(everything_shown(caught.value), typed) == []


def test_provider_text_is_cut_short_and_stripped_of_controls(
    provider: str, server: ProviderServer
) -> None:
    text = "\x1b[2J\x1b[31mYOU HAVE BEEN HACKED\x07 " + "blah " * 500
    server.push(Scripted(400, error_body(provider, text)))
    with pytest.raises(EngineError) as caught:
        make(provider, server).translate_batch(["你好"], "zh", "en")
    message = caught.value.message
    assert "\x1b" not in message and "\x07" not in message
    assert len(message) < 200
    assert message.startswith(REASONS[provider])


def test_html_error_pages_are_not_quoted(provider: str, server: ProviderServer) -> None:
    page = f"<html><body><h1>Forbidden</h1><pre>{KEY}</pre></body></html>"
    server.push(Scripted(403, page, content_type="text/html"))
    with pytest.raises(EngineError) as caught:
        make(provider, server).translate_batch(["你好"], "zh", "en")
    assert caught.value.message == "key rejected (HTTP 403)"


# Deadlines ------------------------------------------------------------------------------------
def test_a_dripping_server_fails_at_the_deadline_not_at_the_read_timeout(
    provider: str, server: ProviderServer
) -> None:
    """One byte per 0.2 s never trips the 30 s read timeout; the 1 s deadline ends it.

    The reply would take minutes to drip out, so returning at all proves the deadline.
    """
    body = error_body(provider, "x" * 2000)
    server.push(Scripted(200, body, drip=0.2))
    engine = make(provider, server, timeout=30.0, deadline=1.0)
    with pytest.raises(EngineError) as caught:
        engine.translate_batch(["你好"], "zh", "en")
    assert caught.value.kind is ErrorKind.NETWORK
    assert caught.value.message == (
        "no complete answer within 1 s (the server is too slow or the connection stalled)"
    )


def test_retries_stay_inside_the_deadline() -> None:
    server = ProviderServer("deepl", key=KEY)
    try:
        # Each 503 asks to wait 1 s; the deadline leaves no room for the second wait.
        for _ in range(3):
            server.push(Scripted(503, {"message": "busy"}, {"Retry-After": "1"}))
        engine = make("deepl", server, deadline=1.5)
        with pytest.raises(EngineError) as caught:
            engine.translate_batch(["你好"], "zh", "en")
    finally:
        server.close()
    assert caught.value.kind is ErrorKind.SERVER
    assert len(server.requests) == 2


def test_a_stalled_reply_falls_back_offline(installed_packs: list[object]) -> None:
    """The real offline engine takes over when the online one runs out of time."""
    from companion.engines.offline import OfflineEngine

    server = ProviderServer("deepl", key=KEY)
    try:
        server.push(Scripted(200, {"translations": [{"text": "x" * 500}]}, drip=0.2))
        translator = Translator(
            offline=OfflineEngine(), online=make("deepl", server, timeout=30.0, deadline=1.0)
        )
        result = translator.translate("你好。", source="zh", target="en")
    finally:
        server.close()
    assert result.engine == "offline"
    assert result.text.strip()
    assert result.notes == ["DeepL: no connection - translated offline"]


def test_cancel_still_works_during_a_drip() -> None:
    server = ProviderServer("deepl", key=KEY)
    token = CancelToken()
    outcome: list[BaseException] = []
    try:
        server.push(Scripted(200, {"translations": []}, drip=0.2))
        engine = make("deepl", server, timeout=30.0, deadline=60.0)

        def run() -> None:
            try:
                engine.translate_batch(["你好"], "zh", "en", token)
            except BaseException as exc:
                outcome.append(exc)

        worker = threading.Thread(target=run)
        worker.start()
        assert server.received.wait(10)
        token.cancel()
        worker.join(10)
        assert not worker.is_alive()
    finally:
        server.close()
    assert len(outcome) == 1 and type(outcome[0]).__name__ == "Cancelled"


# Broken and bad replies -------------------------------------------------------------------
def test_a_reset_connection_is_a_network_error(provider: str, server: ProviderServer) -> None:
    server.push(Scripted(reset=True))
    with pytest.raises(EngineError) as caught:
        make(provider, server).translate_batch(["你好"], "zh", "en")
    assert caught.value.kind is ErrorKind.NETWORK
    assert caught.value.message == "the connection broke off"
    assert "Errno" not in caught.value.message


@pytest.mark.parametrize("status", [200, 400])
def test_deeply_nested_json_is_a_bad_reply_not_a_crash(
    provider: str, server: ProviderServer, status: int
) -> None:
    nested = "[" * 200_000 + "]" * 200_000
    server.push(Scripted(status, nested))
    if provider == "openai" and status == 200:
        server.push(Scripted(status, nested))
    with pytest.raises(EngineError) as caught:
        make(provider, server).translate_batch(["你好", "谢谢"], "zh", "en")
    if status == 200:
        assert caught.value.kind is ErrorKind.BAD_RESPONSE
        assert caught.value.message == "the reply is not valid JSON"
    else:
        assert caught.value.kind is ErrorKind.BAD_INPUT
        assert caught.value.message == "the text was refused (HTTP 400)"


def test_nested_json_from_a_chat_model_is_a_bad_reply() -> None:
    """The model's own content is parsed as JSON too: nesting there must not crash either."""
    server = ProviderServer("openai", key=KEY)
    content = "[" * 100_000 + "]" * 100_000
    reply = {"choices": [{"message": {"role": "assistant", "content": content}}]}
    try:
        server.push(Scripted(200, reply), Scripted(200, reply), Scripted(200, reply))
        out = make("openai", server).translate_batch(["你好", "谢谢"], "zh", "en")
    finally:
        server.close()
    assert out == [content, content]  # one by one, the model's words are its translation


def test_nested_json_falls_back_offline() -> None:
    server = ProviderServer("google", key=KEY)
    try:
        server.push(Scripted(200, "{" + '"a":{' * 100_000 + "}" * 100_001))
        translator = Translator(offline=Letters(), online=make("google", server))
        result = translator.translate("你好。", source="zh", target="en")
    finally:
        server.close()
    assert result.text == "<offline 你好。>"
    assert result.notes == ["Google Translate: unreadable reply - translated offline"]


@pytest.mark.parametrize(
    "reply",
    [
        Scripted(200, filler=MAX_REPLY_BYTES + 10),
        Scripted(200, filler=MAX_REPLY_BYTES + 10, chunked=True),
        Scripted(200, filler=MAX_REPLY_BYTES * 4, gzip=True),  # a few KB on the wire
    ],
    ids=["content-length", "chunked", "gzip-bomb"],
)
def test_a_huge_reply_is_refused(reply: Scripted) -> None:
    server = ProviderServer("deepl", key=KEY)
    try:
        server.push(reply)
        with pytest.raises(EngineError) as caught:
            make("deepl", server).translate_batch(["你好"], "zh", "en")
    finally:
        server.close()
    assert caught.value.kind is ErrorKind.BAD_RESPONSE
    assert caught.value.message == "the reply was far too large"


def test_a_gzip_encoded_reply_is_read() -> None:
    server = ProviderServer("deepl", key=KEY)
    try:
        server.push(Scripted(200, {"translations": [{"text": "Hello"}]}, gzip=True))
        out = make("deepl", server).translate_batch(["你好"], "zh", "en")
    finally:
        server.close()
    assert out == ["Hello"]


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_says_so_in_the_translation_note(status: int) -> None:
    server = ProviderServer("libretranslate", key=None)
    other = ProviderServer("libretranslate", key=None)
    try:
        target = f"{other.url}/translate?api_key={KEY}"
        server.push(Scripted(status, "", {"Location": target}))
        engine = engine_from_options("libretranslate", {"url": server.base_url}, KEY)
        translator = Translator(offline=Letters(), online=engine)
        result = translator.translate("你好。", source="zh", target="en")
    finally:
        server.close()
        other.close()
    assert other.requests == []
    assert result.text == "<offline 你好。>"
    assert result.notes == [
        "LibreTranslate: the server redirected to another address (not followed): "
        f"check the server URL (HTTP {status}) - translated offline"
    ]
    assert "unreadable" not in result.notes[0]


def test_absurd_retry_after_values_are_survived() -> None:
    server = ProviderServer("deepl", key=KEY)
    try:
        server.push(Scripted(429, {"message": "slow down"}, {"Retry-After": "1e308"}))
        with pytest.raises(EngineError) as caught:
            make("deepl", server).translate_batch(["你好"], "zh", "en")
    finally:
        server.close()
    assert caught.value.kind is ErrorKind.RATE_LIMIT
    assert "wait 86400 s" in caught.value.message


def test_registered_keys_are_scrubbed_from_any_engine_error() -> None:
    """EngineError scrubs every key in use, whoever builds the message."""
    scrubber.register(KEY)
    error = EngineError("offline", ErrorKind.INTERNAL, f"odd: {ECHOES['base64-basic-auth']}")
    assert leaks(everything_shown(error), KEY) == []
