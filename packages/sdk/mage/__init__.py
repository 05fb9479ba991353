"""A Mage destination that runs a Node Singer destination built with @singer-dest/sdk.

Copy this folder into Mage's destinations (mage_integrations/destinations/<folder>/) and register it in Mage's
destination list. The folder's name names the executable: `dest_postgres` runs `dest-postgres` from PATH (set
<FOLDER>_EXECUTABLE, e.g. DEST_POSTGRES_EXECUTABLE, to a path to run another).

Mage imports this module only to find its file (mage_ai/server/api/integration_sources.py and
integration_pipeline.py `destination_file_path`), then starts it as `python3 __init__.py --config_json ... ...`.
So nothing may run at import: the hand-over to the executable is guarded by `__name__ == "__main__"`.

This one file serves every destination built with the SDK: it ships in @singer-dest/sdk under `mage/`, and the
singer-dest build copies it into each destination's Mage folder (scripts/copy-mage-shim.mjs).
"""

import json
import os
import shutil
import sys

FOLDER = os.path.basename(os.path.dirname(os.path.abspath(__file__)))
EXECUTABLE = os.environ.get(f"{FOLDER.upper()}_EXECUTABLE") or FOLDER.replace("_", "-")


def main(argv):
    """Replaces this process with the executable, passing Mage's arguments unchanged."""
    path = shutil.which(EXECUTABLE)
    if path is None:
        # Mage shows a LOG line with level ERROR as the failure reason (mage_ai/data_integrations/logger/utils.py).
        message = (
            f"{EXECUTABLE} is not on PATH. Install it in the Mage image (npm install -g @singer-dest/"
            f"{FOLDER.replace('_', '-')}) or set {FOLDER.upper()}_EXECUTABLE to its path."
        )
        sys.stdout.write(json.dumps({"type": "LOG", "level": "ERROR", "message": message, "tags": {}}) + "\n")
        sys.exit(1)
    os.execv(path, [EXECUTABLE, *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
