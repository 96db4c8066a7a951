"""Every online engine against a local fake of its provider (no test touches the internet)."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Iterator

import pytest

from companion.engines.base import Cancelled, CancelToken, Engine, EngineError, ErrorKind
from companion.engines.deepl import FREE_URL, PRO_URL, DeepLEngine, endpoint_for_key
from companion.engines.google import GoogleEngine
from companion.engines.http import OnlineEngine, retry_after_seconds, split_long
from companion.engines.libretranslate import LibreTranslateEngine
from companion.engines.microsoft import MicrosoftEngine
from companion.engines.openai_chat import OpenAIChatEngine, parse_array
from tests.online_servers import PROVIDERS, ProviderServer, Scripted, fake

KEY = "test-key-0123456789abcdef"
LABELS = {
    "deepl": "DeepL",
    "google": "Google Translate",
    "microsoft": "Microsoft Translator",
    "libretranslate": "LibreTranslate",
    "openai": "AI chat (test-model)",
}


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """trust_env is on: make sure a developer's proxy variables do not catch 127.0.0.1."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


def make_engine(
    provider: str, server: ProviderServer, key: str | None = KEY, timeout: float = 10.0
) -> OnlineEngine:
    url = server.base_url
    if provider == "deepl":
        return DeepLEngine(key, base_url=url, timeout=timeout)
    if provider == "google":
        return GoogleEngine(key, base_url=url, timeout=timeout)
    if provider == "microsoft":
        return MicrosoftEngine(key, region=server.region, base_url=url, timeout=timeout)
    if provider == "libretranslate":
        return LibreTranslateEngine(key, base_url=url, timeout=timeout)
    return OpenAIChatEngine(key, base_url=url, model="test-model", timeout=timeout)


