"""The bundled page kinds; importing this package registers them (see ``registry``).

A page that depends on a capability still to come (the month's alerts and alert
markers) is a module added here when it lands; ``forecast`` (the fan on the area
pages) and ``seasonal`` (seasonal and Ramadan effects) came with issue #5.
"""

from . import (  # noqa: F401
    coverage,
    forecast,
    publishers,
    seasonal,
    series,
    small_multiples,
    sources,
    summary,
)
