"""``python -m lstm_core``; see :mod:`lstm_core.cli`."""

import sys

from .cli import main

sys.exit(main())
