class IllegalAction(ValueError):
    """The action breaks the Laws or does not fit the match state; ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
