"""``python -m engine``: the worker process."""

from gevent import monkey

monkey.patch_all()

import sys  # noqa: E402 - after patching, by design

from engine.worker import main  # noqa: E402

sys.exit(main())
