"""The screens' routes: the hall screen, the window screen (and its LED variant), a plain-text
feed for LED controllers that poll, the spoken announcement as WAV, and the static files.

Pages are shells: the state comes from the hall's WebSocket, which the page opens itself with
the screen's device token, so a page never shows anything the token may not see.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from displays.announce import NUMBER
from displays.kit.messages import both, page_strings, page_words, translate
from displays.synth import Announcer
from queue_server.api.deps import principal, service, window_number
from queue_server.api.responses import JSONResponse
from queue_server.auth import DeviceKind, NotAuthenticated, Role
from queue_server.domain.errors import DomainError, NotFound
from queue_server.messages import pick_language
from queue_server.messages import translate as server_translate

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
SCREEN_WORDS = page_words("screen")


def announcer(request: Request) -> Announcer:
    """The screens' voice, made once at start with the [displays] settings (queue_server/app.py)."""
    voice: Announcer = request.state.announcer
    return voice


class PageError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


async def authorise(
    request: Request, hall: str, *, roles: tuple[Role, ...] = (), devices: tuple[DeviceKind, ...] = ()
) -> None:
    """The screen's token must be valid for the hall before the page is given out (and be one
    of `roles` or `devices` when a page names them)."""
    language = pick_language(request.headers.get("accept-language"))
    try:
        service(request).hall(hall)
        caller = await principal(request)
        if roles or devices:
            caller.require(hall, roles=roles, devices=devices)
        else:
            caller.require_hall(hall)
    except NotAuthenticated as exc:
        raise PageError(401, server_translate(exc.key, language)) from None
    except DomainError as exc:
        status = 404 if isinstance(exc, NotFound) else 403
        raise PageError(status, server_translate(exc.key, language, **exc.params)) from None


def _page_config(request: Request, hall: str, screen: str, window: int | None) -> dict[str, Any]:
    settings = announcer(request).settings
    spec = service(request).settings.hall(hall)
    assert spec is not None  # authorise checked the hall
    query = request.query_params
    repeat = query.get("repeat", "")
    languages = [lang for lang in query.get("lang", "").split(",") if lang]
    return {
        "hall": hall,
        "screen": screen,
        "window": window,
        "token": query.get("token", ""),
        "timezone": spec.timezone.key,
        "ws": f"/ws/halls/{hall}",
        "api": f"/api/halls/{hall}",
        "announce": f"/display/halls/{hall}/announce.wav",
        "languages": languages or list(settings.languages),
        "repeat": int(repeat) if repeat in {"1", "2", "3", "4", "5"} else settings.repeat,
        # Window screens stay silent unless asked: the hall screen speaks for the hall.
        "sound": query.get("sound", "1" if screen == "hall" else "0") == "1",
        "strings": page_strings("screen"),
    }


def error_page(request: Request, error: PageError) -> Response:
    return templates.TemplateResponse(
        request,
        "error.html",
        {"title": both("screen.error.page"), "message": error.message},
        status_code=error.status,
    )


async def hall_screen(request: Request) -> Response:
    hall = request.path_params["hall"]
    try:
        await authorise(request, hall)
    except PageError as error:
        return error_page(request, error)
    spec = service(request).settings.hall(hall)
    assert spec is not None  # authorise checked the hall
    config = _page_config(request, hall, "hall", None)
    # Once the page is sent: a screen that speaks has its voice prepare the first calls.
    ahead = BackgroundTask(_say_ahead, request, hall, tuple(config["languages"])) if config["sound"] else None
    context = {"spec": spec, "t": SCREEN_WORDS, "config": config}
    return templates.TemplateResponse(request, "hall.html", context, background=ahead)


async def window_screen(request: Request) -> Response:
    hall = request.path_params["hall"]
    language = pick_language(request.headers.get("accept-language"))
    variant = request.query_params.get("variant", "full")
    try:
        await authorise(request, hall)
        window = page_window(request, hall)
        if variant not in ("full", "led"):
            raise PageError(400, translate("screen.error.bad_variant", language, variant=variant))
    except PageError as error:
        return error_page(request, error)
    spec = service(request).settings.hall(hall)
    assert spec is not None
    window_spec = next(w for w in spec.windows if w.number == window)
    return templates.TemplateResponse(
        request,
        "window.html",
        {
            "spec": spec,
            "window": window_spec,
            "variant": variant,
            "t": SCREEN_WORDS,
            "config": _page_config(request, hall, "led" if variant == "led" else "window", window),
        },
    )


def page_window(request: Request, hall: str) -> int:
    """The window of the page's path, a 404 page for a window the hall does not have."""
    spec = service(request).settings.hall(hall)
    raw = request.path_params["window"]
    language = pick_language(request.headers.get("accept-language"))
    try:
        number = window_number(request)
    except NotFound:
        number = -1
    if spec is None:
        raise PageError(404, server_translate("error.unknown_hall", language, hall=hall))
    if number not in {w.number for w in spec.windows}:
        raise PageError(404, translate("screen.error.bad_window", language, window=raw))
    return number


