"""One error shape for the whole API ({"detail", "code", "errors"}), in Japanese, declared in the schema."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from kasane.core.errors import ConflictError, DomainError, TransitionRefused

MESSAGES = {
    status.HTTP_401_UNAUTHORIZED: "認証が必要です。",
    status.HTTP_403_FORBIDDEN: "この操作を行う権限がありません。",
    status.HTTP_404_NOT_FOUND: "見つからないか、閲覧する権限がありません。",
    status.HTTP_405_METHOD_NOT_ALLOWED: "このメソッドは使えません。",
    status.HTTP_400_BAD_REQUEST: "JSONの形式が正しくありません。",
    status.HTTP_406_NOT_ACCEPTABLE: "指定された形式では応答できません。",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "送信された形式には対応していません。JSON で送信してください。",
    status.HTTP_429_TOO_MANY_REQUESTS: "要求が多すぎます。しばらく待ってから再度お試しください。",
}


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="利用者向けのメッセージ（日本語）")
    code = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False, help_text="項目ごとの誤り"
    )


def error_responses(*codes: int) -> dict:
    return {code: ErrorSerializer for code in codes}


STANDARD_ERRORS = (400, 401, 403, 404)


def exception_handler(exc, context):
    if isinstance(exc, ConflictError):
        return Response({"detail": exc.message, "code": "conflict"}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, TransitionRefused):
        return Response(
            {"detail": exc.message, "code": "transition_refused"}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, DomainError):
        body = {"detail": exc.message, "code": "invalid"}
        if exc.field:
            body["errors"] = {exc.field: [exc.message]}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {"detail": "入力内容に誤りがあります。", "code": "invalid", "errors": errors}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else ""
        # Our own messages are Japanese; DRF's built-in ones (English, or its own Japanese translation such as
        # 「見つかりませんでした。」) are replaced by ours, which say the same for missing and not permitted.
        builtin = str(detail) == str(getattr(type(exc), "default_detail", ""))
        message = (
            str(detail)
            if str(detail) and not str(detail).isascii() and not builtin
            else MESSAGES.get(response.status_code, str(detail))
        )
        code = getattr(detail, "code", None) or "error"
        response.data = {"detail": message, "code": str(code)}
    return response
