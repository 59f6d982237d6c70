"""Errors shown to Superset users: each says what is wrong and where to change it."""

from shillelagh.exceptions import OperationalError, ProgrammingError


class SettingsError(ProgrammingError):
    """The registry database's adapter settings (or a table name) are wrong."""


class RegistryUnavailableError(OperationalError):
    """ZooKeeper cannot be reached, refused us, or dropped the connection mid-read."""
