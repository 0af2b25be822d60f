"""learnplat: a reusable Django package that gives any Django site a learning platform."""

__version__ = "0.1.0.dev0"
