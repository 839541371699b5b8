"""The inspection dashboard's logic (never imports streamlit).

Every file and folder this package creates (the store and its WAL, backups, kept originals, the
users file, auth.log) is for the account that runs it only: 0600 files in 0700 folders.
"""

import os

os.umask(0o077)
