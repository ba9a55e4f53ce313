from araz.cli import main

raise SystemExit(main())
