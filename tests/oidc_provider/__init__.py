"""A real OpenID Connect provider (django-oauth-toolkit) that tests run in a second process on
loopback, to sign in to the portal with "Sign in with Microsoft" end to end."""
