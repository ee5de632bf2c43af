"""Human-readable sizes, speeds and durations for the table and status bar."""

from __future__ import annotations

import logging
import re

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLocale

log = logging.getLogger(__name__)

_PLACE_HOLDER = re.compile(r"%([1-9])")
_SIZE_FORMAT = QLocale.DataSizeFormat.DataSizeTraditionalFormat  # "1.5 MB", like Explorer/IDM
_UNLIMITED = QT_TRANSLATE_NOOP("Formatting", "Unlimited")
KB = 1024  # the table's units (traditional: 1 KB = 1024 bytes)
MAX_SPEED_KB = 10_000_000  # the highest speed limit a box accepts, in KB/s


def display_locale() -> QLocale:
    """The person's locale for numbers and dates; under the C (POSIX) locale,
    which chooses none, American English, so a date reads "12/2/26 1:38 PM"
    and 10,000 has its separator, not "2 12 2026 13:38" and 10000."""
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    return locale


def format_size(locale: QLocale, size: int | None) -> str:
    """``size`` bytes in human units; a dash when unknown."""
    if size is None:
        return "—"
    return locale.formattedDataSize(size, 1, _SIZE_FORMAT)


def format_speed(locale: QLocale, speed: float) -> str:
    """Bytes per second in human units (``"2.4 MB/s"``); empty when stopped."""
    if speed <= 0:
        return ""
    return locale.formattedDataSize(round(speed), 1, _SIZE_FORMAT) + "/s"


def unlimited() -> str:
    """The one word for "no speed limit", wherever a limit is shown or asked."""
    return QCoreApplication.translate("Formatting", str(_UNLIMITED))


def format_limit(locale: QLocale, limit: int | None) -> str:
    """A speed limit in bytes per second: its speed, or "Unlimited" for none (0)."""
    return format_speed(locale, limit) if limit else unlimited()


def format_percent(locale: QLocale, fraction: float) -> str:
    """``0.4213`` → ``"42.1 %"``; whole numbers at 0 and 100."""
    percent = fraction * 100
    decimals = 0 if percent in (0, 100) else 1
    return f"{locale.toString(percent, 'f', decimals)} %"


def format_duration(seconds: float | None) -> str:
    """A remaining time such as ``"45 s"``, ``"3 min 05 s"``, ``"2 h 10 min"``."""
    if seconds is None:
        return ""
    total = max(0, round(seconds))
    if total < 60:
        return with_args(QCoreApplication.translate("Formatting", "%1 s"), str(total))
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        text = QCoreApplication.translate("Formatting", "%1 min %2 s")
        return with_args(text, str(minutes), f"{secs:02d}")
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        text = QCoreApplication.translate("Formatting", "%1 h %2 min")
        return with_args(text, str(hours), f"{minutes:02d}")
    days, hours = divmod(hours, 24)
    return with_args(QCoreApplication.translate("Formatting", "%1 d %2 h"), str(days), str(hours))


def with_args(text: str, *values: object) -> str:
    """``text`` with Qt-style place holders ``%1`` … ``%9`` replaced by ``values``
    in one pass (a translation may reorder them; a value may itself hold a ``%2``)."""
    return _PLACE_HOLDER.sub(
        lambda m: str(values[int(m[1]) - 1]) if int(m[1]) <= len(values) else m[0], text
    )
