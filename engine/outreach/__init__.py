"""Target audience and outreach: who fits each goal, whom to contact first, and what to say.

``opportunities`` ranks contacts against the goals and ``event_suggestions`` events, ``audience``
says who belongs to each segment, ``learning`` is the response model learned from logged outcomes,
``messages`` and ``pitch`` are the communication strategy (templates filled per contact, the elevator pitch).
"""
