"""Every user-facing sentence of the screens, Simplified Chinese first and English second.

Screens show both languages at once (Chinese large, English small), so pages get the whole
table rather than one language picked from a request header.
"""

from __future__ import annotations

from queue_server.messages import render

DEFAULT_LANGUAGE = "zh-CN"
LANGUAGES = ("zh-CN", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "now_calling": {"zh-CN": "正在呼叫", "en": "Now calling"},
    "go_to_window": {"zh-CN": "请到 {window} 号窗口", "en": "Please go to window {window}"},
    "no_call_yet": {"zh-CN": "请留意叫号", "en": "Please watch for your number"},
    "recent_calls": {"zh-CN": "最近呼叫", "en": "Recent calls"},
    "windows": {"zh-CN": "窗口", "en": "Windows"},
    "waiting": {"zh-CN": "等候人数", "en": "Waiting"},
    "waiting_unit": {"zh-CN": "人", "en": "waiting"},
    "window_label": {"zh-CN": "{window} 号窗口", "en": "Window {window}"},
    "state.open": {"zh-CN": "等待叫号", "en": "Open"},
    "state.paused": {"zh-CN": "暂停服务", "en": "Paused"},
    "state.closed": {"zh-CN": "未开放", "en": "Closed"},
    "serving": {"zh-CN": "正在办理", "en": "Now serving"},
    "called": {"zh-CN": "请 {number} 号办理", "en": "Number {number}, please"},
    "no_windows_open": {"zh-CN": "窗口暂未开放", "en": "No window is open yet"},
    "offline": {"zh-CN": "离线 · 正在重连", "en": "Offline · reconnecting"},
    "sound_blocked": {"zh-CN": "请点击屏幕以启用语音", "en": "Click the screen to enable sound"},
    "error.page": {"zh-CN": "无法显示此屏幕", "en": "This screen cannot be shown"},
    "error.bad_window": {"zh-CN": "没有这个窗口：{window}", "en": "No such window: {window}"},
    "error.bad_variant": {
        "zh-CN": "不支持的显示样式：{variant}",
        "en": "Unknown screen variant: {variant}",
    },
    "error.bad_call": {
        "zh-CN": "号码或窗口格式不正确",
        "en": "The number or window is not well formed",
    },
    "error.bad_language": {
        "zh-CN": "不支持的播报语言：{code}",
        "en": "Unsupported announcement language: {code}",
    },
}

# What the voice says for one call, per announcement language: short, so that a hall hears its
# calls while they are fresh. Halls may override these in config.toml ([displays.templates]);
# {number} and {window} are the only placeholders.
ANNOUNCE_TEMPLATES: dict[str, str] = {
    "zh-CN": "请{number}号到{window}号窗口",
    "en": "Number {number}, please go to window {window}",
    "yue": "請{number}號到{window}號窗口",
}

# A call that follows another without a pause (a burst: "请A001号到3号窗口，B002到5号，…"):
# the chime and the "please" were said once for the whole burst. [displays.burst_templates].
BURST_TEMPLATES: dict[str, str] = {
    "zh-CN": "{number}到{window}号",
    "en": "{number}, window {window}",
    "yue": "{number}到{window}號",
}


def translate(key: str, language: str = DEFAULT_LANGUAGE, **params: object) -> str:
    return render(MESSAGES, key, language, **params)


def both(key: str, **params: object) -> dict[str, str]:
    """One message in every screen language, for pages that show Chinese and English together."""
    return {language: translate(key, language, **params) for language in LANGUAGES}
