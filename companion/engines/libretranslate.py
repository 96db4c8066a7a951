"""LibreTranslate on any server: the public one (key needed) or a self-hosted one (key optional)."""

from __future__ import annotations

from typing import Any

from companion.engines.base import ErrorKind
from companion.engines.http import OnlineEngine, Session, join_url
from companion.engines.spec import EngineSpec, url_option

DEFAULT_URL = "https://libretranslate.com"
CODES = {"zh": "zh", "en": "en"}


class LibreTranslateEngine(OnlineEngine):
    # Servers set their own limits (--char-limit, --batch-limit); these fit common settings.
    max_texts = 25
    max_chars = 2_000
    default_url = DEFAULT_URL
    spec = EngineSpec(
        "libretranslate",
        "LibreTranslate",
        needs_key=False,
        key_help="Needed for libretranslate.com; most self-hosted servers need none.",
        options=(
            url_option(
                "https://libretranslate.com or http://localhost:5000",
                default=DEFAULT_URL,
                required=True,
            ),
        ),
    )

    def _translate_request(
        self, session: Session, key: str | None, texts: list[str], source: str, target: str
    ) -> list[str]:
        payload: dict[str, Any] = {
            "q": texts,
            "source": CODES[source],
            "target": CODES[target],
            "format": "text",
        }
        if key:
            payload["api_key"] = key
        data = session.post_json(join_url(self.base_url, "/translate"), payload)
        value = data.get("translatedText") if isinstance(data, dict) else None
        if isinstance(value, str) and len(texts) == 1:  # older servers answer one string
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise session.error(ErrorKind.BAD_RESPONSE, "the reply has no 'translatedText'")
        return list(value)

    def classify(self, status: int, data: Any) -> ErrorKind | None:
        message = data.get("error") if isinstance(data, dict) else None
        text = message.lower() if isinstance(message, str) else ""
        if status == 400 and "api key" in text:
            return ErrorKind.AUTH
        if status == 403 and "slowdown" in text:
            return ErrorKind.RATE_LIMIT
        return None
