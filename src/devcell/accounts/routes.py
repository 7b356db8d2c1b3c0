"""HTTP endpoints of the accounts slice: setup, sign-in, own profile, sessions, tokens, users, invites."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.responses import Response

from devcell.accounts import _onboarding, _resets, service, sessions
from devcell.accounts.errors import InvitesDisabled, SessionRequired
from devcell.accounts.schemas import (
    AdminUserPatch,
    DeleteUserQuery,
    InviteCheckIn,
    InviteCheckOut,
    InviteCreate,
    InviteCreated,
    InviteList,
    LoginIn,
    LogoutAllIn,
    PasswordChange,
    PasswordReset,
    PeoplePage,
    PeopleQuery,
    PersonDetail,
    ProfilePatch,
    RegisterIn,
    ResetCheckIn,
    ResetCheckOut,
    ResetCreate,
    ResetCreated,
    ResetIn,
    ResetList,
    SessionList,
    SetupIn,
    SetupStatus,
    SignedIn,
    TokenCreate,
    TokenCreated,
    TokenList,
    UserCreate,
    UserOut,
    UserPage,
    UserQuery,
    check_username,
)
from devcell.accounts.sessions import ACTIVITY, CREDENTIALS, LOGIN_GUARD
from devcell.core.auth import Access
from devcell.core.cache import ReadCache
from devcell.core.errors import RateLimited
from devcell.core.web import SESSION_COOKIE, ApiRoute, Call, json, no_content
from devcell.settings.service import SETTINGS_STORE


def _throttle_anonymous(call: Call) -> None:
    """Setup and registration are anonymous: bound how fast one client can guess codes or create accounts."""
    limiter = call.state.anonymous_limiter
    wait = limiter.retry_after(call.client_address)
    if wait:
        raise RateLimited(f"Too many attempts. Try again in {wait // 60 + 1} minutes.", retry_after=wait)
    limiter.hit(call.client_address)


async def _signed_in(call: Call, user: UserOut, status: int = 200) -> Response:
    """Start a browser session for `user` and answer with the user, the CSRF token and the cookie (a Response:
    the cookie is set on it)."""
    settings, credentials = call.state.need(SETTINGS_STORE), call.state.need(CREDENTIALS)
    new = await call.run(
        sessions.start_session,
        user.id,
        settings,
        call.request.headers.get("user-agent", ""),
        call.client_address,
    )
    response = json(SignedIn(user=user, csrf_token=credentials.csrf_for_session(new.token)), status)
    response.set_cookie(
        SESSION_COOKIE,
        credentials.cookie_value(new.token),
        max_age=settings.get_int("session_max_days") * 86_400,
        path="/",
        httponly=True,
        samesite="lax",
        secure=call.request.url.scheme == "https",
    )
    return response


def _signed_out() -> Response:
    """204 that also drops the session cookie (a Response: the cookie is cleared on it)."""
    response = no_content()
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response


async def get_setup(call: Call) -> SetupStatus:
    """Whether first-run setup is needed, the registration policy and the appliance name."""
    return call.read(_onboarding.setup_status, call.state.need(SETTINGS_STORE))


async def post_setup(call: Call, body: SetupIn) -> Response:
    """Create the first administrator with the one-time setup code, and sign them in."""
    _throttle_anonymous(call)
    user = await call.run(_onboarding.complete_setup, body, call.state.config.data_dir)
    return await _signed_in(call, user, 201)


async def register(call: Call, body: RegisterIn) -> Response:
    """Create an account when registration is open, or with an invite; signs the new user in."""
    _throttle_anonymous(call)
    policy = call.state.need(SETTINGS_STORE).get_str("registration")
    user = await call.run(_onboarding.register, body, policy)
    return await _signed_in(call, user, 201)


async def check_invite(call: Call, body: InviteCheckIn) -> InviteCheckOut:
    """Whether an invite link still works: valid, used, expired or invalid (unknown or revoked), nothing more."""
    _throttle_anonymous(call)
    return call.read(_onboarding.check_invite, body.invite)


async def login(call: Call, body: LoginIn) -> Response:
    """Sign in with user name and password; sets the session cookie and returns the CSRF token."""
    guard = call.state.need(LOGIN_GUARD)
    user_id = await call.run(sessions.sign_in, body.username, body.password, guard, call.client_address)
    return await _signed_in(call, await call.run(service.get_user, user_id))


async def logout(call: Call) -> Response:
    """End this session (API tokens are revoked separately)."""
    if call.user.session_id is not None:
        await call.run(sessions.end_session, call.user.session_id)
    return _signed_out()


async def logout_all(call: Call, body: LogoutAllIn) -> Response:
    """End every session of the current user, this one included, and their API tokens unless `revoke_tokens`
    is false (no body: true)."""
    await call.run(sessions.end_all_sessions, call.user.user_id, body.revoke_tokens)
    return _signed_out()


async def get_me(call: Call) -> SignedIn:
    """The signed-in user and, for browser sessions, the CSRF token to send on writes."""
    user = call.read(service.get_user, call.user.user_id)
    return SignedIn(user=user, csrf_token=call.user.csrf_token)


async def patch_me(call: Call, body: ProfilePatch) -> SignedIn:
    """Edit your own profile; send null or "" to clear a field."""
    user = await call.run(service.update_profile, call.user.user_id, body)
    return SignedIn(user=user, csrf_token=call.user.csrf_token)


async def change_password(call: Call, body: PasswordChange) -> None:
    """Change your password; every other session of yours is signed out, and your API tokens are revoked unless
    `revoke_tokens` is false. Wrong current passwords are rate limited (429)."""
    user, guard = call.user, call.state.need(LOGIN_GUARD)
    await call.run(service.change_password, user.user_id, body, user.session_id, guard)


async def list_sessions(call: Call) -> SessionList:
    """Your active browser sessions; `current` marks this one."""
    idle_limit = timedelta(minutes=call.state.need(SETTINGS_STORE).get_int("session_idle_minutes"))
    user, activity = call.user, call.state.need(ACTIVITY)
    return call.read(sessions.list_sessions, user.user_id, user.session_id, activity, idle_limit)


async def revoke_session(call: Call) -> None:
    """Sign out one of your sessions."""
    await call.run(sessions.revoke_session, call.user.user_id, call.path_int("session_id"))


async def list_tokens(call: Call) -> TokenList:
    """Your personal API tokens (never the secrets)."""
    return call.read(sessions.list_tokens, call.user.user_id)


async def create_token(call: Call, body: TokenCreate) -> TokenCreated:
    """Create a personal API token for `Authorization: Bearer`; the token is shown only in this answer. Only a
    browser session may do this (403 for a token)."""
    if call.user.token_id is not None:
        raise SessionRequired()
    return await call.run(sessions.create_token, call.user.user_id, body)


async def revoke_token(call: Call) -> None:
    """Revoke one of your API tokens."""
    await call.run(sessions.revoke_token, call.user.user_id, call.path_int("token_id"))


# Pages of the user list are served again until anything is written (core/cache.py).
USERS_CACHE = ReadCache()


async def list_users(call: Call, query: UserQuery) -> Response:
    """Search and filter users (administrators)."""

    def render() -> bytes:
        return bytes(json(call.read(service.users_page, query)).body)

    # Only admins reach this route, and they all see the same list: the query string decides the page. A Response:
    # a cached page is sent as the bytes rendered the first time.
    return Response(USERS_CACHE.get_or_render(call.request.url.query, render), media_type="application/json")


async def list_people(call: Call, query: PeopleQuery) -> dict[str, Any]:
    """Active colleagues (id, user name, display name), to pick an assignee or a project member."""
    return call.read(service.people_page, query)


async def get_person(call: Call) -> PersonDetail:
    """An active colleague's page by user name (what an @mention links to): names and away days; 404 for
    unknown and deactivated users, 422 for a string that cannot be a user name."""
    username = check_username(call.request.path_params["username"])
    return call.read(service.person, username)


async def create_user(call: Call, body: UserCreate) -> UserOut:
    """Create a user (administrators)."""
    return await call.run(service.create_user, body)


async def get_user(call: Call) -> UserOut:
    """One user (administrators)."""
    return call.read(service.get_user, call.path_int("user_id"))


async def patch_user(call: Call, body: AdminUserPatch) -> UserOut:
    """Edit a user's profile, role or active flag (administrators). Deactivating signs the user out everywhere
    and revokes their API tokens."""
    return await call.run(service.admin_update_user, call.path_int("user_id"), body)


async def delete_user(call: Call, query: DeleteUserQuery) -> None:
    """Delete a user; refused while they own data unless `reassign_to` is given (administrators)."""
    await call.run(service.delete_user, call.path_int("user_id"), call.user.user_id, query.reassign_to)


async def reset_password(call: Call, body: PasswordReset) -> None:
    """Set a new password for a user, sign them out everywhere and revoke their API tokens (administrators)."""
    await call.run(service.reset_password, call.path_int("user_id"), body.new_password)


async def list_invites(call: Call) -> InviteList:
    """Invite links and their state (administrators)."""
    return call.read(_onboarding.list_invites)


async def create_invite(call: Call, body: InviteCreate) -> InviteCreated:
    """Create a single-use registration link (administrators); the token is shown only here."""
    if call.state.need(SETTINGS_STORE).get_str("registration") == "closed":
        raise InvitesDisabled()
    return await call.run(_onboarding.create_invite, body, call.user.user_id)


async def revoke_invite(call: Call) -> None:
    """Revoke an unused invite (administrators)."""
    await call.run(_onboarding.revoke_invite, call.path_int("invite_id"))


async def create_reset(call: Call, body: ResetCreate) -> ResetCreated:
    """A one-time link for the user to set a new password (shown once; their older open links stop working)."""
    return await call.run(_resets.create_reset, call.path_int("user_id"), body, call.user.user_id)


async def list_resets(call: Call) -> ResetList:
    """Reset links, newest first, with their state (open, used, expired, revoked)."""
    return call.read(_resets.list_resets)


async def revoke_reset(call: Call) -> None:
    """Revoke a reset link that was not used yet."""
    await call.run(_resets.revoke_reset, call.path_int("reset_id"))


async def check_reset(call: Call, body: ResetCheckIn) -> ResetCheckOut:
    """Whether a reset link works (and for which user name), so the page can say so before the form is filled."""
    _throttle_anonymous(call)
    return call.read(_resets.check_reset, body.token)


async def use_reset(call: Call, body: ResetIn) -> Response:
    """Set a new password with a reset link; the user's other sessions and API tokens end, and this browser is
    signed in."""
    _throttle_anonymous(call)
    user_id = await call.run(_resets.use_reset, body)
    return await _signed_in(call, await call.run(service.get_user, user_id))


A, U, P = Access.ADMIN, Access.USER, Access.PUBLIC
ROUTES = [
    ApiRoute("GET", "/api/setup", get_setup, access=P, response=SetupStatus),
    ApiRoute("POST", "/api/setup", post_setup, access=P, body=SetupIn, response=SignedIn, status=201),
    ApiRoute("POST", "/api/auth/register", register, access=P, body=RegisterIn, response=SignedIn, status=201),
    ApiRoute("POST", "/api/auth/invite-check", check_invite, access=P, body=InviteCheckIn, response=InviteCheckOut),
    ApiRoute("POST", "/api/auth/login", login, access=P, body=LoginIn, response=SignedIn),
    ApiRoute("POST", "/api/auth/logout", logout, access=U, status=204),
    ApiRoute("POST", "/api/auth/logout-all", logout_all, access=U, body=LogoutAllIn, body_required=False, status=204),
    ApiRoute("GET", "/api/auth/me", get_me, access=U, response=SignedIn),
    ApiRoute("PATCH", "/api/auth/me", patch_me, access=U, body=ProfilePatch, response=SignedIn),
    ApiRoute("POST", "/api/auth/password", change_password, access=U, body=PasswordChange, status=204),
    ApiRoute("GET", "/api/auth/sessions", list_sessions, access=U, response=SessionList),
    ApiRoute("DELETE", "/api/auth/sessions/{session_id:int}", revoke_session, access=U, status=204),
    ApiRoute("GET", "/api/auth/tokens", list_tokens, access=U, response=TokenList),
    ApiRoute("POST", "/api/auth/tokens", create_token, access=U, body=TokenCreate, response=TokenCreated, status=201),
    ApiRoute("DELETE", "/api/auth/tokens/{token_id:int}", revoke_token, access=U, status=204),
    ApiRoute("GET", "/api/users", list_users, access=A, query=UserQuery, response=UserPage),
    ApiRoute("GET", "/api/people", list_people, access=U, query=PeopleQuery, response=PeoplePage),
    ApiRoute("GET", "/api/people/{username}", get_person, access=U, response=PersonDetail),
    ApiRoute("POST", "/api/users", create_user, access=A, body=UserCreate, response=UserOut, status=201),
    ApiRoute("GET", "/api/users/{user_id:int}", get_user, access=A, response=UserOut),
    ApiRoute("PATCH", "/api/users/{user_id:int}", patch_user, access=A, body=AdminUserPatch, response=UserOut),
    ApiRoute("DELETE", "/api/users/{user_id:int}", delete_user, access=A, query=DeleteUserQuery, status=204),
    ApiRoute("POST", "/api/users/{user_id:int}/password", reset_password, access=A, body=PasswordReset, status=204),
    ApiRoute("GET", "/api/invites", list_invites, access=A, response=InviteList),
    ApiRoute("POST", "/api/invites", create_invite, access=A, body=InviteCreate, response=InviteCreated, status=201),
    ApiRoute("DELETE", "/api/invites/{invite_id:int}", revoke_invite, access=A, status=204),
    ApiRoute(
        "POST",
        "/api/users/{user_id:int}/reset-link",
        create_reset,
        access=A,
        body=ResetCreate,
        body_required=False,
        response=ResetCreated,
        status=201,
    ),
    ApiRoute("GET", "/api/password-resets", list_resets, access=A, response=ResetList),
    ApiRoute("DELETE", "/api/password-resets/{reset_id:int}", revoke_reset, access=A, status=204),
    ApiRoute("POST", "/api/auth/reset-check", check_reset, access=P, body=ResetCheckIn, response=ResetCheckOut),
    ApiRoute("POST", "/api/auth/reset", use_reset, access=P, body=ResetIn, response=SignedIn),
]
