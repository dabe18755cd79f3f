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
from collections import deque
from collections.abc import Callable
from pathlib import Path

from displays.announce import Spoken, announcement, number_words
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


def _load_pinyin() -> None:
    """pypinyin's dictionaries take about a second to load: when the voice is made (at start,
    in the lifespan), not when the app is imported (the CLI's commands, the tests) nor on the
    first call's path."""
    import pypinyin  # noqa: F401


def _pinyin(words: tuple[str, ...]) -> str:
    from pypinyin import Style, lazy_pinyin  # loaded by _load_pinyin

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
# Inside a burst the calls are short and follow each other like items of a list: a comma's
# pause between them, most of which is the page's own gap between two clips (≈ 0.2 s measured
# in Chromium on a loaded machine), and a shorter breath within.
_BURST_TAIL_S = 0.08
_BURST_PHRASE_GAP_S = 0.04


class Announcer:
    def __init__(self, settings: DisplaySettings) -> None:
        self.settings = settings
        _load_pinyin()
        self.pack: VoicePack | None = None
        if settings.voice_pack is not None:
            try:
                self.pack = VoicePack(settings.voice_pack)
            except VoicePackError as exc:
                # A broken pack must not silence the hall: espeak-ng speaks until it is fixed.
                log.error("voice pack not used: %s", exc)
        self.espeak = shutil.which(settings.espeak)
        self._lock = asyncio.Lock()
        # Phrases (language, words, speed) said ahead or queued to be; the one task saying them.
        self._warmed: set[tuple[str, tuple[str, ...], int]] = set()
        self._to_warm: deque[tuple[str, tuple[str, ...], int]] = deque()
        self._warming: set[asyncio.Task[None]] = set()
        # Calls being fetched right now: warming waits while there are any.
        self._live = 0
        self._idle = asyncio.Event()
        self._idle.set()

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
        it: no chime, its shorter burst template, and the faster `burst_speed`."""
        self._live += 1
        self._idle.clear()
        try:
            return await self._wav(number, window, languages, burst=burst)
        finally:
            self._live -= 1
            if not self._live:
                self._idle.set()

    async def _wav(
        self, number: str, window: int, languages: tuple[str, ...], *, burst: bool
    ) -> bytes | None:
        parts: list[Clip] = []
        for spoken in self.spoken(number, window, languages, burst=burst):
            clips = await self._voice(spoken, burst=burst)
            if clips is None:
                continue
            if parts:
                parts.append(silence(clips[0], _GAP_S))
            parts.extend(clips)
        if not parts:
            return None
        lead = [] if burst else [chime(parts[0]), silence(parts[0], _GAP_S)]
        tail = silence(parts[0], _BURST_TAIL_S if burst else _TAIL_S)
        return concatenate([*lead, *parts, tail])

    def warm_up(self, windows: list[int], numbers: list[str], languages: tuple[str, ...]) -> None:
        """Has espeak-ng say ahead, in the background, what the next calls will need: each
        window's phrases (「请」, 「号到三号窗口」, 「到三号」) and the waiting numbers, at both
        speeds, so that a call is assembled from the cache. Calls being fetched go first."""
        if self.espeak is None:
            return
        for language in languages:
            if language not in ESPEAK_VOICES:
                continue
            wanted: list[tuple[str, tuple[str, ...], int]] = []
            for window in windows:
                for burst in (False, True):
                    speed = self.settings.burst_speed if burst else self.settings.speed
                    # With no number, a call is just its phrases around the number.
                    for spoken in self.spoken("", window, (language,), burst=burst):
                        wanted.extend((language, phrase, speed) for phrase in spoken.phrases)
            for number in numbers:
                words = tuple(number_words(language, number))
                wanted += [
                    (language, words, self.settings.speed),
                    (language, words, self.settings.burst_speed),
                ]
            for item in wanted:
                if item not in self._warmed:
                    self._warmed.add(item)
                    self._to_warm.append(item)
        if self._to_warm and not self._warming:
            task = asyncio.get_running_loop().create_task(self._warm())
            self._warming.add(task)
            task.add_done_callback(self._warming.discard)

    async def close(self) -> None:
        self._to_warm.clear()
        for task in list(self._warming):
            task.cancel()
        await asyncio.gather(*self._warming, return_exceptions=True)

    async def _warm(self) -> None:
        while self._to_warm:
            language, phrase, speed = self._to_warm.popleft()
            # Never ahead of a call a screen is waiting for: at most one phrase in its way.
            await self._idle.wait()
            voice, text_of = ESPEAK_VOICES[language]
            assert self.espeak is not None  # warm_up checked
            try:
                await self.synthesize(self.espeak, voice, text_of(phrase), speed)
            except (OSError, RuntimeError) as exc:
                log.warning("espeak-ng could not say %r ahead: %s", phrase, exc)
                return

    async def _voice(self, spoken: Spoken, *, burst: bool = False) -> list[Clip] | None:
        if self.pack is not None:
            recorded = self.pack.say(spoken.language, spoken.words)
            if recorded is not None:
                return recorded
        if self.espeak is None or spoken.language not in ESPEAK_VOICES:
            return None
        voice, text_of = ESPEAK_VOICES[spoken.language]
        speed = self.settings.burst_speed if burst else self.settings.speed
        clips: list[Clip] = []
        try:
            for phrase in spoken.phrases:
                if clips:
                    clips.append(silence(clips[0], _BURST_PHRASE_GAP_S if burst else _PHRASE_GAP_S))
                data = await self.synthesize(self.espeak, voice, text_of(phrase), speed)
                clips.append(trim(read_wav(data)))
        except (OSError, EOFError, wave.Error, RuntimeError) as exc:
            log.warning("espeak-ng could not say %r: %s", spoken.speech, exc)
            return None
        return clips

    async def synthesize(self, espeak: str, voice: str, text: str, speed: int) -> bytes:
        """espeak-ng's WAV for the text, from the disk cache when it was said before."""
        key = f"{voice}|{speed}|{text}".encode()
        path = self.settings.cache_dir / f"{hashlib.sha256(key).hexdigest()[:32]}.wav"
        async with self._lock:
            if path.is_file():
                # Touched on each use: eviction goes by last use, not by first synthesis.
                path.touch()
                return path.read_bytes()
            data = await self._run_espeak(espeak, voice, text, speed)
            self._store(path, data)
            return data

    async def _run_espeak(self, espeak: str, voice: str, text: str, speed: int) -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "say.wav"
            process = await asyncio.create_subprocess_exec(
                espeak,
                "-v",
                voice,
                "-s",
                str(speed),
                "-w",
                str(out),
                # After "--", a text starting with "-" cannot be taken for an option.
                "--",
                text,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )
            try:
                _, err = await process.communicate()
            except asyncio.CancelledError:
                # The server is stopping: the half-said phrase is not kept.
                process.kill()
                await process.wait()
                raise
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
