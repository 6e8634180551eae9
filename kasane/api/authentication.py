"""API authentication: personal tokens (Authorization: Bearer …) or a fully signed-in browser session."""

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from kasane.core import twofactor
from kasane.core.models import ApiToken


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Authorization ヘッダーの形式が正しくありません。")
        token = ApiToken.find_active(header[1])
        if token is None:
            raise exceptions.AuthenticationFailed("APIトークンが無効か、失効しています。")
        if twofactor.is_required(token.user) and not twofactor.has_device(token.user):
            # e.g. promoted to admin after issuing the token: no API access before enrolling a second factor.
            raise exceptions.AuthenticationFailed(
                "2段階認証の設定が必要です。画面からログインして設定してください。"
            )
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """The browser session, only once any required second factor has been passed."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if twofactor.pending_step(user) is not None:
            return None
        return result


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "kasane.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "職員が発行する個人用APIトークン"}


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "kasane.api.authentication.VerifiedSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
