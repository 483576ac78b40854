"""Run the test provider: set it up in a fresh database, then serve.

``python -m tests.oidc_provider.serve DB_PATH REDIRECT_URI...`` listens on a
free loopback port and prints ``listening <port>`` once it answers.
"""

import os
import sys


def main() -> None:
    db_path, *redirect_uris = sys.argv[1:]
    os.environ["OIDC_PROVIDER_DB"] = db_path
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"

    import django

    django.setup()

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.servers.basehttp import (
        ThreadedWSGIServer,
        WSGIRequestHandler,
    )
    from django.core.wsgi import get_wsgi_application
    from oidc_provider.models import Client, ResponseType

    from tests.oidc_provider import people

    call_command("migrate", verbosity=0)
    call_command("creatersakey", stdout=open(os.devnull, "w"))  # noqa: SIM115
    for username, (email, _name) in people.PEOPLE.items():
        User.objects.create_user(username, email, people.PASSWORD)
    client = Client.objects.create(
        name="Cultivate",
        client_type="confidential",
        client_id=people.CLIENT_ID,
        client_secret=people.CLIENT_SECRET,
        jwt_alg="RS256",
        require_consent=False,
        reuse_consent=True,
        _redirect_uris="\n".join(redirect_uris),
        _scope="openid email profile",
    )
    client.response_types.add(ResponseType.objects.get(value="code"))

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(get_wsgi_application())
    print(f"listening {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
