"""What every page's header needs about the signed-in user: their standing (``uctx``), whether the
menu is shown and the number of unread notifications."""

from agencies.selectors import user_context
from common.notifications import unread_count


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    ctx = user_context(user)
    if ctx.needs_totp and not getattr(user, "is_verified", lambda: False)():
        # Before the second factor the header shows no menu and no counts: only "Keluar".
        return {"uctx": ctx, "show_nav": False}
    # One COUNT on the (user, read_at) index per rendered page; the header shows it.
    return {"uctx": ctx, "show_nav": True, "unread_notifications": unread_count(user)}
