"""Planning the week: goals from templates, follow-ups and keep-in-touch cadences, pace and progress.

``agenda`` is the Today page's answer (what is due, who is going cold, the next best outreach);
``followups`` holds the rules behind it; ``pace`` and ``progress`` measure a goal against its date.
"""
