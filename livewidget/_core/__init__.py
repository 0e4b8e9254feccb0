"""The transport-agnostic core: a widget's session and the collaborators it owns.

The session takes inbound messages, runs them in order (:mod:`.queue`, :mod:`.messages`),
calls the view (:mod:`.callbacks`), renders, diffs and sends one reply. Moving between URLs
and mounting views is its :class:`~livewidget._core.navigation.Navigator`; taking over
redefined classes and edited templates its :class:`~livewidget._core.prototyping.Prototyper`.
The top of the stack: it imports the layers below (routing, views, socket, live work,
templates) and nothing below imports it.
"""
