"""/api/halls/{hall}/webhooks: register, list, remove and re-enable webhooks; their delivery log."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from queue_server.api.deps import body, principal, service, whole_number
from queue_server.api.responses import JSONResponse
from queue_server.domain.errors import Invalid
from queue_server.outbound import webhooks
from queue_server.outbound.schemas import WebhookBody

DELIVERIES_DEFAULT, DELIVERIES_MAX = 100, 1000


async def collection(request: Request) -> JSONResponse:
    hall, svc, who = request.path_params["hall"], service(request), await principal(request)
    if request.method == "POST":
        webhooks.check_admin(svc, hall, who)
        data = await body(request, WebhookBody)
        created = await webhooks.register(svc, hall, who, data.url, data.events)
        return JSONResponse(created, status_code=201)
    return JSONResponse({"webhooks": [w.public() for w in await webhooks.listed(svc, hall, who)]})


async def item(request: Request) -> Response:
    hall, webhook_id = request.path_params["hall"], request.path_params["webhook"]
    svc, who = service(request), await principal(request)
    if request.method == "DELETE":
        await webhooks.remove(svc, hall, webhook_id, who)
        return Response(status_code=204)
    return JSONResponse((await webhooks.one(svc, hall, webhook_id, who)).public())


async def enable(request: Request) -> JSONResponse:
    hall, webhook_id = request.path_params["hall"], request.path_params["webhook"]
    webhook = await webhooks.enable(service(request), hall, webhook_id, await principal(request))
    return JSONResponse(webhook.public())


async def deliveries(request: Request) -> JSONResponse:
    hall, webhook_id = request.path_params["hall"], request.path_params["webhook"]
    svc = service(request)
    webhook = await webhooks.one(svc, hall, webhook_id, await principal(request))
    raw = request.query_params.get("limit", str(DELIVERIES_DEFAULT))
    limit = whole_number(raw)
    if limit is None or not 1 <= limit <= DELIVERIES_MAX:
        raise Invalid("error.bad_field", field="limit", problem=f"a whole number from 1 to {DELIVERIES_MAX}")
    attempts = await svc.store.delivery_attempts(webhook.id, limit)
    # Read again after the log: the cursor moves with the attempts in one write, so the webhook
    # shown is never behind the attempts listed (a batch may have been saved in between).
    webhook = await webhooks.one(svc, hall, webhook_id, await principal(request))
    return JSONResponse({"webhook": webhook.public(), "deliveries": [a.public() for a in attempts]})


_W = "/api/halls/{hall}/webhooks"
routes = [
    Route(_W, collection, methods=["GET", "POST"]),
    Route(_W + "/{webhook}", item, methods=["GET", "DELETE"]),
    Route(_W + "/{webhook}/enable", enable, methods=["POST"]),
    Route(_W + "/{webhook}/deliveries", deliveries, methods=["GET"]),
]
