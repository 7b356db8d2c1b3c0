"""Accounts errors, each with a stable code."""

from __future__ import annotations

from devcell.core.errors import Conflict, Forbidden, NotFound, Unauthorized


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"

    def __init__(self) -> None:
        # One message for unknown user, wrong password and deactivated account: no user-name probing.
        super().__init__("Wrong user name or password.")


class UserNotFound(NotFound):
    code = "user_not_found"

    def __init__(self, user_id: int) -> None:
        super().__init__(f"There is no user with id {user_id}.")


class PersonNotFound(NotFound):
    code = "person_not_found"

    def __init__(self, username: str) -> None:
        super().__init__(f"There is no active user named {username!r}.")


class UsernameTaken(Conflict):
    code = "username_taken"

    def __init__(self, username: str) -> None:
        super().__init__(
            f"The user name {username!r} is already in use.",
            detail=[{"field": "username", "message": "is already in use"}],
        )


class LastAdmin(Conflict):
    code = "last_admin"

    def __init__(self) -> None:
        super().__init__("This is the last active administrator. Make another user an administrator first.")


class SetupCodeInvalid(Forbidden):
    code = "setup_code_invalid"

    def __init__(self) -> None:
        super().__init__(
            "That setup code is not right. Run `devcell setup-code` on the appliance, or look for it "
            "in the service log (journalctl -u devcell)."
        )


class SetupDone(Conflict):
    code = "setup_done"

    def __init__(self) -> None:
        super().__init__("DevCell is already set up. Sign in instead.")


class RegistrationClosed(Forbidden):
    code = "registration_closed"


class InvitesDisabled(Conflict):
    code = "invites_disabled"

    def __init__(self) -> None:
        super().__init__(
            "Invite links only work when the registration setting is 'invite' or 'open'; it is 'closed'. "
            "Change it in Settings, or create the account yourself."
        )


class SessionNotFound(NotFound):
    code = "session_not_found"


class TokenNotFound(NotFound):
    code = "token_not_found"


class SessionRequired(Forbidden):
    code = "session_required"

    def __init__(self) -> None:
        # A leaked token must not be able to mint more tokens that outlive its own revocation.
        super().__init__(
            "API tokens can only be created from a signed-in browser session (Profile page), not with an API token."
        )


class InviteNotFound(NotFound):
    code = "invite_not_found"


class UserOwnsData(Conflict):
    code = "user_owns_data"


class ResetLinkInvalid(Forbidden):
    """A reset link that is unknown, used, expired or revoked: the page asks for a new one."""

    code = "reset_link_invalid"

    def __init__(self) -> None:
        super().__init__("This reset link does not work any more; ask an administrator for a new one.")


class ResetNotFound(NotFound):
    code = "reset_not_found"
