"""quartify: migrate a Flask application, tests included, to Quart."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("quartify")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"
