"""A4 PDFs from templates with embedded Japanese fonts (WeasyPrint).

IPAex Gothic (Debian fonts-ipaexfont) is used when installed: it is fast. Otherwise the Noto Sans CJK JP
font installed from PyPI (noto-cjk-sans-jp-regular) is embedded, so a fresh machine prints Japanese too.
"""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.encoding import escape_uri_path


def _font_face_css() -> str:
    from noto_cjk_sans_jp_regular import FONT_PATH

    return (
        "@font-face { font-family: 'KasaneNotoJP'; "
        f"src: url('{FONT_PATH.as_uri() if hasattr(FONT_PATH, 'as_uri') else 'file://' + str(FONT_PATH)}'); }}"
    )


def font_family_css() -> str:
    families = ", ".join(f"'{name}'" for name in settings.KASANE_PDF_FONT_FAMILIES)
    return f"{families}, sans-serif"


def render_pdf(template_name: str, context: dict) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_to_string(template_name, {**context, "pdf_font_family": font_family_css()})
    fonts = FontConfiguration()
    base = CSS(
        string=_font_face_css()
        + f"@page {{ size: A4; margin: 15mm 12mm 18mm; font-family: {font_family_css()}; "
        "@bottom-center { content: counter(page) ' / ' counter(pages); font-size: 8pt; } }"
        f"html {{ font-family: {font_family_css()}; font-size: 9.5pt; }}",
        font_config=fonts,
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[base], font_config=fonts)


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{escape_uri_path(filename)}"
    return response
