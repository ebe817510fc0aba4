"""The secretariat reads the audit trail: filters, pages, each change as a before/after table.
No view of this app changes anything."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from manyi.audit import queries
from manyi.audit.forms import AuditFilterForm
from manyi.audit.labels import action_label, type_label

PAGE_SIZE = 50


@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("audit.view_auditevent"):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied("只有秘书处可以查看审计日志。")
    form = AuditFilterForm(request.GET or None, object_types=queries.object_types())
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(queries.events(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.rows = queries.change_rows(event)  # type: ignore[attr-defined]
        event.action_label = action_label(event.action)  # type: ignore[attr-defined]
        event.type_label = type_label(event.object_type)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
