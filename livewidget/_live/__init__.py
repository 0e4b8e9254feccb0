"""What a view does by itself, between events: timers, background work, PubSub, the loop.

The lowest of livewidget's working layers: it knows no session, socket class or view class,
only the small protocols in :mod:`livewidget._live.types`, which the layers above satisfy.
"""
