"""casplan: an institution's action plan as version-controlled YAML."""

__version__ = "0.1.0"
