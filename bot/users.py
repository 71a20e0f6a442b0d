"""Dashboard users: roles, Argon2id password hashes, and the checks a sign-in makes.

Passwords are hashed with Argon2id (argon2-cffi's defaults: 64 MiB, 3 passes), verified in
constant time, and re-hashed on sign-in when the parameters change. A viewer belongs to one
department and sees only it; an analyst sees everything and downloads the exports; an admin
also manages users and e-mail subscriptions.
"""

from __future__ import annotations

import re
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from bot import repository
from bot.departments import get_department, list_departments
from bot.models import User

ROLES = ("admin", "analyst", "viewer")
MIN_PASSWORD = 12
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_hasher = PasswordHasher()
# Verified when the address is unknown, so that a wrong address takes as long as a wrong
# password and sign-in does not reveal who has an account.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


class UserError(ValueError):
    """A user cannot be created or changed as asked; the message says why."""


def hash_password(password: str) -> str:
    """Return the Argon2id hash of a password."""
    return _hasher.hash(password)


def check_new_user(
    session: Session, email: str, role: str, department: str | None, password: str
) -> None:
    """Raise UserError when the values cannot make a user."""
    if not _EMAIL.match(email.strip()):
        raise UserError(f"{email!r} is not an e-mail address")
    if role not in ROLES:
        raise UserError(f"the role must be one of {', '.join(ROLES)}")
    if role == "viewer" and not department:
        raise UserError("a viewer needs --department CODE: the department they may see")
    if role != "viewer" and department:
        raise UserError("only a viewer belongs to a department; admins and analysts see all")
    if department and get_department(session, department) is None:
        known = ", ".join(d.code for d in list_departments(session, include_inactive=True))
        raise UserError(f"unknown department {department!r}; known: {known}")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password needs at least {MIN_PASSWORD} characters")


def create_user(
    session: Session,
    email: str,
    role: str,
    department: str | None,
    password: str,
    now: datetime,
    language: str = "en",
) -> User:
    """Create a user after checking every value; raise UserError otherwise."""
    check_new_user(session, email, role, department, password)
    if repository.find_user(session, email) is not None:
        raise UserError(f"a user {email} exists already")
    return repository.add_user(
        session,
        User(
            email=email.strip().lower(),
            password_hash=hash_password(password),
            role=role,
            department=department or None,
            language=language,
            created_at=now,
        ),
    )


def authenticate(session: Session, email: str, password: str, now: datetime) -> User | None:
    """Return the active user with this address and password, or None."""
    user = repository.find_user(session, email)
    stored = user.password_hash if user is not None else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or user.disabled_at is not None:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    return user
