"""A refused request (403) is logged as one line, not with a traceback; a server error keeps its traceback."""

import io
import logging
import logging.config

from django.conf import settings


def _log_through_console(client, path: str) -> str:
    stream = io.StringIO()
    config = {**settings.LOGGING, "disable_existing_loggers": False}
    config["handlers"] = {"console": {**config["handlers"]["console"], "stream": stream}}
    config["root"] = {"handlers": ["console"], "level": "WARNING"}
    logging.config.dictConfig(config)
    try:
        client.get(path)
    finally:
        logging.config.dictConfig(settings.LOGGING)
    return stream.getvalue()


def test_a_refusal_is_one_line(client_for):
    client = client_for("evaluator")  # an evaluator never reaches a personal record: 403
    out = _log_through_console(client, "/intake/")
    assert "Forbidden" in out and "/intake/" in out
    assert "Traceback" not in out


def test_the_filter_keeps_server_errors_whole():
    from kasane.core.logfilters import ClientErrorsWithoutTraceback

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        exc = sys.exc_info()
    f = ClientErrorsWithoutTraceback()
    for status, kept in ((403, False), (400, False), (404, False), (500, True)):
        record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "x", (), exc)
        record.status_code = status
        assert f.filter(record) is True
        assert (record.exc_info is not None) is kept, status
