"""API tokens: issued for a user name, password (and staff's two-factor code), stored only as a
hash (django-rest-knox), expiring, listed and revocable by their owner."""

from django.contrib.auth import authenticate
from django.utils import timezone
from django_otp import match_token
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api import ERRORS, ClientScopedRateThrottle
from portal.roles import requires_two_factor

# Whatever was wrong (user name, password, a staff member's code), the answer is the same: it
# must not tell a guesser that the password was right before the code is.
REFUSED = (
    "Unable to sign in with these credentials. Reviewers, auditors and program admins also send "
    "`otp_token`, the current six-digit code from their authenticator app (or a recovery code); "
    "so does everyone who turned on two-factor sign-in."
)


class TokenScheme(KnoxTokenScheme):
    """The schema's name for `Authorization: Token <token>`."""

    target_class = "portal.authentication.TokenAuthentication"
    name = "tokenAuth"


class TokenRequestSerializer(serializers.Serializer):
    """User name and password; staff roles also give the code from their authenticator app."""

    # Bounded before anything (django-axes, the password hasher) sees them.
    username = serializers.CharField(label="Username", write_only=True, max_length=150)
    password = serializers.CharField(
        label="Password",
        style={"input_type": "password"},
        trim_whitespace=False,
        write_only=True,
        max_length=1024,
    )
    otp_token = serializers.CharField(
        required=False, allow_blank=True, write_only=True, label="Two-factor code", max_length=16
    )

    def validate(self, attrs):
        request = self.context["request"]
        # The plain HttpRequest, so that django-axes sees (and can lock) this sign-in too.
        user = authenticate(
            request=getattr(request, "_request", request),
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None:
            raise serializers.ValidationError(REFUSED, code="authorization")
        code = attrs.get("otp_token", "")
        if requires_two_factor(user) and (not code or match_token(user, code) is None):
            raise serializers.ValidationError(REFUSED, code="authorization")
        attrs["user"] = user
        return attrs


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
    id = serializers.CharField(help_text="The token's id, to list or revoke it.")
    expiry = serializers.DateTimeField(help_text="After this moment the token is refused.")


class ObtainTokenView(APIView):
    """`POST username, password` (and staff's `otp_token`) answers a new token and its expiry;
    rate-limited per client address. The token is shown once: only its hash is stored."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenRequestSerializer,
        responses={200: IssuedTokenSerializer, 400: ERRORS[400]},
    )
    def post(self, request: Request) -> Response:
        form = TokenRequestSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        user = form.validated_data["user"]
        AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
        instance, token = AuthToken.objects.create(user=user)
        body = {"token": token, "id": instance.token_key, "expiry": instance.expiry}
        return Response(IssuedTokenSerializer(body).data)


class TokenSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="token_key", read_only=True)
    current = serializers.SerializerMethodField(help_text="The token of this request.")

    class Meta:
        model = AuthToken
        fields = ["id", "created", "expiry", "current"]

    def get_current(self, token) -> bool:
        used = getattr(self.context.get("request"), "auth", None)
        return isinstance(used, AuthToken) and used.digest == token.digest


class TokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The caller's own API tokens (never their secret, which is not stored); revoke one with
    DELETE. Another person's token answers 404."""

    serializer_class = TokenSerializer
    lookup_field = "token_key"
    lookup_url_kwarg = "id"
    lookup_value_regex = r"[0-9a-f]{15}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no caller
            return AuthToken.objects.none()
        return AuthToken.objects.filter(user=self.request.user, expiry__gt=timezone.now()).order_by(
            "-created", "token_key"
        )

    @extend_schema(responses={204: None, 404: ERRORS[404]})
    def destroy(self, request: Request, *args, **kwargs) -> Response:
        """Revoke one of your tokens: it is refused from now on."""
        self.get_object().delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
