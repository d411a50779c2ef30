"""surveykit: survey analysis and qualitative coding, from raw export to report."""

__version__ = "0.1.0"

__all__ = ["__version__"]
