"""Fake translation providers on 127.0.0.1 that speak each provider's wire format.

Each server checks what the client sent (path, query, auth header form, JSON fields, the
provider's per-request limits) and answers like the real service: a made-up translation
``"[en] <text>"`` / ``"[zh] <text>"`` on success, the provider's own error body otherwise.
Tests can queue scripted answers (errors, slow replies, Retry-After, HTML pages, broken
JSON, non-UTF-8 bytes) that are served before normal handling resumes.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

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
                body = scripted.body
                if isinstance(body, str):
                    data = body.encode("utf-8")
                elif isinstance(body, bytes):
                    data = body
                else:
                    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
                try:
                    self.send_response(scripted.status)
                    self.send_header("Content-Type", scripted.content_type)
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in scripted.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client hung up (cancelled)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
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
