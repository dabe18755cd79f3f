"""Every sentence the kiosk, the visitor's phone page and the online page show: zh-CN first.

The pages get this catalog whole and fill {placeholders} themselves; errors from the API come
already worded (queue_server.messages) in the language the page asks for.
"""

from __future__ import annotations

from typing import Final

UI_TEXT: Final[dict[str, dict[str, str]]] = {
    "lang_switch": {"zh-CN": "English", "en": "中文"},
    "choose_category": {"zh-CN": "请选择办理业务", "en": "Choose your matter"},
    "waiting_n": {"zh-CN": "等候 {n} 人", "en": "{n} waiting"},
    "weekday_only": {"zh-CN": "仅工作日办理", "en": "Weekdays only"},
    "priority_title": {
        "zh-CN": "您是否属于以下优先服务人群？",
        "en": "Do you need priority service?",
    },
    "priority_none": {"zh-CN": "否，普通取号", "en": "No, a regular number"},
    "back": {"zh-CN": "返回", "en": "Back"},
    "your_number": {"zh-CN": "您的号码", "en": "Your number"},
    "ahead": {"zh-CN": "前面还有 {n} 人", "en": "{n} people ahead of you"},
    "wait": {"zh-CN": "预计等待约 {m} 分钟", "en": "Estimated wait: about {m} min"},
    "take_ticket": {"zh-CN": "请取走打印的号票", "en": "Please take your printed ticket"},
    "scan_hint": {
        "zh-CN": "手机扫码可随时查看叫号进度",
        "en": "Scan with your phone to follow the queue",
    },
    "photo_title": {"zh-CN": "请拍照保存", "en": "Please photograph this screen"},
    "photo_hint": {
        "zh-CN": "号票未能打印，您的号码有效，凭此号码办理",
        "en": "The ticket could not be printed; your number is valid",
    },
    "done": {"zh-CN": "完成", "en": "Done"},
    "printing": {"zh-CN": "正在出号，请稍候…", "en": "Issuing your number…"},
    "returning": {"zh-CN": "{s} 秒后返回首页", "en": "Back to the start in {s} s"},
    "closed_title": {"zh-CN": "当前不在取号时间", "en": "Numbers are not issued now"},
    "ended_title": {"zh-CN": "今日取号已结束", "en": "No more numbers today"},
    "ended_hint": {
        "zh-CN": "窗口继续为已取号的群众办理",
        "en": "Windows go on serving everyone who has a number",
    },
    "next_opening": {"zh-CN": "下次取号时间：{when}", "en": "Next opening: {when}"},
    "no_next_opening": {"zh-CN": "请关注大厅公告", "en": "Please see the hall's notices"},
    "hours_today": {"zh-CN": "今日取号时间 {hours}", "en": "Today's hours {hours}"},
    "weekend_banner": {
        "zh-CN": "周末服务：仅办理高频事项",
        "en": "Weekend service: frequent matters only",
    },
    "checkin": {"zh-CN": "预约签到", "en": "Booking check-in"},
    "checkin_title": {"zh-CN": "请输入预约码", "en": "Enter your booking code"},
    "clear": {"zh-CN": "清除", "en": "Clear"},
    "confirm": {"zh-CN": "确认", "en": "Confirm"},
    "not_registered": {
        "zh-CN": "本机未登记，请联系工作人员",
        "en": "This kiosk is not registered; please ask staff",
    },
    "printer_banner": {
        "zh-CN": "打印机暂停服务（{state}），取号后请拍照保存号码",
        "en": "Printer unavailable ({state}): photograph your number after taking it",
    },
    "printer.ok": {"zh-CN": "正常", "en": "ready"},
    "printer.paper_out": {"zh-CN": "缺纸", "en": "out of paper"},
    "printer.cover_open": {"zh-CN": "纸仓盖未关", "en": "cover open"},
    "printer.offline": {"zh-CN": "未连接", "en": "not connected"},
    "printer.error": {"zh-CN": "故障", "en": "fault"},
    "printer.unknown": {"zh-CN": "检测中", "en": "checking"},
    "error_generic": {
        "zh-CN": "操作未成功，请重试或咨询工作人员",
        "en": "That did not work; please try again or ask staff",
    },
    "appointment": {"zh-CN": "预约", "en": "Appointment"},
    "my_ticket": {"zh-CN": "我的排队号", "en": "My queue number"},
    "status.waiting": {"zh-CN": "等候中", "en": "Waiting"},
    "status.called": {"zh-CN": "请到窗口办理", "en": "Called: please go to the window"},
    "status.serving": {"zh-CN": "正在办理", "en": "Being served"},
    "status.held": {
        "zh-CN": "已挂起：补齐材料后请回原窗口",
        "en": "On hold: return to the window with the missing papers",
    },
    "status.done": {"zh-CN": "已办结，感谢您的耐心", "en": "Done. Thank you for waiting"},
    "status.no_show": {
        "zh-CN": "已过号，请咨询工作人员或重新取号",
        "en": "Missed: ask staff or take a new number",
    },
    "status.cancelled": {"zh-CN": "已取消", "en": "Cancelled"},
    "status.expired": {"zh-CN": "已过期", "en": "Expired"},
    "ahead_label": {"zh-CN": "前面人数", "en": "People ahead"},
    "wait_label": {"zh-CN": "预计等待（分钟）", "en": "Estimated wait (min)"},
    "position": {"zh-CN": "您排在第 {n} 位", "en": "You are number {n} in line"},
    "called_banner": {
        "zh-CN": "请 {number} 号到 {window} 办理",
        "en": "Number {number}, please go to {window}",
    },
    "called_status": {"zh-CN": "请到 {window} 办理", "en": "Please go to {window}"},
    "soon_banner": {
        "zh-CN": "前面只剩 {n} 人，请到等候区留意叫号",
        "en": "Only {n} ahead of you: please wait near the windows",
    },
    "enable_alerts": {"zh-CN": "开启叫号提醒", "en": "Turn on call alerts"},
    "rate_title": {"zh-CN": "请为本次服务评价", "en": "Please rate this service"},
    "rate.5": {"zh-CN": "非常满意", "en": "Very satisfied"},
    "rate.4": {"zh-CN": "满意", "en": "Satisfied"},
    "rate.3": {"zh-CN": "基本满意", "en": "Fairly satisfied"},
    "rate.2": {"zh-CN": "不满意", "en": "Dissatisfied"},
    "rate.1": {"zh-CN": "非常不满意", "en": "Very dissatisfied"},
    "rate_reason": {
        "zh-CN": "请告诉我们哪里做得不好，我们会跟进处理",
        "en": "Please tell us what went wrong; every bad rating is followed up",
    },
    "rate_send": {"zh-CN": "提交评价", "en": "Send"},
    "rate_thanks": {"zh-CN": "感谢您的评价", "en": "Thank you for your rating"},
    "rate_chosen": {"zh-CN": "您的评价：{level}", "en": "Your rating: {level}"},
    "alerts_on": {"zh-CN": "叫号提醒已开启", "en": "Call alerts are on"},
    "alerts_blocked": {
        "zh-CN": "浏览器未允许通知，请留意本页提示",
        "en": "Notifications are blocked; keep this page open",
    },
    "live": {"zh-CN": "实时更新中", "en": "Live"},
    "reconnecting": {"zh-CN": "连接中断，正在重连…", "en": "Connection lost, reconnecting…"},
    "issued_at": {"zh-CN": "取号时间 {time}", "en": "Issued at {time}"},
    "online_title": {"zh-CN": "线上取号", "en": "Take a number online"},
    "phone_label": {"zh-CN": "手机号码", "en": "Mobile number"},
    "phone_hint": {
        "zh-CN": "仅用于限制每日取号次数，不会显示或保存原号码",
        "en": "Only used to limit numbers per day; never shown or stored as typed",
    },
    "take_number": {"zh-CN": "取号", "en": "Take a number"},
    "unknown_ticket": {
        "zh-CN": "没有找到这张号票，请确认链接完整",
        "en": "This ticket was not found; check the link is complete",
    },
}
