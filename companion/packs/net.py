"""HTTP for the index and pack downloads: a total deadline, bounded redirects, plain errors.

httpx's timeouts are per read: a server that sends one byte every few seconds never trips
them. Every request here also has a total deadline (connect + redirects + body); when it
passes, or when the user cancels, a watchdog shuts the socket down so a blocked read returns
at once instead of after the read timeout. Redirects are followed by hand (at most
:data:`MAX_REDIRECTS`, never from https to http) so a failure can say "after a redirect to
example.org". Errors become :class:`PackError` with plain words: offline is "no internet
connection", never "[Errno -2] Name or service not known".
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlparse

from companion.engines.base import CancelToken
from companion.packs.errors import PackError

if TYPE_CHECKING:
    import httpx

CONNECT_TIMEOUT = 15.0
READ_TIMEOUT = 30.0
MAX_REDIRECTS = 5


class Deadline:
    """A point in time a whole operation must finish by."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self.end


def make_client() -> httpx.Client:
    import httpx

    return httpx.Client(
        timeout=httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT), follow_redirects=False
    )


def host_of(url: str) -> str:
    return urlparse(url).hostname or url


class _Watchdog:
    """Shuts a response's socket when the deadline passes or the user cancels."""

    def __init__(self, response: httpx.Response, deadline: Deadline, cancel: CancelToken) -> None:
        self.fired = False
        self._response = response
        self._done = threading.Event()
        self._cancel = cancel
        self._thread = threading.Thread(
            target=self._run, args=(deadline,), name="download-watchdog", daemon=True
        )
        self._thread.start()

    def _run(self, deadline: Deadline) -> None:
        while not self._done.is_set():
            left = deadline.remaining()
            if left <= 0 or self._cancel.cancelled:
                self.fired = True
                self._cut()
                return
            self._done.wait(min(left, 0.1))  # wakes for a cancel within 0.1 s

    def _cut(self) -> None:
        stream = self._response.extensions.get("network_stream")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if isinstance(sock, socket.socket):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # a blocked recv returns now

    def stop(self) -> None:
        self._done.set()
        self._thread.join(timeout=5)


def _cause_chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def network_error(exc: Exception, url: str, what: str) -> PackError:
    """``what`` ("the package index", "the pack") could not be fetched: why, in plain words."""
    import errno
    import ssl

    import httpx

    host = host_of(url)
    for link in _cause_chain(exc):
        if isinstance(link, socket.gaierror):
            return PackError(
                f"there is no internet connection ({host} could not be found)", "offline"
            )
        if isinstance(link, ssl.SSLCertVerificationError):
            return PackError(
                f"the secure connection to {host} failed: its certificate is not trusted",
                "network",
            )
        if isinstance(link, ConnectionRefusedError):
            return PackError(f"could not reach {what}: {host} refused the connection", "network")
        if isinstance(link, OSError) and link.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return PackError(
                "there is no internet connection (the network is unreachable)", "offline"
            )
    if isinstance(exc, httpx.ConnectTimeout):
        return PackError(
            f"could not reach {what}: {host} did not answer within {CONNECT_TIMEOUT:g} s",
            "network",
        )
    if isinstance(exc, httpx.TimeoutException):
        return PackError(
            f"{what} stopped arriving: {host} sent nothing for {READ_TIMEOUT:g} s", "network"
        )
    if isinstance(exc, httpx.RemoteProtocolError):
        return PackError(f"{host} closed the connection before {what} was complete", "network")
    if isinstance(exc, httpx.UnsupportedProtocol):
        return PackError(f"{what} has an address Companion cannot download from", "refused")
    if isinstance(exc, httpx.ConnectError):
        return PackError(f"could not reach {what}: the connection to {host} failed", "network")
    return PackError(f"could not download {what}: the connection to {host} failed", "network")


@contextmanager
def bounded_get(
    http: httpx.Client,
    url: str,
    what: str,
    deadline: Deadline,
    cancel: CancelToken | None = None,
) -> Iterator[tuple[httpx.Response, _Watchdog]]:
    """GET ``url`` streaming, following at most MAX_REDIRECTS, all within ``deadline``.

    Yields the final response (its status may be anything) and its watchdog; the caller
    reads the body and, on an httpx error, asks :func:`stream_failure` what happened.
    Redirects are reported: a final non-200 says where it was redirected to.
    """
    import httpx

    token = cancel or CancelToken()
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        left = deadline.remaining()
        if left <= 0:
            raise too_slow(what, deadline)
        timeout = httpx.Timeout(min(READ_TIMEOUT, left), connect=min(CONNECT_TIMEOUT, left))
        try:
            request = http.build_request("GET", current, timeout=timeout)
            response = http.send(request, stream=True, follow_redirects=False)
        except httpx.HTTPError as exc:
            raise network_error(exc, current, what) from exc
        watchdog = _Watchdog(response, deadline, token)
        try:
            if response.is_redirect:
                location = response.headers.get("location", "")
                response.close()
                if not location:
                    raise PackError(
                        f"{host_of(current)} answered with a redirect (HTTP "
                        f"{response.status_code}) to no address",
                        "network",
                    )
                target = urljoin(current, location)
                scheme = urlparse(target).scheme
                if scheme not in ("http", "https"):
                    raise PackError(
                        f"{what} redirects to an address that is not a web page", "refused"
                    )
                if urlparse(current).scheme == "https" and scheme == "http":
                    raise PackError(
                        f"{what} redirects from a secure (https) to an insecure (http) address: "
                        "refused",
                        "refused",
                    )
                current = target
                continue
            yield response, watchdog
            return
        finally:
            watchdog.stop()
            response.close()
    raise PackError(
        f"{what} could not be downloaded: the server redirected more than {MAX_REDIRECTS} times",
        "network",
    )


def redirect_note(url: str, response: httpx.Response) -> str:
    """ " after a redirect to host" when ``response`` came from somewhere else than ``url``."""
    final = str(response.url)
    if host_of(final) != host_of(url) or final != url:
        return f" after a redirect to {host_of(final)}"
    return ""


def too_slow(what: str, deadline: Deadline) -> PackError:
    return PackError(
        f"{what} did not arrive within {deadline.seconds:g} s: the server is too slow or "
        "stalled; try again later",
        "network",
    )


def stream_failure(
    exc: Exception,
    url: str,
    what: str,
    deadline: Deadline,
    watchdog: _Watchdog,
    cancel: CancelToken | None,
) -> BaseException:
    """The exception to raise for an httpx error while reading a body."""
    from companion.engines.base import Cancelled

    if cancel is not None and cancel.cancelled:
        return Cancelled()
    if watchdog.fired or deadline.passed:
        return too_slow(what, deadline)
    return network_error(exc, url, what)


__all__ = [
    "Deadline",
    "bounded_get",
    "make_client",
    "network_error",
    "redirect_note",
    "stream_failure",
    "too_slow",
]
