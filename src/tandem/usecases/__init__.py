"""What project admins can do, written once for every way in (the JSON API, the admin pages).

Each use case owns its unit of work (the transactions it opens, the worker it wakes, the audit
entry it writes) and takes only what it needs, keyword-only: the database (``db``), the Jira
client pool (``jira``), the verified ``caller``. The HTTP adapters in ``tandem.web.api`` and
``tandem.web.pages`` read a request, call one use case and shape its answer.
"""
