"""The web pages the hub serves from assets/pages: kiosk, displays, caller, pad, dashboard.

Each page is static HTML+JS that talks to the REST API and `/live`; the
routes only hand out the files, so the same page works in pywebview and in a
plain browser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, render_template_string, send_from_directory

pages = Blueprint("pages", __name__)

# path -> page file under assets/pages
PAGES = {
    "kiosk": "kiosk.html",
    "display_hall": "hall.html",
    "display_window": "window.html",
    "caller": "caller.html",
    "pad": "pad.html",
    "manage": "manage.html",
    "ticket": "ticket.html",
    "case": "case.html",
    "book": "book.html",  # served by hub/web/api_book.py
}


def available(assets_dir: str, name: str) -> bool:
    """Whether the page `name` exists in this installation."""
    return (Path(assets_dir) / "pages" / PAGES[name]).is_file()


def _page(name: str) -> Any:
    folder = Path(current_app.extensions["jiaohao"].settings.assets_dir) / "pages"
    if not available(str(folder.parent), name):
        abort(404)
    response = send_from_directory(folder, PAGES[name], max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@pages.get("/kiosk")
def kiosk() -> Any:
    return _page("kiosk")


@pages.get("/display/hall")
def display_hall() -> Any:
    return _page("display_hall")


@pages.get("/display/window/<int:window>")
def display_window(window: int) -> Any:
    return _page("display_window")


@pages.get("/caller")
def caller() -> Any:
    return _page("caller")


@pages.get("/pad/window/<int:window>")
def pad(window: int) -> Any:
    return _page("pad")


@pages.get("/manage")
def manage() -> Any:
    return _page("manage")


@pages.get("/t/<ticket_id>")
def ticket(ticket_id: str) -> Any:
    return _page("ticket")


@pages.get("/c")
def case() -> Any:
    """The citizen's case page: look a case (办件) up by its number and phone."""
    return _page("case")


INDEX = """<!doctype html><html lang="zh-CN"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>叫号系统 jiaohao</title>
<link rel="stylesheet" href="/assets/css/index.css">
<h1>{{ name }}</h1>
{% for href, label in links %}<a href="{{ href }}">{{ label }}</a>{% endfor %}
<p><a href="/api/v1/openapi.json">API (OpenAPI)</a></p></html>"""


@pages.get("/")
def index() -> Any:
    hub = current_app.extensions["jiaohao"]
    center = hub.center()
    name = center.state.config.name.zh if center else "叫号系统"
    links = [
        (href, label)
        for name, href, label in (
            ("kiosk", "/kiosk", "取号机 Kiosk"),
            ("display_hall", "/display/hall", "综合屏 Hall display"),
            ("display_window", "/display/window/1", "窗口屏 Window display (1号)"),
            ("caller", "/caller", "窗口叫号 Caller"),
            ("pad", "/pad/window/1", "评价器 Rating pad (1号)"),
            ("manage", "/manage", "管理 Dashboard"),
            ("case", "/c", "办件查询 My case"),
            ("book", "/book", "网上预约 Book"),
        )
        if available(hub.settings.assets_dir, name)
    ]
    return render_template_string(INDEX, name=name, links=links)
