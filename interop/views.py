"""The street's hotline desk (pages): the queue (待分类 with reasons, requests pending at the hotline, latest
orders) and one order's page with its messages and the 退单 / 延期 requests. Thin: reads through ``selectors``
(outside scope: 404), writes through ``services``; a refused request shows the page again with the reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases import transitions
from cases.selectors import allowed_actions
from core.errors import DomainError
from governance.http import AuthenticatedHttpRequest
from governance.models import User

from . import services
from .choices import RequestState
from .forms import ExtensionRequestForm, PlaceForm, ReturnRequestForm
from .models import Order, OrderRequest
from .selectors import order_queue_for, orders_for
from .services.orders import PLACEABLE, triage_reason_text


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    lists = order_queue_for(request.user)
    triage = [(o, [triage_reason_text(r) for r in o.triage_reasons]) for o in lists["triage"]]
    return render(
        request,
        "interop/queue.html",
        {"urgent": lists["urgent"], "triage": triage, "waiting": lists["waiting"], "recent": lists["recent"]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    order = orders_for(request.user).filter(pk=pk).first()
    if order is None:
        raise Http404
    return_form, extension_form = ReturnRequestForm(prefix="ret"), ExtensionRequestForm(prefix="ext")
    place_form = PlaceForm(
        prefix="place",
        street_id=order.partner.street_id,
        initial={"category": order.case.category_id, "grid": order.case.grid_id},
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "return":
                return_form = ReturnRequestForm(request.POST, prefix="ret")
                if return_form.is_valid():
                    services.order_return_request(order_id=order.pk, actor=request.user, **return_form.cleaned_data)
                    messages.success(request, _("退单申请已发送给12345热线"))
                    return redirect(reverse("interop:hotline-order", args=[order.pk]))
            elif action == "extension":
                extension_form = ExtensionRequestForm(request.POST, prefix="ext")
                if extension_form.is_valid():
                    services.order_extension_request(
                        order_id=order.pk, actor=request.user, **extension_form.cleaned_data
                    )
                    messages.success(request, _("延期申请已发送给12345热线"))
                    return redirect(reverse("interop:hotline-order", args=[order.pk]))
            elif action == "place":
                place_form = PlaceForm(request.POST, prefix="place", street_id=order.partner.street_id)
                if place_form.is_valid():
                    data = place_form.cleaned_data
                    services.order_place(
                        order_id=order.pk,
                        actor=request.user,
                        category_id=data["category"].pk,
                        grid_id=data["grid"].pk if data["grid"] else None,
                        remember_mapping=data["remember_mapping"],
                    )
                    messages.success(request, _("已完成分类，事件的办理时限已按所选小类重新计算"))
                    return redirect(reverse("interop:hotline-order", args=[order.pk]))
            elif action == "triaged":
                services.order_triage_clear(order_id=order.pk, actor=request.user)
                messages.success(request, _("已移出待分类队列"))
                return redirect(reverse("interop:hotline-order", args=[order.pk]))
            else:
                messages.error(request, _("未知操作"))
        except DomainError as exc:
            if action == "return":  # next to what the officer wrote, in the form that stays open
                return_form.add_error(None, exc.message)
            elif action == "extension":
                extension_form.add_error(None, exc.message)
            else:
                messages.error(request, exc.message)
    requests = list(order.requests.select_related("requested_by"))
    context = {
        "order": order,
        "case": order.case,
        "reasons": [triage_reason_text(r) for r in order.triage_reasons],
        "requests": requests,
        "outbox": order.messages.order_by("sequence").prefetch_related("deliveries"),
        "decisions": order.decisions.all(),
        "return_form": return_form,
        "extension_form": extension_form,
        **_requests_offered(order, requests, request.user),
        "place_form": place_form,
        "placeable": order.case.status in PLACEABLE,
    }
    return render(request, "interop/order.html", context)


def _requests_offered(order: Order, requests: list[OrderRequest], user: User) -> dict[str, str]:
    """Why the officer can't ask the hotline for a return or an extension now ("" when they can): the page offers a
    form only where the request could go, and says why otherwise — the service would refuse it after the officer
    had written the reason. The refusals are the services' own; the extension also needs the case's state and the
    officer to allow the ``extension_request`` transition."""
    pending = {r.kind for r in requests if r.state == RequestState.PENDING}
    return_refusal = services.return_refusal(order, pending=pending)
    extension_refusal = services.extension_refusal(order, pending=pending, now=timezone.now())
    if extension_refusal is not None:
        extension_blocked = extension_refusal.message
    elif not transitions.get("extension_request").allowed_from(order.case.status):
        extension_blocked = _("事件签收办理后才能申请延期")
    elif not any(a["allowed"] for a in allowed_actions(user, order.case, ["extension_request"])):
        extension_blocked = _("延期由事件的承办方在事件页申请，申请会转给12345热线")  # the holder asks
    else:
        extension_blocked = ""
    return {
        "return_blocked": return_refusal.message if return_refusal else "",
        "extension_blocked": extension_blocked,
    }
