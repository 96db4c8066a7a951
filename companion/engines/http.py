"""Shared HTTP plumbing for the online engines: one place for what every provider needs.

- System proxy settings are honoured (``trust_env=True``).
- Each request runs on a helper thread while the caller polls the :class:`CancelToken`; on
  cancel the socket is shut down, so a slow server never keeps the pane waiting.
- 429 and 5xx are retried with back-off that honours ``Retry-After``, within a few seconds.
- Every failure becomes an :class:`EngineError` with the right :class:`ErrorKind` and a plain
  message built from status codes and the provider's own words, with the key scrubbed out.
- Long input is split to each provider's per-request limits; blank sentences send nothing.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from companion.engines.base import (
    Cancelled,
    CancelToken,
    EngineError,
    EngineInfo,
    ErrorKind,
)

DEFAULT_TIMEOUT = 15.0  # seconds to connect or between bytes of the reply
MAX_ATTEMPTS = 3
RETRY_BUDGET = 4.0  # total seconds spent waiting between retries, whatever Retry-After says
MAX_REPLY_BYTES = 8 * 1024 * 1024
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 529})
DIRECTIONS = frozenset({("zh", "en"), ("en", "zh")})
USER_AGENT = "Companion (desktop translation helper)"

KeyProvider = Callable[[], "str | None"]
Classifier = Callable[[int, Any], "ErrorKind | None"]


@dataclass(frozen=True)
class Reply:
    status: int
    headers: httpx.Headers
    body: bytes


def _collapse(text: str, limit: int = 200) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def scrub(text: str, secret: str | None) -> str:
    """``text`` with the key (and any long tail of it) removed, for messages and logs."""
    if secret:
        text = text.replace(secret, "[key]")
        if len(secret) >= 12:  # providers sometimes echo a prefix or suffix of the key
            text = text.replace(secret[:12], "[key]").replace(secret[-12:], "[key]")
    return text


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype", "<html", "<head", "<body", "<?xml")) or (
        head.startswith("<") and "<html" in text[:2000].lower()
    )


def provider_message(data: Any) -> str:
    """The human part of the usual error-body shapes (DeepL, Google, Microsoft, OpenAI, LT)."""
    if isinstance(data, list) and data:
        data = data[0]
    if not isinstance(data, dict):
        return ""
    error = data.get("error")
    if isinstance(error, dict):
        message = error.get("message")
        return message if isinstance(message, str) else ""
    if isinstance(error, str):
        return error
    for field in ("message", "detail"):
        value = data.get(field)
        if isinstance(value, str):
            return value
    return ""


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date), None if absent."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def split_long(text: str, limit: int) -> list[str]:
    """Cut one over-long sentence into pieces of at most ``limit`` characters.

    Prefers sentence marks, then commas and spaces, so each piece still translates sensibly;
    only text with no break at all is cut hard.
    """
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = -1
        for marks in ("。！？!?\n", "；;…", "，,、：:", " \t"):
            cut = max(window.rfind(m) for m in marks)
            if cut >= limit // 3:
                break
        if cut < limit // 3:
            cut = limit - 1
        pieces.append(rest[: cut + 1])
        rest = rest[cut + 1 :]
    if rest:
        pieces.append(rest)
    return pieces


def plan_requests(
    sentences: Sequence[str], max_texts: int, max_chars: int
) -> tuple[list[list[tuple[int, str]]], dict[int, list[str]]]:
    """Group sentences (split when too long) into requests within the provider's limits.

    Returns the requests as lists of (sentence index, piece) and, per sentence, its pieces.
    Blank sentences get no piece: they are passed through without a request.
    """
    requests: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    size = 0
    pieces: dict[int, list[str]] = {}
    for index, sentence in enumerate(sentences):
        if not sentence.strip():
            continue
        pieces[index] = split_long(sentence, max_chars)
        for piece in pieces[index]:
            if current and (len(current) >= max_texts or size + len(piece) > max_chars):
                requests.append(current)
                current, size = [], 0
            current.append((index, piece))
            size += len(piece)
    if current:
        requests.append(current)
    return requests, pieces


_ssl_lock = threading.Lock()
_ssl_context: ssl.SSLContext | None = None


def _shared_ssl_context() -> ssl.SSLContext:
    """Built once (loading CA certificates costs ~30 ms), honouring SSL_CERT_FILE/DIR."""
    global _ssl_context
    with _ssl_lock:
        if _ssl_context is None:
            _ssl_context = httpx.create_ssl_context(trust_env=True)
        return _ssl_context


def new_client(timeout: float) -> httpx.Client:
    """A client that honours the system proxy settings and never follows redirects.

    Redirects are refused so a key sent in a header never reaches another host.
    """
    return httpx.Client(
        verify=_shared_ssl_context(),
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        trust_env=True,
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
    )


class Session:
    """One batch's requests on a private client, cancellable from the caller's thread."""

    def __init__(
        self,
        label: str,
        secret: str | None,
        cancel: CancelToken | None,
        timeout: float,
        classify: Classifier | None = None,
    ) -> None:
        self.label = label
        self._secret = secret
        self._cancel = cancel
        self._timeout = timeout
        self._classify = classify
        self._client = new_client(timeout)
        self._lock = threading.Lock()
        self._streams: list[Any] = []
        self._aborted = False
        self._busy = 0
        self.requests_sent = 0

    # Lifetime ---------------------------------------------------------------------------
    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            busy = self._busy
        if not busy:  # a worker still reading closes the client itself when it ends
            self._client.close()

    def abort(self) -> None:
        """Cut open connections so a blocked read returns at once."""
        with self._lock:
            self._aborted = True
            streams = list(self._streams)
        for stream in streams:
            _shutdown(stream)

    def _trace(self, event: str, info: dict[str, Any]) -> None:
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            stream = info.get("return_value")
            if stream is None:
                return
            with self._lock:
                self._streams.append(stream)
                aborted = self._aborted
            if aborted:
                _shutdown(stream)

    # Errors -----------------------------------------------------------------------------
    def error(self, kind: ErrorKind, message: str) -> EngineError:
        return EngineError(self.label, kind, _collapse(scrub(message, self._secret), 300))

    def _check_cancel(self) -> None:
        if self._cancel is not None and self._cancel.cancelled:
            self.abort()
            raise Cancelled()

    # Requests ---------------------------------------------------------------------------
    def post_json(
        self,
        url: str,
        payload: Any,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> Any:
        """POST ``payload`` as UTF-8 JSON and return the decoded JSON reply, with retries."""
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        all_headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
        }
        all_headers.update(headers or {})
        waited = 0.0
        for attempt in range(1, MAX_ATTEMPTS + 1):
            self._check_cancel()
            reply = self._send("POST", url, all_headers, params, body)
            if 200 <= reply.status < 300:
                return self._decode_success(reply)
            if reply.status in RETRY_STATUSES and attempt < MAX_ATTEMPTS:
                asked = retry_after_seconds(reply.headers.get("Retry-After"))
                delay = asked if asked is not None else 0.5 * 2 ** (attempt - 1)
                if waited + delay <= RETRY_BUDGET:
                    waited += delay
                    if self._cancel is not None:
                        if self._cancel.wait(delay):
                            raise Cancelled()
                    elif delay:
                        time.sleep(delay)
                    continue
            raise self._status_error(reply)
        raise AssertionError("unreachable")  # pragma: no cover

    def _send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        params: dict[str, str] | None,
        body: bytes,
    ) -> Reply:
        box: dict[str, Any] = {}
        done = threading.Event()

        def work() -> None:
            try:
                with self._client.stream(
                    method,
                    url,
                    headers=headers,
                    params=params,
                    content=body,
                    extensions={"trace": self._trace},
                ) as response:
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > MAX_REPLY_BYTES:
                            box["too_big"] = True
                            break
                        chunks.append(chunk)
                        if self._aborted:
                            break
                    box["reply"] = Reply(response.status_code, response.headers, b"".join(chunks))
            except BaseException as exc:  # handed to the caller's thread below
                box["error"] = exc
            finally:
                with self._lock:
                    self._busy -= 1
                    orphaned = self._aborted and self._busy == 0
                done.set()
                if orphaned:
                    self._client.close()

        with self._lock:
            self._busy += 1
        self.requests_sent += 1
        worker = threading.Thread(target=work, name="companion-http", daemon=True)
        worker.start()
        while not done.wait(0.05):
            self._check_cancel()
        self._check_cancel()
        error = box.get("error")
        if error is not None:
            raise self._transport_error(error)
        if box.get("too_big"):
            raise self.error(ErrorKind.BAD_RESPONSE, "the reply was far too large")
        reply: Reply = box["reply"]
        return reply

    def _transport_error(self, exc: BaseException) -> EngineError:
        if isinstance(exc, httpx.TimeoutException):
            return self.error(
                ErrorKind.NETWORK, f"no answer within {self._timeout:g} s (timed out)"
            )
        if isinstance(exc, httpx.UnsupportedProtocol):
            return self.error(
                ErrorKind.INTERNAL, "the server URL must start with http:// or https://"
            )
        if isinstance(exc, httpx.ProxyError):
            return self.error(ErrorKind.NETWORK, "the proxy refused the connection")
        if isinstance(exc, httpx.ConnectError):
            reason = str(exc)
            if "certificate" in reason.lower() or "ssl" in reason.lower():
                return self.error(ErrorKind.NETWORK, "secure connection failed (certificate)")
            return self.error(ErrorKind.NETWORK, "cannot connect to the server (offline?)")
        if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
            return self.error(ErrorKind.NETWORK, "the connection broke off")
        if isinstance(exc, httpx.TransportError):
            return self.error(ErrorKind.NETWORK, f"network error ({type(exc).__name__})")
        if isinstance(exc, httpx.InvalidURL):
            return self.error(ErrorKind.INTERNAL, "the server URL is not valid")
        if isinstance(exc, (UnicodeError, ValueError)):
            return self.error(ErrorKind.INTERNAL, "the request could not be built (bad option?)")
        return self.error(ErrorKind.INTERNAL, f"request failed ({type(exc).__name__})")

    def _decode_text(self, reply: Reply) -> str | None:
        try:
            return reply.body.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def _decode_success(self, reply: Reply) -> Any:
        text = self._decode_text(reply)
        if text is None:
            raise self.error(ErrorKind.BAD_RESPONSE, "the reply is not UTF-8 text")
        if looks_like_html(text):
            raise self.error(
                ErrorKind.BAD_RESPONSE,
                "the server sent a web page instead of a translation (check the URL)",
            )
        try:
            return json.loads(text)
        except ValueError:
            raise self.error(ErrorKind.BAD_RESPONSE, "the reply is not valid JSON") from None

    def _status_error(self, reply: Reply) -> EngineError:
        status = reply.status
        text = self._decode_text(reply) or ""
        data: Any = None
        detail = ""
        if text and not looks_like_html(text):
            try:
                data = json.loads(text)
            except ValueError:
                detail = text if len(text) < 300 else ""
            else:
                detail = provider_message(data)
        kind = self._classify(status, data) if self._classify is not None else None
        if kind is None:
            kind = _kind_for_status(status)
        words = {
            ErrorKind.AUTH: "key rejected",
            ErrorKind.RATE_LIMIT: "too many requests",
            ErrorKind.QUOTA: "quota used up",
            ErrorKind.SERVER: "server error",
            ErrorKind.BAD_INPUT: "the text was refused",
            ErrorKind.BAD_RESPONSE: "unexpected reply",
        }.get(kind, "request failed")
        if status == 404:
            words = "not found (check the server URL or model name)"
        elif 300 <= status < 400:
            words = "redirected elsewhere, not followed (check the server URL)"
        if kind is ErrorKind.RATE_LIMIT:
            asked = retry_after_seconds(reply.headers.get("Retry-After"))
            if asked is not None and asked > 0:
                words += f"; the server asks to wait {asked:.0f} s"
        message = f"{words} (HTTP {status}"
        message += f": {_collapse(detail, 160)})" if detail else ")"
        return self.error(kind, message)


def _kind_for_status(status: int) -> ErrorKind:
    if status in (401, 403):
        return ErrorKind.AUTH
    if status == 429:
        return ErrorKind.RATE_LIMIT
    if status == 456:
        return ErrorKind.QUOTA
    if status >= 500:
        return ErrorKind.SERVER
    if status in (400, 413, 414, 422):
        return ErrorKind.BAD_INPUT
    if 300 <= status < 400:
        return ErrorKind.BAD_RESPONSE  # redirects are refused; the URL is probably wrong
    return ErrorKind.INTERNAL


def _shutdown(stream: Any) -> None:
    try:
        sock = stream.get_extra_info("socket")
    except Exception:
        return
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


class OnlineEngine:
    """Base of the provider modules: key handling, limits, splitting and reassembly.

    A subclass sets ``max_texts``/``max_chars`` (the provider's documented per-request
    limits) and implements :meth:`_translate_request` for one request's worth of texts.
    """

    max_texts = 50
    max_chars = 5000
    needs_key = True
    name = ""  # stable id, e.g. "deepl"
    label = ""  # what the user sees, e.g. "DeepL"
    default_url = ""  # the provider's endpoint when no base URL is configured

    def __init__(
        self,
        key: str | KeyProvider | None,
        base_url: str = "",
        timeout: float = DEFAULT_TIMEOUT,
        label: str = "",
    ) -> None:
        self.info = EngineInfo(self.name, label or self.label, online=True)
        self.base_url = base_url or self.default_url
        self._key_source = key
        self._key: str | None = key if isinstance(key, str) else None
        self._key_loaded = not callable(key)
        self.timeout = timeout
        self.requests_sent = 0

    # Key --------------------------------------------------------------------------------
    def key(self) -> str | None:
        """The API key, read from the keychain on first use (on the worker thread)."""
        if not self._key_loaded:
            from companion.secrets import SecretsError

            source = self._key_source
            assert callable(source)
            try:
                value = source()
            except SecretsError as exc:
                if not self.needs_key:  # the key is optional: go on without one
                    return None
                raise EngineError(self.info.label, ErrorKind.NO_KEY, str(exc)) from None
            if value:  # a missing key is looked up again: the user may add one meanwhile
                self._key, self._key_loaded = value, True
            return value or None
        return self._key or None

    def _require_key(self) -> str | None:
        key = self.key()
        if key is None and self.needs_key:
            raise EngineError(
                self.info.label,
                ErrorKind.NO_KEY,
                f"no API key stored: add one in Settings > Engines or with "
                f"`python -m companion keys set {self.info.name}`",
            )
        return key

    # Engine protocol ----------------------------------------------------------------------
    def supports(self, source: str, target: str) -> bool:
        return (source, target) in DIRECTIONS

    def translate_batch(
        self,
        sentences: Sequence[str],
        source: str,
        target: str,
        cancel: CancelToken | None = None,
    ) -> list[str]:
        if not self.supports(source, target):
            raise EngineError(
                self.info.label, ErrorKind.BAD_INPUT, f"cannot translate {source}->{target}"
            )
        if cancel is not None:
            cancel.raise_if_cancelled()
        requests, pieces = plan_requests(sentences, self.max_texts, self.max_chars)
        if not requests:
            return list(sentences)
        key = self._require_key()
        translated: dict[int, list[str]] = {index: [] for index in pieces}
        with Session(self.info.label, key, cancel, self.timeout, self.classify) as session:
            try:
                for request in requests:
                    texts = [piece for _index, piece in request]
                    outputs = self._translate_request(session, key, texts, source, target)
                    if len(outputs) != len(texts):
                        raise session.error(
                            ErrorKind.BAD_RESPONSE,
                            f"sent {len(texts)} texts but got {len(outputs)} translations back",
                        )
                    for (index, _piece), out in zip(request, outputs, strict=True):
                        translated[index].append(out)
            finally:
                self.requests_sent += session.requests_sent
        joiner = "" if target == "zh" else " "
        return [
            joiner.join(part.strip() for part in translated[i]) if i in translated else sentence
            for i, sentence in enumerate(sentences)
        ]

    def classify(self, status: int, data: Any) -> ErrorKind | None:
        """Provider-specific error kinds (e.g. Google's 400 for a bad key); None = by status."""
        return None

    def _translate_request(
        self, session: Session, key: str | None, texts: list[str], source: str, target: str
    ) -> list[str]:
        raise NotImplementedError

    # Helpers for subclasses -----------------------------------------------------------------
    @staticmethod
    def strings_at(session: Session, items: Any, field: str, count: int) -> list[str]:
        """``[item[field] for item in items]``, or BAD_RESPONSE when the shape is wrong."""
        if not isinstance(items, list) or len(items) != count:
            raise session.error(
                ErrorKind.BAD_RESPONSE, "the reply does not have one translation per text"
            )
        out: list[str] = []
        for item in items:
            value = item.get(field) if isinstance(item, dict) else None
            if not isinstance(value, str):
                raise session.error(ErrorKind.BAD_RESPONSE, f"the reply has no '{field}' text")
            out.append(value)
        return out


def join_url(base: str, path: str) -> str:
    return base.rstrip("/") + "/" + path.lstrip("/")
