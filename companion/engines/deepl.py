"""DeepL API (v2): free and pro endpoints, picked from the key (free keys end in ":fx")."""

from __future__ import annotations

from typing import Any

from companion.engines.base import ErrorKind
from companion.engines.http import OnlineEngine, Session, join_url
from companion.engines.spec import EngineSpec, url_option

FREE_URL = "https://api-free.deepl.com"
PRO_URL = "https://api.deepl.com"
SOURCE_CODES = {"zh": "ZH", "en": "EN"}
TARGET_CODES = {"zh": "ZH-HANS", "en": "EN-US"}


def endpoint_for_key(key: str) -> str:
    """DeepL's documented rule: keys of the free plan end in ":fx" and use api-free."""
    return FREE_URL if key.endswith(":fx") else PRO_URL


class DeepLEngine(OnlineEngine):
    # Up to 50 texts per request and 128 KiB per request body: 30,000 characters stay
    # under it even at 4 bytes per character.
    max_texts = 50
    max_chars = 30_000
    spec = EngineSpec(
        "deepl",
        "DeepL",
        key_help="DeepL API key from deepl.com/your-account/keys (Free or Pro).",
        options=(url_option("chosen from the key (free keys end in :fx)"),),
    )

    def _translate_request(
        self, session: Session, key: str | None, texts: list[str], source: str, target: str
    ) -> list[str]:
        assert key is not None
        base = self.base_url or endpoint_for_key(key)
        payload = {
            "text": texts,
            "source_lang": SOURCE_CODES[source],
            "target_lang": TARGET_CODES[target],
        }
        data = session.post_json(
            join_url(base, "/v2/translate"),
            payload,
            headers={"Authorization": f"DeepL-Auth-Key {key}"},
        )
        items = data.get("translations") if isinstance(data, dict) else None
        return self.strings_at(session, items, "text", len(texts))

    def classify(self, status: int, data: Any) -> ErrorKind | None:
        if status == 456:  # character quota of the billing period used up
            return ErrorKind.QUOTA
        if status == 413:
            return ErrorKind.BAD_INPUT
        return None
