"""The panel runner: the monthly pass over thousands of series, on one machine or a cluster.

=================  ===============================================================
``blocks``         input (a Panel, a long or wide table) -> blocks of series
``work``           one block: changepoints, alert verdicts, forecasts (pure)
``executors``      where blocks run: here, a process pool, any Executor, Dask
``run``            :func:`run_panel` and its tidy :class:`PanelResult`
=================  ===============================================================
"""

from .executors import describe_executor
from .run import PanelResult, run_panel

__all__ = ["run_panel", "PanelResult", "describe_executor"]
