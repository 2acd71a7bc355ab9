"""The typer command line: one module per verb; app.py only assembles."""
