"""Error pages in Japanese; a record the user may not see is 'not found', whatever the reason."""

from django.shortcuts import render


def not_found(request, exception=None):
    return render(
        request,
        "errors/error.html",
        {
            "title": "ページが見つかりません",
            "status": 404,
            "message": "お探しのページまたは記録は見つからないか、閲覧する権限がありません。",
        },
        status=404,
    )


def forbidden(request, exception=None):
    message = str(exception) if exception and str(exception) else "この操作を行う権限がありません。"
    return render(
        request,
        "errors/error.html",
        {"title": "権限がありません", "status": 403, "message": message},
        status=403,
    )


def bad_request(request, exception=None):
    return render(
        request,
        "errors/error.html",
        {
            "title": "要求が正しくありません",
            "status": 400,
            "message": "入力内容を確認して、もう一度お試しください。",
        },
        status=400,
    )


def server_error(request):
    return render(
        request,
        "errors/error.html",
        {
            "title": "システムエラー",
            "status": 500,
            "message": "システムで問題が発生しました。時間をおいて再度お試しください。",
        },
        status=500,
    )
