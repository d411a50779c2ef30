"""Coding free-text answers: codebooks, the rule coder, summaries, quotes and redaction.

Modules: ``codebook`` (format and loading; ``codebook_yaml`` writes one back), ``patterns`` (tokens,
globs, stems, phrases, negation), ``rules`` (the fast rule coder), ``summary`` (frequencies, sector
tests, co-occurrence), ``check`` (``surveykit codebook check``), ``redact`` and ``quotes``. Heavy
libraries are imported lazily.
"""
