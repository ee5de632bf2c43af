"""``python -m gui``: the same as the ``greenget`` command."""

import sys

from gui.launcher import main

sys.exit(main())
