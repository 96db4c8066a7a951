"""Shared HTTP plumbing for the online engines: one place for what every provider needs.

- System proxy settings are honoured (``trust_env=True``); redirects are never followed.
- Each request runs on a helper thread while the caller polls the :class:`CancelToken` and
  the request's total deadline (connect + read + retries); on cancel or deadline the socket
  is shut down, so a slow or dripping server never keeps the pane waiting.
- 429 and 5xx are retried with back-off that honours ``Retry-After``, within the deadline.
- Every failure becomes an :class:`EngineError` with the right :class:`ErrorKind` and a plain
  message: the HTTP status and a known reason, plus at most a short piece of the provider's
  words with every form of the key scrubbed out and control characters removed.
- Long input is split to each provider's per-request limits; blank sentences send nothing.
- httpx (~90 ms to import) is imported only when a request is made, so the registry, the CLI
  and Settings can read the engine declarations without it.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from companion import scrubber
from companion.engines.base import (
    Cancelled,
    CancelToken,
    EngineError,
    EngineInfo,
    ErrorKind,
)
from companion.engines.spec import EngineSpec

if TYPE_CHECKING:
    import ssl

    import httpx

_log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 15.0  # seconds to connect or between bytes of the reply
DEFAULT_DEADLINE = 20.0  # seconds for a whole request: connect, reply and retries
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


def parse_json(text: str) -> tuple[bool, Any]:
    """``(True, value)`` for valid JSON, ``(False, None)`` for invalid or absurdly nested JSON.

    A reply nested thousands of levels deep makes the decoder raise ``RecursionError``: that
    is a bad reply like any other, so the offline fallback still runs.
    """
    try:
        return True, json.loads(text)
    except (ValueError, RecursionError):
        return False, None


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
    import httpx

    global _ssl_context
    with _ssl_lock:
        if _ssl_context is None:
            _ssl_context = httpx.create_ssl_context(trust_env=True)
        return _ssl_context


def _timeout(seconds: float) -> httpx.Timeout:
    import httpx

    return httpx.Timeout(seconds, connect=min(seconds, 10.0))


def new_client(timeout: float) -> httpx.Client:
    """A client that honours the system proxy settings and never follows redirects.

    Redirects are refused so a key sent in a header never reaches another host.
    """
    import httpx

    return httpx.Client(
        verify=_shared_ssl_context(),
        timeout=_timeout(timeout),
        trust_env=True,
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
    )


# Known reasons, in plain words, by what went wrong; the provider's own text only follows.
_REASONS = {
    ErrorKind.AUTH: "key rejected",
    ErrorKind.RATE_LIMIT: "too many requests",
    ErrorKind.QUOTA: "quota used up",
    ErrorKind.SERVER: "server error",
    ErrorKind.BAD_INPUT: "the text was refused",
    ErrorKind.BAD_RESPONSE: "unexpected reply",
}
REDIRECT_REASON = "the server redirected to another address (not followed): check the server URL"
DETAIL_LIMIT = 120  # characters of the provider's (scrubbed) words kept in a message


class Session:
    """One batch's requests on a private client, cancellable from the caller's thread."""

    def __init__(
        self,
        label: str,
        secret: str | None,
        cancel: CancelToken | None,
        timeout: float,
        classify: Classifier | None = None,
        deadline: float = DEFAULT_DEADLINE,
    ) -> None:
        self.label = label
        self._secret = secret
        self._cancel = cancel
        self._timeout = min(timeout, deadline)
        self._deadline = deadline
        self._classify = classify
        self._client = new_client(self._timeout)
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
    def clean(self, text: str, limit: int | None = 300) -> str:
        """Foreign or composed text with every form of the key scrubbed, safe to show."""
        return scrubber.clean(text, extra=[self._secret], limit=limit)

    def error(self, kind: ErrorKind, message: str) -> EngineError:
        return EngineError(self.label, kind, self.clean(message))

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
        """POST ``payload`` as UTF-8 JSON and return the decoded JSON reply, with retries.

        Connecting, reading and retrying together take at most the session's deadline.
        """
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        all_headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
        }
        all_headers.update(headers or {})
        host = urlsplit(url).hostname or "?"
        started = time.monotonic()
        deadline = started + self._deadline
        waited = 0.0
        for attempt in range(1, MAX_ATTEMPTS + 1):
            self._check_cancel()
            sent = time.monotonic()
            try:
                reply = self._send("POST", url, all_headers, params, body, deadline)
            except EngineError as exc:
                _log.warning(
                    "%s: request to %s failed after %.0f ms (attempt %d): %s",
                    self.label,
                    host,
                    (time.monotonic() - sent) * 1000,
                    attempt,
                    exc.message,
                )
                raise
            _log.info(
                "%s: HTTP %d from %s in %.0f ms, %d bytes (attempt %d)",
                self.label,
                reply.status,
                host,
                (time.monotonic() - sent) * 1000,
                len(reply.body),
                attempt,
            )
            if 200 <= reply.status < 300:
                return self._decode_success(reply)
            if reply.status in RETRY_STATUSES and attempt < MAX_ATTEMPTS:
                asked = retry_after_seconds(reply.headers.get("Retry-After"))
                delay = asked if asked is not None else 0.5 * 2 ** (attempt - 1)
                fits = time.monotonic() + delay < deadline
                if waited + delay <= RETRY_BUDGET and fits:
                    waited += delay
                    if self._cancel is not None:
                        if self._cancel.wait(delay):
                            raise Cancelled()
                    elif delay:
                        time.sleep(delay)
                    continue
            error = self._status_error(reply)
            _log.warning("%s: %s", self.label, error.message)
            raise error
        raise AssertionError("unreachable")  # pragma: no cover

    def _send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        params: dict[str, str] | None,
        body: bytes,
        deadline: float,
    ) -> Reply:
        box: dict[str, Any] = {}
        done = threading.Event()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise self._deadline_error()
        timeout = _timeout(min(self._timeout, remaining))

        def work() -> None:
            try:
                with self._client.stream(
                    method,
                    url,
                    headers=headers,
                    params=params,
                    content=body,
                    timeout=timeout,
                    extensions={"trace": self._trace},
                ) as response:
                    chunks: list[bytes] = []
                    size = 0
                    announced = response.headers.get("Content-Length", "")
                    if announced.isdigit() and int(announced) > MAX_REPLY_BYTES:
                        box["too_big"] = True
                    else:
                        for chunk in response.iter_bytes():  # decoded: gzip counts as sent
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
            if time.monotonic() >= deadline:
                self.abort()
                raise self._deadline_error()
        self._check_cancel()
        error = box.get("error")
        if error is not None:
            raise self._transport_error(error)
        if box.get("too_big"):
            raise self.error(ErrorKind.BAD_RESPONSE, "the reply was far too large")
        reply: Reply = box["reply"]
        return reply

    def _deadline_error(self) -> EngineError:
        return self.error(
            ErrorKind.NETWORK,
            f"no complete answer within {self._deadline:g} s "
            "(the server is too slow or the connection stalled)",
        )

    def _transport_error(self, exc: BaseException) -> EngineError:
        """Plain words by exception type; the exception's own text (errno, C++) never shows."""
        import httpx

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
            reason = str(exc).lower()
            if "certificate" in reason or "ssl" in reason:
                return self.error(ErrorKind.NETWORK, "secure connection failed (certificate)")
            if "name or service" in reason or "getaddrinfo" in reason or "resolv" in reason:
                return self.error(
                    ErrorKind.NETWORK, "the server's name was not found (offline, or a wrong URL?)"
                )
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
        ok, data = parse_json(text)
        if not ok:
            raise self.error(ErrorKind.BAD_RESPONSE, "the reply is not valid JSON")
        return data

    def _status_error(self, reply: Reply) -> EngineError:
        """The status and a known reason; the provider's words only scrubbed and cut short."""
        status = reply.status
        if 300 <= status < 400:
            return self.error(ErrorKind.REDIRECTED, f"{REDIRECT_REASON} (HTTP {status})")
        text = self._decode_text(reply) or ""
        data: Any = None
        detail = ""
        if text and not looks_like_html(text):
            ok, data = parse_json(text)
            if ok:
                detail = provider_message(data)
            elif len(text) < 300:
                detail = text
        kind = self._classify(status, data) if self._classify is not None else None
        if kind is None:
            kind = _kind_for_status(status)
        words = _REASONS.get(kind, "request failed")
        if status == 404:
            words = "not found (check the server URL or model name)"
        if kind is ErrorKind.RATE_LIMIT:
            asked = retry_after_seconds(reply.headers.get("Retry-After"))
            if asked is not None and asked > 0:
                words += f"; the server asks to wait {min(asked, 86_400):.0f} s"
        detail = self.clean(detail, limit=DETAIL_LIMIT)
        message = f"{words} (HTTP {status}"
        message += f": {detail})" if detail else ")"
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
        return ErrorKind.REDIRECTED
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

    A subclass declares its :class:`EngineSpec` once (``spec``), sets ``max_texts`` and
    ``max_chars`` (the provider's documented per-request limits) and implements
    :meth:`_translate_request` for one request's worth of texts.
    """

    spec: ClassVar[EngineSpec]
    max_texts = 50
    max_chars = 5000
    default_url = ""  # the provider's endpoint when no base URL is configured
    default_timeout = DEFAULT_TIMEOUT
    default_deadline = DEFAULT_DEADLINE

    def __init__(
        self,
        key: str | KeyProvider | None,
        base_url: str = "",
        timeout: float | None = None,
        label: str = "",
        deadline: float | None = None,
    ) -> None:
        self.info = EngineInfo(self.spec.name, label or self.spec.label, online=True)
        self.base_url = base_url or self.default_url
        self._key_source = key
        self._key: str | None = key if isinstance(key, str) else None
        self._key_loaded = not callable(key)
        scrubber.register(self._key)
        self.timeout = timeout if timeout is not None else self.default_timeout
        self.deadline = deadline if deadline is not None else self.default_deadline
        self.requests_sent = 0

    @classmethod
    def from_options(cls, key: str | KeyProvider | None, options: dict[str, str]) -> OnlineEngine:
        """The engine from its declared options (already stripped, defaults filled in)."""
        return cls(key, base_url=options.get("url", ""))

    @property
    def needs_key(self) -> bool:
        return self.spec.needs_key

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
                    _log.info("%s: no key (%s); going on without one", self.info.label, exc)
                    return None
                raise EngineError(self.info.label, ErrorKind.NO_KEY, str(exc)) from None
            if value:  # a missing key is looked up again: the user may add one meanwhile
                scrubber.register(value)
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
        started = time.monotonic()
        session = Session(
            self.info.label, key, cancel, self.timeout, self.classify, deadline=self.deadline
        )
        with session:
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
        _log.info(
            "%s: %d sentences %s->%s in %d requests, %.0f ms",
            self.info.label,
            len(pieces),
            source,
            target,
            session.requests_sent,
            (time.monotonic() - started) * 1000,
        )
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