async def led_text(request: Request) -> Response:
    """Two lines for LED strip controllers that poll over HTTP; ?charset=gb18030 for the many
    controllers that only take GB text, ?lang=en for English."""
    hall = request.path_params["hall"]
    try:
        await authorise(request, hall)
        window = page_window(request, hall)
    except PageError as error:
        return PlainTextResponse(error.message, status_code=error.status)
    snapshot = await service(request).snapshot(hall)
    entry = next(w for w in snapshot["windows"] if w["number"] == window)
    language = "en" if request.query_params.get("lang") == "en" else "zh-CN"
    charset = "gb18030" if request.query_params.get("charset", "").lower() == "gb18030" else "utf-8"
    body = "\n".join(led_lines(entry, language)) + "\n"
    return Response(
        body.encode(charset, errors="replace"),
        media_type=f"text/plain; charset={charset}",
        headers={"Cache-Control": "no-store"},
    )


def led_lines(window: dict[str, Any], language: str) -> tuple[str, str]:
    """Line 1: the window and its number; line 2: what the visitor should do or why not."""
    name = window["name"] if language == "zh-CN" else window["name_en"]
    current = window.get("current")
    number = current["number"] if current else ""
    if window["state"] != "open":
        second = translate(f"screen.state.{window['state']}", language)
    elif current is None:
        second = translate("screen.state.open", language)
    elif current["status"] == "serving":
        second = f"{translate('screen.serving', language)} {number}"
    else:
        second = translate("screen.called", language, number=number)
    return f"{name} {number}".strip(), second


# Waiting numbers said ahead, oldest first: the next calls of even a 30-window hall's opening.
_NUMBERS_AHEAD = 40


async def _say_ahead(request: Request, hall: str, languages: tuple[str, ...]) -> None:
    """Lets the voice prepare the hall's window phrases and its next numbers in the background,
    when a hall screen opens and after each call, so that synthesis is off the calls' path."""
    spec = service(request).settings.hall(hall)
    assert spec is not None  # the caller authorised the hall
    waiting = sorted((await service(request).hall(hall).current()).waiting(), key=lambda t: t.issued_at)
    windows = [window.number for window in spec.windows]
    numbers = [ticket.number for ticket in waiting[:_NUMBERS_AHEAD]]
    announcer(request).warm_up(windows, numbers, languages)


async def announce_wav(request: Request) -> Response:
    """Chime and spoken call as one WAV (`burst=1`: a call that follows another, without the
    chime and in the shorter burst wording); 503 with the sentences when no voice is
    available, so that the page can hand them to the browser's speech synthesis instead."""
    hall = request.path_params["hall"]
    language = pick_language(request.headers.get("accept-language"))
    try:
        await authorise(request, hall)
    except PageError as error:
        return JSONResponse({"error": {"message": error.message}}, status_code=error.status)
    voice = announcer(request)
    query = request.query_params
    number, window = query.get("number", "").upper(), query.get("window", "")
    burst = query.get("burst", "0") == "1"
    if not NUMBER.match(number) or not (window.isascii() and window.isdigit()) or len(window) > 4:
        return JSONResponse(
            {"error": {"message": translate("screen.error.bad_call", language)}}, status_code=422
        )
    languages = tuple(lang for lang in query.get("lang", "").split(",") if lang)
    languages = languages or voice.settings.languages
    for lang in languages:
        if lang not in voice.settings.templates or lang not in voice.settings.burst_templates:
            message = translate("screen.error.bad_language", language, code=lang)
            return JSONResponse({"error": {"message": message}}, status_code=422)
    data = await voice.wav(number, int(window), languages, burst=burst)
    if data is None:
        spoken = voice.spoken(number, int(window), languages, burst=burst)
        return JSONResponse(
            {"speech": [{"lang": s.language, "text": s.text} for s in spoken]},
            status_code=503,
            headers={"Cache-Control": "no-store"},
        )
    # no-store: a recall asks for the same URL again and must be heard again.
    return Response(
        data,
        media_type="audio/wav",
        headers={"Cache-Control": "no-store"},
        # After the call is sent, the voice moves on to the calls that come next.
        background=BackgroundTask(_say_ahead, request, hall, languages),
    )


routes: list[BaseRoute] = [
    Route("/display/halls/{hall}", hall_screen, methods=["GET"]),
    Route("/display/halls/{hall}/announce.wav", announce_wav, methods=["GET"]),
    Route("/display/halls/{hall}/windows/{window}", window_screen, methods=["GET"]),
    Route("/display/halls/{hall}/windows/{window}/led.txt", led_text, methods=["GET"]),
    Mount("/display/static", app=StaticFiles(directory=HERE / "static"), name="display-static"),
]
