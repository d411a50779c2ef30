from surveykit.cli import run

# The program is named surveykit however it is started (python -m surveykit prints the same help and errors).
run()
