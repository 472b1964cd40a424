"""Moving in from WordPress and back out: WXR (WordPress eXtended RSS) import and export."""

from .attachments import AttachmentFiles
from .exporter import export_wxr
from .importer import import_wxr, scan
from .reader import WxrError
from .report import ImportReport

__all__ = ["AttachmentFiles", "ImportReport", "WxrError", "export_wxr", "import_wxr", "scan"]
