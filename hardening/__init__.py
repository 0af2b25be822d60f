"""The live hardening suite: schema fuzzing, load and soak, faults (``python -m hardening``).

docs/reliability.md lists each guarantee and the command that proves it.
"""
