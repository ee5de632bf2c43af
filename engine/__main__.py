"""``python -m engine``: the worker process."""

from engine.monkey import patch_all

patch_all()  # first: before ssl, requests or anything else comes in

import sys

from engine.worker import main

sys.exit(main())
