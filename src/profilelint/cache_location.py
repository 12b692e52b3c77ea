"""The name of the result cache's folder, apart from the cache's code: a `--no-cache` run
passes no folder and so never imports the cache (the cache format and msgspec, ~7 ms)."""

CACHE_DIR_NAME = ".profilelint_cache"
