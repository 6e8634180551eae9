"""Logging filters for the console handler (settings.LOGGING)."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """Django logs every 403 (PermissionDenied) and 400 (SuspiciousOperation) with the exception's traceback:
    refused requests are routine here (the access policy refuses by raising), and a traceback per refusal
    buried the real errors. The one-line warning with method, path and status stays; 5xx keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.name.startswith("django.") and isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
