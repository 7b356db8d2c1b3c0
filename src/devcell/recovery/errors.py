"""Errors of recovery mode."""

from __future__ import annotations

from devcell.core.errors import Conflict, Forbidden, ServiceUnavailable


class RecoveryCodeInvalid(Forbidden):
    code = "recovery_code_invalid"

    def __init__(self) -> None:
        super().__init__(
            "That is not the recovery code. It is in the service log (journalctl -u devcell) and printed by "
            "`sudo -u devcell devcell recovery-code`."
        )


class NotInRecovery(Conflict):
    code = "not_in_recovery"

    def __init__(self) -> None:
        super().__init__("DevCell is not in recovery mode: its database opens. Sign in as usual.")


class InRecovery(ServiceUnavailable):
    """What every other API route answers while the server is in recovery mode."""

    code = "recovery_mode"

    def __init__(self) -> None:
        super().__init__(
            "DevCell's database is damaged, so DevCell is in recovery mode: an administrator restores a backup on "
            "the recovery page (/recovery)."
        )
