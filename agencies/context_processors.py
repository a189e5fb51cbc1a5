"""What every page's header needs about the signed-in user: their standing (``uctx``) and the
number of unread notifications."""

from agencies.selectors import user_context
from common.notifications import unread_count


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    ctx = user_context(user)
    # One COUNT on the (user, read_at) index per rendered page; the header shows it.
    return {"uctx": ctx, "unread_notifications": unread_count(user)}
