"""Error pages in Japanese (JSON under /api/); a record the user may not see is 'not found', whatever the reason."""

from django.http import JsonResponse
from django.shortcuts import render

MESSAGES = {
    405: ("この操作はできません", "このページではこの操作はできません。画面のボタンから操作してください。"),
    400: ("要求が正しくありません", "入力内容を確認して、もう一度お試しください。"),
    403: ("権限がありません", "この操作を行う権限がありません。"),
    404: ("ページが見つかりません", "お探しのページまたは記録は見つからないか、閲覧する権限がありません。"),
    500: ("システムエラー", "システムで問題が発生しました。時間をおいて再度お試しください。"),
}
CODES = {
    405: "method_not_allowed",
    400: "bad_request",
    403: "permission_denied",
    404: "not_found",
    500: "server_error",
}


def error_response(request, status, message=None):
    title, default = MESSAGES[status]
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message or default, "code": CODES[status]}, status=status)
    context = {"title": title, "status": status, "message": message or default}
    return render(request, "errors/error.html", context, status=status)


def not_found(request, exception=None):
    return error_response(request, 404)


def forbidden(request, exception=None):
    message = str(exception) if exception and str(exception) else None
    return error_response(request, 403, message)


def bad_request(request, exception=None):
    return error_response(request, 400)


def csrf_failure(request, reason=""):
    return error_response(
        request,
        403,
        "送信の有効期限が切れたか、不正な送信です。画面を開き直してから、もう一度お試しください。",
    )


def server_error(request):
    return error_response(request, 500)
