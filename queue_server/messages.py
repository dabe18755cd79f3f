"""Every user-facing sentence of the queue server, in Simplified Chinese (default) and English."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DEFAULT_LANGUAGE = "zh-CN"
LANGUAGES = ("zh-CN", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "error.unknown_hall": {"zh-CN": "没有这个大厅：{hall}", "en": "Unknown hall: {hall}"},
    "error.hall_retired": {
        "zh-CN": "大厅 {hall} 已撤销，不再提供服务（记录仍保留）",
        "en": "Hall {hall} has been retired and is no longer served (its records are kept)",
    },
    "error.hall_exists": {
        "zh-CN": "已有编号为 {hall} 的大厅（含已撤销的大厅），请换一个编号",
        "en": "A hall {hall} exists already (retired ones count: their records are kept); choose another id",
    },
    "error.hall_retire_tickets": {
        "zh-CN": "大厅 {hall} 还有 {tickets} 张未办结的号票，请先办结或取消",
        "en": "Hall {hall} still has {tickets} open tickets: finish or cancel them first",
    },
    "error.hall_retire_bookings": {
        "zh-CN": "大厅 {hall} 还有 {bookings} 个未到期的预约（最早 {first}），请先取消",
        "en": "Hall {hall} still has {bookings} bookings ahead (the first {first}): cancel them first",
    },
    "error.hall_last": {
        "zh-CN": "{hall} 是最后一个大厅，不能撤销",
        "en": "{hall} is the last hall and cannot be retired",
    },
    "error.unknown_category": {
        "zh-CN": "大厅 {hall} 没有这个业务类别：{category}",
        "en": "Hall {hall} has no category {category}",
    },
    "error.unknown_window": {
        "zh-CN": "大厅 {hall} 没有 {window} 号窗口",
        "en": "Hall {hall} has no window {window}",
    },
    "error.unknown_ticket": {"zh-CN": "没有这张票：{ticket}", "en": "Unknown ticket: {ticket}"},
    # The 好差评 levels in words (queue_server.reports.rating_export).
    "rating.level.5": {"zh-CN": "非常满意", "en": "Very satisfied"},
    "rating.level.4": {"zh-CN": "满意", "en": "Satisfied"},
    "rating.level.3": {"zh-CN": "基本满意", "en": "Fairly satisfied"},
    "rating.level.2": {"zh-CN": "不满意", "en": "Dissatisfied"},
    "rating.level.1": {"zh-CN": "非常不满意", "en": "Very dissatisfied"},
    # Visitor notifications (queue_server.outbound.notifier); a hall may word its own.
    "notify.ahead": {
        "zh-CN": "【{hall}】您的 {number} 号前面还有 {ahead} 位，请回到大厅留意叫号。",
        "en": "[{hall}] {number}: {ahead} ahead of you. Please come back to the hall.",
    },
    "notify.called": {
        "zh-CN": "【{hall}】请 {number} 号到 {window} 号窗口办理。",
        "en": "[{hall}] {number}, please go to window {window}.",
    },
    "error.unknown_webhook": {
        "zh-CN": "大厅 {hall} 没有这个 Webhook：{webhook}",
        "en": "Hall {hall} has no webhook {webhook}",
    },
    "error.unknown_number": {
        "zh-CN": "今天没有 {number} 号",
        "en": "There is no number {number} today",
    },
    "error.unknown_priority": {
        "zh-CN": "不支持的优先类别：{priority}（可选：{allowed}）",
        "en": "Unknown priority {priority} (one of: {allowed})",
    },
    "error.appointment_needs_slot": {
        "zh-CN": "预约票需要预约时段（appointment：start 与 minutes）",
        "en": "An appointment ticket needs its slot (appointment: start and minutes)",
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
        "zh-CN": "{window} 号窗口未开放（{state}），请先开启窗口",
        "en": "Window {window} is not open ({state}); open it first",
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
    "error.kiosk_priority": {
        "zh-CN": "自助取号机不能发放「{priority}」号（绿色通道由工作人员发放，预约号凭预约码签到），"
        "可选：{allowed}",
        "en": "A kiosk cannot issue {priority} tickets (green channel is given by staff, appointments by "
        "checking in with the booking code); it may issue: {allowed}",
    },
    "error.rating_device_unbound": {
        "zh-CN": "设备 {device} 未绑定窗口，不能评价（用 onewindow device add --window 登记评价器）",
        "en": "Device {device} is bound to no window, so it cannot rate (register a rating device "
        "with onewindow device add --window)",
    },
    "error.rating_other_window": {
        "zh-CN": "{number} 号不在本评价器的 {window} 号窗口办结，不能在此评价",
        "en": "Ticket {number} was not finished at window {window}, this rating device's window",
    },
    "error.token_revoked": {
        "zh-CN": "登录已失效（已退出、密码已重置或账号已停用），请重新登录",
        "en": "This sign-in has ended (signed out, password reset or account disabled): sign in again",
    },
    "error.account_disabled": {
        "zh-CN": "该账号已停用，请联系管理员",
        "en": "This account is disabled: ask an administrator",
    },
    "error.token_hall_retired": {
        "zh-CN": "此账号或设备所属的大厅已撤销，不再提供服务，请联系管理员",
        "en": "The hall of this account or device has been retired and is no longer served: "
        "ask an administrator",
    },
    "error.logout_device": {
        "zh-CN": "设备令牌不能退出登录，请由管理员移除设备",
        "en": "A device token cannot sign out: an administrator removes the device",
    },
    "error.too_many_attempts": {
        "zh-CN": "登录失败次数过多，请 {seconds} 秒后再试",
        "en": "Too many failed sign-ins: try again in {seconds} s",
    },
    "error.body_too_large": {
        "zh-CN": "请求体超过 {limit} 字节的上限",
        "en": "The request body is larger than the limit of {limit} bytes",
    },
    "error.lone_surrogate": {
        "zh-CN": "请求体含有无效字符：不成对的 UTF-16 代理项（如 \\ud800）",
        "en": "The request body holds a character that is not text: half of a UTF-16 pair (such as \\ud800)",
    },
    "error.json_too_deep": {
        "zh-CN": "请求体的 JSON 嵌套层数过多",
        "en": "The request body's JSON is nested too deeply",
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
    # ---- operations (queue_server.ops) ----
    "error.metrics_address": {
        "zh-CN": "地址 {address} 不在 [metrics] allow 允许的网段内，不能读取监控指标",
        "en": "Address {address} is outside [metrics] allow: metrics are not served to it",
    },
    "error.metrics_token": {
        "zh-CN": "读取监控指标需要 [metrics] token 中设置的令牌",
        "en": "Metrics need the bearer token set in [metrics] token",
    },
    "ready.store_unreachable": {
        "zh-CN": "数据存储无法访问：{problem}",
        "en": "The store cannot be reached: {problem}",
    },
    "ready.schema_behind": {
        "zh-CN": "数据库结构版本为 {revision}，程序需要 {head}：请运行 onewindow db upgrade",
        "en": "The schema is at revision {revision}, this version needs {head}: run onewindow db upgrade",
    },
    "ready.bus_unreachable": {
        "zh-CN": "消息总线（Redis）无法访问：{problem}",
        "en": "The bus (Redis) cannot be reached: {problem}",
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
    # ---- kiosk, printing, online tickets and bookings (displays.ticketing, queue_server.ticketing) ----
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
    "error.booking_checking_in": {
        "zh-CN": "预约码 {code} 正在另一台机器上签到，请稍后再试",
        "en": "Booking code {code} is being checked in at another kiosk; please try again shortly",
    },
    "error.checkin_code_or_phone": {
        "zh-CN": "请提供预约码或手机号（二者选一）",
        "en": "Give the booking code or the phone number (one of them)",
    },
    "error.booking_needs_phone": {
        "zh-CN": "预约需要填写手机号码（工作人员请先登录）",
        "en": "A booking needs your mobile number (staff: please sign in)",
    },
    "error.booking_too_early": {
        "zh-CN": "预约时段为 {start}–{end}，签到时间未到，请于 {opens} 后再来签到",
        "en": "Your slot is {start}-{end}; check-in opens at {opens}, please come back then",
    },
    "error.booking_missed": {
        "zh-CN": "预约时段 {start}–{end} 已过，签到已截止，请重新取号或预约",
        "en": "Your slot {start}-{end} is over and check-in has closed; please take a number or book again",
    },
    "error.booking_cancelled": {
        "zh-CN": "预约码 {code} 已取消",
        "en": "Booking code {code} was cancelled",
    },
    "error.no_booking_today": {
        "zh-CN": "此手机号今日没有预约",
        "en": "This phone number has no booking today",
    },
    "error.booking_not_yours": {
        "zh-CN": "没有用此手机号预约的预约码 {code}",
        "en": "There is no booking {code} made with this phone number",
    },
    "error.booking_over": {
        "zh-CN": "预约码 {code} 的时段已过，无需取消",
        "en": "The slot of booking {code} is over; there is nothing to cancel",
    },
    "error.booking_day": {
        "zh-CN": "只能预约 {first} 至 {last} 的时段",
        "en": "Slots can be booked from {first} to {last} only",
    },
    "error.booking_hall_closed": {
        "zh-CN": "大厅 {day} 不办公，请选择其他日期",
        "en": "The hall is closed on {day}; please choose another day",
    },
    "error.booking_not_a_slot": {
        "zh-CN": "{start} 起 {minutes} 分钟不是可预约的时段（每个时段 30 分钟，在办公时间内）",
        "en": "{start} for {minutes} min is not a bookable slot (slots are 30 min, inside opening hours)",
    },
    "error.booking_started": {
        "zh-CN": "{start} 的时段已开始，请选择之后的时段",
        "en": "The {start} slot has begun; please choose a later one",
    },
    "error.booking_full": {
        "zh-CN": "该时段已约满，请选择其他时段",
        "en": "This slot is fully booked; please choose another",
    },
    "error.booking_per_day": {
        "zh-CN": "此手机号当天已有 {limit} 个预约，已达上限",
        "en": "This phone number already has {limit} booking(s) that day, the limit",
    },
    "error.booking_open": {
        "zh-CN": "此手机号已有 {limit} 个未使用的预约，请先签到或取消",
        "en": "This phone number already has {limit} unused booking(s); check in or cancel one first",
    },
    "error.booking_blocked": {
        "zh-CN": "此手机号 {days} 天内 {misses} 次预约未到，{until} 前不能预约",
        "en": "This phone missed {misses} bookings within {days} days; it may book again after {until}",
    },
    "error.booking_slot": {
        "zh-CN": "预约时段无效：{problem}",
        "en": "The booking slot is invalid: {problem}",
    },
    "error.plan_no_history": {
        "zh-CN": "{start} 至 {end} 没有取号记录，无法据此编排",
        "en": "No tickets between {start} and {end} to plan from",
    },
    "error.booking_closed": {
        "zh-CN": "该时段大厅不办理此事项：{problem}",
        "en": "The hall does not serve this matter then: {problem}",
    },
    # ---- clerk console, rating device, supervisor dashboard (clerk_console) ----
    "error.prioritise_not_waiting": {
        "zh-CN": "{number} 号当前状态为「{status}」，只有等候中的号可以设为优先",
        "en": "Ticket {number} is {status}; only a waiting ticket can be prioritised",
    },
    "error.rating_not_done": {
        "zh-CN": "{number} 号尚未办结，办结后才能评价",
        "en": "Ticket {number} is not finished yet; it can be rated once finished",
    },
    "error.rating_closed": {
        "zh-CN": "{number} 号的评价已截止（当日办结的业务当日评价）",
        "en": "Rating for {number} has closed (a matter is rated on the day it is finished)",
    },
    "error.already_rated": {
        "zh-CN": "{number} 号已经评价过，感谢您的反馈",
        "en": "Ticket {number} has already been rated; thank you",
    },
    "error.rating_level": {
        "zh-CN": "评价等级应为 1 到 5",
        "en": "The rating level must be 1 to 5",
    },
    "error.rating_needs_reason": {
        "zh-CN": "不满意的评价请选择或填写原因",
        "en": "Please choose or write a reason for a dissatisfied rating",
    },
    "error.rating_unknown_reason": {
        "zh-CN": "没有这个评价原因：{reason}",
        "en": "Unknown rating reason: {reason}",
    },
    "error.notice_too_long": {
        "zh-CN": "公告最多 {limit} 个字",
        "en": "A notice may have at most {limit} characters",
    },
    # A live change of a hall's settings (HallState.configure), refused naming what is in the way.
    "error.settings_stale": {
        "zh-CN": "大厅设置已由 {actor} 于 {at} 修改，您的保存未生效：请重新载入设置后再改",
        "en": "The hall's settings were changed by {actor} at {at} after you opened them; "
        "your save was not applied: reload the settings and make your change again",
    },
    "error.settings_stale_unknown": {
        "zh-CN": "大厅设置在您打开后已被修改，您的保存未生效：请重新载入设置后再改",
        "en": "The hall's settings changed after you opened them; your save was not applied: "
        "reload the settings and make your change again",
    },
    "error.settings_invalid": {
        "zh-CN": "大厅设置有误：{problems}",
        "en": "The hall's settings are not valid: {problems}",
    },
    "error.settings_other_hall": {
        "zh-CN": "这些设置属于大厅 {other}，不是 {hall}",
        "en": "These settings are hall {other}'s, not {hall}'s",
    },
    "error.settings_category_in_use": {
        "zh-CN": "业务类别「{category}」还有 {count} 张未办完的号（{numbers}）："
        "请先把这些号转到其他类别，再删除它",
        "en": "Category {category_en} still has {count} open tickets ({numbers}): transfer them "
        "to another category first, then remove it",
    },
    "error.settings_prefix_in_use": {
        "zh-CN": "字母 {prefix} 今天已用于其他类别的号（如 {number}），不能改给「{category}」："
        "否则会出现重号。请明天再改，或换一个字母",
        "en": "Letter {prefix} is already on today's tickets of another category (e.g. {number}); "
        "giving it to {category_en} would repeat numbers. Change it tomorrow or pick another letter",
    },
    "error.settings_window_in_use": {
        "zh-CN": "{window} 号窗口正在使用（{state}，{clerk}）：请先关闭窗口，再删除它",
        "en": "Window {window} is in use ({state}, {clerk}): close it first, then remove it",
    },
    "error.settings_window_has_tickets": {
        "zh-CN": "{window} 号窗口还有 {count} 张挂起或转给它的号（{numbers}）：请先处理这些号，再删除窗口",
        "en": "Window {window} still has {count} held or transferred tickets ({numbers}): deal "
        "with them first, then remove the window",
    },
    "error.settings_priority_in_use": {
        "zh-CN": "优先类别「{priority}」还有 {count} 位在等候（{numbers}）：请等他们办完后再删除",
        "en": "Priority class {priority_en} still has {count} visitors waiting ({numbers}): "
        "remove it once they are served",
    },
    "error.settings_timezone_in_use": {
        "zh-CN": "还有 {count} 张未办完的号（{numbers}）时不能更改时区（现为 {timezone}）：请在闭厅后更改",
        "en": "The time zone ({timezone}) cannot change while {count} tickets are open "
        "({numbers}): change it after closing",
    },
    "error.settings_unknown_printer": {
        "zh-CN": "打印机 {printer}（给自助机 {kiosk}）不在本大厅的打印机中（现有：{known}）",
        "en": "Printer {printer} (for kiosk {kiosk}) is not one of the hall's printers ({known})",
    },
    "error.settings_version_required": {
        "zh-CN": "保存大厅设置需要读取时的版本（version）：请先读取当前设置，在其基础上修改后再保存",
        "en": "Saving the hall's settings needs the version they were read at: read the current "
        "settings, change them and save again",
    },
    "error.settings_bad_connection": {
        "zh-CN": "打印机 {printer} 的连接设置有误：{problem}",
        "en": "Printer {printer}'s connection cannot be used: {problem}",
    },
    "error.settings_hours_strand": {
        "zh-CN": "新的营业时间今天 {closing} 就已结束，但还有 {count} 位在等候（原营业至 {until}）："
        "请在他们办完后再改，或只从明天起改（特殊日期）",
        "en": "The new hours end today's service at {closing}, but {count} visitors are waiting "
        "(the hours were until {until}): change them once they are served, or from tomorrow on "
        "(a special day)",
    },
    "error.forbidden_clerk_stats": {
        "zh-CN": "窗口人员只能查看自己的统计",
        "en": "A clerk may only see their own figures",
    },
    "error.user_exists": {
        "zh-CN": "用户 {username} 已存在",
        "en": "User {username} already exists",
    },
    # ---- accounts and devices (queue_server.accounts, queue_server.administration) ----
    "error.password_short": {
        "zh-CN": "密码至少需要 {minimum} 个字符",
        "en": "The password must have at least {minimum} characters",
    },
    "error.password_common": {
        "zh-CN": "该密码属于最常见的密码之一，请换一个",
        "en": "The password is one of the most common passwords: choose another",
    },
    "error.hall_required": {
        "zh-CN": "本服务器有多个大厅，请指定大厅（{known}）",
        "en": "This server runs several halls: name the hall (one of: {known})",
    },
    "error.window_binds_screen": {
        "zh-CN": "只有显示屏能绑定窗口（作为该窗口的评价器）",
        "en": "Only a screen can be bound to a window (as that window's rating device)",
    },
    "error.unknown_account": {"zh-CN": "没有这个账号：{username}", "en": "There is no account {username}"},
    "error.unknown_device": {
        "zh-CN": "大厅 {hall} 没有这个设备：{device}",
        "en": "Hall {hall} has no device {device}",
    },
    "error.device_exists": {
        "zh-CN": "大厅 {hall} 已有名为 {device} 的设备",
        "en": "Hall {hall} already has a device named {device}",
    },
    "error.device_in_config": {
        "zh-CN": "{kind} {device} 在大厅设置的打印机中按名称登记，请先在那里改名",
        "en": "The {kind} {device} is named in the printers of the hall's settings: rename it there first",
    },
    "error.device_not_registered": {
        "zh-CN": "此设备的令牌未登记（已被撤销或已重新签发），请向管理员索取新令牌",
        "en": "This device's token is not registered (revoked or re-issued): ask an administrator "
        "for a new one",
    },
    "error.last_admin": {
        "zh-CN": "{username} 是最后一个启用的管理员，不能停用或降级：请先另设一名管理员",
        "en": "{username} is the last enabled admin and cannot be disabled or demoted: make another "
        "admin first",
    },
    "error.forbidden_account": {
        "zh-CN": "主管只能管理本大厅的窗口人员账号，不能管理{role}账号",
        "en": "A supervisor manages the clerk accounts of their own hall only, not a {role}'s",
    },
    # ---- reports and plans (queue_server.reports) ----
    "error.bad_param": {
        "zh-CN": "查询参数 {field} 无效：{problem}",
        "en": "Query parameter {field} is invalid: {problem}",
    },
}

# The words for the codes an error names: a person reads 「已办结」, never `done`. English
# words fit the sentences they go into ("Ticket A001 is finished; it cannot be called").
WORDS: dict[str, dict[str, str]] = {
    "status.waiting": {"zh-CN": "等候中", "en": "waiting"},
    "status.called": {"zh-CN": "已呼叫", "en": "called"},
    "status.serving": {"zh-CN": "办理中", "en": "being served"},
    "status.held": {"zh-CN": "挂起", "en": "on hold"},
    "status.done": {"zh-CN": "已办结", "en": "finished"},
    "status.no_show": {"zh-CN": "过号", "en": "a no-show"},
    "status.cancelled": {"zh-CN": "已取消", "en": "cancelled"},
    "status.expired": {"zh-CN": "已过期", "en": "expired"},
    "state.open": {"zh-CN": "开放", "en": "open"},
    "state.paused": {"zh-CN": "暂停", "en": "paused"},
    "state.closed": {"zh-CN": "关闭", "en": "closed"},
    "verb.call": {"zh-CN": "叫号", "en": "be called"},
    "verb.recall": {"zh-CN": "重呼", "en": "be called again"},
    "verb.start": {"zh-CN": "开始办理", "en": "be started"},
    "verb.finish": {"zh-CN": "办结", "en": "be finished"},
    "verb.no_show": {"zh-CN": "过号", "en": "be marked a no-show"},
    "verb.reactivate": {"zh-CN": "恢复排队", "en": "go back in the queue"},
    "verb.hold": {"zh-CN": "挂起", "en": "be put on hold"},
    "verb.call_back": {"zh-CN": "回呼", "en": "be called back"},
    "verb.transfer": {"zh-CN": "转移", "en": "be transferred"},
    "verb.cancel": {"zh-CN": "取消", "en": "be cancelled"},
    "verb.expire": {"zh-CN": "过期", "en": "expire"},
    "verb.open": {"zh-CN": "开启", "en": "be opened"},
    "verb.pause": {"zh-CN": "暂停", "en": "be paused"},
    "verb.resume": {"zh-CN": "恢复", "en": "resume"},
    "verb.close": {"zh-CN": "关闭", "en": "be closed"},
    "role.clerk": {"zh-CN": "窗口人员", "en": "clerk"},
    "role.supervisor": {"zh-CN": "主管", "en": "supervisor"},
    "role.admin": {"zh-CN": "管理员", "en": "admin"},
    "role.kiosk": {"zh-CN": "自助取号机", "en": "kiosk"},
    "role.screen": {"zh-CN": "显示屏", "en": "screen"},
    "role.printer": {"zh-CN": "打印机", "en": "printer"},
}
# Parameters that carry a code, and the words they take (a device's kind is its role);
# the error's `params` keep the code for programs.
_WORDED_PARAMS = {"status": "status", "state": "state", "verb": "verb", "role": "role", "kind": "role"}


def worded(params: Mapping[str, Any], language: str) -> dict[str, Any]:
    """The parameters with every known code replaced by its word in the language."""
    out = dict(params)
    for name, words in _WORDED_PARAMS.items():
        entry = WORDS.get(f"{words}.{out.get(name)}")
        if entry is not None:
            out[name] = entry.get(language) or entry[DEFAULT_LANGUAGE]
    return out


def pick_language(accept_language: str | None) -> str:
    """The first supported language the client asks for; zh-CN otherwise."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("zh"):
            return "zh-CN"
    return DEFAULT_LANGUAGE


def render(catalog: Mapping[str, Mapping[str, str]], key: str, language: str, **params: Any) -> str:
    """One entry of a catalog in a language (zh-CN when missing), its parameters filled in.
    The server's catalog and the pages' (displays/kit/messages.py) are worded with this."""
    entry = catalog.get(key)
    if entry is None:
        return key
    template = entry.get(language) or entry[DEFAULT_LANGUAGE]
    try:
        return template.format_map(_Shown(params))
    except (IndexError, ValueError):
        return template


class _Shown(dict[str, Any]):
    """The parameters given; one not given shows as its {name} (the pages' formatter does the
    same), so that a gap is seen rather than a sentence lost."""

    def __missing__(self, name: str) -> str:
        return f"{{{name}}}"


def translate(key: str, language: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    return render(MESSAGES, key, language, **worded(params, language))
