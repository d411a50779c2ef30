"""Reading exports (one module per platform) and writing files atomically.

Importing this package registers every reader; ``read_export(path)`` picks one with ``detect()``.
"""

from surveykit.io.base import Column, RawExport, Reader, Sniff, open_sniff
from surveykit.io.registry import detect, get_reader, read_export, reader_names, readers, register

# Registration order breaks ties in detect(): platform-specific readers before the generic tidy one.
from surveykit.io import surveymonkey as _surveymonkey  # noqa: E402,F401
from surveykit.io import qualtrics as _qualtrics  # noqa: E402,F401
from surveykit.io import spss as _spss  # noqa: E402,F401
from surveykit.io import unipark as _unipark  # noqa: E402,F401
from surveykit.io import limesurvey as _limesurvey  # noqa: E402,F401
from surveykit.io import forms as _forms  # noqa: E402,F401
from surveykit.io import tidy as _tidy  # noqa: E402,F401

__all__ = [
    "Column", "RawExport", "Reader", "Sniff", "open_sniff",
    "detect", "get_reader", "read_export", "reader_names", "readers", "register",
]
