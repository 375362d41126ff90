"""The floor of `make load`: a WSGI application that answers every request with "ok" and does
nothing else, served by the same gunicorn configuration as the portal. What wrk measures of it
is the cost of gunicorn, loopback HTTP and wrk itself on this machine, which no Django view can
go below."""


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]
