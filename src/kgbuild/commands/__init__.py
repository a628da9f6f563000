"""Sub-commands of ``kgbuild`` that live in their own modules; ``kgbuild.cli`` registers them.

:func:`library_errors` is the one bridge from the library's exceptions to the command line:
a :class:`kgbuild.errors.KgbuildError` becomes ``Error: <file:line>: <what>`` plus its hint,
with the error's exit code (2).
"""

from __future__ import annotations

import functools

import click

from ..errors import KgbuildError


class KgbuildCommandError(click.ClickException):
    """A library error shown as ``Error: <file:line>: <what>`` with its hint and exit code."""

    exit_code = 2

    def __init__(self, error: KgbuildError):
        super().__init__(str(error))
        self.exit_code = error.exit_code


def library_errors(function):
    """Turn KgbuildError raised by ``function`` into a click error with its exit code."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except KgbuildError as error:
            raise KgbuildCommandError(error) from None

    return wrapper
