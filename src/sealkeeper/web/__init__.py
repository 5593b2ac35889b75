"""The web pages (issue 7): server-rendered Jinja2 templates on the same service as the API.

Chinese (zh-CN) by default, English by a switch; every text goes through the Babel catalogue
(``locale/<lang>/LC_MESSAGES/messages.po``). Pages call the same services as the API, so the same access
policy decides and logs every page's reads and actions. Sign-in gives an HttpOnly, SameSite=Strict session
cookie; every form carries a CSRF token bound to the session.
"""

from sealkeeper.web.pages import install

__all__ = ["install"]
