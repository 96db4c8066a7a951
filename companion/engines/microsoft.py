"""Microsoft Translator (Azure AI Translator) v3: a key, plus the region of regional resources."""

from __future__ import annotations

from typing import Any

from companion.engines.base import ErrorKind
from companion.engines.http import KeyProvider, OnlineEngine, Session, join_url
from companion.engines.spec import EngineOption, EngineSpec, url_option

DEFAULT_URL = "https://api.cognitive.microsofttranslator.com"
CODES = {"zh": "zh-Hans", "en": "en"}


class MicrosoftEngine(OnlineEngine):
    # Documented per-request limits: 1,000 array elements, 50,000 characters in total.
    max_texts = 1000
    max_chars = 50_000
    default_url = DEFAULT_URL
    spec = EngineSpec(
        "microsoft",
        "Microsoft Translator",
        key_help="Key 1 or Key 2 of an Azure Translator resource.",
        options=(
            EngineOption(
                "region",
                "Region",
                placeholder="e.g. westeurope (empty for a global resource)",
                help="The Azure region of your Translator resource.",
            ),
            url_option(DEFAULT_URL),
        ),
    )

    def __init__(
        self,
        key: str | KeyProvider | None,
        region: str = "",
        base_url: str = "",
        timeout: float | None = None,
        deadline: float | None = None,
    ) -> None:
        super().__init__(key, base_url, timeout, deadline=deadline)
        self.region = region.strip()

    @classmethod
    def from_options(
        cls, key: str | KeyProvider | None, options: dict[str, str]
    ) -> MicrosoftEngine:
        return cls(key, region=options.get("region", ""), base_url=options.get("url", ""))

    def _translate_request(
        self, session: Session, key: str | None, texts: list[str], source: str, target: str
    ) -> list[str]:
        assert key is not None
        headers = {"Ocp-Apim-Subscription-Key": key}
        if self.region and self.region.lower() != "global":
            headers["Ocp-Apim-Subscription-Region"] = self.region
        data = session.post_json(
            join_url(self.base_url, "/translate"),
            [{"Text": text} for text in texts],
            headers=headers,
            params={"api-version": "3.0", "from": CODES[source], "to": CODES[target]},
        )
        if not isinstance(data, list) or len(data) != len(texts):
            raise session.error(
                ErrorKind.BAD_RESPONSE, "the reply does not have one translation per text"
            )
        firsts = []
        for item in data:
            translations = item.get("translations") if isinstance(item, dict) else None
            firsts.append(
                translations[0] if isinstance(translations, list) and translations else None
            )
        return self.strings_at(session, firsts, "text", len(texts))

    def classify(self, status: int, data: Any) -> ErrorKind | None:
        error = data.get("error") if isinstance(data, dict) else None
        code = error.get("code") if isinstance(error, dict) else None
        # Six-digit codes, the first three being the HTTP status: 403001 = free quota used up.
        if code in (403001, 403000) or (
            isinstance(code, int) and code // 1000 == 429 and status == 403
        ):
            return ErrorKind.QUOTA
        return None
