"""quartify: migrate a Flask application, tests included, to Quart."""

# The one place the version is written: pyproject.toml reads it (hatch's version source), and
# reading it here costs nothing, where importlib.metadata cost ~80 ms of every start-up.
__version__ = "0.1.0"
