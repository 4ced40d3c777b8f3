"""``python -m invoicespec``: the same command line as ``invoicespec``."""

import sys

from invoicespec.cli import main

sys.exit(main())
