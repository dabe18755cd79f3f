"""Every sentence the console, the rating device and the dashboard show: zh-CN first, then en.

Server errors are worded by queue_server.messages (the API answers in the language the page
asks for); this catalog holds the pages' own words, alert texts and the default lists.
"""

from __future__ import annotations

from typing import Any

from queue_server.messages import render, worded

DEFAULT_LANGUAGE = "zh-CN"

MESSAGES: dict[str, dict[str, str]] = {
    # ---- shared ----
    "app.name": {"zh-CN": "一窗通", "en": "OneWindow"},
    "lang.switch": {"zh-CN": "English", "en": "中文"},
    "signin.title": {"zh-CN": "工作人员登录", "en": "Staff sign-in"},
    "signin.username": {"zh-CN": "用户名", "en": "User name"},
    "signin.password": {"zh-CN": "密码", "en": "Password"},
    "signin.submit": {"zh-CN": "登录", "en": "Sign in"},
    "signout": {"zh-CN": "退出登录", "en": "Sign out"},
    "online": {"zh-CN": "已连接", "en": "Live"},
    "offline": {"zh-CN": "连接中断，正在重连…", "en": "Connection lost, reconnecting…"},
    "refused.supervisor": {
        "zh-CN": "此页面仅限主管使用。",
        "en": "This page is for supervisors only.",
    },
    "refused.admin": {"zh-CN": "此页面仅限管理员使用。", "en": "This page is for admins only."},
    "minutes": {"zh-CN": "{n} 分钟", "en": "{n} min"},
    "none": {"zh-CN": "无", "en": "None"},
    "cancel": {"zh-CN": "取消", "en": "Cancel"},
    "confirm": {"zh-CN": "确定", "en": "OK"},
    "close": {"zh-CN": "关闭", "en": "Close"},
    "state.open": {"zh-CN": "开放", "en": "Open"},
    "state.paused": {"zh-CN": "暂停", "en": "Paused"},
    "state.closed": {"zh-CN": "关闭", "en": "Closed"},
    "status.waiting": {"zh-CN": "等候中", "en": "Waiting"},
    "status.called": {"zh-CN": "已呼叫", "en": "Called"},
    "status.serving": {"zh-CN": "办理中", "en": "Serving"},
    "status.held": {"zh-CN": "挂起", "en": "On hold"},
    "status.done": {"zh-CN": "已办结", "en": "Done"},
    "status.no_show": {"zh-CN": "过号", "en": "No-show"},
    "status.cancelled": {"zh-CN": "已取消", "en": "Cancelled"},
    "status.expired": {"zh-CN": "已过期", "en": "Expired"},
    "comprehensive": {"zh-CN": "综合窗口（全部业务）", "en": "Comprehensive (all matters)"},
    # Who did a step, as the ledger names them ("clerk:clerk1", "device:kiosk-1", "system").
    "actor.device": {"zh-CN": "设备", "en": "Device"},
    "actor.system": {"zh-CN": "系统", "en": "System"},
    "actor.visitor": {"zh-CN": "办事群众", "en": "Visitor"},
    "actor.online": {"zh-CN": "线上取号", "en": "Online ticket"},
    "actor.window": {"zh-CN": "{window} 号窗口", "en": "window {window}"},
    "device.kiosk": {"zh-CN": "自助取号机", "en": "Kiosk"},
    "device.screen": {"zh-CN": "显示屏", "en": "Screen"},
    "device.printer": {"zh-CN": "打印机", "en": "Printer"},
    "printer.ok": {"zh-CN": "正常", "en": "Ready"},
    "printer.offline": {"zh-CN": "离线", "en": "Offline"},
    "printer.paper_out": {"zh-CN": "缺纸", "en": "Out of paper"},
    "printer.cover_open": {"zh-CN": "纸仓盖未关", "en": "Cover open"},
    "printer.error": {"zh-CN": "故障", "en": "Fault"},
    # Ledger entries (服务日志台账) as the dashboard's history lists them.
    "event.ticket.issued": {"zh-CN": "取号", "en": "Ticket issued"},
    "event.ticket.called": {"zh-CN": "叫号", "en": "Called"},
    "event.ticket.recalled": {"zh-CN": "重呼", "en": "Called again"},
    "event.ticket.started": {"zh-CN": "开始办理", "en": "Service started"},
    "event.ticket.finished": {"zh-CN": "办结", "en": "Finished"},
    "event.ticket.no_show": {"zh-CN": "过号", "en": "No-show"},
    "event.ticket.reactivated": {"zh-CN": "过号后恢复排队", "en": "Back in the queue after a no-show"},
    "event.ticket.held": {"zh-CN": "挂起", "en": "Put on hold"},
    "event.ticket.called_back": {"zh-CN": "回呼", "en": "Called back"},
    "event.ticket.transferred": {"zh-CN": "转移", "en": "Transferred"},
    "event.ticket.cancelled": {"zh-CN": "取消", "en": "Cancelled"},
    "event.ticket.expired": {"zh-CN": "过期", "en": "Expired"},
    "event.ticket.prioritised": {"zh-CN": "设为优先", "en": "Prioritised"},
    "event.ticket.rated": {"zh-CN": "评价", "en": "Rated"},
    "event.window.opened": {"zh-CN": "窗口开启", "en": "Window opened"},
    "event.window.paused": {"zh-CN": "窗口暂停", "en": "Window paused"},
    "event.window.resumed": {"zh-CN": "窗口恢复", "en": "Window resumed"},
    "event.window.closed": {"zh-CN": "窗口关闭", "en": "Window closed"},
    "event.window.services_changed": {"zh-CN": "调整业务范围", "en": "Categories changed"},
    "event.hall.notice": {"zh-CN": "大厅公告", "en": "Hall notice"},
    # ---- the clerk's console ----
    "console.title": {"zh-CN": "窗口工作台", "en": "Window console"},
    "console.pick": {"zh-CN": "选择窗口", "en": "Choose a window"},
    "console.open": {"zh-CN": "开启此窗口", "en": "Open this window"},
    "console.continue": {"zh-CN": "进入我的窗口", "en": "Go to my window"},
    "console.taken": {"zh-CN": "{clerk} 正在使用", "en": "In use by {clerk}"},
    "console.hall": {"zh-CN": "大厅", "en": "Hall"},
    "console.current": {"zh-CN": "当前号码", "en": "Current number"},
    "console.idle": {"zh-CN": "空闲，请叫号", "en": "Free: call the next number"},
    "console.timer.called": {"zh-CN": "已呼叫", "en": "Called"},
    "console.timer.serving": {"zh-CN": "已办理", "en": "Serving for"},
    "console.calls": {"zh-CN": "呼叫 {n} 次", "en": "Called {n}×"},
    "console.queue": {"zh-CN": "本窗口可办业务", "en": "This window's queue"},
    "console.waiting": {"zh-CN": "等候人数", "en": "Waiting"},
    "console.longest": {"zh-CN": "最长等候", "en": "Longest wait"},
    "console.held": {"zh-CN": "挂起的号", "en": "On hold"},
    "console.held.none": {"zh-CN": "没有挂起的号", "en": "Nobody on hold"},
    "console.stats": {"zh-CN": "我的今日数据", "en": "My day"},
    "console.served": {"zh-CN": "已办结", "en": "Served"},
    "console.avg": {"zh-CN": "平均办理", "en": "Avg. handling"},
    "console.ratings": {"zh-CN": "评价", "en": "Ratings"},
    "console.ratings_value": {
        "zh-CN": "{count}（均 {average}）",
        "en": "{count} (avg. {average})",
    },
    "console.good_share": {"zh-CN": "好评率", "en": "Rated good"},
    "console.no_shows": {"zh-CN": "过号", "en": "No-shows"},
    "console.rated": {"zh-CN": "{number} 号评价：{level}", "en": "{number} rated: {level}"},
    "console.not_mine": {
        "zh-CN": "此窗口由 {clerk} 开启，您不能在此操作。",
        "en": "This window was opened by {clerk}; you cannot act on it.",
    },
    "console.paused_banner": {"zh-CN": "窗口已暂停：{reason}", "en": "Window paused: {reason}"},
    "verb.call-next": {"zh-CN": "叫号", "en": "Call next"},
    "verb.recall": {"zh-CN": "重呼", "en": "Recall"},
    "verb.start": {"zh-CN": "开始办理", "en": "Start"},
    "verb.finish": {"zh-CN": "办结", "en": "Finish"},
    "verb.no-show": {"zh-CN": "过号", "en": "No-show"},
    "verb.hold": {"zh-CN": "挂起", "en": "Hold"},
    "verb.call": {"zh-CN": "特呼", "en": "Call number"},
    "verb.call-back": {"zh-CN": "回呼", "en": "Call back"},
    "verb.transfer": {"zh-CN": "转移", "en": "Transfer"},
    "verb.pause": {"zh-CN": "暂停", "en": "Pause"},
    "verb.resume": {"zh-CN": "恢复", "en": "Resume"},
    "verb.open": {"zh-CN": "开启", "en": "Open"},
    "verb.close": {"zh-CN": "关闭窗口", "en": "Close window"},
    "verb.set-services": {"zh-CN": "调整业务", "en": "Set categories"},
    "call.number": {"zh-CN": "号码，如 A012", "en": "Number, e.g. A012"},
    "transfer.category": {"zh-CN": "转到业务类别", "en": "To category"},
    "transfer.window": {"zh-CN": "转到窗口", "en": "To window"},
    "pause.reason": {"zh-CN": "暂停原因", "en": "Reason"},
    "pause.lunch": {"zh-CN": "午休", "en": "Lunch"},
    "pause.meeting": {"zh-CN": "会议", "en": "Meeting"},
    "pause.fault": {"zh-CN": "系统故障", "en": "System fault"},
    "pause.other": {"zh-CN": "其他", "en": "Other"},
    "shortcuts": {
        "zh-CN": "快捷键：F1 叫号 · F2 重呼 · F3 开始 · F4 办结 · F5 过号",
        "en": "Keys: F1 call next · F2 recall · F3 start · F4 finish · F5 no-show",
    },
    # ---- the rating device ----
    "rate.title": {"zh-CN": "服务评价", "en": "Rate our service"},
    "rate.idle": {
        "zh-CN": "欢迎办事，请您对我们的服务进行评价",
        "en": "Welcome: please rate our service",
    },
    "rate.idle.sub": {
        "zh-CN": "办结后请在此评价本窗口的服务",
        "en": "When your matter is done, please rate this window here",
    },
    "rate.ask": {"zh-CN": "请对 {number} 号的办理进行评价", "en": "How was the service for {number}?"},
    "rate.level.5": {"zh-CN": "非常满意", "en": "Very satisfied"},
    "rate.level.4": {"zh-CN": "满意", "en": "Satisfied"},
    "rate.level.3": {"zh-CN": "基本满意", "en": "Fairly satisfied"},
    "rate.level.2": {"zh-CN": "不满意", "en": "Dissatisfied"},
    "rate.level.1": {"zh-CN": "非常不满意", "en": "Very dissatisfied"},
    "rate.reason": {
        "zh-CN": "请选择不满意的原因",
        "en": "Please tell us what went wrong",
    },
    "rate.comment": {"zh-CN": "补充说明（选填）", "en": "Anything else (optional)"},
    "rate.submit": {"zh-CN": "提交评价", "en": "Submit"},
    "rate.back": {"zh-CN": "返回", "en": "Back"},
    "rate.thanks": {"zh-CN": "感谢您的评价！", "en": "Thank you for your rating!"},
    "rate.followup": {
        "zh-CN": "我们会认真核实并回访改进。",
        "en": "We will look into it and follow up.",
    },
    "reason.wait": {"zh-CN": "等候时间太长", "en": "Waited too long"},
    "reason.attitude": {"zh-CN": "服务态度不好", "en": "Unfriendly service"},
    "reason.unclear": {"zh-CN": "告知不清楚、多次跑", "en": "Unclear instructions, had to come back"},
    "reason.slow": {"zh-CN": "办理效率低", "en": "Slow handling"},
    "reason.not_done": {"zh-CN": "事项未办成", "en": "Matter not resolved"},
    "reason.other": {"zh-CN": "其他原因", "en": "Other"},
    # ---- the supervisor's dashboard ----
    "board.title": {"zh-CN": "大厅监控", "en": "Hall dashboard"},
    "board.alerts": {"zh-CN": "预警", "en": "Alerts"},
    "board.alerts.none": {"zh-CN": "当前没有预警", "en": "No alerts"},
    "board.windows": {"zh-CN": "窗口", "en": "Windows"},
    "board.window": {"zh-CN": "窗口", "en": "Window"},
    "board.state": {"zh-CN": "状态", "en": "State"},
    "board.clerk": {"zh-CN": "工作人员", "en": "Clerk"},
    "board.serves": {"zh-CN": "办理业务", "en": "Serves"},
    "board.ticket": {"zh-CN": "当前号", "en": "Ticket"},
    "board.elapsed": {"zh-CN": "用时", "en": "Elapsed"},
    "board.actions": {"zh-CN": "操作", "en": "Actions"},
    "board.categories": {"zh-CN": "各业务等候", "en": "Waiting by category"},
    "board.category": {"zh-CN": "业务", "en": "Category"},
    "board.queue": {"zh-CN": "等候中的号", "en": "Waiting tickets"},
    "board.number": {"zh-CN": "号码", "en": "Number"},
    "board.priority": {"zh-CN": "优先类别", "en": "Priority"},
    "board.waited": {"zh-CN": "已等候", "en": "Waited"},
    "board.devices": {"zh-CN": "设备", "en": "Devices"},
    "board.device.connected": {"zh-CN": "在线", "en": "Online"},
    "board.device.offline": {"zh-CN": "离线", "en": "Offline"},
    "board.device.last_seen": {"zh-CN": "最后在线", "en": "Last seen"},
    "board.printers": {"zh-CN": "打印机", "en": "Printers"},
    "board.notice": {"zh-CN": "大厅公告", "en": "Hall notice"},
    "board.notice.post": {"zh-CN": "发布到大厅屏", "en": "Post to hall screens"},
    "board.notice.posted": {"zh-CN": "公告已发布", "en": "Notice posted"},
    "board.extended": {"zh-CN": "延时服务", "en": "Extended service"},
    "board.extended.none": {"zh-CN": "未到闭厅时间或无延时窗口", "en": "No window in extended service"},
    "board.extended.since": {
        "zh-CN": "今日 {end} 闭厅，已延时 {minutes} 分钟：",
        "en": "Closed at {end}; {minutes} min of extended service at:",
    },
    "board.history": {"zh-CN": "办理记录", "en": "History"},
    "board.prioritise": {"zh-CN": "设为优先", "en": "Prioritise"},
    "board.cancel_ticket": {"zh-CN": "取消此号", "en": "Cancel ticket"},
    "board.move": {"zh-CN": "转移", "en": "Move"},
    "board.services.save": {"zh-CN": "保存业务范围", "en": "Save categories"},
    "board.services.all": {"zh-CN": "全部业务（综合窗口）", "en": "All (comprehensive)"},
    "board.confirm_cancel": {"zh-CN": "确定取消 {number} 号？", "en": "Cancel ticket {number}?"},
    "priority.normal": {"zh-CN": "普通", "en": "Normal"},
    "priority.green": {"zh-CN": "绿色通道", "en": "Green channel"},
    "priority.appointment": {"zh-CN": "预约", "en": "Appointment"},
    # ---- alerts (clerk_console.alerts) ----
    "alert.long_wait": {
        "zh-CN": "{category}：{count} 人等候超过 {limit} 分钟，最长 {minutes} 分钟（{number}）",
        "en": "{category_en}: {count} waiting over {limit} min, longest {minutes} min ({number})",
    },
    "alert.long_handling": {
        "zh-CN": "{window} 号窗口办理 {number} 已 {minutes} 分钟，超过时限 {limit} 分钟",
        "en": "Window {window} has served {number} for {minutes} min (limit {limit} min)",
    },
    "alert.long_pause": {
        "zh-CN": "{window} 号窗口已暂停 {minutes} 分钟（{reason}），超过 {limit} 分钟",
        "en": "Window {window} paused for {minutes} min ({reason}), over {limit} min",
    },
    "alert.device_offline": {
        "zh-CN": "设备 {device}（{kind}）离线，最后在线：{last_seen}",
        "en": "Device {device} ({kind}) is offline; last seen: {last_seen}",
    },
    "alert.webhook_disabled": {
        "zh-CN": "Webhook {url} 连续投递失败一天，已于 {at} 停用；修复接收方后由管理员重新启用",
        "en": "Webhook {url} failed for a day and was disabled at {at}; an admin re-enables it",
    },
    "alert.never": {"zh-CN": "从未连接", "en": "never"},
    # ---- admin ----
    "admin.title": {"zh-CN": "账号管理", "en": "Accounts"},
    "admin.role": {"zh-CN": "角色", "en": "Role"},
    "admin.hall": {"zh-CN": "大厅", "en": "Hall"},
    "admin.created": {"zh-CN": "创建时间", "en": "Created"},
    "admin.add": {"zh-CN": "添加账号", "en": "Add account"},
    "admin.added": {"zh-CN": "已添加 {username}", "en": "Added {username}"},
    "role.clerk": {"zh-CN": "窗口人员", "en": "Clerk"},
    "role.supervisor": {"zh-CN": "主管", "en": "Supervisor"},
    "role.admin": {"zh-CN": "管理员", "en": "Admin"},
}


def both(key: str) -> dict[str, str]:
    """The entry in every language, for pages that switch language without a reload."""
    return MESSAGES.get(key, {DEFAULT_LANGUAGE: key})


def translate(key: str, language: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    return render(MESSAGES, key, language, **worded(params, language))


def page_strings() -> dict[str, dict[str, str]]:
    """What the pages' script needs (everything; the catalog is small)."""
    return MESSAGES
