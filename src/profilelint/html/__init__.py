"""`profilelint report --html DIR`: a static review site for the people who review profiles.

Modules: `site` builds the report (lint, read, lay out, write); `index` renders the figures
and the profile table; `pages` the profile and graph pages; `charts` draws the small bar
charts; `layout` places and draws the related-profiles graph (networkx, the optional extra
`html`); `assets` holds the stylesheet and the one script.  Nothing is fetched from
anywhere: the folder works offline, opened from disk.
"""
