"""The language server's building blocks, kept apart from the pygls wiring in ``server.py``.

Everything here reuses the engine (``Linter``), the corpus index and the schema; nothing here
lints by a second path.  Only ``server.py`` knows about the transport and the event loop.
"""
