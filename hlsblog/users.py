"""People who write: a new user, checked the same way from the admin and the command line."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from .extensions import db
from .models import User

ROLES = ("admin", "author")
MIN_PASSWORD = 8


def check_new_password(password: str) -> None:
    """``ValueError`` with a reason when ``password`` is too weak to set."""
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"A password has at least {MIN_PASSWORD} characters.")


def create_user(
    username: str, email: str, password: str, role: str, display_name: str = ""
) -> User:
    """A new user; ``ValueError`` with a reason when the details don't fit."""
    if (
        not username
        or len(username) > 60
        or not username.replace("-", "").replace("_", "").isalnum()
    ):
        raise ValueError("A username is 1 to 60 letters, digits, - or _.")
    if role not in ROLES:
        raise ValueError("The role is admin or author.")
    check_new_password(password)
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"The mail address is not valid: {exc}") from exc
    if db.session.scalar(db.select(User).where(User.username == username)):
        raise ValueError(f"There is already a user {username}.")
    user = User(username=username, email=email, role=role, display_name=display_name or username)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user
