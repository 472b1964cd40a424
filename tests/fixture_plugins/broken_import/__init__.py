"""Fails as it is imported (a test plugin)."""

raise RuntimeError("this plugin is broken on purpose")
