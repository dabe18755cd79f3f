"""Every user-facing sentence of the queue server, in Simplified Chinese (default) and English."""

from __future__ import annotations

from typing import Any

DEFAULT_LANGUAGE = "zh-CN"
LANGUAGES = ("zh-CN", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "error.unknown_hall": {"zh-CN": "没有这个大厅：{hall}", "en": "Unknown hall: {hall}"},
    "error.unknown_category": {
        "zh-CN": "大厅 {hall} 没有这个业务类别：{category}",
        "en": "Hall {hall} has no category {category}",
    },
    "error.unknown_window": {
        "zh-CN": "大厅 {hall} 没有 {window} 号窗口",
        "en": "Hall {hall} has no window {window}",
    },
    "error.unknown_ticket": {"zh-CN": "没有这张票：{ticket}", "en": "Unknown ticket: {ticket}"},
    "error.unknown_number": {
        "zh-CN": "今天没有 {number} 号",
        "en": "There is no number {number} today",
    },
    "error.unknown_priority": {
        "zh-CN": "不支持的优先类别：{priority}（可选：{allowed}）",
        "en": "Unknown priority {priority} (one of: {allowed})",
    },
    "error.unknown_verb": {
        "zh-CN": "窗口没有这个操作：{verb}（可选：{allowed}）",
        "en": "Unknown window action {verb} (one of: {allowed})",
    },
    "error.appointment_needs_slot": {
        "zh-CN": "预约票需要预约时段（appointment_start 与 appointment_end）",
        "en": "An appointment ticket needs its slot (appointment_start and appointment_end)",
    },
    "error.illegal_ticket_step": {
        "zh-CN": "{number} 号当前状态为「{status}」，不能执行「{verb}」",
        "en": "Ticket {number} is {status}; it cannot {verb}",
    },
    "error.illegal_window_step": {
        "zh-CN": "{window} 号窗口当前状态为「{state}」，不能执行「{verb}」",
        "en": "Window {window} is {state}; it cannot {verb}",
    },
    "error.window_not_open": {
        "zh-CN": "{window} 号窗口未开放（{state}），不能叫号",
        "en": "Window {window} is not open ({state}); it cannot call",
    },
    "error.window_busy": {
        "zh-CN": "{window} 号窗口正在办理 {number} 号，请先办结、过号或挂起",
        "en": "Window {window} is still on {number}: finish, mark no-show or hold it first",
    },
    "error.no_current_ticket": {
        "zh-CN": "{window} 号窗口当前没有叫到的号",
        "en": "Window {window} has no ticket called",
    },
    "error.nothing_held": {
        "zh-CN": "{window} 号窗口没有挂起的号",
        "en": "Window {window} has no ticket on hold",
    },
    "error.held_elsewhere": {
        "zh-CN": "{number} 号挂起在 {window} 号窗口",
        "en": "Ticket {number} is on hold at window {window}",
    },
    "error.grace_expired": {
        "zh-CN": "{number} 号过号已超过 {minutes} 分钟，请重新取号",
        "en": "Ticket {number} was missed over {minutes} minutes ago; please take a new number",
    },
    "error.transfer_target": {
        "zh-CN": "转移需要且只需要一个目标：to_category 或 to_window",
        "en": "A transfer needs exactly one target: to_category or to_window",
    },
    "error.empty_services": {
        "zh-CN": "{window} 号窗口至少要办理一个业务类别",
        "en": "Window {window} must serve at least one category",
    },
    "error.bad_json": {
        "zh-CN": "请求体不是有效的 JSON 对象",
        "en": "The request body is not a valid JSON object",
    },
    "error.bad_field": {
        "zh-CN": "字段 {field} 无效：{problem}",
        "en": "Field {field} is invalid: {problem}",
    },
    "error.not_authenticated": {
        "zh-CN": "需要登录或设备令牌",
        "en": "Sign-in or a device token is required",
    },
    "error.bad_credentials": {
        "zh-CN": "用户名或密码错误",
        "en": "Wrong user name or password",
    },
    "error.bad_token": {
        "zh-CN": "令牌无效或已过期",
        "en": "The token is invalid or has expired",
    },
    "error.forbidden_role": {
        "zh-CN": "当前身份（{role}）无权执行此操作",
        "en": "Your role ({role}) may not do this",
    },
    "error.forbidden_hall": {
        "zh-CN": "无权操作大厅 {hall}",
        "en": "You may not act in hall {hall}",
    },
    "error.forbidden_window": {
        "zh-CN": "{window} 号窗口由 {clerk} 开启，只有开启的人或主管可以操作",
        "en": "Window {window} was opened by {clerk}; only they or a supervisor may act on it",
    },
    "error.not_found": {"zh-CN": "没有这个地址：{path}", "en": "Not found: {path}"},
    "error.method_not_allowed": {
        "zh-CN": "此地址不支持 {method} 方法",
        "en": "Method {method} is not allowed here",
    },
    "error.store_unavailable": {
        "zh-CN": "数据存储暂时不可用，请稍后重试",
        "en": "The data store is unavailable; please retry shortly",
    },
    "error.internal": {
        "zh-CN": "服务器内部错误，已记录",
        "en": "Internal server error; it has been logged",
    },
    # ---- opening hours (queue_server.domain.opening) ----
    "error.issuing_closed": {
        "zh-CN": "当前不在取号时间，下次取号时间：{next}",
        "en": "Numbers are not issued at this time; next opening: {next}",
    },
    "error.issuing_ended": {
        "zh-CN": "今日取号已结束，窗口继续为已取号群众办理；下次取号时间：{next}",
        "en": "No more numbers today; windows go on serving those waiting. Next opening: {next}",
    },
    "error.category_not_on_weekend": {
        "zh-CN": "「{category}」周末不办理，请于工作日前来",
        "en": "{category_en} is not served at weekends; please come on a working day",
    },
    # ---- kiosk, printing, online tickets and bookings (ticket_printer) ----
    "error.no_printer": {
        "zh-CN": "没有为此自助机或请求指定打印机",
        "en": "No printer is configured for this kiosk or request",
    },
    "error.unknown_printer": {
        "zh-CN": "大厅 {hall} 没有打印机 {printer}",
        "en": "Hall {hall} has no printer {printer}",
    },
    "error.reprint_limit": {
        "zh-CN": "{number} 号已重新打印 {count} 次，请到服务台办理",
        "en": "Ticket {number} was reprinted {count} times; please ask at the service desk",
    },
    "error.reprint_not_own": {
        "zh-CN": "自助机只能补打本机取的号",
        "en": "A kiosk may only reprint tickets it issued",
    },
    "error.rate_limited": {
        "zh-CN": "操作太频繁，请 {seconds} 秒后再试",
        "en": "Too many requests; please try again in {seconds} s",
    },
    "error.daily_limit": {
        "zh-CN": "此手机号今日已取号 {limit} 次，已达上限",
        "en": "This phone number has taken {limit} numbers today, the daily limit",
    },
    "error.bad_phone": {
        "zh-CN": "请输入 11 位手机号码",
        "en": "Please enter an 11-digit mobile number",
    },
    "error.unknown_booking": {
        "zh-CN": "预约码 {code} 无效",
        "en": "Booking code {code} is not valid",
    },
    "error.booking_used": {
        "zh-CN": "预约码 {code} 已签到（{number} 号）",
        "en": "Booking code {code} was already checked in (number {number})",
    },
    "error.booking_not_now": {
        "zh-CN": "预约时段为 {start}–{end}，请在时段开始前 {early} 分钟内签到",
        "en": "Your slot is {start}-{end}; check in at most {early} min before it starts",
    },
    "error.booking_slot": {
        "zh-CN": "预约时段无效：{problem}",
        "en": "The booking slot is invalid: {problem}",
    },
}


def pick_language(accept_language: str | None) -> str:
    """The first supported language the client asks for; zh-CN otherwise."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("zh"):
            return "zh-CN"
    return DEFAULT_LANGUAGE


def translate(key: str, language: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    template = entry.get(language) or entry[DEFAULT_LANGUAGE]
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template
