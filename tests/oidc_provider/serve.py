"""Run the test OpenID Connect provider on a free loopback port; print the port when ready.

Input (environment): OIDC_PROVIDER_DB (SQLite file) and OIDC_PROVIDER_SEED, a JSON object with
`client_id`, `client_secret`, `redirect_uri` and `users` ({username, password, email,
first_name, last_name}).
"""

import json
import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def seed(spec: dict) -> None:
    from django.contrib.auth.models import User
    from oauth2_provider.models import Application

    for person in spec["users"]:
        User.objects.create_user(**person)
    Application.objects.create(
        name="Support Services portal",
        client_id=spec["client_id"],
        client_secret=spec["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=spec["redirect_uri"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )


def main() -> None:
    server = make_server(
        "127.0.0.1", 0, None, server_class=ThreadingServer, handler_class=QuietHandler
    )
    os.environ["OIDC_PROVIDER_ISSUER"] = f"http://127.0.0.1:{server.server_port}/o"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0)
    seed(json.loads(os.environ["OIDC_PROVIDER_SEED"]))
    server.set_app(get_wsgi_application())
    sys.stdout.write(f"{server.server_port}\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
