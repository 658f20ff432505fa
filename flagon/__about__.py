"""flagon's version: ``flagon.__version__``, and the packaging metadata's (pyproject.toml)."""

__version__ = "0.1.0"
