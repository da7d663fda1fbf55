"""kouka (効果): manage, verify and publish the effect verification of regional-revitalization grants."""

__version__ = "0.1.0"
