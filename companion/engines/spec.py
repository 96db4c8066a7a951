"""What an engine declares about itself, once: name, label, key, options.

Each provider module declares one :class:`EngineSpec` on its engine class; the registry
(:mod:`companion.engines.registry`) collects them for the CLI, Settings and the service.
"""

from __future__ import annotations

from dataclasses import dataclass

URL_HELP = "Leave empty for the provider's own server."


@dataclass(frozen=True)
class EngineOption:
    key: str  # field in settings["engine_options"][engine]
    label: str
    default: str = ""
    placeholder: str = ""
    required: bool = False
    help: str = ""


@dataclass(frozen=True)
class EngineSpec:
    name: str  # stable id used in settings and the CLI: "offline", "deepl", ...
    label: str  # what the user sees: "DeepL"
    online: bool = True  # text leaves the machine
    needs_key: bool = True  # False: a key is optional (self-hosted servers, local LLMs)
    key_help: str = ""  # where to get a key
    options: tuple[EngineOption, ...] = ()


def url_option(
    placeholder: str, default: str = "", required: bool = False, label: str = "Server URL"
) -> EngineOption:
    """The server URL field every online engine has."""
    return EngineOption(
        "url",
        label,
        default=default,
        placeholder=placeholder,
        required=required,
        help="" if required else URL_HELP,
    )
