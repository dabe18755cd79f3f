"""Turning a call into one WAV: chime, then each language from the voice pack or espeak-ng.

espeak-ng runs once per distinct phrase: its output is kept on disk, named by a hash of what
was asked, and the oldest files go once there are more than `cache_files`. A call is said in
phrases cut at the ticket number ("请" · "A 零零一" · "号到三号窗口"), so the window phrases and
the day's numbers repeat all day and the cache is nearly always hit.

Mandarin goes to espeak-ng as tone-numbered pinyin (qing3 A ling2 ...) through its
`cmn-latn-pinyin` voice: the `cmn` voice of Debian's espeak-ng has no entry for most of the
characters of a call and spells them out in English letters ("qing three").
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import shutil
import tempfile
import wave
from collections.abc import Callable
from pathlib import Path

from pypinyin import Style, lazy_pinyin

from displays.announce import Spoken, announcement
from displays.audio import (
    Clip,
    VoicePack,
    VoicePackError,
    chime,
    concatenate,
    read_wav,
    silence,
    trim,
)
from displays.settings import DisplaySettings

log = logging.getLogger(__name__)


def _pinyin(words: tuple[str, ...]) -> str:
    syllables = lazy_pinyin(" ".join(words), style=Style.TONE3, neutral_tone_with_five=True)
    return " ".join(" ".join(syllables).split())


def _as_is(words: tuple[str, ...]) -> str:
    return " ".join(words)


# espeak-ng voice and what it is given, per announcement language.
ESPEAK_VOICES: dict[str, tuple[str, Callable[[tuple[str, ...]], str]]] = {
    "zh-CN": ("cmn-latn-pinyin", _pinyin),
    "en": ("en", _as_is),
    "yue": ("yue", _as_is),
}
# After the chime, and between the languages of one call.
_GAP_S = 0.3
# Between the phrases of one language: the breath between "A 零零一" and "号到三号窗口".
_PHRASE_GAP_S = 0.06
# At the end of every call, so that calls said one after another stay apart.
_TAIL_S = 0.25


class Announcer:
    def __init__(self, settings: DisplaySettings) -> None:
        self.settings = settings
        self.pack: VoicePack | None = None
        if settings.voice_pack is not None:
            try:
                self.pack = VoicePack(settings.voice_pack)
            except VoicePackError as exc:
                # A broken pack must not silence the hall: espeak-ng speaks until it is fixed.
                log.error("voice pack not used: %s", exc)
        self.espeak = shutil.which(settings.espeak)
        self._lock = asyncio.Lock()

    def spoken(
        self, number: str, window: int, languages: tuple[str, ...], *, burst: bool = False
    ) -> list[Spoken]:
        templates = self.settings.burst_templates if burst else self.settings.templates
        return [announcement(language, templates[language], number, window) for language in languages]

    async def wav(
        self, number: str, window: int, languages: tuple[str, ...], *, burst: bool = False
    ) -> bytes | None:
        """The whole announcement, or None when no voice can say any of it (the page then
        falls back to the browser's own speech). A call of a burst follows the one before
        it: no chime, and its shorter burst template."""
        parts: list[Clip] = []
        for spoken in self.spoken(number, window, languages, burst=burst):
            clips = await self._voice(spoken)
            if clips is None:
                continue
            if parts:
                parts.append(silence(clips[0], _GAP_S))
            parts.extend(clips)
        if not parts:
            return None
        lead = [] if burst else [chime(parts[0]), silence(parts[0], _GAP_S)]
        return concatenate([*lead, *parts, silence(parts[0], _TAIL_S)])

    async def _voice(self, spoken: Spoken) -> list[Clip] | None:
        if self.pack is not None:
            recorded = self.pack.say(spoken.language, spoken.words)
            if recorded is not None:
                return recorded
        if self.espeak is None or spoken.language not in ESPEAK_VOICES:
            return None
        voice, text_of = ESPEAK_VOICES[spoken.language]
        clips: list[Clip] = []
        try:
            for phrase in spoken.phrases:
                if clips:
                    clips.append(silence(clips[0], _PHRASE_GAP_S))
                data = await self.synthesize(self.espeak, voice, text_of(phrase))
                clips.append(trim(read_wav(data)))
        except (OSError, EOFError, wave.Error, RuntimeError) as exc:
            log.warning("espeak-ng could not say %r: %s", spoken.speech, exc)
            return None
        return clips

    async def synthesize(self, espeak: str, voice: str, text: str) -> bytes:
        """espeak-ng's WAV for the text, from the disk cache when it was said before."""
        key = f"{voice}|{self.settings.speed}|{text}".encode()
        path = self.settings.cache_dir / f"{hashlib.sha256(key).hexdigest()[:32]}.wav"
        async with self._lock:
            if path.is_file():
                # Touched on each use: eviction goes by last use, not by first synthesis.
                path.touch()
                return path.read_bytes()
            data = await self._run_espeak(espeak, voice, text)
            self._store(path, data)
            return data

    async def _run_espeak(self, espeak: str, voice: str, text: str) -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "say.wav"
            process = await asyncio.create_subprocess_exec(
                espeak,
                "-v",
                voice,
                "-s",
                str(self.settings.speed),
                "-w",
                str(out),
                # After "--", a text starting with "-" cannot be taken for an option.
                "--",
                text,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )
            _, err = await process.communicate()
            if process.returncode != 0:
                raise RuntimeError(err.decode(errors="replace").strip() or "espeak-ng failed")
            return out.read_bytes()

    def _store(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a screen never reads half a file after a crash.
        partial = path.with_suffix(".part")
        partial.write_bytes(data)
        os.replace(partial, path)
        cached = sorted(path.parent.glob("*.wav"), key=lambda p: p.stat().st_mtime)
        for old in cached[: max(0, len(cached) - self.settings.cache_files)]:
            with contextlib.suppress(FileNotFoundError):
                old.unlink()
