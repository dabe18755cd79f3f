"""WAV clips with the stdlib `wave` module: read, join, a chime, and recorded voice packs.

Only uncompressed PCM is handled. Clips that are joined must share channels, sample width
and rate: a voice pack is checked for that once, when it is loaded, rather than at each call.
"""

from __future__ import annotations

import io
import math
import struct
import tomllib
import wave
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Clip:
    channels: int
    width: int  # bytes per sample
    rate: int
    frames: bytes

    def alike(self, other: Clip) -> bool:
        return (self.channels, self.width, self.rate) == (other.channels, other.width, other.rate)


def read_wav(data: bytes) -> Clip:
    with wave.open(io.BytesIO(data), "rb") as reader:
        return Clip(
            reader.getnchannels(),
            reader.getsampwidth(),
            reader.getframerate(),
            reader.readframes(reader.getnframes()),
        )


def silence(like: Clip, seconds: float) -> Clip:
    frames = round(like.rate * seconds)
    return Clip(like.channels, like.width, like.rate, b"\0" * frames * like.channels * like.width)


def trim(clip: Clip, threshold: int = 300, margin_s: float = 0.02) -> Clip:
    """The clip without the silence a synthesiser puts before and after speech (about 0.4 s
    for espeak-ng), so that phrases joined into one call follow each other as in speech."""
    if clip.width != 2:
        return clip
    frame = clip.channels * 2
    count = len(clip.frames) // 2
    samples = struct.unpack(f"<{count}h", clip.frames[: count * 2])
    loud = [i for i in range(0, count, clip.channels) if abs(samples[i]) > threshold]
    if not loud:
        return clip
    margin = round(clip.rate * margin_s)
    first = max(0, loud[0] // clip.channels - margin)
    last = min(count // clip.channels, loud[-1] // clip.channels + margin)
    return Clip(clip.channels, 2, clip.rate, clip.frames[first * frame : last * frame])


def concatenate(clips: list[Clip]) -> bytes:
    """One WAV file of the clips in order; its duration is the sum of theirs."""
    if not clips:
        raise ValueError("nothing to join")
    first = clips[0]
    for clip in clips[1:]:
        if not clip.alike(first):
            raise ValueError(
                f"cannot join a {clip.channels}ch/{clip.width * 8}bit/{clip.rate}Hz clip to "
                f"{first.channels}ch/{first.width * 8}bit/{first.rate}Hz"
            )
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(first.channels)
        writer.setsampwidth(first.width)
        writer.setframerate(first.rate)
        writer.writeframes(b"".join(clip.frames for clip in clips))
    return out.getvalue()


def chime(like: Clip) -> Clip:
    """A soft two-note 叮咚 (E6 then C6) so that people look up before the number is spoken."""
    if like.width != 2:
        raise ValueError("the chime is made for 16-bit clips")
    samples: list[int] = []
    for frequency, seconds in ((1318.5, 0.35), (1046.5, 0.6)):
        count = round(like.rate * seconds)
        for i in range(count):
            t = i / like.rate
            # Bell-like: a quick attack and an exponential decay, with a quiet octave on top.
            envelope = min(1.0, t / 0.01) * math.exp(-4.0 * t)
            wave_value = math.sin(2 * math.pi * frequency * t)
            wave_value += 0.3 * math.sin(4 * math.pi * frequency * t)
            samples.append(round(9000 * envelope * wave_value))
    mono = struct.pack(f"<{len(samples)}h", *samples)
    if like.channels == 1:
        return Clip(1, 2, like.rate, mono)
    frames = b"".join(mono[i : i + 2] * like.channels for i in range(0, len(mono), 2))
    return Clip(like.channels, 2, like.rate, frames)


class VoicePackError(Exception):
    pass


class VoicePack:
    """Recorded clips named by the words they say, per language, listed in pack.toml:

        [pack]
        name = "Weiyang hall voice, 2026"
        [clips.zh-CN]
        "请" = "zh/qing.wav"
        "A" = "zh/a.wav"
        "零" = "zh/0.wav"
        ...

    A language is spoken from the pack only if every word of the call has a clip.
    """

    def __init__(self, directory: Path) -> None:
        manifest = directory / "pack.toml"
        try:
            raw = tomllib.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise VoicePackError(f"{manifest}: {exc}") from None
        self.name = str(raw.get("pack", {}).get("name", directory.name))
        self.clips: dict[str, dict[str, Clip]] = {}
        problems: list[str] = []
        reference: Clip | None = None
        for language, table in raw.get("clips", {}).items():
            for word, file in table.items():
                try:
                    clip = read_wav((directory / file).read_bytes())
                except (OSError, EOFError, wave.Error) as exc:
                    problems.append(f"{language} {word!r}: {file}: {exc}")
                    continue
                reference = reference or clip
                if not clip.alike(reference):
                    problems.append(f"{language} {word!r}: {file} differs in format from the rest")
                    continue
                self.clips.setdefault(language, {})[word] = clip
        if problems:
            raise VoicePackError(f"{directory}: " + "; ".join(problems))

    def say(self, language: str, words: tuple[str, ...]) -> list[Clip] | None:
        table = self.clips.get(language, {})
        if not words or any(word not in table for word in words):
            return None
        return [table[word] for word in words]
