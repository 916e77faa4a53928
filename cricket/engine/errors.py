class IllegalAction(ValueError):
    """The action breaks the Laws or does not fit the match state; ``message`` says why, and
    ``field`` (when one is to blame) names the action's field, so a form can show the message
    beside it."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
