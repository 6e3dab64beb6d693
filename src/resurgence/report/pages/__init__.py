"""The bundled page kinds; importing this package registers them (see ``registry``).

A page that depends on a capability still to come (forecast fan, seasonal and
Ramadan effects, the month's alerts) is a module added here when it lands.
"""

from . import coverage, publishers, series, small_multiples, sources, summary  # noqa: F401
