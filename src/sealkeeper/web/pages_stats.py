"""The statistician's page (issue 8): the releases that can be asked for, the privacy budget spent and left, a
release form, and the result — each number with its 95% interval, the epsilon spent, and the chart (SVG).

The page calls the same services as the API and the command line: the policy decides and logs the reading
(``read_statistics``), and a release is spent and in the ledger before its numbers are shown. The chart is
drawn from the release just made (post-processing: no further privacy loss) and shown inline as an image.
"""

from __future__ import annotations

import base64
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sealkeeper.errors import SealkeeperError
from sealkeeper.services import stats
from sealkeeper.stats.budget import show
from sealkeeper.stats.errors import BudgetExceededError
from sealkeeper.stats.queries import QUERIES
from sealkeeper.web.i18n import language, translations
from sealkeeper.web.pages import account_or_login, posted, render
from sealkeeper.web.refusals import said
from sealkeeper.web.session import LANG_COOKIE

router = APIRouter(include_in_schema=False)


def _budgets(request: Request, account: Any) -> list[dict[str, str]]:
    views = stats.budgets_for(request.app.state.settings, account, request.app.state.clock())
    return [
        {"dataset": v.budget.dataset, "period": v.budget.period, "total": show(v.budget.total),
         "spent": show(v.budget.spent), "remaining": show(v.budget.remaining)}
        for v in views
    ]  # fmt: skip


def _page(request: Request, account: Any, status: int = 200, **context: Any) -> Response:
    try:
        budgets = _budgets(request, account)
    except SealkeeperError as exc:
        return render(request, "error.html", 403, account=account, message=said(request, exc))
    form = context.pop("form", {"query": "sealed-by-year", "epsilon": "1"})
    return render(request, "stats.html", status, account=account, queries=list(QUERIES.values()), budgets=budgets,
                  form=form, **context)  # fmt: skip


@router.get("/stats")
def stats_page(request: Request) -> Response:
    account = account_or_login(request)
    if isinstance(account, Response):
        return account
    return _page(request, account)


def _chart(request: Request, result: Any, title: str) -> str:
    """The release's chart as a data URI (SVG), with its labels in the page's language."""
    from sealkeeper.stats.charts import render as draw  # noqa: PLC0415 - matplotlib only when a release is shown

    gettext = translations(language(request.cookies.get(LANG_COOKIE))).gettext
    note = gettext("epsilon %(epsilon)s, discrete Laplace (scale %(scale)s)") % {
        "epsilon": show(result.epsilon_micro), "scale": f"{result.scale:.3g}"
    }  # fmt: skip
    svg = draw(result, "svg", gettext(title), ylabel=gettext("count (with 95% interval)"), note=note)
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


@router.post("/stats/release")
async def stats_release(request: Request) -> Response:
    got = await posted(request)
    if isinstance(got, Response):
        return got
    account, posted_form = got
    form = {key: str(posted_form.get(key, "")).strip()[:32] for key in ("query", "epsilon")}
    settings, now = request.app.state.settings, request.app.state.clock()
    errors = {name: "required" for name, value in form.items() if not value}
    if errors:
        return _page(request, account, 422, form=form, errors=errors)
    try:
        result = stats.release(settings, form["query"], form["epsilon"], now, account=account)
    except BudgetExceededError as exc:
        return _page(request, account, 409, form=form, errors={"epsilon": said(request, exc)})
    except SealkeeperError as exc:
        field = "query" if str(exc).startswith("query") else "epsilon" if str(exc).startswith("epsilon") else "form"
        return _page(request, account, 403 if field == "form" else 422, form=form, errors={field: said(request, exc)})
    spec = QUERIES[result.query]
    return _page(request, account, form=form, result=result, title=spec.title,
                 chart=_chart(request, result, spec.title), epsilon=show(result.epsilon_micro))  # fmt: skip
