"""What a chart's bytes are when matplotlib saves it alone, with the report's settings: the reference
the report's shared text metrics and font tables are checked against (test_report_speed_charts.py,
test_report_speed4_imports_fonts.py)."""

from __future__ import annotations

import io


def matplotlib_bytes(fig, fmt: str) -> bytes:
    """``report.figures.draw`` without any sharing: ``Figure.savefig`` called directly, same settings."""
    import matplotlib

    from surveykit.report import figures

    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "surveykit", "svg.fonttype": "none"}):
        fig.savefig(buf, format=fmt, metadata=figures._PNG_META if fmt == "png" else figures._SVG_META,
                    bbox_inches="tight")
    return buf.getvalue()
