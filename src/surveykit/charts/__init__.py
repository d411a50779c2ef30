"""Charts: functions that return a ``matplotlib.figure.Figure`` (no pyplot state, no disk).

Saving is ``surveykit.report.figures.save_figure``.
"""
