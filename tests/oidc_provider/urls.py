from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oidc_provider.models import Client

from tests.oidc_provider.people import CLIENT_ID


@csrf_exempt
@require_POST
def allow_redirect_uri(request):
    """Test-only knob: accept one more redirect URI (a live server's port)."""
    client = Client.objects.get(client_id=CLIENT_ID)
    uri = request.POST["uri"]
    if uri not in client.redirect_uris:
        client.redirect_uris = [*client.redirect_uris, uri]
        client.save()
    return HttpResponse("ok")


urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("knobs/redirect-uri", allow_redirect_uri),
    path("", include("oidc_provider.urls", namespace="oidc_provider")),
]
