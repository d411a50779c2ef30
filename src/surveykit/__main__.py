import os, time
if os.environ.get("SK_TL"): os.write(2, f"TL {time.time():.3f} main start\n".encode())
from surveykit.cli import app

# The program is named surveykit however it is started (python -m surveykit prints the same help and errors).
app(prog_name="surveykit")
