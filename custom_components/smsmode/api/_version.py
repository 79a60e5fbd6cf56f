"""The version of the client library, published on PyPI as aiosmsmode."""

__version__ = "0.1.0"
