"""The Flask extensions, created once and bound to each app with ``init_app``."""

from typing import Any

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm.decl_base import _declarative_constructor


class Base(DeclarativeBase):
    """Declarative base shared by the core's models and every plugin's.

    A new object gets its columns' plain defaults at once, not only when it is inserted, so
    code that renders or checks an unsaved post or comment sees the same values the row will.
    """

    def __init__(self, **kwargs: Any) -> None:
        for column in self.__table__.columns:  # type: ignore[attr-defined]
            default = column.default
            if default is not None and default.is_scalar and column.key not in kwargs:
                kwargs[column.key] = default.arg
        _declarative_constructor(self, **kwargs)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
migrate = Migrate()
