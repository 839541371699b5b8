"""Typed errors of the data layer: each carries a message a user can act on (no traceback)."""


class StoreError(Exception):
    """A problem with the store, with a message for the user."""
