"""`python -m nectar_billing`: run the billing service (or an operator command, see --help)."""

import sys

from nectar_billing.entrypoints.cli import main

if __name__ == "__main__":
    sys.exit(main())
