"""Fake translation providers on 127.0.0.1 that speak each provider's wire format.

Each server checks what the client sent (path, query, auth header form, JSON fields, the
provider's per-request limits) and answers like the real service: a made-up translation
``"[en] <text>"`` / ``"[zh] <text>"`` on success, the provider's own error body otherwise.
Tests can queue scripted answers (errors, slow replies, Retry-After, HTML pages, broken
JSON, non-UTF-8 bytes) that are served before normal handling resumes, and hostile ones: a
reply dripped one byte at a time, a connection reset, a huge or gzip-bombed body, an error
text echoing the key in any encoding (:func:`key_echoes`).
"""

from __future__ import annotations

import base64
import gzip
import json
import socket
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, quote_plus, urlsplit

PROVIDERS = ("deepl", "google", "microsoft", "libretranslate", "openai")


def fake(text: str, lang: str) -> str:
    return f"[{lang}] {text}"


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class Scripted:
    status: int = 200
    body: bytes | str | Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_type: str = "application/json"
    drip: float = 0.0  # seconds between single bytes of the body (headers sent at once)
    reset: bool = False  # answer nothing: reset the connection (TCP RST)
    filler: int = 0  # body of this many bytes of JSON-ish filler instead of ``body``
    chunked: bool = False  # no Content-Length: chunked transfer encoding
    gzip: bool = False  # Content-Encoding: gzip (the body is compressed on the wire)


