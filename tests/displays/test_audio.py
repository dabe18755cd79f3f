"""WAV joining with the stdlib, the chime, voice packs, and the espeak-ng disk cache."""

from __future__ import annotations

import asyncio
import io
import math
import shutil
import struct
import subprocess
import wave
from pathlib import Path

import pytest

from displays.announce import announcement
from displays.audio import Clip, VoicePack, VoicePackError, chime, concatenate, read_wav
from displays.kit.messages import ANNOUNCE_TEMPLATES
from displays.settings import DisplaySettings
from displays.synth import Announcer

RATE = 16000


def tone(frequency: float, seconds: float, rate: int = RATE) -> bytes:
    """A sine tone as a WAV file: a stand-in for a recorded clip."""
    count = round(rate * seconds)
    samples = [round(8000 * math.sin(2 * math.pi * frequency * i / rate)) for i in range(count)]
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(struct.pack(f"<{count}h", *samples))
    return out.getvalue()


def write_tone_pack(directory: Path, language: str = "zh-CN") -> dict[str, float]:
    """A tiny voice pack: one tone per word of 「请 A001 号到 3 号窗口办理」; returns durations."""
    words = announcement(language, ANNOUNCE_TEMPLATES[language], "A001", 3).words
    durations: dict[str, float] = {}
    lines = ["[pack]", 'name = "tones"', f'[clips."{language}"]']
    for i, word in enumerate(dict.fromkeys(words)):
        durations[word] = 0.1 + 0.05 * i
        (directory / f"{i}.wav").write_bytes(tone(300 + 40 * i, durations[word]))
        lines.append(f'"{word}" = "{i}.wav"')
    (directory / "pack.toml").write_text("\n".join(lines), encoding="utf-8")
    return durations


def seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data), "rb") as reader:
        return reader.getnframes() / reader.getframerate()


def test_concatenation_is_a_valid_wav_as_long_as_its_parts() -> None:
    parts = [read_wav(tone(440, 0.25)), read_wav(tone(660, 0.5)), read_wav(tone(880, 0.125))]
    joined = concatenate(parts)
    assert seconds(joined) == pytest.approx(0.875, abs=1 / RATE)
    assert read_wav(joined).frames == b"".join(p.frames for p in parts)


def test_clips_of_different_formats_are_not_joined() -> None:
    with pytest.raises(ValueError, match="cannot join"):
        concatenate([read_wav(tone(440, 0.1)), read_wav(tone(440, 0.1, rate=22050))])


def test_the_chime_matches_the_voice_format() -> None:
    voice = read_wav(tone(440, 0.1, rate=22050))
    ding = chime(voice)
    assert ding.alike(voice) and 0.9 < seconds(concatenate([ding])) < 1.0
    stereo = chime(Clip(2, 2, 8000, b""))
    assert stereo.channels == 2 and len(stereo.frames) == 4 * round(8000 * 0.95)


async def test_a_voice_pack_says_a_call_as_the_sum_of_its_clips(tmp_path: Path) -> None:
    durations = write_tone_pack(tmp_path)
    settings = DisplaySettings(
        languages=("zh-CN",), voice_pack=tmp_path, cache_dir=tmp_path / "cache", espeak="absent"
    )
    announcer = Announcer(settings)
    data = await announcer.wav("A001", 3, ("zh-CN",))
    assert data is not None
    words = announcement("zh-CN", ANNOUNCE_TEMPLATES["zh-CN"], "A001", 3).words
    speech = sum(durations[word] for word in words)
    ding = seconds(concatenate([chime(read_wav(tone(1, 0.01)))]))
    # chime, a gap, the words, and the pause that keeps it apart from the next call
    assert seconds(data) == pytest.approx(ding + 0.3 + speech + 0.25, abs=0.001)


async def test_a_pack_missing_a_word_leaves_the_call_to_espeak_or_nobody(tmp_path: Path) -> None:
    write_tone_pack(tmp_path)
    settings = DisplaySettings(voice_pack=tmp_path, cache_dir=tmp_path / "c", espeak="absent")
    # Window 9 is not in the pack, and there is no espeak: nothing can speak.
    assert await Announcer(settings).wav("A001", 9, ("zh-CN",)) is None


def test_a_broken_pack_says_which_clip(tmp_path: Path) -> None:
    (tmp_path / "pack.toml").write_text('[clips.zh-CN]\n"请" = "missing.wav"\n', encoding="utf-8")
    with pytest.raises(VoicePackError, match=r"missing\.wav"):
        VoicePack(tmp_path)
    (tmp_path / "a.wav").write_bytes(tone(440, 0.1))
    (tmp_path / "b.wav").write_bytes(tone(440, 0.1, rate=8000))
    (tmp_path / "pack.toml").write_text('[clips.en]\nA = "a.wav"\nB = "b.wav"\n', encoding="utf-8")
    with pytest.raises(VoicePackError, match="differs in format"):
        VoicePack(tmp_path)
    # A screen with a broken pack still speaks, with espeak-ng.
    assert Announcer(DisplaySettings(voice_pack=tmp_path, cache_dir=tmp_path)).pack is None


needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng absent")


@needs_espeak
async def test_espeak_output_is_cached_on_disk_and_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    announcer = Announcer(DisplaySettings(cache_dir=tmp_path))
    runs: list[str] = []
    real = announcer._run_espeak

    async def counting(espeak: str, voice: str, text: str, speed: int) -> bytes:
        runs.append(text)
        return await real(espeak, voice, text, speed)

    monkeypatch.setattr(announcer, "_run_espeak", counting)
    first = await announcer.wav("A001", 3, ("zh-CN", "en"))
    # Three phrases each: before the number, the number, the window phrase.
    assert first is not None and len(runs) == 6 and len(list(tmp_path.glob("*.wav"))) == 6
    # Mandarin is given to espeak-ng as pinyin, which it reads right.
    assert runs[:3] == ["qing3", "A ling2 ling2 yi1", "hao4 dao4 san1 hao4 chuang1 kou3"]
    second = await announcer.wav("A001", 3, ("zh-CN", "en"))
    assert second == first and len(runs) == 6  # both languages came from the cache
    await announcer.wav("A002", 3, ("zh-CN",))
    assert runs[6:] == ["A ling2 ling2 er4"]  # only the new number: "请" and window 3 are cached
    # chime + gap + Chinese + gap + English, all one 16-bit mono WAV
    clip = read_wav(first)
    assert (clip.channels, clip.width) == (1, 2) and seconds(first) > 3


@needs_espeak
async def test_the_cache_keeps_only_the_newest_files(tmp_path: Path) -> None:
    announcer = Announcer(DisplaySettings(cache_dir=tmp_path, cache_files=10))
    for window in range(1, 14):
        await announcer.wav("A001", window, ("en",))
    assert len(list(tmp_path.glob("*.wav"))) == 10


def sox_stat(path: Path) -> dict[str, float]:
    """What `sox --i -D` and `sox … -n stat` measure: length and loudness of a WAV."""
    length = float(subprocess.run(["sox", "--i", "-D", str(path)], capture_output=True, text=True).stdout)
    stat = subprocess.run(["sox", str(path), "-n", "stat"], capture_output=True, text=True).stderr
    values = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in stat.splitlines())}
    return {"length": length, "rms": float(values["RMS     amplitude"])}


@needs_espeak
@pytest.mark.skipif(shutil.which("sox") is None, reason="sox absent")
async def test_a_burst_call_is_short_and_spoken(tmp_path: Path) -> None:
    """Thirteen windows at once: each call after the first must be said in about a second
    (11 of them within 15 s) and still be speech, not silence or a click."""
    announcer = Announcer(DisplaySettings(cache_dir=tmp_path / "cache"))
    full = await announcer.wav("B002", 5, ("zh-CN",))
    burst = await announcer.wav("B002", 5, ("zh-CN",), burst=True)
    slow = await Announcer(DisplaySettings(cache_dir=tmp_path / "cache", burst_speed=175)).wav(
        "B002", 5, ("zh-CN",), burst=True
    )
    assert full is not None and burst is not None and slow is not None
    measured = {}
    for name, data in {"full": full, "burst": burst, "slow": slow}.items():
        (tmp_path / f"{name}.wav").write_bytes(data)
        measured[name] = sox_stat(tmp_path / f"{name}.wav")
    # 「B零零二到五号」 with its pause: under 1.2 s, where espeak-ng's default rate takes 1.8 s.
    assert 0.6 < measured["burst"]["length"] < 1.2, measured
    assert measured["slow"]["length"] > measured["burst"]["length"] + 0.3, measured
    # Speech, as loud as the full call's: trimming left the words in.
    assert measured["burst"]["rms"] > 0.5 * measured["full"]["rms"] > 0.01, measured


@needs_espeak
async def test_said_ahead_a_call_needs_no_synthesis(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    announcer = Announcer(DisplaySettings(cache_dir=tmp_path))
    announcer.warm_up([3, 12], ["A001", "A002"], ("zh-CN",))
    announcer.warm_up([3, 12], ["A002"], ("zh-CN",))  # a second screen: nothing more to say
    while announcer._warming:
        await asyncio.gather(*announcer._warming)
    # 请 + per window its full and its burst phrase + per number both speeds.
    assert len(list(tmp_path.glob("*.wav"))) == 1 + 2 * 2 + 2 * 2
    runs: list[str] = []
    real = announcer._run_espeak

    async def counting(espeak: str, voice: str, text: str, speed: int) -> bytes:
        runs.append(text)
        return await real(espeak, voice, text, speed)

    monkeypatch.setattr(announcer, "_run_espeak", counting)
    full = await announcer.wav("A001", 12, ("zh-CN",))
    burst = await announcer.wav("A002", 3, ("zh-CN",), burst=True)
    assert runs == [] and full is not None and burst is not None
    await announcer.wav("A003", 3, ("zh-CN",), burst=True)
    assert runs == ["A ling2 ling2 san1"]  # a number not said ahead: only it
