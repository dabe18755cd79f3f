"""The pages' one catalog: every sentence a page shows, Simplified Chinese first, English second.

The server's catalog (queue_server/messages.py) words what the API answers, errors above all;
this one holds what the pages themselves show. Each key is here once. The staff pages' words
have bare keys; the words only one family of pages shows carry its prefix (`screen.`,
`visitor.`, `reports.`). A page gets its family's view (`page_strings`): the bare keys with its
own laid over them, prefix removed, so a word the pages share is written once.

The ticket's printed words stay with the renderer (ticket_printer/messages.py): the print agent
installs alone on a kiosk PC, without the pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from queue_server.messages import render, worded

DEFAULT_LANGUAGE: Final = "zh-CN"
LANGUAGES: Final = ("zh-CN", "en")
FAMILIES: Final = ("screen", "visitor", "reports")

MESSAGES: Final[dict[str, dict[str, str]]] = {
    # ---- staff pages (clerk_console), and every page's fallback ----
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
    "refused.manager": {
        "zh-CN": "此页面仅限管理员和主管使用。",
        "en": "This page is for admins and supervisors only.",
    },
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
    "event.hall.configured": {"zh-CN": "修改大厅设置", "en": "Hall settings changed"},
    "event.hall.retired": {"zh-CN": "撤销大厅", "en": "Hall retired"},
    "event.hall.alert": {"zh-CN": "预警", "en": "Alert"},
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
    "waiting": {"zh-CN": "等候人数", "en": "Waiting"},
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
    "no_shows": {"zh-CN": "过号", "en": "No-shows"},
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
    "back": {"zh-CN": "返回", "en": "Back"},
    "rate.thanks": {"zh-CN": "感谢您的评价！", "en": "Thank you for your rating!"},
    "rate.followup": {
        "zh-CN": "我们会认真核实并回访改进。",
        "en": "We will look into it and follow up.",
    },
    # ---- the supervisor's dashboard ----
    "board.title": {"zh-CN": "大厅监控", "en": "Hall dashboard"},
    "board.alerts": {"zh-CN": "预警", "en": "Alerts"},
    "board.alerts.none": {"zh-CN": "当前没有预警", "en": "No alerts"},
    "windows": {"zh-CN": "窗口", "en": "Windows"},
    "window": {"zh-CN": "窗口", "en": "Window"},
    "board.state": {"zh-CN": "状态", "en": "State"},
    "clerk": {"zh-CN": "工作人员", "en": "Clerk"},
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
    "board.bookings": {"zh-CN": "今日预约", "en": "Today's bookings"},
    "board.bookings.none": {"zh-CN": "今日没有预约", "en": "No bookings today"},
    "board.bookings.slot": {"zh-CN": "时段", "en": "Slot"},
    "board.bookings.code": {"zh-CN": "预约码", "en": "Code"},
    "board.bookings.status": {"zh-CN": "状态", "en": "Status"},
    "board.bookings.booked": {"zh-CN": "待签到", "en": "Booked"},
    "board.bookings.checked_in": {"zh-CN": "已签到", "en": "Checked in"},
    "board.bookings.cancelled": {"zh-CN": "已取消", "en": "Cancelled"},
    "board.bookings.missed": {"zh-CN": "未到", "en": "Missed"},
    "board.notice": {"zh-CN": "大厅公告", "en": "Hall notice"},
    "board.notice.post": {"zh-CN": "发布到大厅屏", "en": "Post to hall screens"},
    "board.notice.posted": {"zh-CN": "公告已发布", "en": "Notice posted"},
    "extended": {"zh-CN": "延时服务", "en": "Extended service"},
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
    "halls.id": {"zh-CN": "编号（小写字母、数字）", "en": "Id (lower-case letters, digits)"},
    "halls.timezone": {"zh-CN": "时区", "en": "Time zone"},
    "halls.category": {"zh-CN": "第一个业务类别（字母 A）", "en": "First category (letter A)"},
    "halls.windows": {"zh-CN": "综合窗口数", "en": "Comprehensive windows"},
    "halls.add": {"zh-CN": "新建大厅", "en": "Add hall"},
    "halls.added": {
        "zh-CN": "已新建大厅 {hall}，请在大厅设置中补充",
        "en": "Hall {hall} added; complete it in its settings",
    },
    "halls.retire": {"zh-CN": "撤销", "en": "Retire"},
    "halls.retire_confirm": {
        "zh-CN": "撤销大厅 {hall}？撤销后不再提供服务，记录保留。",
        "en": "Retire hall {hall}? It will no longer be served; its records are kept.",
    },
    "halls.retired": {"zh-CN": "已撤销大厅 {hall}", "en": "Hall {hall} retired"},
    "admin.role": {"zh-CN": "角色", "en": "Role"},
    "admin.hall": {"zh-CN": "大厅", "en": "Hall"},
    "admin.created": {"zh-CN": "创建时间", "en": "Created"},
    "admin.add": {"zh-CN": "添加账号", "en": "Add account"},
    "admin.added": {"zh-CN": "已添加 {username}", "en": "Added {username}"},
    "admin.state": {"zh-CN": "状态", "en": "State"},
    "admin.enabled": {"zh-CN": "启用", "en": "Enabled"},
    "admin.disabled": {"zh-CN": "已停用", "en": "Disabled"},
    "admin.disable": {"zh-CN": "停用", "en": "Disable"},
    "admin.enable": {"zh-CN": "启用", "en": "Enable"},
    "admin.disabled_done": {
        "zh-CN": "已停用 {username}，其登录已全部失效",
        "en": "Disabled {username}; their sign-ins have ended",
    },
    "audit.title": {"zh-CN": "操作记录", "en": "Audit"},
    "audit.day": {"zh-CN": "日期", "en": "Date"},
    "audit.at": {"zh-CN": "时间", "en": "When"},
    "audit.actor": {"zh-CN": "操作人", "en": "By"},
    "audit.kind": {"zh-CN": "操作", "en": "Change"},
    "audit.subject": {"zh-CN": "对象", "en": "What"},
    "audit.details": {"zh-CN": "内容", "en": "Details"},
    "audit.everyone": {"zh-CN": "全部", "en": "Everyone"},
    "audit.everything": {"zh-CN": "全部", "en": "Every change"},
    "audit.empty": {"zh-CN": "这一天没有变更。", "en": "Nothing was changed that day."},
    "audit.cli": {"zh-CN": "命令行（服务器上）", "en": "Command line (on the server)"},
    "audit.kind.account.created": {"zh-CN": "创建账号", "en": "Account created"},
    "audit.kind.hall.created": {"zh-CN": "新建大厅", "en": "Hall created"},
    "audit.kind.hall.retired": {"zh-CN": "撤销大厅", "en": "Hall retired"},
    "audit.kind.account.disabled": {"zh-CN": "停用账号", "en": "Account disabled"},
    "audit.kind.account.enabled": {"zh-CN": "启用账号", "en": "Account enabled"},
    "audit.kind.account.password_reset": {"zh-CN": "重置密码", "en": "Password reset"},
    "audit.kind.account.changed": {"zh-CN": "修改角色与大厅", "en": "Role and hall changed"},
    "audit.kind.device.added": {"zh-CN": "登记设备", "en": "Device registered"},
    "audit.kind.device.renamed": {"zh-CN": "设备改名", "en": "Device renamed"},
    "audit.kind.device.revoked": {"zh-CN": "撤销设备", "en": "Device revoked"},
    "audit.kind.device.token_reissued": {"zh-CN": "重新签发设备令牌", "en": "Device token re-issued"},
    "audit.detail.role": {"zh-CN": "角色：{role}", "en": "Role: {role}"},
    "audit.detail.changed": {
        "zh-CN": "角色：{before} → {role}；大厅：{hall_before} → {hall}",
        "en": "Role: {before} → {role}; hall: {hall_before} → {hall}",
    },
    "audit.detail.renamed": {"zh-CN": "原名：{before}", "en": "Formerly: {before}"},
    # What a change of the hall settings changed (the server's settings_changes), part by part.
    "audit.change.added": {"zh-CN": "新增 {name}", "en": "added {name}"},
    "audit.change.removed": {"zh-CN": "删除 {name}", "en": "removed {name}"},
    "audit.change.renamed": {"zh-CN": "{name} 改名", "en": "{name} renamed"},
    "audit.change.changed": {"zh-CN": "{name} 已修改", "en": "{name} changed"},
    "audit.change.none": {"zh-CN": "无实质变化", "en": "nothing of substance"},
    "audit.part.field": {"zh-CN": "大厅", "en": "hall"},
    "audit.part.hours": {"zh-CN": "营业时间", "en": "hours"},
    "audit.part.categories": {"zh-CN": "业务类别", "en": "categories"},
    "audit.part.windows": {"zh-CN": "窗口", "en": "windows"},
    "audit.part.priorities": {"zh-CN": "优先类别", "en": "priority classes"},
    "audit.part.kiosk_printers": {"zh-CN": "自助机打印机", "en": "kiosk printers"},
    "audit.part.printers": {"zh-CN": "打印机", "en": "printers"},
    "audit.part.pause_reasons": {"zh-CN": "暂停原因", "en": "pause reasons"},
    "audit.part.rating_reasons": {"zh-CN": "差评原因", "en": "bad-rating reasons"},
    "audit.field.notice": {"zh-CN": "公告", "en": "notice"},
    "audit.field.holidays": {"zh-CN": "节假日", "en": "holidays"},
    "audit.field.workdays": {"zh-CN": "调休上班日", "en": "make-up working days"},
    "audit.field.ticket_footer": {"zh-CN": "号票底部文字", "en": "ticket footer"},
    "audit.field.ticket_footer_en": {"zh-CN": "号票底部文字（英文）", "en": "ticket footer (English)"},
    "audit.field.special": {"zh-CN": "特殊日期", "en": "special days"},
    "devices.title": {"zh-CN": "设备管理", "en": "Devices"},
    "devices.name": {"zh-CN": "名称", "en": "Name"},
    "devices.kind": {"zh-CN": "类型", "en": "Kind"},
    "devices.kind.screen": {"zh-CN": "显示屏", "en": "Screen"},
    "devices.kind.kiosk": {"zh-CN": "自助取号机", "en": "Kiosk"},
    "devices.kind.printer": {"zh-CN": "打印代理", "en": "Print agent"},
    "devices.kind.rating": {"zh-CN": "评价器（{window} 号窗口）", "en": "Rating device (window {window})"},
    "devices.state": {"zh-CN": "连接", "en": "Connection"},
    "devices.connected": {"zh-CN": "在线", "en": "Connected"},
    "devices.offline": {"zh-CN": "离线", "en": "Not connected"},
    "devices.last_seen": {"zh-CN": "最近在线", "en": "Last seen"},
    "devices.never": {"zh-CN": "从未连接", "en": "Never"},
    "devices.add": {"zh-CN": "登记设备", "en": "Register device"},
    "devices.window": {"zh-CN": "评价器窗口（仅显示屏）", "en": "Rating device of window (screens only)"},
    "devices.token": {"zh-CN": "设备令牌（只显示这一次）：", "en": "Device token (shown this once):"},
    "devices.rename": {"zh-CN": "改名", "en": "Rename"},
    "devices.renamed": {"zh-CN": "已改名为 {name}", "en": "Renamed to {name}"},
    "devices.reissue": {"zh-CN": "重新签发令牌", "en": "New token"},
    "devices.reissue_confirm": {
        "zh-CN": "为 {name} 签发新令牌？原令牌立即失效，设备需填入新令牌。",
        "en": "Issue a new token for {name}? The old one stops at once; the device needs the new one.",
    },
    "devices.revoke": {"zh-CN": "撤销", "en": "Revoke"},
    "devices.revoke_confirm": {
        "zh-CN": "撤销 {name}？其令牌立即失效，屏幕会显示被拒绝。",
        "en": "Revoke {name}? Its token stops at once and its screen shows it is refused.",
    },
    "devices.revoked": {"zh-CN": "已撤销 {name}", "en": "Revoked {name}"},
    "admin.enabled_done": {"zh-CN": "已启用 {username}", "en": "Enabled {username}"},
    "admin.reset": {"zh-CN": "重置密码", "en": "Reset password"},
    "admin.new_password": {
        "zh-CN": "新密码（至少 12 个字符）",
        "en": "New password (at least 12 characters)",
    },
    "admin.password_set": {
        "zh-CN": "已为 {username} 设置新密码，其原有登录已失效",
        "en": "New password set for {username}; their earlier sign-ins have ended",
    },
    "admin.change_role": {"zh-CN": "修改角色与大厅", "en": "Change role and hall"},
    "admin.role_set": {
        "zh-CN": "已修改 {username} 的角色与大厅，需重新登录",
        "en": "Changed the role and hall of {username}; they sign in again",
    },
    "role.clerk": {"zh-CN": "窗口人员", "en": "Clerk"},
    "role.supervisor": {"zh-CN": "主管", "en": "Supervisor"},
    "role.admin": {"zh-CN": "管理员", "en": "Admin"},
    # ---- admin: webhooks ----
    "admin.webhooks": {"zh-CN": "Webhook（向其他系统推送事件）", "en": "Webhooks (events to other systems)"},
    "admin.webhook.url": {"zh-CN": "接收地址", "en": "Receiver URL"},
    "admin.webhook.events": {"zh-CN": "事件", "en": "Events"},
    "admin.webhook.state": {"zh-CN": "状态", "en": "State"},
    "admin.webhook.delivered": {"zh-CN": "已投递至", "en": "Delivered up to"},
    "admin.webhook.add": {"zh-CN": "添加 Webhook", "en": "Add webhook"},
    "admin.webhook.secret": {
        "zh-CN": "签名密钥（只显示这一次）：",
        "en": "Signing secret (shown this once):",
    },
    "admin.webhook.ok": {"zh-CN": "正常", "en": "Working"},
    "admin.webhook.failing": {
        "zh-CN": "投递失败，重试中（{attempts} 次）",
        "en": "Failing, retrying ({attempts} tries)",
    },
    "admin.webhook.disabled": {"zh-CN": "已停用（失败超过一天）", "en": "Disabled (failed for a day)"},
    "admin.webhook.enable": {"zh-CN": "重新启用", "en": "Enable again"},
    "admin.webhook.remove": {"zh-CN": "删除", "en": "Remove"},
    "admin.event.ticket.issued": {"zh-CN": "取号", "en": "Ticket issued"},
    "admin.event.ticket.called": {"zh-CN": "叫号", "en": "Ticket called"},
    "admin.event.ticket.finished": {"zh-CN": "办结", "en": "Ticket finished"},
    "admin.event.ticket.rated": {"zh-CN": "评价", "en": "Rating given"},
    "admin.event.window.paused": {"zh-CN": "窗口暂停", "en": "Window paused"},
    "admin.event.window.resumed": {"zh-CN": "窗口恢复", "en": "Window resumed"},
    "admin.event.hall.alert": {"zh-CN": "预警", "en": "Alert raised"},
    # The hall settings page (/console/admin/halls/{hall}).
    "hallsettings.title": {"zh-CN": "大厅设置", "en": "Hall settings"},
    "hallsettings.open": {"zh-CN": "大厅设置：{hall}", "en": "Hall settings: {hall}"},
    "hallsettings.live": {
        "zh-CN": "保存后立即生效：下一张号、下一次叫号和各屏幕都按新设置，无需重启。",
        "en": "Saved settings apply at once: the next ticket, call and screen use them, no restart.",
    },
    "hallsettings.general": {"zh-CN": "大厅", "en": "Hall"},
    "hallsettings.notice": {"zh-CN": "公告", "en": "Notice"},
    "hallsettings.policy": {"zh-CN": "叫号规则", "en": "Calling rules"},
    "hallsettings.hours": {"zh-CN": "营业时间", "en": "Opening hours"},
    "hallsettings.sessions_hint": {
        "zh-CN": "每段写成 09:00-12:00，多段用逗号分开；留空表示不营业。",
        "en": "Write each session as 09:00-12:00, several separated by commas; empty means closed.",
    },
    "hallsettings.weekdays": {"zh-CN": "工作日", "en": "Weekdays"},
    "hallsettings.weekend": {"zh-CN": "周末", "en": "Weekend"},
    "hallsettings.holidays": {
        "zh-CN": "法定节假日（闭厅，不取号、不预约，规划时不计入）",
        "en": "Public holidays (closed: no numbers, no bookings, left out of plans)",
    },
    "hallsettings.workdays": {
        "zh-CN": "调休上班日（周末按工作日时间和业务办理）",
        "en": "Make-up working days (a weekend day on weekday hours and categories)",
    },
    "hallsettings.special": {
        "zh-CN": "特殊日期（如延时服务、调休）",
        "en": "Special days (extended service, working weekends)",
    },
    "hallsettings.date": {"zh-CN": "日期", "en": "Date"},
    "hallsettings.sessions": {"zh-CN": "时段", "en": "Sessions"},
    "hallsettings.note": {"zh-CN": "说明", "en": "Note"},
    "hallsettings.add_special": {"zh-CN": "添加特殊日期", "en": "Add special day"},
    "hallsettings.categories": {"zh-CN": "业务类别", "en": "Categories"},
    "hallsettings.code": {"zh-CN": "代码", "en": "Code"},
    "hallsettings.prefix": {"zh-CN": "字母", "en": "Letter"},
    "hallsettings.name": {"zh-CN": "名称", "en": "Name"},
    "hallsettings.name_en": {"zh-CN": "英文名称", "en": "English name"},
    "hallsettings.on_weekend": {"zh-CN": "周末办理", "en": "At weekends"},
    "hallsettings.time_limit": {"zh-CN": "时限（分钟）", "en": "Time limit (min)"},
    "hallsettings.add_category": {"zh-CN": "添加业务类别", "en": "Add category"},
    "hallsettings.windows": {"zh-CN": "窗口", "en": "Windows"},
    "hallsettings.windows_hint": {
        "zh-CN": "办理类别留空为综合窗口（办理所有类别）；多个代码用逗号分开。",
        "en": "Leave the categories empty for a comprehensive window (every category); "
        "separate several codes with commas.",
    },
    "hallsettings.number": {"zh-CN": "号", "en": "No."},
    "hallsettings.serves": {"zh-CN": "办理类别", "en": "Categories served"},
    "hallsettings.every_category": {"zh-CN": "全部（综合窗口）", "en": "all (comprehensive)"},
    "hallsettings.green_channel": {"zh-CN": "绿色通道", "en": "Green channel"},
    "hallsettings.serves_others": {
        "zh-CN": "无绿色通道号时办理其他",
        "en": "Serves others when no green ticket waits",
    },
    "hallsettings.add_window": {"zh-CN": "添加窗口", "en": "Add window"},
    "hallsettings.priorities": {"zh-CN": "优先类别", "en": "Priority classes"},
    "hallsettings.add_priority": {"zh-CN": "添加优先类别", "en": "Add priority class"},
    "hallsettings.reasons": {"zh-CN": "原因", "en": "Reasons"},
    "hallsettings.reasons_hint": {
        "zh-CN": "窗口暂停时选择暂停原因，差评时选择差评原因；代码为 other 的暂停原因可由工作人员"
        "自行填写。删除原因不影响已有记录。",
        "en": "A clerk pausing a window picks a pause reason, a visitor rating badly a rating "
        "reason; the pause reason coded other lets the clerk write their own. Removing one "
        "leaves past records as they are.",
    },
    "hallsettings.pause_reasons": {"zh-CN": "暂停原因", "en": "Pause reasons"},
    "hallsettings.rating_reasons": {"zh-CN": "差评原因", "en": "Bad-rating reasons"},
    "hallsettings.add_reason": {"zh-CN": "添加原因", "en": "Add reason"},
    "hallsettings.remove": {"zh-CN": "删除", "en": "Remove"},
    "hallsettings.printing": {"zh-CN": "号票与打印", "en": "Tickets and printing"},
    "hallsettings.footer": {"zh-CN": "号票底部文字", "en": "Ticket footer"},
    "hallsettings.footer_en": {"zh-CN": "号票底部文字（英文）", "en": "Ticket footer (English)"},
    "hallsettings.printers_hint": {
        "zh-CN": "底部文字留空使用配置文件的设置。每台打印机打印所列自助机的号票；纸宽或打印方式"
        "的修改从下一张号票起生效，无需重启打印代理。",
        "en": "An empty footer is the config file's. Each printer prints the tickets of the kiosks "
        "it lists; a change of paper or mode applies from the next ticket, without restarting "
        "its print agent.",
    },
    "hallsettings.printers": {"zh-CN": "打印机", "en": "Printers"},
    "hallsettings.printer_name": {"zh-CN": "打印机设备名", "en": "Printer device name"},
    "hallsettings.kiosks": {"zh-CN": "自助机（逗号分开）", "en": "Kiosks (comma-separated)"},
    "hallsettings.paper_mm": {"zh-CN": "纸宽（毫米）", "en": "Paper (mm)"},
    "hallsettings.mode": {"zh-CN": "打印方式", "en": "Mode"},
    "hallsettings.mode.native": {"zh-CN": "打印机字库", "en": "Printer's font"},
    "hallsettings.mode.image": {"zh-CN": "图像", "en": "Image"},
    "hallsettings.add_printer": {"zh-CN": "添加打印机", "en": "Add printer"},
    "hallsettings.kiosk_printers_hint": {
        "zh-CN": "也可以单独指定某台自助机使用哪台打印机（优先于上表的自助机列表）。",
        "en": "A kiosk may also be given its printer here (over the lists above).",
    },
    "hallsettings.kiosk": {"zh-CN": "自助机", "en": "Kiosk"},
    "hallsettings.printer": {"zh-CN": "打印机", "en": "Printer"},
    "hallsettings.add_kiosk_printer": {"zh-CN": "指定自助机的打印机", "en": "Give a kiosk a printer"},
    "hallsettings.save": {"zh-CN": "保存并生效", "en": "Save and apply"},
    "hallsettings.saved": {"zh-CN": "已保存，立即生效", "en": "Saved; in effect now"},
    "hallsettings.reload": {
        "zh-CN": "重新载入当前设置（您未保存的修改将丢失）",
        "en": "Reload the current settings (your unsaved edits are lost)",
    },
    "hallsettings.field.name": {"zh-CN": "名称", "en": "Name"},
    "hallsettings.field.name_en": {"zh-CN": "英文名称", "en": "English name"},
    "hallsettings.field.timezone": {"zh-CN": "时区", "en": "Time zone"},
    "hallsettings.field.max_wait_minutes": {"zh-CN": "等候目标（分钟）", "en": "Waiting target (min)"},
    "hallsettings.field.priority_ratio": {
        "zh-CN": "每个普通号前最多优先号数",
        "en": "Priority tickets per normal ticket",
    },
    "hallsettings.field.aging_minutes": {
        "zh-CN": "等候超过此时长优先（分钟）",
        "en": "Waited longer than this goes first (min)",
    },
    "hallsettings.field.no_show_grace_minutes": {
        "zh-CN": "过号可恢复时限（分钟）",
        "en": "No-show may come back within (min)",
    },
    "hallsettings.field.no_show_requeue_behind": {
        "zh-CN": "过号恢复后排在几位之后",
        "en": "A returning no-show waits behind",
    },
    "hallsettings.field.number_width": {"zh-CN": "号码位数", "en": "Number digits"},
    "hallsettings.field.default_handling_minutes": {
        "zh-CN": "默认办理时长（分钟）",
        "en": "Default handling time (min)",
    },
    "hallsettings.field.phone_retention_days": {
        "zh-CN": "手机号痕迹保存天数",
        "en": "Phone traces kept (days)",
    },
    # ---- hall and window screens (displays): screen.* ----
    "screen.now_calling": {"zh-CN": "正在呼叫", "en": "Now calling"},
    "screen.go_to_window": {"zh-CN": "请到 {window} 号窗口", "en": "Please go to window {window}"},
    "screen.no_call_yet": {"zh-CN": "请留意叫号", "en": "Please watch for your number"},
    "screen.recent_calls": {"zh-CN": "最近呼叫", "en": "Recent calls"},
    "screen.waiting_unit": {"zh-CN": "人", "en": "waiting"},
    "screen.window_label": {"zh-CN": "{window} 号窗口", "en": "Window {window}"},
    "screen.state.open": {"zh-CN": "等待叫号", "en": "Open"},
    "screen.state.paused": {"zh-CN": "暂停服务", "en": "Paused"},
    "screen.state.closed": {"zh-CN": "未开放", "en": "Closed"},
    "screen.serving": {"zh-CN": "正在办理", "en": "Now serving"},
    "screen.called": {"zh-CN": "请 {number} 号办理", "en": "Number {number}, please"},
    "screen.no_windows_open": {"zh-CN": "窗口暂未开放", "en": "No window is open yet"},
    "screen.offline": {"zh-CN": "离线 · 正在重连", "en": "Offline · reconnecting"},
    "screen.sound_blocked": {"zh-CN": "请点击屏幕以启用语音", "en": "Click the screen to enable sound"},
    "screen.error.page": {"zh-CN": "无法显示此屏幕", "en": "This screen cannot be shown"},
    "screen.error.bad_window": {"zh-CN": "没有这个窗口：{window}", "en": "No such window: {window}"},
    "screen.error.bad_variant": {
        "zh-CN": "不支持的显示样式：{variant}",
        "en": "Unknown screen variant: {variant}",
    },
    "screen.error.bad_call": {
        "zh-CN": "号码或窗口格式不正确",
        "en": "The number or window is not well formed",
    },
    "screen.error.bad_language": {
        "zh-CN": "不支持的播报语言：{code}",
        "en": "Unsupported announcement language: {code}",
    },
    # ---- kiosk, phone page and online tickets (displays/ticketing): visitor.* ----
    "visitor.choose_category": {"zh-CN": "请选择办理业务", "en": "Choose your matter"},
    "visitor.waiting_n": {"zh-CN": "等候 {n} 人", "en": "{n} waiting"},
    "visitor.weekday_only": {"zh-CN": "仅工作日办理", "en": "Weekdays only"},
    "visitor.priority_title": {
        "zh-CN": "您是否属于以下优先服务人群？",
        "en": "Do you need priority service?",
    },
    "visitor.priority_none": {"zh-CN": "否，普通取号", "en": "No, a regular number"},
    "visitor.your_number": {"zh-CN": "您的号码", "en": "Your number"},
    "visitor.ahead": {"zh-CN": "前面还有 {n} 人", "en": "{n} people ahead of you"},
    "visitor.wait": {"zh-CN": "预计等待约 {m} 分钟", "en": "Estimated wait: about {m} min"},
    "visitor.take_ticket": {"zh-CN": "请取走打印的号票", "en": "Please take your printed ticket"},
    "visitor.scan_hint": {
        "zh-CN": "手机扫码可随时查看叫号进度",
        "en": "Scan with your phone to follow the queue",
    },
    "visitor.photo_title": {"zh-CN": "请拍照保存", "en": "Please photograph this screen"},
    "visitor.photo_hint": {
        "zh-CN": "号票未能打印，您的号码有效，凭此号码办理",
        "en": "The ticket could not be printed; your number is valid",
    },
    "visitor.done": {"zh-CN": "完成", "en": "Done"},
    "visitor.printing": {"zh-CN": "正在出号，请稍候…", "en": "Issuing your number…"},
    "visitor.returning": {"zh-CN": "{s} 秒后返回首页", "en": "Back to the start in {s} s"},
    "visitor.closed_title": {"zh-CN": "当前不在取号时间", "en": "Numbers are not issued now"},
    "visitor.holiday_title": {
        "zh-CN": "今日法定节假日，大厅休息",
        "en": "Closed today for the public holiday",
    },
    "visitor.ended_title": {"zh-CN": "今日取号已结束", "en": "No more numbers today"},
    "visitor.ended_hint": {
        "zh-CN": "窗口继续为已取号的群众办理",
        "en": "Windows go on serving everyone who has a number",
    },
    "visitor.next_opening": {"zh-CN": "下次取号时间：{when}", "en": "Next opening: {when}"},
    "visitor.no_next_opening": {"zh-CN": "请关注大厅公告", "en": "Please see the hall's notices"},
    "visitor.hours_today": {"zh-CN": "今日取号时间 {hours}", "en": "Today's hours {hours}"},
    "visitor.weekend_banner": {
        "zh-CN": "周末服务：仅办理高频事项",
        "en": "Weekend service: frequent matters only",
    },
    "visitor.checkin": {"zh-CN": "预约签到", "en": "Booking check-in"},
    "visitor.checkin_title": {
        "zh-CN": "请输入预约码或手机号，或扫描预约二维码",
        "en": "Enter your booking code or mobile number, or scan the booking's QR code",
    },
    "visitor.clear": {"zh-CN": "清除", "en": "Clear"},
    "visitor.confirm": {"zh-CN": "确认", "en": "Confirm"},
    "visitor.not_registered": {
        "zh-CN": "本机未登记，请联系工作人员",
        "en": "This kiosk is not registered; please ask staff",
    },
    "visitor.printer_banner": {
        "zh-CN": "打印机暂停服务（{state}），取号后请拍照保存号码",
        "en": "Printer unavailable ({state}): photograph your number after taking it",
    },
    "visitor.printer.ok": {"zh-CN": "正常", "en": "ready"},
    "visitor.printer.paper_out": {"zh-CN": "缺纸", "en": "out of paper"},
    "visitor.printer.cover_open": {"zh-CN": "纸仓盖未关", "en": "cover open"},
    "visitor.printer.offline": {"zh-CN": "未连接", "en": "not connected"},
    "visitor.printer.error": {"zh-CN": "故障", "en": "fault"},
    "visitor.printer.unknown": {"zh-CN": "检测中", "en": "checking"},
    "visitor.error_generic": {
        "zh-CN": "操作未成功，请重试或咨询工作人员",
        "en": "That did not work; please try again or ask staff",
    },
    "visitor.appointment": {"zh-CN": "预约", "en": "Appointment"},
    "visitor.my_ticket": {"zh-CN": "我的排队号", "en": "My queue number"},
    "visitor.status.called": {"zh-CN": "请到窗口办理", "en": "Called: please go to the window"},
    "visitor.status.serving": {"zh-CN": "正在办理", "en": "Being served"},
    "visitor.status.held": {
        "zh-CN": "已挂起：补齐材料后请回原窗口",
        "en": "On hold: return to the window with the missing papers",
    },
    "visitor.status.done": {"zh-CN": "已办结，感谢您的耐心", "en": "Done. Thank you for waiting"},
    "visitor.status.no_show": {
        "zh-CN": "已过号，请咨询工作人员或重新取号",
        "en": "Missed: ask staff or take a new number",
    },
    "visitor.ahead_label": {"zh-CN": "前面人数", "en": "People ahead"},
    "visitor.wait_label": {"zh-CN": "预计等待（分钟）", "en": "Estimated wait (min)"},
    "visitor.position": {"zh-CN": "您排在第 {n} 位", "en": "You are number {n} in line"},
    "visitor.called_banner": {
        "zh-CN": "请 {number} 号到 {window} 办理",
        "en": "Number {number}, please go to {window}",
    },
    "visitor.called_status": {"zh-CN": "请到 {window} 办理", "en": "Please go to {window}"},
    "visitor.soon_banner": {
        "zh-CN": "前面只剩 {n} 人，请到等候区留意叫号",
        "en": "Only {n} ahead of you: please wait near the windows",
    },
    "visitor.enable_alerts": {"zh-CN": "开启叫号提醒", "en": "Turn on call alerts"},
    "visitor.rate_title": {"zh-CN": "请为本次服务评价", "en": "Please rate this service"},
    "visitor.rate_reason": {
        "zh-CN": "请告诉我们哪里做得不好，我们会跟进处理",
        "en": "Please tell us what went wrong; every bad rating is followed up",
    },
    "visitor.rate_send": {"zh-CN": "提交评价", "en": "Send"},
    "visitor.rate_thanks": {"zh-CN": "感谢您的评价", "en": "Thank you for your rating"},
    "visitor.rate_chosen": {"zh-CN": "您的评价：{level}", "en": "Your rating: {level}"},
    "visitor.alerts_on": {"zh-CN": "叫号提醒已开启", "en": "Call alerts are on"},
    "visitor.alerts_blocked": {
        "zh-CN": "浏览器未允许通知，请留意本页提示",
        "en": "Notifications are blocked; keep this page open",
    },
    "visitor.live": {"zh-CN": "实时更新中", "en": "Live"},
    "visitor.issued_at": {"zh-CN": "取号时间 {time}", "en": "Issued at {time}"},
    "visitor.online_title": {"zh-CN": "线上取号", "en": "Take a number online"},
    "visitor.phone_label": {"zh-CN": "手机号码", "en": "Mobile number"},
    "visitor.phone_hint": {
        "zh-CN": "仅用于限制每日取号次数，不会显示或保存原号码",
        "en": "Only used to limit numbers per day; never shown or stored as typed",
    },
    "visitor.take_number": {"zh-CN": "取号", "en": "Take a number"},
    "visitor.unknown_ticket": {
        "zh-CN": "没有找到这张号票，请确认链接完整",
        "en": "This ticket was not found; check the link is complete",
    },
    # Booking a slot from the phone (线上预约, /book/halls/{hall}): visitor.book.*
    "visitor.book.title": {"zh-CN": "预约办事", "en": "Book a visit"},
    "visitor.book.link": {"zh-CN": "不想排队？预约办事时段", "en": "Rather not queue? Book a time"},
    "visitor.book.crowded": {"zh-CN": "看看什么时候人少（办事拥挤时段）", "en": "See when the hall is busy"},
    "visitor.book.day": {"zh-CN": "请选择日期", "en": "Choose a day"},
    "visitor.book.slot": {"zh-CN": "请选择时段", "en": "Choose a time"},
    "visitor.book.left": {"zh-CN": "余 {n} 个", "en": "{n} left"},
    "visitor.book.full": {"zh-CN": "已约满", "en": "Full"},
    "visitor.book.no_slots": {"zh-CN": "当天没有可预约的时段", "en": "No times left to book that day"},
    "visitor.book.choose": {"zh-CN": "请选择事项、日期和时段", "en": "Choose a matter, a day and a time"},
    "visitor.book.phone_hint": {
        "zh-CN": "用于签到、取消和预约次数限制；只保存加密摘要，不保存原号码",
        "en": "For check-in, cancelling and the booking limits; only a keyed hash is kept, not the number",
    },
    "visitor.book.notify": {
        "zh-CN": "快轮到我时发短信提醒（大厅开通时）",
        "en": "Text me when my turn nears (where the hall offers it)",
    },
    "visitor.book.submit": {"zh-CN": "预约", "en": "Book"},
    "visitor.book.done": {"zh-CN": "预约成功", "en": "Booked"},
    "visitor.book.code": {"zh-CN": "预约码", "en": "Booking code"},
    "visitor.book.when": {
        "zh-CN": "{day} {start}–{end} · {category}",
        "en": "{day} {start}–{end} · {category}",
    },
    "visitor.book.how": {
        "zh-CN": "请在时段开始前 {early} 分钟内到大厅自助机签到：输入预约码、扫描二维码或输入手机号",
        "en": "Check in at a kiosk in the hall from {early} min before your time: type the code, "
        "scan the QR code or enter your phone number",
    },
    "visitor.book.save": {"zh-CN": "请截图保存预约码", "en": "Take a screenshot to keep the code"},
    "visitor.book.cancel_title": {"zh-CN": "取消预约", "en": "Cancel a booking"},
    "visitor.book.cancel_hint": {
        "zh-CN": "请输入预约码和预约时填写的手机号",
        "en": "Enter the booking code and the phone number you booked with",
    },
    "visitor.book.cancel": {"zh-CN": "取消预约", "en": "Cancel booking"},
    "visitor.book.cancelled": {"zh-CN": "预约 {code} 已取消", "en": "Booking {code} is cancelled"},
    "visitor.book.another": {"zh-CN": "再预约一个", "en": "Book another"},
    # The crowded periods (办事拥挤时段, /crowded/halls/{hall}): visitor.crowded.*
    "visitor.crowded.title": {"zh-CN": "办事拥挤时段", "en": "When the hall is busy"},
    "visitor.crowded.subtitle": {
        "zh-CN": "错峰前来，少排队",
        "en": "Come at a quiet time and wait less",
    },
    "visitor.crowded.link": {"zh-CN": "查看办事拥挤时段", "en": "See when the hall is busy"},
    "visitor.crowded.back": {"zh-CN": "返回取号", "en": "Back to the kiosk"},
    "visitor.crowded.busiest": {"zh-CN": "最拥挤：{day} {hour}", "en": "Busiest: {day} {hour}"},
    "visitor.crowded.busiest_detail": {
        "zh-CN": "平均每天这一小时约 {n} 人取号",
        "en": "About {n} numbers taken in that hour on an average day",
    },
    "visitor.crowded.quiet_hours": {"zh-CN": "较空闲：{hours}", "en": "Quieter: {hours}"},
    "visitor.crowded.today": {"zh-CN": "{day}（今天）", "en": "{day} (today)"},
    "visitor.crowded.closed_day": {"zh-CN": "{day}不办公", "en": "Closed on {day}"},
    "visitor.crowded.people": {"zh-CN": "约 {n} 人", "en": "about {n}"},
    "visitor.crowded.wait": {"zh-CN": "等候约 {m} 分钟", "en": "wait about {m} min"},
    "visitor.crowded.no_wait": {"zh-CN": "无等候记录", "en": "no waits recorded"},
    "visitor.crowded.week": {
        "zh-CN": "一周概览（格中数字：平均等候分钟）",
        "en": "The week at a glance (figures: mean wait in minutes)",
    },
    "visitor.crowded.level.quiet": {"zh-CN": "空闲", "en": "Quiet"},
    "visitor.crowded.level.moderate": {"zh-CN": "较忙", "en": "Busy"},
    "visitor.crowded.level.crowded": {"zh-CN": "拥挤", "en": "Crowded"},
    "visitor.crowded.explain": {
        "zh-CN": (
            "依据最近 {weeks} 周（{from} 至 {to}）的取号记录：人数是该小时在一个开放日里平均的取号人数，"
            "等候是从取号到叫号的平均分钟数。拥挤：达到一周中最忙时段的 80% 以上；空闲：不到 50%。"
        ),
        "en": (
            "From the tickets of the last {weeks} weeks ({from} to {to}): people is the average "
            "number of tickets taken in that hour on an open day; wait is the mean time in "
            "minutes from taking a number to being called. Crowded: 80 % or more of the week's "
            "busiest hour; quiet: below 50 %."
        ),
    },
    "visitor.crowded.days_counted": {
        "zh-CN": "{day}：共统计 {n} 个开放日",
        "en": "{day}: {n} open days counted",
    },
    "visitor.crowded.no_data": {
        "zh-CN": "最近 {weeks} 周没有取号记录，暂无拥挤时段",
        "en": "No tickets in the last {weeks} weeks, so no busy times to show yet",
    },
    "visitor.crowded.loading": {"zh-CN": "正在加载…", "en": "Loading…"},
    "visitor.crowded.weekdays": {
        "zh-CN": "周一,周二,周三,周四,周五,周六,周日",
        "en": "Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday",
    },
    "visitor.crowded.weekdays_short": {
        "zh-CN": "一,二,三,四,五,六,日",
        "en": "Mon,Tue,Wed,Thu,Fri,Sat,Sun",
    },
    # ---- reports and plans page (clerk_console/reports): reports.* ----
    "reports.title": {"zh-CN": "统计报表", "en": "Reports"},
    "reports.sign_out": {"zh-CN": "退出", "en": "Sign out"},
    "reports.sign_in_hint": {"zh-CN": "主管或管理员账号", "en": "A supervisor or admin account"},
    "reports.from": {"zh-CN": "开始日期", "en": "From"},
    "reports.to": {"zh-CN": "结束日期", "en": "To"},
    "reports.category": {"zh-CN": "业务类别", "en": "Category"},
    "reports.all_categories": {"zh-CN": "全部类别", "en": "All categories"},
    "reports.apply": {"zh-CN": "查询", "en": "Show"},
    "reports.export_csv": {"zh-CN": "导出 CSV", "en": "Export CSV"},
    "reports.loading": {"zh-CN": "正在加载…", "en": "Loading…"},
    "reports.no_data": {"zh-CN": "所选日期没有取号记录", "en": "No tickets in the chosen dates"},
    "reports.issued": {"zh-CN": "取号", "en": "Tickets"},
    "reports.served": {"zh-CN": "办结", "en": "Served"},
    "reports.transferred": {"zh-CN": "转移", "en": "Transfers"},
    "reports.cancelled": {"zh-CN": "取消", "en": "Cancelled"},
    "reports.wait_mean": {"zh-CN": "平均等候", "en": "Mean wait"},
    "reports.wait_median": {"zh-CN": "等候中位数", "en": "Median wait"},
    "reports.wait_p90": {"zh-CN": "90% 等候不超过", "en": "90% waited at most"},
    "reports.within_target": {
        "zh-CN": "{minutes} 分钟内叫号",
        "en": "Called within {minutes} min",
    },
    "reports.handling_mean": {"zh-CN": "平均办理时长", "en": "Mean handling"},
    "reports.minutes": {"zh-CN": "分钟", "en": "min"},
    "reports.per_day": {"zh-CN": "每日取号与等候", "en": "Tickets and waits per day"},
    "reports.per_hour": {
        "zh-CN": "各时段取号（合计）与平均等候",
        "en": "Tickets per hour (total) and mean wait",
    },
    "reports.per_category": {"zh-CN": "各业务类别", "en": "By category"},
    "reports.per_window": {"zh-CN": "各窗口", "en": "By window"},
    "reports.per_clerk": {"zh-CN": "各工作人员", "en": "By clerk"},
    "reports.heatmap": {
        "zh-CN": "拥挤时段（星期 × 小时，日均取号）",
        "en": "Crowded periods (weekday × hour, tickets per day)",
    },
    "reports.ratings": {"zh-CN": "好差评", "en": "Ratings"},
    "reports.good_rate": {"zh-CN": "好评率", "en": "Good rate"},
    "reports.active_rate": {"zh-CN": "主动评价率", "en": "Rating rate"},
    "reports.bad_ratings": {"zh-CN": "差评及原因", "en": "Bad ratings and reasons"},
    "reports.no_ratings": {"zh-CN": "暂无评价数据", "en": "No ratings recorded"},
    "reports.extended_days": {"zh-CN": "延时天数", "en": "Days with extended service"},
    "reports.extended_minutes": {
        "zh-CN": "闭厅后累计分钟",
        "en": "Minutes after closing (total)",
    },
    "reports.extended_tickets": {"zh-CN": "闭厅后办结", "en": "Tickets finished after closing"},
    "reports.extended_max": {"zh-CN": "最长延时", "en": "Longest extension"},
    "reports.minutes_after_closing": {"zh-CN": "闭厅后分钟", "en": "Minutes after closing"},
    "reports.plan": {"zh-CN": "窗口排班建议", "en": "Staffing plan"},
    "reports.plan_hint": {
        "zh-CN": (
            "根据所选日期的取号与窗口占用时长，按窗口类别模拟计算一周各时段需开窗口数（不超过大厅窗口数）"
        ),
        "en": (
            "Windows per half hour for the week, per kind of window, simulated from the "
            "chosen dates' tickets and window times (never more than the hall has)"
        ),
    },
    "reports.plan_run": {"zh-CN": "计算排班", "en": "Compute plan"},
    "reports.plan_running": {
        "zh-CN": "正在模拟计算（约半分钟）…",
        "en": "Simulating (about half a minute)…",
    },
    "reports.weekday": {"zh-CN": "星期", "en": "Weekday"},
    "reports.target_wait": {"zh-CN": "目标等候（分钟）", "en": "Target wait (min)"},
    "reports.target_level": {"zh-CN": "达标比例", "en": "Target share"},
    "reports.windows_plan": {"zh-CN": "建议窗口数", "en": "Planned windows"},
    "reports.windows_all": {"zh-CN": "全部窗口", "en": "All windows"},
    "reports.arrivals": {"zh-CN": "预计取号", "en": "Expected tickets"},
    "reports.service_level": {"zh-CN": "达标率（模拟）", "en": "Service level (simulated)"},
    "reports.staff_hours": {"zh-CN": "人时", "en": "Staff hours"},
    "reports.option": {"zh-CN": "方案", "en": "Option"},
    "reports.opt_all_windows": {"zh-CN": "全天开放全部窗口", "en": "Every window open all day"},
    "reports.opt_plan": {"zh-CN": "按时段排班", "en": "Plan per half hour"},
    "reports.opt_roster": {"zh-CN": "按班次排班", "en": "Shift roster"},
    "reports.opt_weekend_all_windows": {
        "zh-CN": "周末开放全部窗口",
        "en": "Weekend, every window",
    },
    "reports.opt_weekend_plan": {"zh-CN": "周末排班", "en": "Weekend plan"},
    "reports.mean_overtime": {"zh-CN": "平均延时（分钟）", "en": "Mean overtime (min)"},
    "reports.roster": {"zh-CN": "班次", "en": "Shifts"},
    "reports.clerks": {"zh-CN": "人数", "en": "Clerks"},
    "reports.weekend": {"zh-CN": "周末不打烊", "en": "Weekend service"},
    "reports.advice": {"zh-CN": "延时建议", "en": "Extended-hours advice"},
    "reports.advice_none": {
        "zh-CN": "按建议排班，平均延时在 {limit} 分钟以内",
        "en": "With the plan, overtime stays within {limit} min on average",
    },
    "reports.advice_extra": {
        "zh-CN": "闭厅前最后 {slots} 个半小时加开 {extra} 个窗口，平均延时约 {minutes} 分钟",
        "en": "Open {extra} more windows in the last {slots} half hours: about {minutes} min after closing",
    },
    "reports.recorded_overtime": {
        "zh-CN": "历史记录：{share} 的当日有延时，平均 {mean} 分钟",
        "en": "Recorded: overtime on {share} of days, {mean} min on average",
    },
    "reports.weekdays": {"zh-CN": "一,二,三,四,五,六,日", "en": "Mon,Tue,Wed,Thu,Fri,Sat,Sun"},
    "reports.error": {"zh-CN": "出错了", "en": "Something went wrong"},
    "reports.day": {"zh-CN": "日期", "en": "Day"},
    "reports.reason": {"zh-CN": "原因", "en": "Reason"},
    "reports.level": {"zh-CN": "评价", "en": "Rating"},
    "reports.time": {"zh-CN": "时间", "en": "Time"},
    "reports.plan_progress": {
        "zh-CN": "正在模拟一周排班：{progress}（{step}）",
        "en": "Simulating the week: {progress} ({step})",
    },
    "reports.slot": {"zh-CN": "时段", "en": "Half hour"},
    "reports.windows_needed": {"zh-CN": "需要窗口", "en": "Windows needed"},
    "reports.capacity": {"zh-CN": "大厅窗口数", "en": "Windows in the hall"},
    "reports.plan_slots": {"zh-CN": "各时段排班与模拟达标率", "en": "Plan per half hour, simulated"},
    "reports.overtime_forecast": {
        "zh-CN": (
            "延时预测：按排班模拟平均闭厅后 {mean} 分钟（90% 的日子不超过 {p90} 分钟），上限 {limit} 分钟"
        ),
        "en": (
            "Overtime forecast: {mean} min after closing on average with the plan (p90 {p90} "
            "min), limit {limit} min"
        ),
    },
    "reports.advice_hours": {
        "zh-CN": "窗口已开满仍超出上限：请安排延时服务，约 {minutes} 分钟",
        "en": "Even with every window open it exceeds the limit: plan extended hours of about {minutes} min",
    },
    "reports.shortfall": {
        "zh-CN": (
            "{day}{pool}窗口不足：{slots} 需要 {needed} 个窗口，"
            "只有 {capacity} 个，约 {visitors} 位办事群众超出接待能力"
            "。建议：延时服务（约闭厅后 {overtime} 分钟）、周末不打烊（周末尚可接"
            "待约 {spare} 位），或将约 {online} 的事项引导网上办理。"
        ),
        "en": (
            "{day} {pool} windows short: {slots} need {needed} windows, the hall has "
            "{capacity}; about {visitors} visitors beyond capacity. Advice: extended hours "
            "(about {overtime} min after closing), weekend service (room for about {spare} "
            "visitors), or move about {online} of the matters online."
        ),
    },
    "reports.no_shortfall": {
        "zh-CN": "各时段所需窗口均在大厅窗口数以内",
        "en": "Every half hour's need fits within the hall's windows",
    },
    "reports.assumptions": {"zh-CN": "计算依据", "en": "Assumptions"},
    "reports.window_time": {
        "zh-CN": "窗口占用时长（叫号→办结，含走到窗口、过号等候与两位之间的间隔）",
        "en": "Window time (call → release: walk-up, no-show holds and the gap between visitors included)",
    },
    "reports.wt_mean": {"zh-CN": "平均（秒）", "en": "Mean (s)"},
    "reports.wt_walk": {"zh-CN": "走到窗口", "en": "Walk-up"},
    "reports.wt_handling": {"zh-CN": "办理", "en": "Handling"},
    "reports.wt_gap": {"zh-CN": "间隔", "en": "Gap"},
    "reports.wt_fit": {"zh-CN": "对数正态 σ / KS", "en": "Log-normal σ / KS"},
    "reports.margin": {
        "zh-CN": "按第 {q} 百分位的忙日排班（比平均日多 {extra}）",
        "en": "Planned for the {q}th-percentile day ({extra} above the mean day)",
    },
    "reports.history_own": {
        "zh-CN": "需求依据：本星期的历史 {days} 天（{first} 至 {last}）",
        "en": "Demand from this weekday's own history: {days} days ({first} to {last})",
    },
    "reports.history_scaled": {
        "zh-CN": "本星期历史不足：按星期 {sources} 的规律乘以 {ratio} 估算（{days} 天，{first} 至 {last}）",
        "en": (
            "Too little history for this weekday: weekdays {sources} scaled by {ratio} "
            "({days} days, {first} to {last})"
        ),
    },
    "reports.holidays_excluded": {
        "zh-CN": "已排除节假日：{days}",
        "en": "Holidays excluded: {days}",
    },
    "reports.week_total": {
        "zh-CN": "全周：排班 {plan} 人时，全部窗口全天开放 {all} 人时；{met}/{judged} 个时段达标",
        "en": (
            "Week: {plan} staff hours planned, {all} with every window all day; {met} of "
            "{judged} half hours meet the target"
        ),
    },
}

# What the voice says for one call, per announcement language: short, so that a hall hears its
# calls while they are fresh. Halls may override these in config.toml ([displays.templates]);
# {number} and {window} are the only placeholders.
ANNOUNCE_TEMPLATES: Final[dict[str, str]] = {
    "zh-CN": "请{number}号到{window}号窗口",
    "en": "Number {number}, please go to window {window}",
    "yue": "請{number}號到{window}號窗口",
}

# A call that follows another without a pause (a burst: "请A001号到3号窗口，B002到5号，…"):
# the chime and the "please" were said once for the whole burst. [displays.burst_templates].
BURST_TEMPLATES: Final[dict[str, str]] = {
    "zh-CN": "{number}到{window}号",
    "en": "{number}, window {window}",
    "yue": "{number}到{window}號",
}


def translate(key: str, language: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """One entry in `language` (zh-CN when it has none), codes in `params` put in words."""
    return render(MESSAGES, key, language, **worded(params, language))


def both(key: str, **params: Any) -> dict[str, str]:
    """One entry in every page language, for pages that show or switch both."""
    return {language: translate(key, language, **params) for language in LANGUAGES}


def page_strings(family: str | None = None) -> dict[str, dict[str, str]]:
    """What a page's script gets: the bare keys, with `family`'s own laid over them."""
    strings = {key: entry for key, entry in MESSAGES.items() if key.split(".", 1)[0] not in FAMILIES}
    if family is not None:
        prefix = f"{family}."
        strings |= {
            key.removeprefix(prefix): entry for key, entry in MESSAGES.items() if key.startswith(prefix)
        }
    return strings


def page_words(family: str | None = None) -> Callable[..., dict[str, str]]:
    """The templates' `t`: an entry of `family`'s view (page_strings) in every page language."""
    strings = page_strings(family)

    def words(key: str, **params: Any) -> dict[str, str]:
        return {lang: render(strings, key, lang, **worded(params, lang)) for lang in LANGUAGES}

    return words
