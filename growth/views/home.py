from django.shortcuts import redirect


def home(request):
    """Home is the person's own growth."""
    return redirect("my-growth")
