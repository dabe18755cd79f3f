"""The [displays] table of config.toml: announcement languages, repeats, voice pack, cache.

The queue server's reader keeps the table as read (Settings.section), so the screens keep
their settings in the same file without the server having to know them; they are typed here
once at start (queue_server/app.py).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from displays.kit.messages import ANNOUNCE_TEMPLATES, BURST_TEMPLATES
from queue_server.config import ConfigError, Settings

_MEMORY_SOURCE = "<memory>"


@dataclass(frozen=True)
class DisplaySettings:
    # Announced in this order after one chime; each must have a template. English ("en") and
    # Cantonese ("yue", espeak-ng's own voice) are there for halls that want them.
    languages: tuple[str, ...] = ("zh-CN",)
    # How many times a call is spoken when no other call is waiting (a burst is said once, so
    # that the calls behind it are not held up); a screen may ask for another (?repeat=).
    repeat: int = 1
    templates: dict[str, str] = field(default_factory=lambda: dict(ANNOUNCE_TEMPLATES))
    burst_templates: dict[str, str] = field(default_factory=lambda: dict(BURST_TEMPLATES))
    # A directory with pack.toml and recorded clips; used before espeak-ng when it can say all.
    voice_pack: Path | None = None
    cache_dir: Path = Path("var/announce-cache")
    cache_files: int = 2000
    espeak: str = "espeak-ng"
    # Words per minute: espeak-ng's own default, as fast as stays clear in an echoing hall.
    speed: int = 175
    # The calls of a burst (「B002到5号，C003到7号」) come faster: short, in a known pattern,
    # right after a full call, and thirteen of them must be said within 15 s.
    burst_speed: int = 270


def display_settings(settings: Settings) -> DisplaySettings:
    """The [displays] table of `settings`; defaults for every key it leaves out."""
    raw = dict(settings.section("displays"))
    if settings.source == _MEMORY_SOURCE and "cache_dir" not in raw:
        # A hall built in memory (tests, embedding) has no directory of its own to cache in.
        raw["cache_dir"] = str(Path(tempfile.gettempdir()) / "onewindow-announce")
    return parse_display_settings(raw, base_dir=settings.base_dir, source=settings.source)


def parse_display_settings(
    raw: dict[str, Any], *, base_dir: Path, source: str = _MEMORY_SOURCE
) -> DisplaySettings:
    defaults = DisplaySettings()
    problems: list[str] = []

    def get(key: str, kind: type, default: Any) -> Any:
        value = raw.get(key, default)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            problems.append(f"displays.{key}: expected {kind.__name__}, got {value!r}")
            return default
        return value

    def templates_of(key: str, table: dict[str, str]) -> dict[str, str]:
        templates = dict(table)
        for language, template in get(key, dict, {}).items():
            if not isinstance(template, str) or "{number}" not in template:
                problems.append(f"displays.{key}.{language}: needs a {{number}} placeholder")
                continue
            templates[language] = template
        return templates

    templates = templates_of("templates", defaults.templates)
    burst_templates = templates_of("burst_templates", defaults.burst_templates)
    languages = tuple(get("languages", list, list(defaults.languages)))
    for language in languages:
        if language not in templates or language not in burst_templates:
            problems.append(f"displays.languages: no template for {language!r}")
    repeat = get("repeat", int, defaults.repeat)
    cache_files = get("cache_files", int, defaults.cache_files)
    if not 1 <= repeat <= 5:
        problems.append(f"displays.repeat: must be 1 to 5, got {repeat}")
    if cache_files < 10:
        problems.append(f"displays.cache_files: must be at least 10, got {cache_files}")
    pack = get("voice_pack", str, "")
    speed = get("speed", int, defaults.speed)
    burst_speed = get("burst_speed", int, defaults.burst_speed)
    for key, value in (("speed", speed), ("burst_speed", burst_speed)):
        if not 80 <= value <= 450:
            problems.append(f"displays.{key}: must be 80 to 450 words per minute, got {value}")
    if problems:
        raise ConfigError(source, problems)
    return DisplaySettings(
        languages=languages,
        repeat=repeat,
        templates=templates,
        burst_templates=burst_templates,
        voice_pack=(base_dir / pack) if pack else None,
        cache_dir=base_dir / get("cache_dir", str, str(defaults.cache_dir)),
        cache_files=cache_files,
        espeak=get("espeak", str, defaults.espeak),
        speed=speed,
        burst_speed=burst_speed,
    )
