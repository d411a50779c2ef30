"""The Word file and the workbook are compressed once (issue 14): python-docx and openpyxl write their
zip entries stored, and ``normalise_zip`` compresses each as it writes the file. The reference is what
they wrote before: each library's own compressed save, then ``normalise_zip`` (same entries, same
order, so the same bytes). Where a library's steps take other arguments, its own save is used."""

from __future__ import annotations

import importlib
import io

import pytest

pytest.importorskip("docx")
pytest.importorskip("openpyxl")


def _report():
    import pandas as pd

    from surveykit.report.model import Report, SectionBuilder

    sb = SectionBuilder("first", "A first section")
    sb.text("Some text with a stray \x0b vertical tab and ünïcode.")
    sb.table("counts", "Counts by group", pd.DataFrame({"group": ["a", "b", "=c"], "n": [12, 7, 3],
                                                       "pct": [54.5, 31.8, 13.6]}), percent_columns=["pct"])
    sb.text("More text after the table.")
    other = SectionBuilder("second", "A second section")
    other.table("shares", "Shares", pd.DataFrame({"item": ["x", "y"], "share": [0.25, float("nan")]}))
    return Report(title="A report", subtitle="For the test", sections=(sb.build(), other.build()),
                  manifest={"surveykit_version": "test"})


def test_word_file_compressed_once_is_the_file_compressed_twice(monkeypatch):
    docx_writer = importlib.import_module("surveykit.report.writers.docx")
    from surveykit.report.writers.cells import normalise_zip

    report = _report()
    once = docx_writer.document_bytes(report, {})

    def saved_twice(doc):
        buf = io.BytesIO()
        doc.save(buf)
        return buf.getvalue()

    monkeypatch.setattr(docx_writer, "_package_bytes", saved_twice)
    twice = docx_writer.document_bytes(report, {})
    assert once == twice
    assert normalise_zip(once) == once


def test_word_file_of_a_python_docx_with_other_steps_is_saved_its_own_way(monkeypatch):
    from docx.opc.pkgwriter import PackageWriter

    docx_writer = importlib.import_module("surveykit.report.writers.docx")
    report = _report()
    reference = docx_writer.document_bytes(report, {})

    real = PackageWriter._write_parts

    def other_signature(phys_writer, parts, *more):
        # A step that wants another argument from surveykit's call; python-docx's own save still works.
        if type(phys_writer).__name__ == "_Stored":
            raise TypeError("_write_parts() missing 1 required positional argument")
        return real(phys_writer, parts, *more)

    monkeypatch.setattr(PackageWriter, "_write_parts", staticmethod(other_signature))
    assert docx_writer.document_bytes(report, {}) == reference


def test_workbook_compressed_once_is_the_workbook_compressed_twice(monkeypatch):
    xlsx_writer = importlib.import_module("surveykit.report.writers.xlsx")

    report = _report()
    once = xlsx_writer.workbook_bytes(report)
    
    def saved_twice(wb):
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    monkeypatch.setattr(xlsx_writer, "_save_uncompressed", saved_twice)
    assert xlsx_writer.workbook_bytes(report) == once


def test_workbook_of_an_openpyxl_with_another_writer_is_saved_its_own_way(monkeypatch):
    import openpyxl.writer.excel as excel

    xlsx_writer = importlib.import_module("surveykit.report.writers.xlsx")
    report = _report()
    reference = xlsx_writer.workbook_bytes(report)

    import zipfile

    real = excel.ExcelWriter

    class OtherWriter(real):
        # Wants another argument from surveykit's call (its stored archive); openpyxl's own save works.
        def __init__(self, workbook, archive, *more):
            if archive.compression == zipfile.ZIP_STORED:
                raise TypeError("ExcelWriter() missing 1 required positional argument")
            super().__init__(workbook, archive, *more)

    monkeypatch.setattr(excel, "ExcelWriter", OtherWriter)
    assert xlsx_writer.workbook_bytes(report) == reference
