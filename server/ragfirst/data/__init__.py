"""Data the rules use beyond source code: training files, price and lifecycle tables."""
