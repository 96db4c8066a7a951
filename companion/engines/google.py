"""Google Cloud Translation, Basic (v2), with an API key.

The key goes in the ``X-goog-api-key`` header, which Google documents for API keys as an
alternative to ``?key=``: a key in the URL would end up in HTTP logs and error texts.
"""

from __future__ import annotations

import html
from typing import Any

from companion.engines.base import ErrorKind
from companion.engines.http import OnlineEngine, Session, join_url
from companion.engines.spec import EngineSpec, url_option

DEFAULT_URL = "https://translation.googleapis.com"
CODES = {"zh": "zh-CN", "en": "en"}


class GoogleEngine(OnlineEngine):
    # v2 takes up to 128 strings per request; Google recommends at most 5,000 characters.
    max_texts = 128
    max_chars = 5_000
    default_url = DEFAULT_URL
    spec = EngineSpec(
        "google",
        "Google Translate",
        key_help="Google Cloud API key with the Cloud Translation API enabled.",
        options=(url_option(DEFAULT_URL),),
    )

    def _translate_request(
        self, session: Session, key: str | None, texts: list[str], source: str, target: str
    ) -> list[str]:
        assert key is not None
        payload = {"q": texts, "source": CODES[source], "target": CODES[target], "format": "text"}
        data = session.post_json(
            join_url(self.base_url, "/language/translate/v2"),
            payload,
            headers={"X-goog-api-key": key},
        )
        inner = data.get("data") if isinstance(data, dict) else None
        items = inner.get("translations") if isinstance(inner, dict) else None
        out = self.strings_at(session, items, "translatedText", len(texts))
        # format=text should give plain text; unescape defensively in case a proxy ignores it.
        return [html.unescape(text) if "&#" in text or "&quot;" in text else text for text in out]

    def classify(self, status: int, data: Any) -> ErrorKind | None:
        error = data.get("error") if isinstance(data, dict) else None
        if not isinstance(error, dict):
            return None
        reasons = " ".join(
            str(detail.get("reason", "")) + " " + str(detail.get("status", ""))
            for detail in (error.get("errors") or []) + (error.get("details") or [])
            if isinstance(detail, dict)
        )
        text = f"{error.get('message', '')} {error.get('status', '')} {reasons}".lower()
        # Google answers 400 (not 401) for an invalid key.
        if "api key not valid" in text or "api_key_invalid" in text or "keyinvalid" in text:
            return ErrorKind.AUTH
        if status in (403, 429) and ("quota" in text or "limit" in text):
            return ErrorKind.QUOTA if "daily" in text or "billing" in text else ErrorKind.RATE_LIMIT
        return None