@pytest.fixture(params=PROVIDERS)
def provider(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def server(provider: str) -> Iterator[ProviderServer]:
    srv = ProviderServer(provider, key=KEY, region="westeurope" if provider == "microsoft" else "")
    yield srv
    srv.close()


def test_engines_follow_the_protocol(provider: str, server: ProviderServer) -> None:
    engine = make_engine(provider, server)
    assert isinstance(engine, Engine)
    assert engine.info.online is True
    assert engine.info.name == provider
    assert engine.supports("zh", "en") and engine.supports("en", "zh")
    assert not engine.supports("zh", "fr")


def test_translates_both_directions_with_the_documented_wire_format(
    provider: str, server: ProviderServer
) -> None:
    engine = make_engine(provider, server)
    zh = ["今天去种草了一款口红💄", "@小红薯 #好物分享# 链接 https://xhslink.com/a"]
    assert engine.translate_batch(zh, "zh", "en") == [fake(t, "en") for t in zh]
    en = ["Hello, I'm new here!", "Cat tax 🐱"]
    assert engine.translate_batch(en, "en", "zh") == [fake(t, "zh") for t in en]

    first = server.requests[0]
    assert first.method == "POST"
    assert first.headers["content-type"].startswith("application/json")
    body = first.json
    if provider == "deepl":
        assert first.path == "/v2/translate"
        assert first.headers["authorization"] == f"DeepL-Auth-Key {KEY}"
        assert body == {"text": zh, "source_lang": "ZH", "target_lang": "EN-US"}
        assert server.requests[1].json["target_lang"] == "ZH-HANS"
    elif provider == "google":
        assert first.path == "/language/translate/v2"
        assert first.headers["x-goog-api-key"] == KEY
        assert KEY not in str(first.query)
        assert body == {"q": zh, "source": "zh-CN", "target": "en", "format": "text"}
    elif provider == "microsoft":
        assert first.path == "/translate"
        assert first.query == {"api-version": ["3.0"], "from": ["zh-Hans"], "to": ["en"]}
        assert first.headers["ocp-apim-subscription-key"] == KEY
        assert first.headers["ocp-apim-subscription-region"] == "westeurope"
        assert body == [{"Text": t} for t in zh]
    elif provider == "libretranslate":
        assert first.path == "/translate"
        assert body == {"q": zh, "source": "zh", "target": "en", "format": "text", "api_key": KEY}
    else:
        assert first.path == "/v1/chat/completions"
        assert first.headers["authorization"] == f"Bearer {KEY}"
        assert body["model"] == "test-model"
        system = body["messages"][0]["content"]
        for kept in ("@handles", "#topics#", "emoji", "URLs", "slang"):
            assert kept in system
        zh_prompt = server.requests[1].json["messages"][0]["content"]
        assert "Simplified Chinese" in zh_prompt and "casual" in zh_prompt


def test_empty_and_blank_input_sends_nothing(provider: str, server: ProviderServer) -> None:
    engine = make_engine(provider, server)
    assert engine.translate_batch([], "zh", "en") == []
    assert engine.translate_batch(["", "  \n"], "zh", "en") == ["", "  \n"]
    assert server.requests == []
    assert engine.translate_batch(["", "你好"], "zh", "en") == ["", fake("你好", "en")]
    assert len(server.requests) == 1


def test_rejected_key_is_an_auth_error_without_the_key(provider: str) -> None:
    srv = ProviderServer(provider, key="the-right-key")
    try:
        engine = make_engine(provider, srv, key=KEY)
        with pytest.raises(EngineError) as caught:
            engine.translate_batch(["你好"], "zh", "en")
    finally:
        srv.close()
    assert caught.value.kind is ErrorKind.AUTH
    text = str(caught.value)
    assert text.startswith(f"{LABELS[provider]}: key rejected")
    assert KEY not in text and KEY not in repr(caught.value)
    assert KEY not in "".join(traceback.format_exception(caught.value))
    assert len(srv.requests) == 1  # no retries on a bad key


def test_rate_limit_is_retried_honouring_retry_after(provider: str, server: ProviderServer) -> None:
    server.push(Scripted(429, {"message": "Too many requests"}, {"Retry-After": "0"}))
    engine = make_engine(provider, server)
    assert engine.translate_batch(["你好"], "zh", "en") == [fake("你好", "en")]
    assert len(server.requests) == 2


def test_long_retry_after_is_not_waited_for(provider: str, server: ProviderServer) -> None:
    server.push(Scripted(429, {"message": "Too many requests"}, {"Retry-After": "120"}))
    engine = make_engine(provider, server)
    with pytest.raises(EngineError) as caught:
        engine.translate_batch(["你好"], "zh", "en")
    assert caught.value.kind is ErrorKind.RATE_LIMIT
    assert "wait 120 s" in caught.value.message
    assert len(server.requests) == 1


def test_server_errors_retry_then_report(provider: str, server: ProviderServer) -> None:
    html = "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"
    for _ in range(3):
        server.push(Scripted(502, html, {"Retry-After": "0"}, content_type="text/html"))
    engine = make_engine(provider, server)
    with pytest.raises(EngineError) as caught:
        engine.translate_batch(["你好"], "zh", "en")
    assert caught.value.kind is ErrorKind.SERVER
    assert "HTTP 502" in caught.value.message and "<" not in caught.value.message
    assert len(server.requests) == 3


def test_server_error_without_retry_after_backs_off_and_recovers() -> None:
    srv = ProviderServer("deepl", key=KEY)
    try:
        srv.push(Scripted(503, {"message": "Service unavailable"}))
        engine = make_engine("deepl", srv)
        assert engine.translate_batch(["你好"], "zh", "en") == [fake("你好", "en")]
        assert len(srv.requests) == 2
    finally:
        srv.close()


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (
            Scripted(
                200, "<html><head><title>Login</title></head></html>", content_type="text/html"
            ),
            "web page",
        ),
        (Scripted(200, '{"translations": [ {"text": '), "not valid JSON"),
        (Scripted(200, b"\xff\xfe\x00garbage\xc3\x28"), "not UTF-8"),
        (Scripted(200, {"unexpected": True}), "reply"),
        (Scripted(200, []), "reply"),
    ],
    ids=["html", "malformed-json", "non-utf8", "wrong-shape", "empty-list"],
)
def test_unreadable_replies_are_bad_response(
    provider: str, server: ProviderServer, answer: Scripted, words: str
) -> None:
    server.push(answer)
    if provider == "openai":
        server.push(answer)  # a batch reply it cannot parse is retried one by one
    engine = make_engine(provider, server)
    with pytest.raises(EngineError) as caught:
        engine.translate_batch(["你好", "谢谢"], "zh", "en")
    assert caught.value.kind is ErrorKind.BAD_RESPONSE
    assert words in caught.value.message


def test_timeout_is_a_network_error(provider: str, server: ProviderServer) -> None:
    server.push(Scripted(200, {}, delay=5.0))
    engine = make_engine(provider, server, timeout=0.3)
    with pytest.raises(EngineError) as caught:
        engine.translate_batch(["你好"], "zh", "en")
    assert caught.value.kind is ErrorKind.NETWORK
    assert "timed out" in caught.value.message


def test_dead_server_is_a_network_error(provider: str) -> None:
    srv = ProviderServer(provider, key=KEY)
    srv.close()  # the port is now closed: connection refused
    engine = make_engine(provider, srv, timeout=2.0)
    with pytest.raises(EngineError) as caught:
        engine.translate_batch(["你好"], "zh", "en")
    assert caught.value.kind is ErrorKind.NETWORK
    assert "connect" in caught.value.message


def test_cancel_aborts_a_request_in_flight(provider: str, server: ProviderServer) -> None:
    server.push(Scripted(200, {}, delay=30.0))
    engine = make_engine(provider, server, timeout=60.0)
    token = CancelToken()
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            engine.translate_batch(["你好"], "zh", "en", token)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    assert server.received.wait(10)
    token.cancel()
    worker.join(10)  # far below the server's 30 s delay and the 60 s timeout
    assert not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled)


