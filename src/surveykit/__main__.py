from surveykit.cli import app

# The program is named surveykit however it is started (python -m surveykit prints the same help and errors).
app(prog_name="surveykit")
