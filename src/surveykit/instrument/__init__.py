"""The instrument: a questionnaire described in YAML, as frozen values (``values``), checked and
built by ``schema`` (which also loads files through ``surveykit.io``)."""

from surveykit.instrument.schema import (codebooks_dir, default_instrument_path, fits, load_instrument,
                                         parse_instrument)
from surveykit.instrument.values import (ANALYSES, GROUPING_KINDS, PROFILE_KINDS, QUESTION_ROLES, QUESTION_TYPES,
                                         SCALE_KINDS, CodedField, Instrument, Item, Net, Option, ProfileField,
                                         Question, ReportPart, ReportPlan, ReportSection, Scale, Sector, YouthLink,
                                         id_key, normalise_label)

__all__ = ["ANALYSES", "GROUPING_KINDS", "PROFILE_KINDS", "QUESTION_ROLES", "QUESTION_TYPES", "SCALE_KINDS",
           "CodedField", "Instrument", "Item", "Net", "Option", "ProfileField", "Question", "ReportPart", "ReportPlan",
           "ReportSection", "Scale", "Sector", "YouthLink", "codebooks_dir", "default_instrument_path", "fits",
           "id_key", "load_instrument", "normalise_label", "parse_instrument"]
