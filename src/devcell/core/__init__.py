"""The shared kernel: database, migrations, HTTP conventions, jobs. It imports no slice."""
