"""The signed-in person as Flask-Login sees them: a detached copy of their user row."""

from __future__ import annotations

from dataclasses import dataclass

from flask_login import UserMixin

from bot.models import User


@dataclass(frozen=True)
class Viewer(UserMixin):  # type: ignore[misc]
    """Who is signed in: id, address, role, department and language."""

    id: int
    email: str
    role: str
    department: str | None
    language: str
    stamp: str  # changes with the password, which ends every other session

    @classmethod
    def of(cls, user: User) -> Viewer:
        """Return the viewer for a user row."""
        return cls(
            user.id,
            user.email,
            user.role,
            user.department,
            user.language,
            user.password_hash[-12:],
        )

    def get_id(self) -> str:
        """Return the session's token: the user id and a stamp of the password."""
        return f"{self.id}.{self.stamp}"

    def as_user(self) -> User:
        """Return a transient user row with the viewer's role and department."""
        return User(id=self.id, email=self.email, role=self.role, department=self.department)
