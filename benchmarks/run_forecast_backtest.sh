#!/usr/bin/env bash
# Regenerate the forecasting benchmark table of docs/forecasting.md (see benchmarks/README.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
.venv/bin/python benchmarks/simulate_series.py
.venv/bin/resurgence backtest --csv benchmarks/data/simulated_nb.csv \
    --column low_flat --column mid_flat --column mid_rising --column high_flat \
    --column high_falling --column ramadan --column wandering --column collapse \
    --horizon 12 --step 3 --windows 12 --initial 48 \
    --models auto glm glm_local sarimax seasonal_naive naive "$@"
