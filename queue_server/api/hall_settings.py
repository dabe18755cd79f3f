"""GET and PUT /api/halls/{hall}/settings: the hall's settings, changed live (admin, or the hall's
supervisor).

The body is the hall's document: the [[halls]] table of config.toml as JSON, without its id
(the path names the hall). Its shape is checked here (422 naming the field); what the shape
cannot say (a letter used twice, a window serving an unknown category, sessions that overlap)
and what the running day would not survive (a category removed with tickets waiting, …) are
refused with 409 naming it, by the hall itself (`HallState.configure`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
)
from starlette.requests import Request
from starlette.routing import Route

from queue_server.api.deps import body, in_hall, principal, service
from queue_server.api.errors import BadRequest
from queue_server.api.openapi import HALL_PARAM, ApiDoc, responses
from queue_server.api.openapi import body as request_body
from queue_server.api.responses import JSONResponse
from queue_server.auth import MANAGERS
from queue_server.ticketing.settings import check_printers


class _Part(BaseModel):
    # Taken as written: a name is not trimmed into an empty one after the schema admitted it.
    model_config = ConfigDict(extra="forbid")


def _whole(value: object) -> object:
    """JSON's 923.0 is the integer 923 (as JSON Schema has it); true or "923" is no number."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


Whole = Annotated[StrictInt, BeforeValidator(_whole)]
Code = Annotated[
    str, Field(pattern=r"^[a-z][a-z0-9_-]{0,31}$", description="lower-case letters, digits, - or _")
]
Name = Annotated[str, Field(min_length=1, max_length=60)]
ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM")]
Session = Annotated[list[ClockTime], Field(min_length=2, max_length=2, description='["HH:MM", "HH:MM"]')]
Day = Annotated[str, Field(pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]


class CategorySettings(_Part):
    code: Code
    prefix: str = Field(pattern=r"^[A-Z]$", description="The ticket letter, A-Z, one per category")
    name: Name
    name_en: Name | None = None
    weekend: StrictBool = Field(default=True, description="Served at weekends")
    time_limit_minutes: Whole = Field(default=30, ge=1, le=24 * 60)


class WindowSettings(_Part):
    number: Whole = Field(ge=1, le=999)
    name: Name | None = None
    name_en: Name | None = None
    categories: list[Code] | None = Field(
        default=None, min_length=1, description="Left out: a comprehensive window (every category)"
    )
    green_channel: StrictBool = False
    green_channel_serves_others: StrictBool = False


class PrioritySettings(_Part):
    code: Code
    name: Name
    name_en: Name | None = None


DeviceName = Annotated[str, Field(min_length=1, max_length=64)]


class PrinterSettings(_Part):
    name: DeviceName = Field(description="The printer's device name: what its print agent connects with")
    kiosks: list[DeviceName] = Field(default=[], max_length=100, description="The kiosks it prints for")
    paper_mm: Literal[58, 80] = 80
    mode: Literal["native", "image"] = Field(
        default="native", description="native: the printer's own Chinese font; image: text drawn as bitmaps"
    )
    connection: dict[str, StrictStr | StrictInt | StrictFloat | StrictBool] | None = Field(
        default=None,
        description='Where the agent finds the printer, e.g. {"kind": "network", "host": "10.0.0.7"}; '
        "left out: the agent's own --printer. Sent to the agent when it connects",
    )


class ReasonSettings(_Part):
    code: Code
    name: Name
    name_en: Name | None = None


class SpecialDaySettings(_Part):
    date: Day
    sessions: list[Session] = Field(default=[], max_length=6, description="None: closed that day")
    note: str = Field(default="", max_length=100, description="e.g. 延时服务 (extended service)")


class HoursSettings(_Part):
    weekdays: list[Session] = Field(default=[["09:00", "17:00"]], max_length=6)
    weekend: list[Session] = Field(default=[], max_length=6)
    special: list[SpecialDaySettings] = Field(default=[], max_length=366)


class KioskPrinter(_Part):
    kiosk: str = Field(min_length=1, max_length=64, description="The kiosk's device name")
    printer: str = Field(min_length=1, max_length=64, description="One of the hall's `printers`")


def _version_required(schema: dict[str, Any]) -> None:
    """The document says `version` is required, a string: the route refuses a save without it
    with 428 (not the 422 of a missing field), so the model itself lets it be left out."""
    schema.setdefault("required", []).append("version")
    described = schema["properties"]["version"]
    schema["properties"]["version"] = {
        "type": "string",
        "maxLength": 64,
        "description": described["description"],
    }


class _HallFields(_Part):
    """A hall's settings: config.toml's [[halls]] table without its id."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    name_en: Name | None = None
    timezone: str = Field(default="Asia/Shanghai", min_length=1, max_length=64)
    max_wait_minutes: Whole = Field(default=30, ge=1, le=24 * 60)
    no_show_grace_minutes: Whole = Field(default=30, ge=0, le=24 * 60)
    no_show_requeue_behind: Whole = Field(default=3, ge=0, le=100)
    priority_ratio: Whole = Field(default=2, ge=1, le=100)
    aging_minutes: Whole = Field(default=45, ge=1, le=24 * 60)
    number_width: Whole = Field(default=3, ge=1, le=6)
    default_handling_minutes: Whole = Field(default=5, ge=1, le=24 * 60)
    notice: str = Field(default="", max_length=200)
    holidays: list[Day] = Field(default=[], max_length=366, description="Closed days (法定节假日)")
    workdays: list[Day] = Field(
        default=[],
        max_length=366,
        description="Saturdays and Sundays worked on weekday hours and categories (调休)",
    )
    phone_retention_days: Whole = Field(default=30, ge=1, le=3650)
    hours: HoursSettings = Field(default_factory=HoursSettings)
    categories: list[CategorySettings] = Field(min_length=1, max_length=26)
    windows: list[WindowSettings] = Field(min_length=1, max_length=200)
    priorities: list[PrioritySettings] = Field(default=[], max_length=20)
    ticket_footer: str = Field(default="", max_length=100, description="Empty: [ticketing] footer")
    ticket_footer_en: str = Field(default="", max_length=100)
    kiosk_printers: list[KioskPrinter] = Field(default=[], max_length=100)
    printers: list[PrinterSettings] | None = Field(
        default=None, max_length=50, description="The hall's ticket printers. Left out: as they are"
    )
    pause_reasons: list[ReasonSettings] | None = Field(
        default=None,
        min_length=1,
        max_length=20,
        description="What a clerk pauses the window for; the one coded `other` takes the clerk's "
        "own words. Left out: as they are",
    )
    rating_reasons: list[ReasonSettings] | None = Field(
        default=None,
        min_length=1,
        max_length=20,
        description="What a visitor may give for a bad rating. Left out: as they are",
    )


class HallSettingsBody(_HallFields):
    """A hall's settings saved, with the version they were read at."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_version_required)

    version: str | None = Field(
        default=None,
        max_length=64,
        description="The version GET gave, required: settings changed since are not overwritten "
        "(409 names who changed them and when); a save without it is refused with 428",
    )


class NewHallBody(_HallFields):
    """A new hall: its id and the settings it starts with (no version: there were none)."""

    id: Code


async def hall_settings(request: Request) -> JSONResponse:
    hall, svc, _, caller = await in_hall(request, roles=MANAGERS)
    if request.method == "GET":
        return JSONResponse(await svc.hall_settings(hall, caller))
    data = await body(request, HallSettingsBody)
    if data.version is None:  # a save from settings never read would undo whatever changed since
        raise BadRequest(428, "error.settings_version_required")
    document = data.model_dump(exclude_none=True, exclude={"version"})
    return JSONResponse(await svc.configure_hall(hall, document, caller, check_printers, data.version))


async def create_hall(request: Request) -> JSONResponse:
    caller = await principal(request)
    data = await body(request, NewHallBody)
    document = data.model_dump(exclude_none=True)
    return JSONResponse(await service(request).create_hall(document, caller, check_printers), status_code=201)


async def retire_hall(request: Request) -> JSONResponse:
    hall = request.path_params["hall"]
    svc = service(request)
    svc.hall(hall)  # 404 first, as every hall's route
    return JSONResponse(await svc.retire_hall(hall, await principal(request)))


# POST /api/halls and DELETE /api/halls/{hall} are routed with their paths' GET (api/halls.py),
# so that a 405 lists all of a path's methods in its Allow header.
routes = [Route("/api/halls/{hall}/settings", hall_settings, methods=["GET", "PUT"])]

DOC = ApiDoc(
    paths={
        "/api/halls/{hall}/settings": {
            "get": {
                "summary": "The hall's settings as they are now (admin, the hall's supervisor)",
                "parameters": [HALL_PARAM],
                "responses": responses("200", "401", "403", "404", "503"),
            },
            "put": {
                "summary": "Change the hall's settings live: the next ticket, call and screen use them",
                "description": "The body carries the `version` GET gave: without it the save is "
                "refused with 428 Precondition Required (nothing is changed). "
                "409 names what is in the way: a category, window or priority "
                "class still needed by tickets, settings changed by someone else since `version`, "
                "a letter on today's tickets of another category, "
                "hours that end today's service while visitors wait, or settings that contradict "
                "themselves (a letter used twice, a window serving an unknown category).",
                "parameters": [HALL_PARAM],
                "requestBody": request_body("HallSettingsBody"),
                "responses": responses("200", "400", "401", "403", "404", "409", "422", "428", "503"),
            },
        },
        "/api/halls": {
            "post": {
                "summary": "Add a hall (admin): served at once, on every process, without a restart",
                "description": "409 when the id is taken (a retired hall's too: its ledger is kept) "
                "or the settings contradict themselves.",
                "requestBody": request_body("NewHallBody"),
                "responses": responses("201", "400", "401", "403", "409", "422", "503"),
            }
        },
        "/api/halls/{hall}": {
            "delete": {
                "summary": "Retire a hall (admin): its URLs answer 404, its ledger is kept",
                "description": "409 names what is in the way: open tickets, bookings ahead, or "
                "the last hall.",
                "parameters": [HALL_PARAM],
                "responses": responses("200", "401", "403", "404", "409", "503"),
            }
        },
    },
    models=(HallSettingsBody, NewHallBody),
)
