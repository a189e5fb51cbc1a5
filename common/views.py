"""The notification inbox: each user sees only their own rows (selectors in common.notifications).

Marking read is a POST (a state change, CSRF-protected); the notification id travels in the form,
and another user's id answers the same 404 as a missing one.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from common.notifications import (
    notification_get_for_user,
    notification_list,
    notifications_mark_read,
    notifications_resolve_done,
)

PAGE_SIZE = 50


def _posted_id(request) -> int:
    try:
        return int(request.POST.get("id", ""))
    except ValueError:
        raise Http404 from None


@login_required
def inbox(request):
    page = Paginator(notification_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = notifications_resolve_done(page.object_list)
    return render(request, "common/inbox.html", {"page": page})


@login_required
@require_POST
def notification_open(request):
    """Open one notification: mark it read and go where it points (a page inside Terpadu)."""
    n = notification_get_for_user(user=request.user, id=_posted_id(request))
    notifications_mark_read(user=request.user, ids=[n.pk])
    if n.url and url_has_allowed_host_and_scheme(n.url, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return redirect(n.url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def notification_mark_read(request):
    """"Tandai dibaca": one notification (``id`` posted) or all unread ones."""
    if "id" in request.POST:
        n = notification_get_for_user(user=request.user, id=_posted_id(request))
        count = notifications_mark_read(user=request.user, ids=[n.pk])
    else:
        count = notifications_mark_read(user=request.user)
    if count:
        messages.success(request, ngettext("%(n)d notifikasi ditandai dibaca.",
                                           "%(n)d notifikasi ditandai dibaca.", count) % {"n": count})
    else:
        messages.info(request, _("Tidak ada notifikasi baru."))
    return redirect("notifications:inbox")
