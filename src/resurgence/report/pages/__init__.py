"""The bundled page kinds; importing this package registers them (see ``registry``).

A capability's pages are a module here: ``forecast`` (the fan on the area pages),
``seasonal`` (seasonal and Ramadan effects) and ``alerts`` (the month's alerts and
the alert markers on the area pages).
"""

from . import (  # noqa: F401
    alerts,
    coverage,
    forecast,
    publishers,
    seasonal,
    series,
    small_multiples,
    sources,
    summary,
)
