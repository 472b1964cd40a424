"""Moving in and out through the admin: upload a WordPress export, download ours."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from flask import Response, current_app, render_template, request, stream_with_context

from ..request_limits import large_body
from ..wxr import WxrError, export_wxr, import_wxr
from . import admin_required, bp

# An export can be far larger than any form the blog takes; only this page accepts one.
DEFAULT_MAX_UPLOAD = 512 * 1024 * 1024


@bp.route("/wxr", methods=["GET"])
@admin_required
def wxr() -> Any:
    """The import form and the export download."""
    return render_template("admin/wxr.html", report=None, error=None)


@bp.route("/wxr/import", methods=["POST"])
@admin_required
@large_body(lambda: current_app.config.get("WXR_MAX_UPLOAD", DEFAULT_MAX_UPLOAD))
def wxr_import() -> Any:
    """Import an uploaded WXR file and show the report."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template("admin/wxr.html", report=None, error="Choose a file."), 400
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.xml"
        upload.save(path)  # the parser streams from disk, never from one big string
        try:
            report = import_wxr(path)
        except WxrError as exc:
            message = str(exc).replace("export.xml", upload.filename)
            return render_template("admin/wxr.html", report=None, error=message), 400
    return render_template("admin/wxr.html", report=report, error=None)


@bp.route("/wxr/export")
@admin_required
def wxr_export() -> Any:
    """The whole blog as a WXR 1.2 download, written while it is sent."""
    name = f"hlsblog-{date.today().isoformat()}.xml"
    return Response(
        stream_with_context(export_wxr()),
        mimetype="application/rss+xml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
