from surveykit.cli import main

main()
