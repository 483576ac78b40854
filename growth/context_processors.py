def navigation(request):
    """The viewer's ``Access`` for the navigation: their roles and unread
    count, read from the same ids the view's guards and rules read, so the
    menu and the page agree and cost no query of their own."""
    access = getattr(request, "access", None)
    if access is None or not request.user.is_authenticated:
        return {}
    return {"access": access}
