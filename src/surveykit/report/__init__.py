"""Writing results to disk: figures, tables and the whole report."""
