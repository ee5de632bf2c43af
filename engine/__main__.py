"""``python -m engine``: the worker process."""

from gevent import monkey

monkey.patch_all()

import sys

from engine.worker import main

sys.exit(main())
