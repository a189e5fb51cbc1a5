from agencies.selectors import user_context


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    ctx = user_context(user)
    unread = 0
    return {"uctx": ctx, "unread_notifications": unread}
