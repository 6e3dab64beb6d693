"""One module per ``resurgence`` subcommand; see :mod:`resurgence.cli`."""
