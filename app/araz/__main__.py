from araz.cli import main

# a --screenshot start ends the process once its picture is written (araz.cli._exit_now)
raise SystemExit(main(exit_when_shot=True))
