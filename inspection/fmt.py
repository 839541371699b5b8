"""Numbers the Chinese way: 万 for large counts, percentages with one decimal, 万元 for money."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal


def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return value != value or (isinstance(value, float) and math.isinf(value))
    except TypeError:
        return True


def number(value, lang: str = "zh", decimals: int = 0) -> str:
    """12345 -> '1.23万' (zh) or '12,345' (en); below 10,000 with thousands separators."""
    if _missing(value):
        return "—"
    value = float(value)
    if lang == "zh" and abs(value) >= 100_000_000:
        return f"{value / 100_000_000:.2f}亿"
    if lang == "zh" and abs(value) >= 10_000:
        return f"{value / 10_000:.2f}万"
    return f"{value:,.{decimals}f}"


def per_month(value, lang: str = "zh") -> str:
    """Units a month, one decimal; a positive number below 0.05 is 不足0.1, never a 0.0 beside a
    district marked behind (one unit left over five years is 0.02 a month)."""
    if not _missing(value) and 0 < float(value) < 0.05:
        return "不足0.1" if lang == "zh" else "under 0.1"
    return number(value, lang, 1)


def listed(value, listed_issues, lang: str = "zh") -> str:
    """A count of the issue list (overdue, long-term): — when no issue is listed under the filters (with
    no issue list, how many are overdue is not known: not 0)."""
    if _missing(listed_issues) or not listed_issues:
        return "—"
    return count(value, lang)


def count(value, lang: str = "zh") -> str:
    return number(value, lang, 0)


def percent(fraction, decimals: int = 1) -> str:
    """A fraction 0..1 as '98.3%'."""
    if _missing(fraction):
        return "—"
    return f"{shown_percent(fraction, decimals):.{decimals}f}%"


def shown_percent(fraction, decimals: int = 1) -> Decimal:
    """The percentage `percent` writes, as a number (81.3 for 0.8125): rounded half up on the exact
    value, as the browser's toFixed does for a chart's '%{y:.1f}' of the same fraction * 100:
    Python's own format rounds a tie to even (81.25 -> 81.2 beside a chart's 81.3). The one rounding
    of rates on screen, in exports and in the written report (issue 25 item 9)."""
    step = Decimal(1).scaleb(-decimals)
    return Decimal(float(fraction) * 100).quantize(step, rounding=ROUND_HALF_UP)


def points(fraction, lang: str = "zh") -> str:
    """A change of a fraction in percentage points, signed: '+12.3个百分点'."""
    if _missing(fraction):
        return "—"
    unit = "个百分点" if lang == "zh" else " pp"
    return f"{float(fraction) * 100:+.1f}{unit}"


def change(current, previous) -> str | None:
    """Relative change, signed, one decimal: '+12.3%'; None when it cannot be computed."""
    if _missing(current) or _missing(previous) or float(previous) == 0:
        return None
    return f"{(float(current) / float(previous) - 1) * 100:+.1f}%"


def money(value_wan, lang: str = "zh") -> str:
    """An amount held in 万元."""
    if _missing(value_wan):
        return "—"
    value = float(value_wan)
    if lang == "zh":
        return f"{value / 10_000:.2f}亿元" if abs(value) >= 10_000 else f"{value:,.1f}万元"
    return f"{value * 10_000:,.0f} yuan"


def ratio(value, lang: str = "zh") -> str:
    """A municipal/county ratio: '1.23 倍'."""
    if _missing(value):
        return "—"
    return f"{float(value):.2f} 倍" if lang == "zh" else f"{float(value):.2f}×"


def average(value) -> str:
    if _missing(value):
        return "—"
    return f"{float(value):.2f}"
