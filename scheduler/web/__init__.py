"""``scheduler serve``: the web page for coordinators who do not use a terminal.

``app`` (the Starlette application and its pages), ``jobs`` (uploads, the queue and the child
processes), ``work`` (what a child process does), ``upload`` (the streaming upload) and
``i18n`` (every string of the page, in Dutch, English and French).
"""
