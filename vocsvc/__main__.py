from vocsvc.cli import main

raise SystemExit(main())
