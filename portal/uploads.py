"""Upload size limits enforced while the body is read, before it reaches the disk.

Django writes an uploaded file over FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file as it
arrives; a size check in the view comes after all of it is there. This handler sits first in
FILE_UPLOAD_HANDLERS: it refuses a body whose declared length is already too large before reading
any of it, and stops a file the moment it passes the limit, so at most the limit reaches disk.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.http.multipartparser import MultiPartParserError
from django.urls import Resolver404, resolve

# The form fields and boundaries around the file in a multipart body.
MULTIPART_OVERHEAD = 1024 * 1024


class UploadTooLarge(MultiPartParserError):
    """Django answers it with 400 (DRF with its `detail`); the message says the limit."""


def _words(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    return f"{size / 1024:.0f} KB" if size >= 1024 else f"{size} bytes"


def limit_for(request) -> tuple[int, str]:
    """(bytes, what they are called) for the route `request` goes to: FILE_UPLOAD_LIMITS names a
    setting per URL name; any other upload gets FILE_UPLOAD_DEFAULT_LIMIT."""
    try:
        name = resolve(request.path_info).url_name
    except Resolver404:
        name = None
    setting, what = settings.FILE_UPLOAD_LIMITS.get(name, settings.FILE_UPLOAD_DEFAULT_LIMIT)
    return getattr(settings, setting), what


class SizeLimitedUploadHandler(FileUploadHandler):
    """Counts each file's bytes as they arrive and stops at the route's limit."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit, self.what = limit_for(self.request)
        if content_length and content_length > self.limit + MULTIPART_OVERHEAD:
            raise UploadTooLarge(self.refusal())
        return None  # the other handlers read the body

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            raise UploadTooLarge(self.refusal())
        return raw_data  # on to the memory or temporary-file handler

    def file_complete(self, file_size):
        return None

    def refusal(self) -> str:
        size = _words(self.limit)
        return f"The file is larger than {size}: {self.what} may be at most {size} each."
