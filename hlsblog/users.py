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
    email = checked_email(email)
    if db.session.scalar(db.select(User).where(User.username == username)):
        raise ValueError(f"There is already a user {username}.")
    user = User(username=username, email=email, role=role, display_name=display_name or username)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def checked_email(email: str) -> str:
    """The address normalised; ``ValueError`` with a reason when it is not one."""
    try:
        return str(validate_email(email, check_deliverability=False).normalized)
    except EmailNotValidError as exc:
        raise ValueError(f"The mail address is not valid: {exc}") from exc


def update_details(user: User, display_name: str, email: str) -> None:
    """Change the name shown and the mail address; ``ValueError`` when one doesn't fit."""
    if len(display_name) > 250:
        raise ValueError("A display name is at most 250 characters.")
    user.email = checked_email(email)
    user.display_name = display_name or user.username


def other_admins(user: User) -> int:
    """How many enabled admins the blog has besides ``user``."""
    query = db.select(db.func.count(User.id)).where(
        User.role == "admin", User.disabled.is_(False), User.id != user.id
    )
    return int(db.session.scalar(query) or 0)