def test_redirects_are_not_followed_so_the_key_stays_put(
    provider: str, server: ProviderServer
) -> None:
    other = ProviderServer(provider, key=KEY)
    try:
        server.push(Scripted(307, "", {"Location": other.url + "/translate"}))
        with pytest.raises(EngineError) as caught:
            make_engine(provider, server).translate_batch(["你好"], "zh", "en")
        assert other.requests == []
    finally:
        other.close()
    assert caught.value.kind is ErrorKind.REDIRECTED
    assert caught.value.message.startswith(
        "the server redirected to another address (not followed)"
    )
    assert other.url not in caught.value.message  # where it pointed is not repeated


def test_cancelled_before_start_sends_nothing(provider: str, server: ProviderServer) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        make_engine(provider, server).translate_batch(["你好"], "zh", "en", token)
    assert server.requests == []


def test_huge_text_is_split_to_the_provider_limits(provider: str, server: ProviderServer) -> None:
    engine = make_engine(provider, server)
    many = [f"第{i}句话。" for i in range(130)]
    assert engine.translate_batch(many, "zh", "en") == [fake(t, "en") for t in many]
    assert len(server.requests) == -(-130 // engine.max_texts)

    server.requests.clear()
    phrase = "这是一个很长很长的句子，"
    long_sentence = phrase * (engine.max_chars // len(phrase) + 10)  # over the request limit
    out = engine.translate_batch([long_sentence], "zh", "en")
    assert len(out) == 1 and out[0].startswith("[en] 这是")
    assert len(server.requests) == 2


def test_split_long_prefers_natural_breaks() -> None:
    text = "第一句。" * 10 + "没有标点的长长长长文字" * 5
    pieces = split_long(text, 30)
    assert "".join(pieces) == text
    assert all(len(p) <= 30 for p in pieces)
    assert pieces[0].endswith("。")
    assert split_long("a" * 95, 30) == ["a" * 30] * 3 + ["a" * 5]


def test_retry_after_parsing() -> None:
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past


def test_deepl_picks_free_or_pro_endpoint_from_the_key() -> None:
    assert endpoint_for_key("abc-123:fx") == FREE_URL
    assert endpoint_for_key("abc-123") == PRO_URL


def test_deepl_quota_exceeded() -> None:
    srv = ProviderServer("deepl", key=KEY)
    try:
        srv.push(Scripted(456, {"message": "Quota exceeded"}))
        with pytest.raises(EngineError) as caught:
            make_engine("deepl", srv).translate_batch(["你好"], "zh", "en")
    finally:
        srv.close()
    assert caught.value.kind is ErrorKind.QUOTA
    assert "Quota exceeded" in caught.value.message


def test_openai_insufficient_quota_is_quota_not_rate_limit() -> None:
    srv = ProviderServer("openai", key=KEY)
    body = {"error": {"message": "You exceeded your current quota", "code": "insufficient_quota"}}
    try:
        srv.push(*[Scripted(429, body, {"Retry-After": "0"})] * 3)
        with pytest.raises(EngineError) as caught:
            make_engine("openai", srv).translate_batch(["你好"], "zh", "en")
    finally:
        srv.close()
    assert caught.value.kind is ErrorKind.QUOTA


def test_local_chat_server_without_key_and_broken_batch_format() -> None:
    srv = ProviderServer("openai", key=None)
    srv.chat_mode = "broken"
    try:
        engine = make_engine("openai", srv, key=None)
        texts = ["宝子们这个平替绝绝子", "yyds"]
        assert engine.translate_batch(texts, "zh", "en") == [fake(t, "en") for t in texts]
        assert all("authorization" not in r.headers for r in srv.requests)
        assert len(srv.requests) == 3  # one batch the model garbled, then one per sentence
    finally:
        srv.close()


def test_parse_array_tolerates_fences_and_think_blocks() -> None:
    assert parse_array('<think>x</think>\n```json\n["a", "b"]\n```', 2) == ["a", "b"]
    assert parse_array('{"translations": ["a"]}', 1) == ["a"]
    assert parse_array('["a"]', 2) is None
    assert parse_array("no json here", 1) is None


def test_missing_key_is_reported_before_any_request() -> None:
    srv = ProviderServer("deepl", key=KEY)
    try:
        with pytest.raises(EngineError) as caught:
            make_engine("deepl", srv, key=None).translate_batch(["你好"], "zh", "en")
        assert srv.requests == []
    finally:
        srv.close()
    assert caught.value.kind is ErrorKind.NO_KEY
    assert "keys set deepl" in caught.value.message


def test_translator_falls_back_with_a_plain_note() -> None:
    from companion.translator import Translator

    bad = ProviderServer("deepl", key="another-key")
    fallback = ProviderServer("libretranslate", key=None)
    try:
        translator = Translator(
            offline=make_engine("libretranslate", fallback, key=None),
            online=make_engine("deepl", bad),
        )
        result = translator.translate("你好。谢谢！", source="zh", target="en")
    finally:
        bad.close()
        fallback.close()
    assert "DeepL: key rejected - translated offline" in result.notes
    assert result.text.startswith("[en] 你好")
