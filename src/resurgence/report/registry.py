"""Page plug-ins: each page kind registers a builder ``(context) -> list[ReportFigure]``.

Pages appear in the briefing in ``order`` (ties by name), so a capability that
lands later (forecast fans, seasonal effects, alerts) adds a module under
:mod:`resurgence.report.pages` that registers its page or its overlay, without
touching the orchestrator. Overlays add layers to every per-area series panel
(e.g. alert markers, a forecast fan): ``(axes, context, series_id) -> legend handles``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from matplotlib.figure import Figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.artist import Artist

    from .context import ReportContext

__all__ = ["ReportFigure", "PageKind", "register_page", "page_kinds", "register_overlay",
           "overlays"]


@dataclass
class ReportFigure:
    """One page of the briefing.

    Attributes
    ----------
    name : str
        File-name stem of its PNG (``reports/png/<name>.png``): lower case, stable
        from month to month, so links to it keep working.
    title : str
        What the page shows (the PDF outline and tests use it).
    figure : matplotlib.figure.Figure
        The page itself.
    """

    name: str
    title: str
    figure: Figure


Builder = Callable[["ReportContext"], list[ReportFigure]]
Overlay = Callable[["Axes", "ReportContext", str], list["Artist"]]


@dataclass(frozen=True)
class PageKind:
    """A registered page kind."""

    name: str
    order: int
    builder: Builder
    description: str


_PAGES: dict[str, PageKind] = {}
Extent = Callable[["ReportContext", str], "object | None"]
_OVERLAYS: dict[str, tuple[int, Overlay, Extent | None]] = {}


def register_page(name: str, order: int, description: str = "") -> Callable[[Builder], Builder]:
    """Decorator registering a page builder under ``name`` at position ``order``.

    Examples
    --------
    >>> @register_page("example", order=999, description="nothing")
    ... def build(ctx):
    ...     return []
    >>> [k.name for k in page_kinds()][-1]
    'example'
    >>> unregister_page("example")
    """
    def deco(fn: Builder) -> Builder:
        _PAGES[name] = PageKind(name, int(order), fn, description)
        return fn
    return deco


def unregister_page(name: str) -> None:
    """Remove a page kind (tests and users who want a shorter briefing)."""
    _PAGES.pop(name, None)


def page_kinds() -> list[PageKind]:
    """The registered page kinds in page order."""
    from . import pages  # noqa: F401 - importing registers the bundled pages

    return sorted(_PAGES.values(), key=lambda k: (k.order, k.name))


def register_overlay(name: str, order: int, extent: Extent | None = None
                     ) -> Callable[[Overlay], Overlay]:
    """Decorator registering a layer drawn on every per-area series panel.

    ``extent(context, series_id)``, if given, returns the last date the layer
    draws to (e.g. the end of a forecast), so the page's time axis reaches it.
    """
    def deco(fn: Overlay) -> Overlay:
        _OVERLAYS[name] = (int(order), fn, extent)
        return fn
    return deco


def overlays() -> list[Overlay]:
    """The registered overlays in drawing order."""
    from . import pages  # noqa: F401 - importing registers the bundled overlays

    return [t[1] for _, t in sorted(_OVERLAYS.items(), key=lambda kv: (kv[1][0], kv[0]))]


def overlay_extents() -> list[Extent]:
    """The extent callbacks of the registered overlays."""
    from . import pages  # noqa: F401

    return [t[2] for _, t in sorted(_OVERLAYS.items(), key=lambda kv: (kv[1][0], kv[0]))
            if t[2] is not None]
