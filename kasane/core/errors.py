"""Domain errors raised by services; views and the API turn them into Japanese messages."""


class DomainError(Exception):
    """A rule refused the change. The message is shown to the user as it is (Japanese)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(DomainError):
    """Someone else saved the record after this user opened it (optimistic locking)."""

    def __init__(self, message: str = ""):
        super().__init__(
            message
            or "他の職員がこの記録を先に更新しました。最新の内容を開き直してから、もう一度変更してください。"
        )


class TransitionRefused(DomainError):
    """A lifecycle step the state machine refuses (the API answers 409 with this Japanese reason)."""
