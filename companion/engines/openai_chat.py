"""Any OpenAI-compatible chat-completions server as a translator.

OpenAI, DeepSeek, or a local Ollama / LM Studio / llama.cpp server (where the key may be
empty). A chat model can be told what word-for-word engines get wrong on social media:
slang meanings, @handles, #topics#, emoji and links, and casual Mandarin for replies.
"""

from __future__ import annotations

import json
import re
from typing import Any

from companion.engines.base import ErrorKind
from companion.engines.http import KeyProvider, OnlineEngine, Session, join_url, parse_json
from companion.engines.spec import EngineOption, EngineSpec, url_option

DEFAULT_URL = "https://api.openai.com/v1"
DEFAULT_MODEL = "gpt-4o-mini"
CHAT_TIMEOUT = 60.0  # local models on a laptop can take a while between bytes
CHAT_DEADLINE = 90.0  # ... and for a whole batch of sentences

_KEEP = (
    "Keep @handles, #topics# and #hashtags, emoji, URLs, numbers and prices exactly as they "
    "are. Never add notes, explanations, romanisation or quotation marks."
)
PROMPTS = {
    ("zh", "en"): (
        "You translate posts, comments and messages from Xiaohongshu (RedNote) and other "
        "Chinese social media into natural English. Translate internet slang by its meaning, "
        "not word by word (种草 = made me want to buy it, 拔草 = got over wanting it / tried it, "
        "绝绝子 = absolutely amazing, yyds = the GOAT, 避雷 = warning, avoid this, 平替 = "
        "cheaper dupe, 集美/宝子 = friendly 'girls'/'babe', 栓Q = thank you (ironic), "
        "破防 = emotionally hit hard). Keep the tone: casual stays casual. " + _KEEP
    ),
    ("en", "zh"): (
        "You translate English into Simplified Chinese the way a native speaker would "
        "casually post on Xiaohongshu (RedNote): natural, friendly everyday Mandarin, not "
        "textbook or machine-like, with common internet wording where a native would use it. "
        + _KEEP
    ),
}
_BATCH_RULE = (
    "The user message is a JSON array of {n} strings. Reply with only a JSON array of exactly "
    "{n} strings: the translations, in the same order."
)
_SINGLE_RULE = "Reply with the translation only."

_THINK_RE = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_FENCE_RE = re.compile(r"^```[a-zA-Z]*\s*|\s*```$")


def clean_content(content: str) -> str:
    """Drop reasoning blocks and code fences some models wrap around their answer."""
    content = _THINK_RE.sub("", content).strip()
    return _FENCE_RE.sub("", content).strip()


def parse_array(content: str, count: int) -> list[str] | None:
    """The model's JSON array of ``count`` strings, or None if it did not follow the format."""
    text = clean_content(content)
    candidates = [text]
    start, end = text.find("["), text.rfind("]")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    for candidate in candidates:
        ok, value = parse_json(candidate)
        if not ok:
            continue
        if isinstance(value, dict):  # {"translations": [...]} and similar
            lists = [v for v in value.values() if isinstance(v, list)]
            value = lists[0] if len(lists) == 1 else None
        if (
            isinstance(value, list)
            and len(value) == count
            and all(isinstance(v, str) for v in value)
        ):
            return value
    return None


class OpenAIChatEngine(OnlineEngine):
    max_texts = 20
    max_chars = 3_000  # keeps each answer well inside small local models' output limits
    default_url = DEFAULT_URL
    default_timeout = CHAT_TIMEOUT
    default_deadline = CHAT_DEADLINE
    # The key is optional: local servers take none; OpenAI answers 401, reported as such.
    spec = EngineSpec(
        "openai",
        "AI chat (OpenAI-compatible)",
        needs_key=False,
        key_help="OpenAI or DeepSeek API key; leave empty for a local Ollama, LM Studio or "
        "llama.cpp server.",
        options=(
            url_option(
                "https://api.deepseek.com/v1, http://localhost:11434/v1 (Ollama)",
                default=DEFAULT_URL,
                required=True,
                label="API base URL",
            ),
            EngineOption(
                "model",
                "Model",
                default=DEFAULT_MODEL,
                placeholder="gpt-4o-mini, deepseek-chat, qwen2.5:7b",
                required=True,
            ),
        ),
    )

    def __init__(
        self,
        key: str | KeyProvider | None,
        base_url: str = "",
        model: str = "",
        timeout: float | None = None,
        deadline: float | None = None,
    ) -> None:
        self.model = model.strip() or DEFAULT_MODEL
        super().__init__(key, base_url, timeout, label=f"AI chat ({self.model})", deadline=deadline)

    @classmethod
    def from_options(
        cls, key: str | KeyProvider | None, options: dict[str, str]
    ) -> OpenAIChatEngine:
        return cls(key, base_url=options.get("url", ""), model=options.get("model", ""))

    def _chat(self, session: Session, key: str | None, system: str, user: str) -> str:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        payload = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
            "temperature": 0.2,
            "stream": False,
        }
        data = session.post_json(
            join_url(self.base_url, "/chat/completions"), payload, headers=headers
        )
        try:
            content = data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            content = None
        if not isinstance(content, str):
            raise session.error(ErrorKind.BAD_RESPONSE, "the reply has no message content")
        return content

    def _translate_request(
        self, session: Session, key: str | None, texts: list[str], source: str, target: str
    ) -> list[str]:
        prompt = PROMPTS[(source, target)]
        if len(texts) > 1:
            rule = _BATCH_RULE.format(n=len(texts))
            content = self._chat(
                session, key, f"{prompt}\n{rule}", json.dumps(texts, ensure_ascii=False)
            )
            parsed = parse_array(content, len(texts))
            if parsed is not None and parsed != texts:  # an echo of the input is no answer
                return parsed
            # The model broke the format (common with small local models): one at a time.
        out = []
        for text in texts:
            content = clean_content(self._chat(session, key, f"{prompt}\n{_SINGLE_RULE}", text))
            if not content:
                raise session.error(ErrorKind.BAD_RESPONSE, "the model answered with nothing")
            out.append(content)
        return out

    def classify(self, status: int, data: Any) -> ErrorKind | None:
        error = data.get("error") if isinstance(data, dict) else None
        code = str(error.get("code") or error.get("type") or "") if isinstance(error, dict) else ""
        if code == "insufficient_quota" or status == 402:  # 402: DeepSeek balance used up
            return ErrorKind.QUOTA
        if code == "invalid_api_key":
            return ErrorKind.AUTH
        return None
