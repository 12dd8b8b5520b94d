"""`python -m nicmodel ...`: the command line."""

import sys

from .cli import main

sys.exit(main())
