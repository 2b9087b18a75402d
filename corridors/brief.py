"""Short, one-line ``repr`` of any value, for error messages.

Long text, huge numbers and deep or large lists and mappings are cut, so a message that quotes
bad input stays one readable line.
"""

from __future__ import annotations

import reprlib
from typing import Any

__all__ = ["brief"]


class _Brief(reprlib.Repr):
    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 128:  # repr() refuses integers of more than 4,300 digits
            return f"<an integer of about {int(x.bit_length() * 0.30103) + 1} digits>"
        return super().repr_int(x, level)


_BRIEF = _Brief()
_BRIEF.maxlevel, _BRIEF.maxstring, _BRIEF.maxother = 3, 60, 60
_BRIEF.maxlist = _BRIEF.maxdict = _BRIEF.maxtuple = 4


def brief(value: Any) -> str:
    """A short ``repr`` of ``value`` for messages: long text, huge numbers and deep or large
    lists and mappings are cut, so an error stays one readable line.

    Examples
    --------
    >>> brief(10**5000)
    '<an integer of about 5001 digits>'
    >>> brief([[[[1]]]])
    '[[[[...]]]]'
    """
    return _BRIEF.repr(value)
