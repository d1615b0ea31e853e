"""The responsiveness index (响应指数): the weighted mean of the four rates, weights from the settings."""

from __future__ import annotations

from ..core.settings import get_setting

INDEX_RATES = ("reply_rate", "on_time_rate", "satisfaction_rate", "resolved_rate")


def index_weights() -> dict[str, float]:
    weights = get_setting("INDEX_WEIGHTS")
    return {name: float(weights.get(name, 0)) for name in INDEX_RATES}


def responsiveness_index(row: dict) -> float | None:
    """响应指数 0–100: the weighted mean of the four rates; a null rate takes its weight out."""
    weights = index_weights()
    present = [(weights[name], row[name]) for name in INDEX_RATES if row[name] is not None and weights[name] > 0]
    total = sum(w for w, _ in present)
    if not total:
        return None
    return round(100 * sum(w * rate for w, rate in present) / total, 1)


def index_formula() -> str:
    """The formula as printed beside the index, with the weights in force."""
    from flask_babel import gettext as _

    w = {name: f"{value:g}" for name, value in index_weights().items()}
    return _("响应指数 = 100 × (%(a)s×回复率 + %(b)s×按时回复率 + %(c)s×满意率 + %(d)s×解决率) ÷ "
             "参与计算的权重之和（某项比率无数据时，其权重不计入）",
             a=w["reply_rate"], b=w["on_time_rate"], c=w["satisfaction_rate"], d=w["resolved_rate"])
