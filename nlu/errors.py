"""Errors of the NLU package: callers catch `NluError` and fall back to keywords."""


class NluError(Exception):
    """Free text could not be interpreted by the NLU service."""


class NluUnavailable(NluError):
    """The Rasa server could not be reached, did not answer in time or answered with an error."""


class NluBadResponse(NluError):
    """The Rasa server answered with something that is not a parse result."""


class NluServerError(NluError):
    """The Rasa server could not be started or did not become ready."""
