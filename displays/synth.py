"""Turning a call into one WAV: chime, then each language from the voice pack or espeak-ng.

espeak-ng runs once per distinct sentence: its output is kept on disk, named by a hash of
what was asked, and the oldest files go once there are more than `cache_files`. A hall calls
the same few hundred numbers to the same windows every day, so the cache is nearly always hit.
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
from pathlib import Path

from displays.announce import Spoken, announcement
from displays.audio import Clip, VoicePack, VoicePackError, chime, concatenate, read_wav, silence
from displays.settings import DisplaySettings

log = logging.getLogger(__name__)

# espeak-ng voice names for announcement languages.
ESPEAK_VOICES = {"zh-CN": "cmn", "en": "en", "yue": "yue"}
_GAP_S = 0.35


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

    def spoken(self, number: str, window: int, languages: tuple[str, ...]) -> list[Spoken]:
        return [
            announcement(language, self.settings.templates[language], number, window)
            for language in languages
        ]

    async def wav(self, number: str, window: int, languages: tuple[str, ...]) -> bytes | None:
        """The whole announcement, or None when no voice can say any of it (the page then
        falls back to the browser's own speech)."""
        parts: list[Clip] = []
        for spoken in self.spoken(number, window, languages):
            clips = await self._voice(spoken)
            if clips is None:
                continue
            if parts:
                parts.append(silence(clips[0], _GAP_S))
            parts.extend(clips)
        if not parts:
            return None
        return concatenate([chime(parts[0]), silence(parts[0], _GAP_S), *parts])

    async def _voice(self, spoken: Spoken) -> list[Clip] | None:
        if self.pack is not None:
            clips = self.pack.say(spoken.language, spoken.words)
            if clips is not None:
                return clips
        voice = ESPEAK_VOICES.get(spoken.language)
        if self.espeak is None or voice is None:
            return None
        try:
            return [read_wav(await self.synthesize(self.espeak, voice, spoken.speech))]
        except (OSError, EOFError, wave.Error, RuntimeError) as exc:
            log.warning("espeak-ng could not say %r: %s", spoken.speech, exc)
            return None

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