def error_body(provider: str, message: str) -> Any:
    """``message`` in the error shape ``provider`` uses."""
    if provider == "deepl":
        return {"message": message}
    if provider == "google":
        return {"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}}
    if provider == "microsoft":
        return {"error": {"code": 400000, "message": message}}
    if provider == "libretranslate":
        return {"error": message}
    return {"error": {"message": message, "type": "invalid_request_error", "code": "bad"}}


def key_echoes(key: str) -> dict[str, str]:
    """Every way a hostile server in these tests echoes ``key`` in its error text."""
    half = len(key) // 2
    third = len(key) // 3
    b64 = base64.b64encode(key.encode()).decode()
    url64 = base64.urlsafe_b64encode(key.encode()).decode()
    return {
        "raw": key,
        "url": quote(key, safe=""),
        "url-plus": quote_plus(key),
        "url-lower-hex": quote(key, safe="").replace("%3A", "%3a").replace("%2F", "%2f"),
        "url-twice": quote(quote(key, safe=""), safe=""),
        "base64": b64,
        "base64-unpadded": b64.rstrip("="),
        "base64-urlsafe": url64,
        "base64-urlsafe-unpadded": url64.rstrip("="),
        "base64-in-header": base64.b64encode(f"DeepL-Auth-Key {key}".encode()).decode(),
        "base64-basic-auth": base64.b64encode(f"user:{key}".encode()).decode(),
        "split": f"{key[:half]} was received, and later on: {key[half:]}",
        "reversed-halves": key[half:] + " " + key[:half],
        "thirds-shuffled": key[2 * third :] + "|" + key[:third] + "|" + key[third : 2 * third],
        "prefix-8": f"key starting {key[:8]}... is not valid",
        "suffix-8": f"key ending ...{key[-8:]} is not valid",
        "upper": key.upper(),
        "zero-width": "\u200b".join(key[i : i + 4] for i in range(0, len(key), 4)),
        "terminal-escapes": key[:half] + "\x1b[2K\x1b[1G" + key[half:],
        "reversed": key[::-1],
    }


def encoded_forms(key: str) -> dict[str, str]:
    """The encodings of ``key`` (and of headers holding it) whose pieces count as leaks."""
    echoes = key_echoes(key)
    names = [name for name in echoes if name.startswith(("url", "base64"))]
    return {name: echoes[name] for name in names}


def leaks(text: str, key: str) -> list[str]:
    """What of ``key`` can still be read in ``text``: any 6-character piece of it (forwards or
    backwards), or any 8-character piece of one of its encodings; ignoring case, spaces and
    invisible characters.

    Deliberately simple and independent of the app's scrubber: it is the test's definition
    of a leak.
    """
    visible = _visible(text)
    found = []
    for name, form in (("key", key), ("reversed key", key[::-1])):
        lowered = form.lower()
        for i in range(len(lowered) - 5):
            if lowered[i : i + 6] in visible:
                found.append(f"{name} piece {form[i : i + 6]!r}")
    prefixes = {
        "base64-in-header": base64.b64encode(b"DeepL-Auth-Key ").decode().lower(),
        "base64-basic-auth": base64.b64encode(b"user:").decode().lower(),
    }
    for name, form in encoded_forms(key).items():
        flat = _visible(form)
        for i in range(max(len(flat) - 7, 0)):
            piece = flat[i : i + 8]
            if piece in visible and piece not in prefixes.get(name, ""):
                found.append(f"{name} piece {piece!r}")
    return found


def _visible(text: str) -> str:
    import unicodedata

    return "".join(
        ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf")
    ).lower()


class _QuietServer(ThreadingHTTPServer):
    """A client hanging up on a hostile answer (that is the point) is not an error here."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _Reject(Exception):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(status)
        self.status = status
        self.body = body


class ProviderServer:
    """One fake provider. ``key`` None means no key is required (LibreTranslate, local LLM)."""

    def __init__(self, provider: str, key: str | None = "test-key", region: str = "") -> None:
        assert provider in PROVIDERS
        self.provider = provider
        self.key = key
        self.region = region
        self.requests: list[Recorded] = []
        self.script: deque[Scripted] = deque()
        self.received = threading.Event()  # set when a request arrives
        self.stop = threading.Event()
        self.chat_mode = "json"  # openai: "json" | "broken" (ignores the array format)
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                recorded = Recorded(
                    "POST",
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                with server._lock:
                    server.requests.append(recorded)
                    scripted = server.script.popleft() if server.script else None
                server.received.set()
                if scripted is None:
                    try:
                        scripted = Scripted(200, server.handle(recorded))
                    except _Reject as reject:
                        scripted = Scripted(reject.status, reject.body)
                self._answer(scripted)

            def _answer(self, scripted: Scripted) -> None:
                deadline = time.monotonic() + scripted.delay
                while time.monotonic() < deadline and not server.stop.is_set():
                    time.sleep(0.02)
                if scripted.reset:
                    # SO_LINGER 0: closing sends RST instead of FIN, like a dropped proxy.
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.close_connection = True
                    return
                body = scripted.body
                if scripted.filler:
                    data = b'{"translations": "' + b"x" * scripted.filler + b'"}'
                elif isinstance(body, str):
                    data = body.encode("utf-8")
                elif isinstance(body, bytes):
                    data = body
                else:
                    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
                if scripted.gzip:
                    data = gzip.compress(data, compresslevel=9)
                try:
                    self.send_response(scripted.status)
                    self.send_header("Content-Type", scripted.content_type)
                    if scripted.chunked:
                        self.send_header("Transfer-Encoding", "chunked")
                    else:
                        self.send_header("Content-Length", str(len(data)))
                    if scripted.gzip:
                        self.send_header("Content-Encoding", "gzip")
                    for name, value in scripted.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    if scripted.drip:
                        self._drip(data, scripted.drip)
                    elif scripted.chunked:
                        for start in range(0, len(data), 65536):
                            part = data[start : start + 65536]
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                        self.wfile.write(b"0\r\n\r\n")
                    else:
                        self.wfile.write(data)
                except OSError:
                    pass  # the client hung up (cancelled, or gave up on us)

            def _drip(self, data: bytes, interval: float) -> None:
                """One byte per ``interval`` until done, the client leaves or the test ends."""
                for index in range(len(data)):
                    if server.stop.wait(interval):
                        return
                    self.wfile.write(data[index : index + 1])
                    self.wfile.flush()

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def base_url(self) -> str:
        """What the engine is configured with (OpenAI-style bases include /v1)."""
        return self.url + "/v1" if self.provider == "openai" else self.url

    def push(self, *answers: Scripted) -> None:
        with self._lock:
            self.script.extend(answers)

    def clear_script(self) -> None:
        """Drop scripted answers no request used (normal handling resumes)."""
        with self._lock:
            self.script.clear()

    def close(self) -> None:
        self.stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    # Normal behaviour per provider ----------------------------------------------------------
    def handle(self, req: Recorded) -> Any:
        return getattr(self, f"_handle_{self.provider}")(req)

    def _json(self, req: Recorded, reject_status: int, make_error: Any) -> Any:
        if not req.headers.get("content-type", "").startswith("application/json"):
            raise _Reject(reject_status, make_error("Content-Type must be application/json"))
        try:
            return req.json
        except ValueError:
            raise _Reject(reject_status, make_error("body is not JSON")) from None

    def _handle_deepl(self, req: Recorded) -> Any:
        def err(message: str) -> Any:
            return {"message": message}

        if req.path != "/v2/translate":
            raise _Reject(404, err("Not found"))
        if req.headers.get("authorization") != f"DeepL-Auth-Key {self.key}":
            # Echo what was sent, so tests prove the client scrubs keys from messages.
            raise _Reject(403, err(f"Wrong auth key: {req.headers.get('authorization')}"))
        if len(req.body) > 128 * 1024:
            raise _Reject(413, err("Request Entity Too Large"))
        data = self._json(req, 400, err)
        texts = data.get("text")
        targets = {"EN-US": "en", "ZH-HANS": "zh"}
        if (
            not isinstance(texts, list)
            or not texts
            or len(texts) > 50
            or data.get("target_lang") not in targets
            or data.get("source_lang") not in ("ZH", "EN")
        ):
            raise _Reject(400, err("Bad request. Reason: Value for 'text' not supported."))
        lang = targets[data["target_lang"]]
        return {
            "translations": [
                {"detected_source_language": data["source_lang"], "text": fake(t, lang)}
                for t in texts
            ]
        }

    def _handle_google(self, req: Recorded) -> Any:
        def err(message: str, status: str = "INVALID_ARGUMENT", reason: str = "") -> Any:
            details = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason}]
            return {
                "error": {
                    "code": 400,
                    "message": message,
                    "status": status,
                    "details": details if reason else [],
                }
            }

        if req.path != "/language/translate/v2":
            raise _Reject(404, err("Not found", "NOT_FOUND"))
        if "key" in req.query:
            raise _Reject(400, err("test server: the key must not be in the URL"))
        if req.headers.get("x-goog-api-key") != self.key:
            raise _Reject(
                400,
                err("API key not valid. Please pass a valid API key.", reason="API_KEY_INVALID"),
            )
        data = self._json(req, 400, err)
        q = data.get("q")
        codes = {"en": "en", "zh-CN": "zh"}
        if (
            not isinstance(q, list)
            or not q
            or len(q) > 128
            or sum(len(t) for t in q) > 5000
            or data.get("format") != "text"
            or data.get("target") not in codes
            or data.get("source") not in codes
        ):
            raise _Reject(400, err("Invalid Value"))
        lang = codes[data["target"]]
        return {"data": {"translations": [{"translatedText": fake(t, lang)} for t in q]}}

    def _handle_microsoft(self, req: Recorded) -> Any:
        def err(code: int, message: str) -> Any:
            return {"error": {"code": code, "message": message}}

        if req.path != "/translate":
            raise _Reject(404, err(404000, "The requested resource was not found."))
        if req.headers.get("ocp-apim-subscription-key") != self.key:
            raise _Reject(
                401,
                err(401000, "The request is not authorized because credentials are missing."),
            )
        if self.region and req.headers.get("ocp-apim-subscription-region") != self.region:
            raise _Reject(401, err(401015, "The region in the request is not valid."))
        if req.query.get("api-version") != ["3.0"]:
            raise _Reject(400, err(400021, "The API version parameter is missing or invalid."))
        codes = {"en": "en", "zh-Hans": "zh"}
        to = (req.query.get("to") or [""])[0]
        source = (req.query.get("from") or [""])[0]
        if to not in codes or source not in codes:
            raise _Reject(400, err(400036, "The target language is not valid."))
        data = self._json(req, 400, lambda m: err(400074, m))
        if (
            not isinstance(data, list)
            or not data
            or len(data) > 1000
            or not all(isinstance(d, dict) and isinstance(d.get("Text"), str) for d in data)
            or sum(len(d["Text"]) for d in data) > 50_000
        ):
            raise _Reject(400, err(400074, "The body of the request is not valid JSON."))
        return [{"translations": [{"text": fake(d["Text"], codes[to]), "to": to}]} for d in data]

    def _handle_libretranslate(self, req: Recorded) -> Any:
        def err(message: str) -> Any:
            return {"error": message}

        if req.path != "/translate":
            raise _Reject(404, err("Not Found"))
        data = self._json(req, 400, err)
        if self.key is not None and data.get("api_key") != self.key:
            raise _Reject(403, err(f"Invalid API key {data.get('api_key')}"))
        q = data.get("q")
        if data.get("target") not in ("en", "zh") or data.get("source") not in ("en", "zh"):
            raise _Reject(400, err("zz is not supported"))
        if data.get("format") != "text":
            raise _Reject(400, err("Invalid request: format"))
        texts = q if isinstance(q, list) else [q]
        if not texts or not all(isinstance(t, str) for t in texts):
            raise _Reject(400, err("Invalid request: missing q parameter"))
        if sum(len(t) for t in texts) > 2000:
            raise _Reject(400, err("Invalid request: request exceeds text limit (2000)"))
        out = [fake(t, data["target"]) for t in texts]
        return {"translatedText": out if isinstance(q, list) else out[0]}

    def _handle_openai(self, req: Recorded) -> Any:
        def err(message: str, code: str, kind: str = "invalid_request_error") -> Any:
            return {"error": {"message": message, "type": kind, "param": None, "code": code}}

        if req.path != "/v1/chat/completions":
            raise _Reject(404, err("Not found", "not_found"))
        auth = req.headers.get("authorization")
        if self.key is not None and auth != f"Bearer {self.key}":
            raise _Reject(401, err(f"Incorrect API key provided: {auth}", "invalid_api_key"))
        if self.key is None and auth is not None:
            raise _Reject(400, err("test server: a local server needs no key", "bad"))
        data = self._json(req, 400, lambda m: err(m, "bad"))
        messages = data.get("messages")
        if (
            not isinstance(data.get("model"), str)
            or not isinstance(messages, list)
            or [m.get("role") for m in messages] != ["system", "user"]
        ):
            raise _Reject(400, err("bad messages", "bad"))
        system, user = messages[0]["content"], messages[1]["content"]
        lang = "zh" if "Simplified Chinese" in system else "en"
        if "JSON array" in system and self.chat_mode == "json":
            content = json.dumps([fake(t, lang) for t in json.loads(user)], ensure_ascii=False)
            content = f"<think>translating</think>```json\n{content}\n```"
        elif "JSON array" in system:
            items = json.loads(user)
            content = "Sure! Here you go:\n" + "\n".join(
                f"{n}. {fake(t, lang)}" for n, t in enumerate(items, 1)
            )
        else:
            content = fake(user, lang)
        return {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "model": data["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
        }
