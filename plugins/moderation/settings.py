"""The moderation plugin's settings, with WordPress's defaults where WordPress has one."""

from __future__ import annotations

from hlsblog import PluginSetting, settings_for

NAME = "moderation"

SETTINGS = [
    PluginSetting(
        "max_links",
        "int",
        2,
        "Hold a comment with this many links or more",
        help="WordPress's default is 2; 0 turns the rule off.",
    ),
    PluginSetting(
        "moderation_words",
        "text",
        "",
        "Moderation words (hold)",
        help="One word or IP per line; matched in the name, mail, website, text, "
        "IP and browser's user agent, inside words too.",
    ),
    PluginSetting(
        "disallowed_words",
        "text",
        "",
        "Disallowed words",
        help="One per line; matched like moderation words, and in the text with tags stripped.",
    ),
    PluginSetting(
        "disallowed_action",
        "choice",
        "spam",
        "Disallowed comments go to",
        choices=("spam", "trash"),
    ),
    PluginSetting(
        "hold_first",
        "bool",
        True,
        "Hold a commenter's first comment",
        help="Until one of theirs (same name and mail) has been approved.",
    ),
    PluginSetting("hold_all", "bool", False, "Hold every comment for approval"),
    PluginSetting("hold_pings", "bool", True, "Hold TrackBacks, Pingbacks and Webmentions"),
    PluginSetting("close_old", "bool", False, "Close comments on old posts"),
    PluginSetting("close_after_days", "int", 14, "…older than this many days"),
    PluginSetting(
        "flood_seconds",
        "int",
        15,
        "Seconds between two comments from one IP or mail",
        help="0 turns the flood check off.",
    ),
    PluginSetting(
        "purge_days",
        "int",
        30,
        "Empty spam and trash after this many days",
        help="0 keeps them for ever.",
    ),
    PluginSetting("smtp_host", "str", "", "SMTP server", help="Empty: no mail is sent."),
    PluginSetting("smtp_port", "int", 587, "SMTP port"),
    PluginSetting(
        "smtp_security", "choice", "starttls", "SMTP security", choices=("starttls", "ssl", "none")
    ),
    PluginSetting("smtp_user", "str", "", "SMTP user name", help="Empty: no login."),
    PluginSetting("smtp_password", env="HLSBLOG_SMTP_PASSWORD", label="SMTP password"),
    PluginSetting(
        "mail_from",
        "str",
        "",
        "Send mail from",
        help="An address the SMTP server accepts, e.g. blog@example.org.",
    ),
    PluginSetting("mail_held", "bool", True, "Mail the post's author when a comment is held"),
    PluginSetting(
        "mail_published", "bool", False, "Mail the post's author when a comment is published"
    ),
]


settings = settings_for(NAME)


def words(name: str) -> list[str]:
    """A word-list setting as lower-case words, blank lines dropped."""
    text = str(getattr(settings, name) or "")
    return [w.strip().lower() for w in text.splitlines() if w.strip()]
