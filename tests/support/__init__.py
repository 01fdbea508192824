"""Helpers shared by the tests (model builders, local servers); importable as `support.*`."""
