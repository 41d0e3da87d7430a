"""The web UI's entry point: ``python app.py`` (the same as ``minutes serve``).

The UI itself lives in ``minutes_app/ui/``; this script only runs it.
"""

import sys

from minutes_app.ui.app import main

if __name__ == "__main__":
    sys.exit(main())
